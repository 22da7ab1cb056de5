//! Phone photos as phones save them: HEIC (iPhones since 2017, many Android phones) and AVIF decoded
//! upright, their location dropped, a burst's primary picture, a 200 MP grid within bounds,
//! and what cannot be read refused by name.
use caiji_image::check;
use caiji_image::decode::{self, Limits, SourceFormat};
use caiji_image::merge::{self, Page};
use caiji_image::pipeline::{self, FrameMode, Options, Source};
use caiji_image::spec::Registry;
use caiji_tests::*;
use std::sync::Arc;

fn read(name: &str) -> Arc<[u8]> {
    Arc::from(std::fs::read(fixture(name)).unwrap())
}

/// No EXIF, XMP or other application segment: nothing but the picture.
fn carries_no_metadata(jpeg: &[u8]) -> bool {
    jpeg_segments(jpeg).iter().all(|(m, _)| !(0xE1..=0xEF).contains(m))
}

/// The phone portrait (stored sideways on a blue wall) in `data` framed from the face on a
/// whitened wall for the national photo: it passes every rule, carries no metadata, and is the
/// picture the same photo taken as a JPEG gives (distance of the two outputs returned).
fn national_photo_like_the_jpeg(data: Arc<[u8]>) -> (Vec<u8>, f64) {
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let opts = Options { frame: FrameMode::Face, whiten: true, ..Options::default() };
    let ours = pipeline::prepare(&Source::for_spec(data, spec).unwrap(), spec, &opts).unwrap();
    let from_jpeg = pipeline::prepare(&Source::for_spec(plain_wall_sideways_jpeg().into(), spec).unwrap(), spec, &opts).unwrap();
    let report = check::check_photo(&ours.jpeg, spec);
    assert!(report.passed, "{:?}", report.failures().collect::<Vec<_>>());
    assert!(carries_no_metadata(&ours.jpeg));
    let (a, b) = (image::load_from_memory(&ours.jpeg).unwrap(), image::load_from_memory(&from_jpeg.jpeg).unwrap());
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    (ours.jpeg, picture_distance(&a, &b))
}

#[test]
fn an_iphone_heic_with_gps_becomes_an_upright_national_photo_without_it() {
    let heic = read("phone_portrait.heic");
    // The checker sees what the phone wrote: HEIC, with a location.
    let facts = check::facts(&heic).unwrap().0;
    assert_eq!(facts.format, Some(SourceFormat::Heic));
    assert!(facts.gps, "the location is reported");
    assert_eq!((facts.width, facts.height), (498, 600), "upright by its rotation (irot)");
    // Framed from the face on a whitened wall, as the same photo taken as a JPEG is.
    let (jpeg, d) = national_photo_like_the_jpeg(heic);
    assert!(!check::facts(&jpeg).unwrap().0.gps);
    assert!(d < 4.0, "the same picture, the same way up: distance {d:.2}");
}

#[test]
fn a_heic_page_becomes_a_national_proof() {
    let heic = read("typewriter_page.heic");
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(heic.clone(), &spec).unwrap();
    assert_eq!(s.size(), (2000, 1432));
    let p = merge::merge(&[Page::new(&s, None)], &spec).unwrap();
    assert!(check::check(&p.jpeg, &spec).passed);
    assert!(carries_no_metadata(&p.jpeg));
    // Legible: the same page as the decoder gave it.
    let out = image::load_from_memory(&p.jpeg).unwrap();
    let src = decode::decode(&heic, 1.0, Limits::default()).unwrap().image;
    let reference = caiji_image::resize::resize_region(&src, (0.0, 0.0, 2000.0, 1432.0), out.width(), out.height()).unwrap();
    let s = ssim(&out, &reference);
    assert!(s > 0.9, "SSIM {s}");
}

#[test]
fn a_burst_gives_its_primary_picture_and_a_real_phone_heic_loses_its_location() {
    // Nokia's burst of four: the primary picture (1280×720), as libheif's heif-convert gives it.
    let burst = std::fs::read(sample("formats/nokia_burst_4.heic")).unwrap();
    let d = decode::decode(&burst, 1.0, Limits::default()).unwrap();
    assert_eq!((d.image.width(), d.image.height()), (1280, 720));
    // A Xiaomi phone's HEIC with GPS: reported on the way in, gone on the way out.
    let xiaomi = std::fs::read(sample("formats/xiaomi_gps.heic")).unwrap();
    assert!(check::facts(&xiaomi).unwrap().0.gps);
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(xiaomi.into(), &spec).unwrap();
    let p = merge::merge(&[Page::new(&s, None)], &spec).unwrap();
    assert!(check::check(&p.jpeg, &spec).passed);
    assert!(carries_no_metadata(&p.jpeg));
}

#[test]
fn a_ten_bit_heif_is_refused_by_name_with_what_to_do() {
    let data = std::fs::read(sample("formats/RGB_10bit_128.heif")).unwrap();
    let e = decode::decode(&data, 1.0, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "unsupported_format");
    assert!(e.msg().zh.contains("10-bit") && e.msg().zh.contains("JPEG"), "{}", e.msg().zh);
    // Damaged: cut in half.
    let heic = std::fs::read(fixture("typewriter_page.heic")).unwrap();
    let e = decode::decode(&heic[..heic.len() / 2], 1.0, Limits::default()).unwrap_err();
    assert!(matches!(e.code(), "truncated" | "corrupt"), "{e:?}");
}

#[test]
fn a_200_megapixel_phone_heic_becomes_a_proof_at_half_size() {
    // A Samsung 200 MP photo's size and structure: 32×24 tiles of 512, cropped to 16320×12240.
    let tile = std::fs::read(fixture("tile512.heic")).unwrap();
    let big = heic_grid(&tile, 32, 24, 16320, 12240);
    assert!(big.len() < 100_000, "{} B", big.len());
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(big.into(), &spec).unwrap();
    assert_eq!(s.size(), (16320, 12240));
    // Kept at half size (twice what an A4 page at 300 dpi needs), not 600 MB of pixels.
    assert_eq!((s.image().width(), s.image().height()), (8160, 6120));
    let p = merge::merge(&[Page::new(&s, None)], &spec).unwrap();
    assert!(check::check(&p.jpeg, &spec).passed);
    let out = image::load_from_memory(&p.jpeg).unwrap();
    // At most A4 at 300 dpi on the short side (fewer when 768 astronauts need more bytes),
    // the photo's shape kept.
    assert!(out.height() <= 2480 && out.height() > 1000, "{}", out.height());
    assert!((out.width() as f64 / out.height() as f64 - 16320.0 / 12240.0).abs() < 0.01);
    // The first tile is the astronaut, where the grid put it.
    let tile_px = decode::decode(&tile, 1.0, Limits::default()).unwrap().image;
    let k = out.height() as f64 / 12240.0;
    let at = |x: f64, y: f64| {
        let region = caiji_image::resize::resize_region(&out, (x * k, y * k, 512.0 * k, 512.0 * k), 64, 64).unwrap();
        picture_distance(&region, &tile_px)
    };
    let (here, shifted) = (at(512.0 * 3.0, 512.0 * 2.0), at(512.0 * 3.0 + 256.0, 512.0 * 2.0 + 128.0));
    assert!(here < 20.0 && shifted > 4.0 * here, "distance {here:.2} (shifted: {shifted:.2})");
}

#[test]
fn an_avif_turned_by_its_container_becomes_the_same_national_photo_as_the_jpeg() {
    // Stored sideways with `irot` 3 (a quarter turn clockwise), 4:2:0, full range.
    let avif = read("phone_portrait.avif");
    let facts = check::facts(&avif).unwrap().0;
    assert_eq!(facts.format, Some(SourceFormat::Avif));
    assert_eq!((facts.width, facts.height), (498, 600), "upright by its irot");
    let (_, d) = national_photo_like_the_jpeg(avif);
    assert!(d < 4.0, "the same picture, the same way up, the same colours: distance {d:.2}");
}

#[test]
fn a_ten_bit_limited_range_avif_page_keeps_its_tones() {
    // 10-bit, limited range (16–235): paper must come out white and ink black, not grey.
    let avif = read("page_10bit_limited.avif");
    let d = decode::decode(&avif, 1.0, Limits::default()).unwrap();
    assert_eq!((d.image.width(), d.image.height()), (2000, 1432));
    let typewriter = image::open(sample("documents/typewriter.png")).unwrap();
    let reference = caiji_image::resize::resize_region(&decode::normalise(typewriter), (0.0, 0.0, 4000.0, 2864.0), 2000, 1432).unwrap();
    let s = ssim(&d.image, &reference);
    assert!(s > 0.9, "SSIM {s}");
    let grey = d.image.to_luma8();
    let (lo, hi) = grey.pixels().fold((255u8, 0u8), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
    assert!(lo < 40 && hi > 245, "tones {lo}..{hi}");
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(avif, &spec).unwrap();
    let p = merge::merge(&[Page::new(&s, None)], &spec).unwrap();
    assert!(check::check(&p.jpeg, &spec).passed);
    // Damaged: refused, never a crash.
    let data = std::fs::read(fixture("page_10bit_limited.avif")).unwrap();
    for cut in [100, data.len() / 2, data.len() - 10] {
        let e = decode::decode(&data[..cut], 1.0, Limits::default()).unwrap_err();
        assert!(matches!(e.code(), "truncated" | "corrupt" | "unsupported_format"), "{cut}: {e:?}");
    }
}

#[test]
fn an_avif_mirrored_by_its_container_comes_out_as_viewers_show_it() {
    // `imir` axis 0: top and bottom exchanged (ISO/IEC 23008-12; libheif and libavif agree).
    let d = decode::decode(&read("mirrored.avif"), 1.0, Limits::default()).unwrap();
    let stored = decode::decode(&plain_wall_sideways_jpeg(), 1.0, Limits::default()).unwrap().image;
    let (right, wrong) = (picture_distance(&d.image, &stored.flipv()), picture_distance(&d.image, &stored.fliph()));
    assert!(right < 4.0 && wrong > 4.0 * right, "top-bottom {right:.2}, left-right {wrong:.2}");
}
