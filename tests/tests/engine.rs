//! The engine through its API: formats, orientation, windows, padding, broken files, bombs,
//! and every shipped spec against every sample.
use caiji_base::Error;
use caiji_image::check;
use caiji_image::decode::{self, Limits};
use caiji_image::pipeline::{self, Options, Source};
use caiji_image::spec::{parse_spec, Registry, Spec};
use caiji_tests::*;
use image::DynamicImage;
use std::path::Path;
use std::sync::Arc;

fn src(path: &Path, spec: &Spec) -> caiji_base::Result<Source> {
    Source::for_spec(Arc::from(std::fs::read(path).unwrap()), spec)
}

fn decode_independently(jpeg: &[u8]) -> DynamicImage {
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).expect("an independent decoder reads the output")
}

fn all_sample_files() -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for dir in ["photos", "exif", "formats", "documents", "broken"] {
        for e in std::fs::read_dir(samples().join(dir)).unwrap() {
            v.push(e.unwrap().path());
        }
    }
    v.sort();
    v
}

#[test]
fn every_spec_on_every_sample_is_compliant_or_refused_clearly() {
    let reg = Registry::builtin();
    let mut outputs = 0;
    for entry in reg.entries() {
        let spec = &entry.spec;
        for path in all_sample_files() {
            let result = src(&path, spec).and_then(|s| pipeline::prepare(&s, spec, &Options::default()));
            match result {
                Ok(p) => {
                    let report = check::check(&p.jpeg, spec);
                    assert!(report.passed, "{} × {}: output fails its own spec: {:?}", spec.id, path.display(), report.failures().collect::<Vec<_>>());
                    decode_independently(&p.jpeg);
                    // No sample (portraits, landscapes, scans, a page filling a camera's frame)
                    // is mistaken for a paper photographed on a desk.
                    assert!(!p.notes.iter().any(|n| n.zh.contains("已找到纸张")), "{} × {}: flattened", spec.id, path.display());
                    outputs += 1;
                }
                Err(e) => {
                    let m = e.msg();
                    assert!(!m.zh.is_empty() && !m.en.is_empty(), "{:?}", e);
                    assert!(
                        matches!(e, Error::TooSmall { .. } | Error::NotAnImage { .. } | Error::Truncated | Error::CannotFit { .. })
                            // 10-bit HEIF: named, with what to do (heic.rs).
                            || (matches!(e, Error::UnsupportedFormat { .. }) && path.ends_with("RGB_10bit_128.heif")),
                        "{} × {}: unexpected refusal {e:?}",
                        spec.id,
                        path.display()
                    );
                    // A refusal for size names the numbers.
                    if let Error::TooSmall { need_w, need_h, .. } = e {
                        assert!(m.en.contains(&format!("{need_w}×{need_h}")));
                    }
                }
            }
        }
    }
    assert!(outputs > 150, "only {outputs} outputs");
}

#[test]
fn exif_orientations_all_come_out_upright() {
    let reference = image::open(sample("photos/hopper.jpg")).unwrap();
    let spec = Registry::builtin().get("sh-attachment").unwrap().clone();
    for o in 2..=8 {
        let path = sample(&format!("exif/hopper_orientation_{o}.jpg"));
        let s = src(&path, &spec).unwrap();
        assert_eq!(s.size(), (128, 128));
        let d = picture_distance(s.image(), &reference);
        assert!(d < 6.0, "orientation {o}: distance {d} from the upright reference");
        // And the wrong way up is far away: the measure can fail.
        assert!(picture_distance(&s.image().rotate90(), &reference) > 20.0);
    }
    // The photo path crops and resizes the stored pixels and turns only the result: it must
    // agree with the upright picture for every orientation.
    let small = window_spec("small", 2048, 60_000, 64, 64);
    let want = caiji_image::resize::resize_region(&reference, (0.0, 0.0, 128.0, 128.0), 64, 64).unwrap();
    for o in 2..=8 {
        let mut s = src(&sample(&format!("exif/hopper_orientation_{o}.jpg")), &small).unwrap();
        let p = pipeline::prepare(&s, &small, &Options::default()).unwrap();
        let d = picture_distance(&decode_independently(&p.jpeg), &want);
        assert!(d < 6.0, "orientation {o}: output {d} from the upright picture");
        // A user quarter turn on top of EXIF.
        s.rotate(1);
        let p = pipeline::prepare(&s, &small, &Options::default()).unwrap();
        let d = picture_distance(&decode_independently(&p.jpeg), &want.rotate90());
        assert!(d < 6.0, "orientation {o} + a turn: {d}");
    }
    // WebP carrying orientation 6.
    let s = src(&sample("exif/hopper_orientation_6.webp"), &spec).unwrap();
    assert!(picture_distance(s.image(), &reference) < 8.0);
    // PNG carrying orientation 6 in an eXIf chunk after its pixels (and a GPS position): turned
    // upright like a JPEG, and the checker sees the location.
    let mut png = Vec::new();
    reference.rotate270().write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let png = png_with_exif(&png, 6);
    let s = Source::for_spec(Arc::from(png.clone()), &spec).unwrap();
    assert!(picture_distance(s.image(), &reference) < 6.0, "the PNG's EXIF orientation is honoured");
    let (facts, _) = check::facts(&png).unwrap();
    assert_eq!((facts.orientation, facts.exif, facts.gps), (6, true, true));
    // 2×1 with orientation 8 becomes 1×2.
    let s = src(&sample("exif/orientation_rectangle.jpg"), &spec).unwrap();
    assert_eq!(s.size(), (1, 2));
}

#[test]
fn formats_by_content_and_normalisation() {
    let spec = Registry::builtin().get("sh-attachment").unwrap().clone();
    // A PNG named .jpg is read as the PNG it is.
    let s = src(&sample("broken/png_named.jpg"), &spec).unwrap();
    assert_eq!(s.format(), decode::SourceFormat::Png);
    // RGBA: transparent areas become white, not black.
    let s = src(&sample("formats/filetype_sample_rgba.png"), &spec).unwrap();
    let (m, _) = caiji_image::background::corner_colour(s.image());
    assert!(m.iter().all(|&c| c > 240.0), "transparent corners flattened onto white: {m:?}");
    // 16-bit, TIFF, BMP, WebP, greyscale and progressive JPEG decode.
    for f in [
        "formats/RGB_16__128x128.png",
        "formats/piexif_01.tif",
        "formats/hopper.bmp",
        "formats/hopper.webp",
        "formats/tower_grayscale.jpg",
        "formats/tower_progressive.jpg",
    ] {
        let p = pipeline::prepare(&src(&sample(f), &spec).unwrap(), &spec, &Options::default()).unwrap();
        assert!(check::check(&p.jpeg, &spec).passed, "{f}");
    }
    // CMYK (Adobe, inverted) comes out as the red-on-black picture it is, not a negative.
    let s = src(&sample("formats/pil_sample_cmyk.jpg"), &spec).unwrap();
    let mean = s.image().to_rgb8().pixels().fold([0f64; 3], |a, p| [a[0] + p[0] as f64, a[1] + p[1] as f64, a[2] + p[2] as f64]);
    let n = (s.image().width() * s.image().height()) as f64;
    let mean = [mean[0] / n, mean[1] / n, mean[2] / n];
    assert!(mean[0] > 20.0 && mean[0] < 50.0 && mean[1] < 15.0 && mean[2] < 15.0, "CMYK mean {mean:?} (ImageMagick: 34,6,7)");
    // GIF: first frame.
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("a.gif");
    image::RgbImage::from_pixel(300, 200, image::Rgb([200, 30, 30])).save(&gif).unwrap_or_else(|_| {
        // The test image crate build may lack GIF encoding; write a tiny GIF by hand.
        std::fs::write(&gif, b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;").unwrap();
    });
    let s = src(&gif, &spec).unwrap();
    assert_eq!(s.format(), decode::SourceFormat::Gif);
}

fn window_spec(id: &str, min: u64, max: u64, w: u32, h: u32) -> Spec {
    let text = format!(
        "schema = 1\nid = \"{id}\"\nversion = 1\nkind = \"photo\"\ntitle = {{ zh = \"窗口\", en = \"window\" }}\nformats = [\"jpeg\"]\ndpi = 300\n\
         [pixels]\nrule = \"exact\"\nwidth = {w}\nheight = {h}\n[bytes]\nmin = {min}\nmax = {max}\n\
         [provenance]\nsource = \"test\"\nregion = \"NAT\"\nconfidence = \"confirmed\"\ndate = \"2024-01-01\"\n"
    );
    parse_spec(&text, Path::new("test.toml")).unwrap()
}

#[test]
fn narrow_windows_are_hit() {
    let dir = tempfile::tempdir().unwrap();
    let phone = write_phone_jpeg(dir.path());
    for (min, max) in [(19 * 1024, 20_000), (10 * 1024, 12_000), (14_336, 14_900)] {
        let spec = window_spec("w", min, max, 295, 413);
        for path in [phone.clone(), sample("photos/astronaut.png"), sample("exif/xmp_test.jpg")] {
            let p = pipeline::prepare(&src(&path, &spec).unwrap(), &spec, &Options::default()).unwrap();
            let n = p.jpeg.len() as u64;
            assert!((min..=max).contains(&n), "{}: {n} outside {min}..={max}", path.display());
            assert!(check::check(&p.jpeg, &spec).passed);
            assert!(p.encoded.trellis_encodes <= 3, "{} trellis encodes", p.encoded.trellis_encodes);
        }
    }
}

#[test]
fn under_minimum_is_padded_with_a_valid_comment() {
    // 114×156 of a flat picture is far under 10 KB even at the best quality.
    let spec = Registry::builtin().get("sc-photo").unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.png");
    image::RgbImage::from_pixel(600, 800, image::Rgb([250, 250, 250])).save(&flat).unwrap();
    let p = pipeline::prepare(&src(&flat, &spec).unwrap(), &spec, &Options::default()).unwrap();
    assert!(p.encoded.padded > 0);
    let n = p.jpeg.len() as u64;
    assert!(n >= spec.bytes.min.unwrap() && n <= spec.bytes.max.unwrap(), "{n}");
    // The padding is a COM segment before the image data, and nothing follows EOI.
    let segs = jpeg_segments(&p.jpeg);
    let com: usize = segs.iter().filter(|s| s.0 == 0xFE).map(|s| s.1.len() + 4).sum();
    assert_eq!(com, p.encoded.padded);
    assert_eq!(&p.jpeg[p.jpeg.len() - 2..], &[0xFF, 0xD9]);
    let img = decode_independently(&p.jpeg);
    assert_eq!((img.width(), img.height()), (114, 156));
}

#[test]
fn never_upscales() {
    let spec = Registry::builtin().get("nat-photo").unwrap().clone();
    match src(&sample("photos/hopper.jpg"), &spec).and_then(|s| pipeline::prepare(&s, &spec, &Options::default())) {
        Err(Error::TooSmall { src_w, src_h, need_w: 295, need_h: 413 }) => assert_eq!((src_w, src_h), (91, 128)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_files_fail_clearly() {
    let spec = Registry::builtin().get("nat-photo").unwrap().clone();
    for (f, code) in [("broken/truncated_jpeg.jpg", "truncated"), ("broken/zero_bytes.jpg", "not_an_image")] {
        let e = src(&sample(f), &spec).unwrap_err();
        assert_eq!(e.code(), code, "{f}");
    }
    // Junk before a segment is tolerated like libjpeg does.
    assert!(src(&sample("broken/junk_jpeg_header.jpg"), &spec).is_ok());
    // Text named .jpg.
    let e = decode::decode(b"this is not a picture at all", 1.0, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "not_an_image");
    // A video (ISO media that is no picture) by content.
    let e = decode::decode(b"\0\0\0\x1cftypisom\0\0\0\0isommp41", 1.0, Limits::default()).unwrap_err();
    assert_eq!(e.code(), "unsupported_format");
    assert!(e.msg().zh.contains("JPEG"));
}

/// A baseline JPEG header declaring `w`×`h` with a tiny valid-looking body.
fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let small = caiji_image::encode::encode(
        &DynamicImage::ImageRgb8(image::RgbImage::new(16, 16)),
        caiji_image::encode::Settings { quality: 80, chroma: caiji_image::encode::Chroma::S420, dpi: None, trellis: false },
    )
    .unwrap();
    let mut j = small.clone();
    let sof = j.windows(2).position(|x| x == [0xFF, 0xC0]).unwrap();
    j[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    j
}

#[test]
fn bombs_are_refused_before_decoding_with_the_limit() {
    let t0 = std::time::Instant::now();
    let e = decode::decode(&jpeg_declaring(65000, 65000), 1.0, Limits::default()).unwrap_err();
    match &e {
        Error::TooLarge { width: 65000, height: 65000, limit_pixels } => assert_eq!(*limit_pixels, 210_000_000),
        other => panic!("{other:?}"),
    }
    assert!(e.msg().en.contains("210.0 MP"), "{}", e.msg().en);
    // PNG, GIF and BMP headers declaring huge sizes over a few bytes of data.
    for (name, data) in [("png", png_declaring(20000, 20000)), ("gif", gif_declaring(65535, 65535)), ("bmp", bmp_declaring(50000, 50000))] {
        let e = decode::decode(&data, 1.0, Limits::default()).unwrap_err();
        assert_eq!(e.code(), "too_large", "{name}: {e:?}");
    }
    // A JPEG declaring a size within limits over too little data: an error, no hang.
    let e = decode::decode(&jpeg_declaring(8000, 8000), 1.0, Limits::default()).unwrap_err();
    assert!(matches!(e.code(), "corrupt" | "truncated"), "{e:?}");
    assert!(t0.elapsed().as_secs() < 60);
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    for (kind, body) in [(&b"IHDR"[..], &ihdr[..]), (&b"IDAT"[..], &[0x78u8, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..]), (&b"IEND"[..], &[][..])] {
        png.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(body);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn gif_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend_from_slice(&w.to_le_bytes());
    g.extend_from_slice(&h.to_le_bytes());
    g.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    g.push(b',');
    g.extend_from_slice(&[0, 0, 0, 0]);
    g.extend_from_slice(&w.to_le_bytes());
    g.extend_from_slice(&h.to_le_bytes());
    g.extend_from_slice(&[0, 2, 2, 0x44, 0x01, 0, b';']);
    g
}

fn bmp_declaring(w: i32, h: i32) -> Vec<u8> {
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&1000u32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    b.extend_from_slice(&w.to_le_bytes());
    b.extend_from_slice(&h.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&[0u8; 24]);
    b.extend_from_slice(&[0u8; 64]);
    b
}

#[test]
fn an_output_never_replaces_its_original() {
    // As the app saves: the picture was opened from a file, the save dialog named that file.
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("张三 证件照.png");
    std::fs::copy(sample("photos/astronaut.png"), &original).unwrap();
    let before = std::fs::read(&original).unwrap();
    let reg = Registry::builtin();
    let spec = reg.get("ah-photo").unwrap();
    let src = Source::open_for(&original, spec).unwrap();
    assert_eq!(src.origin(), Some(original.as_path()));
    let p = pipeline::prepare(&src, spec, &Options::default()).unwrap();
    let e = pipeline::write_and_verify(&p, spec, &original, &[src.origin().unwrap()]).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.msg().zh.contains("不能覆盖原图"));
    // Also through another spelling of the same path.
    let other = dir.path().join(".").join("张三 证件照.png");
    assert!(pipeline::write_and_verify(&p, spec, &other, &[&original]).is_err());
    assert_eq!(std::fs::read(&original).unwrap(), before, "the original is untouched");
    // Another name is fine.
    let out = dir.path().join("张三_ah-photo.jpg");
    assert!(pipeline::write_and_verify(&p, spec, &out, &[&original]).unwrap().passed);
}

/// A letter 300 dpi colour scan (2550×3300) to the national proof spec: inside the window,
/// about A4 width, and more legible than ImageMagick's (the size search estimates on a sample
/// of the page and codes the page once, with a dead zone and Huffman tables from the sample).
#[test]
fn a_letter_colour_scan_fits_the_national_proof_spec_legibly() {
    let jpeg: Arc<[u8]> = Arc::from(letter_scan_jpeg());
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(jpeg.clone(), &spec).unwrap();
    let p = caiji_image::merge::merge(&[caiji_image::merge::Page::new(&s, None)], &spec).unwrap();
    assert!(p.bytes > 20_000 && p.bytes <= 500_000, "{} B", p.bytes);
    assert!(p.bytes > 450_000, "uses the window: {} B", p.bytes);
    assert_eq!(p.width, 2480, "shrunk to A4 width at 300 dpi only");
    let out = decode_independently(&p.jpeg);
    let src = decode::normalise(image::load_from_memory(&jpeg).unwrap());
    let reference = caiji_image::resize::resize_region(&src, (0.0, 0.0, 2550.0, 3300.0), out.width(), out.height()).unwrap();
    let s = ssim(&out, &reference);
    // ImageMagick's `-define jpeg:extent=500000b` makes this file 0.9281 (README, Benchmark).
    assert!(s > 0.9281, "SSIM {s}");
    assert_eq!(p.encoded.trellis_encodes, 1, "the page is coded once");
    assert!(check::check(&p.jpeg, &spec).passed);
}
