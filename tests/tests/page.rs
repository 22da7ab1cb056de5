//! A phone photo of a paper on a desk made a scan: the page found, its perspective undone to the
//! page's own shape, the light evened (white paper, dark ink), the red seal red; a flatbed scan
//! left alone; a photo with no page said so; corners by hand and `off` obeyed.
use caiji_image::check;
use caiji_image::merge::{merge, Page};
use caiji_image::page::{self, PageMode};
use caiji_image::pipeline::Source;
use caiji_image::spec::{Registry, Spec};
use caiji_tests::*;
use image::RgbImage;
use std::sync::Arc;

fn proof() -> Spec {
    Registry::builtin().get("nat-proof").unwrap().clone()
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Mean colour of a 1 %-wide patch at (fx, fy) of `img`.
fn patch(img: &RgbImage, fx: f32, fy: f32) -> [f32; 3] {
    let (w, h) = img.dimensions();
    let r = (w / 100).max(2);
    let (cx, cy) = ((fx * w as f32) as u32, (fy * h as f32) as u32);
    let mut acc = [0f32; 3];
    let mut n = 0.0;
    for y in cy.saturating_sub(r)..(cy + r).min(h) {
        for x in cx.saturating_sub(r)..(cx + r).min(w) {
            for (a, v) in acc.iter_mut().zip(img.get_pixel(x, y).0) {
                *a += v as f32;
            }
            n += 1.0;
        }
    }
    acc.map(|a| a / n)
}

#[test]
fn a_page_photographed_on_a_desk_becomes_a_flat_white_page_with_its_seal_red() {
    let (w, h) = (2000u32, 1500u32);
    // Up to 25° of tilt, turned a little, as a phone is held over a desk.
    for (tilt, yaw, roll) in [(25.0, 0.0, 0.0), (20.0, 12.0, 6.0), (8.0, -10.0, -14.0)] {
        let truth = a4_seen_by_a_phone(w, h, tilt, yaw, roll);
        let photo: Arc<[u8]> = page_on_a_desk(w, h, truth).into();
        let s = Source::for_spec(photo.clone(), &proof()).unwrap();
        let found = page::find(s.image()).unwrap_or_else(|| panic!("{tilt}/{yaw}/{roll}: no page found"));
        assert!(!found.whole);
        for (f, t) in found.corners.iter().zip(truth) {
            assert!(dist(*f, t) < 0.012 * 2500.0, "{tilt}/{yaw}/{roll}: corner {f:?}, truth {t:?}");
        }
        let p = merge(&[Page::new(&s, None)], &proof()).unwrap();
        assert!(check::check(&p.jpeg, &proof()).passed);
        assert!(p.notes.iter().any(|n| n.zh.contains("拉平")), "{:?}", p.notes);
        let out = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
        // The page's own shape (A4, 1 : √2) within 3 %.
        let ratio = out.height() as f32 / out.width() as f32;
        assert!((ratio / std::f32::consts::SQRT_2 - 1.0).abs() < 0.03, "{tilt}/{yaw}/{roll}: {}×{}", out.width(), out.height());
        // White paper, even in the shadow and the dim end.
        for (fx, fy) in paper::BLANK {
            let c = patch(&out, fx, fy);
            assert!(c.iter().all(|&v| v > 235.0), "{tilt}/{yaw}/{roll}: paper at {fx},{fy} is {c:?}");
        }
        // Dark, sharp ink: a row of words has black in it, with steep edges.
        let (x0, x1, fy) = paper::TEXT_ROW;
        let y = (fy * out.height() as f32) as u32;
        let row: Vec<f32> = ((x0 * out.width() as f32) as u32..(x1 * out.width() as f32) as u32).map(|x| luma(out.get_pixel(x, y))).collect();
        assert!(row.iter().cloned().fold(255.0, f32::min) < 60.0, "{tilt}/{yaw}/{roll}: the ink is grey");
        let steepest = row.windows(2).map(|p| (p[0] - p[1]).abs()).fold(0.0, f32::max);
        assert!(steepest > 90.0, "{tilt}/{yaw}/{roll}: blurred edges ({steepest})");
        // The seal stays red: points on its ring.
        let (cx, cy, r) = paper::SEAL;
        let red = (0..72)
            .filter(|k| {
                let t = (*k as f32 * 5.0).to_radians();
                let (x, y) = (cx + r * t.cos(), cy + r * t.sin() / std::f32::consts::SQRT_2);
                let c = patch(&out, x, y);
                c[0] > 150.0 && c[1] < 110.0 && c[2] < 110.0
            })
            .count();
        assert!(red > 50, "{tilt}/{yaw}/{roll}: {red} of 72 ring points red");
    }
}

fn luma(p: &image::Rgb<u8>) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

#[test]
fn a_scan_is_left_alone_and_a_photo_without_a_page_is_said() {
    // A flatbed scan: the page is the picture.
    let scan: Arc<[u8]> = letter_scan_jpeg().into();
    let s = Source::for_spec(scan, &proof()).unwrap();
    assert!(page::find(s.image()).is_none_or(|f| f.whole));
    let p = merge(&[Page::new(&s, None)], &proof()).unwrap();
    assert!(p.notes.iter().all(|n| !n.zh.contains("拉平") && !n.zh.contains("未能")), "{:?}", p.notes);
    // A portrait: no paper in it. Used as it is, and said.
    let s = Source::for_spec(std::fs::read(fixture("grace_hopper.jpg")).unwrap().into(), &proof()).unwrap();
    let out = page::process(s.image(), PageMode::Auto).unwrap();
    assert!(out.image.is_none());
    assert!(out.note.unwrap().zh.contains("未能在照片中找到纸张"));
}

#[test]
fn corners_by_hand_and_off_are_obeyed() {
    let (w, h) = (2000u32, 1500u32);
    let truth = a4_seen_by_a_phone(w, h, 15.0, 5.0, 3.0);
    let photo: Arc<[u8]> = page_on_a_desk(w, h, truth).into();
    let s = Source::for_spec(photo, &proof()).unwrap();
    // Off: the photo as it is (its own 4:3 shape).
    let p = merge(&[Page { page: PageMode::Off, ..Page::new(&s, None) }], &proof()).unwrap();
    assert_eq!(p.width * 3, p.height * 4);
    // By hand, as the CLI's --page takes them.
    let arg = truth.iter().map(|c| format!("{:.0},{:.0}", c[0], c[1])).collect::<Vec<_>>().join(",");
    let mode = PageMode::parse(&arg).unwrap();
    let p = merge(&[Page { page: mode, ..Page::new(&s, None) }], &proof()).unwrap();
    let ratio = p.height as f32 / p.width as f32;
    assert!((ratio / std::f32::consts::SQRT_2 - 1.0).abs() < 0.03, "{}×{}", p.width, p.height);
    // Corners are in the photo's full pixels even when a big photo is kept smaller: a 200 MP
    // photo (a grid of 512-pixel astronaut tiles) is kept at half size; the corners of its top
    // left 1024×1024 give 2×2 tiles, not 4×4.
    let tile = std::fs::read(fixture("tile512.heic")).unwrap();
    let big = Source::for_spec(heic_grid(&tile, 32, 24, 16320, 12240).into(), &proof()).unwrap();
    assert_eq!(big.image().width(), 8160);
    let square = PageMode::Corners([[0.0, 0.0], [1024.0, 0.0], [1024.0, 1024.0], [0.0, 1024.0]]);
    let p = merge(&[Page { page: square, ..Page::new(&big, None) }], &proof()).unwrap();
    let out = image::load_from_memory(&p.jpeg).unwrap();
    let one = caiji_image::decode::decode(&tile, 1.0, caiji_image::decode::Limits::default()).unwrap().image;
    let (qw, qh) = (out.width() as f64 / 2.0, out.height() as f64 / 2.0);
    let quarter = caiji_image::resize::resize_region(&out, (0.0, 0.0, qw, qh), 64, 64).unwrap();
    let d = picture_distance(&quarter, &one);
    assert!(d < 25.0, "a quarter of the flattened square is one tile: distance {d:.1}");
    // Nonsense is refused with what is expected.
    assert!(PageMode::parse("1,2,3").unwrap_err().msg().zh.contains("左上、右上、右下、左下"));
    let outside = PageMode::parse("0,0,5000,0,5000,5000,0,5000").unwrap();
    assert!(merge(&[Page { page: outside, ..Page::new(&s, None) }], &proof()).is_err());
}

#[test]
fn the_cli_flattens_by_default_and_keeps_the_photo_with_page_off() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (2000u32, 1500u32);
    let input = dir.path().join("毕业证 手机拍照.jpg");
    std::fs::write(&input, page_on_a_desk(w, h, a4_seen_by_a_phone(w, h, 18.0, -6.0, 4.0))).unwrap();
    let run = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let mut args = vec!["--json", "prepare", input.to_str().unwrap(), "--spec", "nat-proof", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = std::process::Command::new(caiji_bin()).args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["prepared"]["width"].as_f64().unwrap(), v["prepared"]["height"].as_f64().unwrap(), v["prepared"]["notes"].to_string())
    };
    let (fw, fh, notes) = run(&[], "flat.jpg");
    assert!((fh / fw / std::f64::consts::SQRT_2 - 1.0).abs() < 0.03 && notes.contains("拉平"), "{fw}×{fh} {notes}");
    let (ow, oh, notes) = run(&["--page", "off"], "as-is.jpg");
    assert!(ow * 3.0 == oh * 4.0 && !notes.contains("拉平"), "{ow}×{oh} {notes}");
    let o = std::process::Command::new(caiji_bin()).args(["prepare", input.to_str().unwrap(), "--spec", "nat-proof", "--page", "1,2,3"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("x1,y1"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_scan_askew_is_straightened_and_pictures_without_lines_of_text_are_not() {
    // A real scan (the product sheet from OCRmyPDF's skew test, 1 bit; its pixels lie straight,
    // the PDF turns them), at half size, turned by known angles: the skew follows the turn
    // within 0.15°, and the page comes out straight; straight, it is left as it is.
    let sheet = image::open(sample("documents/skew_scan.png")).unwrap();
    let sheet = caiji_image::resize::resize_region(&sheet, (0.0, 0.0, 2550.0, 3300.0), 1275, 1650).unwrap().to_rgb8();
    let own = page::skew(&image::DynamicImage::ImageRgb8(sheet.clone())).expect("the sheet's own skew");
    assert!(own.abs() < 0.15, "{own}");
    for deg in [-12.0f32, -5.0, 0.0, 3.0, 9.0, 14.0] {
        let mut t = turned_about(&sheet, deg, [637.5, 825.0]);
        // A stamp in the scan's bottom-right corner: turned back, it would leave the frame.
        for (x, y) in (1190..1250).flat_map(|x| (1570..1630).map(move |y| (x, y))) {
            t.put_pixel(x, y, image::Rgb([150, 20, 20]));
        }
        let t = image::DynamicImage::ImageRgb8(t);
        let m = page::skew(&t).unwrap_or_else(|| panic!("turned {deg}°: no skew found"));
        assert!((m - (own + deg)).abs() <= 0.15, "turned {deg}°: measured {m:.2}, its own {own:.2}");
        let out = page::process(&t, PageMode::Auto).unwrap();
        assert!(out.found.is_some_and(|f| f.whole), "turned {deg}°: taken for a photographed page");
        if deg == 0.0 {
            assert!(out.image.is_none() && out.note.is_none());
            continue;
        }
        assert!(out.note.as_ref().unwrap().zh.contains("已摆正"), "{:?}", out.note);
        let straight = out.image.unwrap();
        // Never cut: the ink that was in the picture is all there (grown where it would leave
        // the frame).
        // (The ink's mass, Σ 255 − luma: a turn spreads a stroke over more, lighter pixels.)
        let dark = |i: &image::DynamicImage| i.to_luma8().pixels().map(|p| 255.0 - p[0] as f64).sum::<f64>();
        assert!(dark(&straight) >= 0.97 * dark(&t), "turned {deg}°: ink lost ({} of {})", dark(&straight), dark(&t));
        let stamp = |i: &image::DynamicImage| i.to_rgb8().pixels().filter(|p| p[0] as i32 - p[1] as i32 > 80).count();
        assert!(stamp(&straight) >= 3000, "turned {deg}°: the corner stamp cut ({} of 3600 pixels)", stamp(&straight));
        assert!(straight.width() >= 1275 && straight.height() >= 1650 && straight.width() <= 1660, "{}×{}", straight.width(), straight.height());
        let left = page::skew(&straight).unwrap_or(0.0);
        assert!(left.abs() <= 0.15, "turned {deg}°: still {left:.2}° after straightening");
        // Filled with paper where the turn uncovered the corners, not black.
        assert!(luma(&straight.to_rgb8().get_pixel(2, 2).clone()) > 200.0);
    }
    // The letter scan with its red seal, turned 7°: straightened, the seal still red, through
    // the whole document path.
    let letter = image::load_from_memory(&letter_scan_jpeg()).unwrap().to_rgb8();
    let (w, h) = letter.dimensions();
    let turned = turned_about(&letter, 7.0, [w as f32 / 2.0, h as f32 / 2.0]);
    let jpeg = caiji_image::encode::encode(
        &image::DynamicImage::ImageRgb8(turned),
        caiji_image::encode::Settings { quality: 90, chroma: caiji_image::encode::Chroma::S444, dpi: Some(300), trellis: false },
    )
    .unwrap();
    let s = Source::for_spec(jpeg.into(), &proof()).unwrap();
    let p = merge(&[Page::new(&s, None)], &proof()).unwrap();
    // (Its typed lines run down the page, and themselves 0.2° off.)
    let own = page::skew(&image::DynamicImage::ImageRgb8(letter)).unwrap();
    let said = format!("扫描件歪斜 {:.1}°，已摆正", (own + 7.0).abs());
    assert!(p.notes.iter().any(|n| n.zh == said), "{said}: {:?}", p.notes);
    assert!(check::check(&p.jpeg, &proof()).passed);
    let out = image::load_from_memory(&p.jpeg).unwrap();
    assert!(page::skew(&out).unwrap_or(0.0).abs() <= 0.15);
    let red = out.to_rgb8().pixels().filter(|q| q[0] > 150 && q[1] < 90 && q[2] < 90).count();
    assert!(red > 1000, "the seal is still red ({red} red pixels)");
    // Pictures without lines of text have no skew to turn: portraits, the camera man, a
    // landscape photo.
    for f in ["photos/astronaut.png", "photos/camera.png", "photos/hopper.jpg", "exif/tower_gps.jpg", "formats/hopper.bmp"] {
        let img = image::open(sample(f)).unwrap();
        let s = page::skew(&img);
        assert!(s.is_none_or(|d| d.abs() < 0.5), "{f}: skew {s:?}");
    }
}

#[test]
fn the_committed_page_photo_is_what_its_generator_makes() {
    // tests/examples/make_fixtures.rs writes it for the app's end-to-end test.
    assert!(std::fs::read(fixture("page_on_desk.jpg")).unwrap() == page_on_desk_jpeg());
}

#[test]
fn corners_from_anywhere_are_checked_and_bounded() {
    // The app's window sends corners (a script in it could send anything): far outside,
    // infinite or NaN corners are refused; a corner on the edge, a rounding past it, is taken.
    let img = image::DynamicImage::ImageRgb8(paper_page());
    let (w, h) = (img.width() as f32, img.height() as f32);
    for bad in [
        [[-1e11, 0.0], [10.0, 0.0], [10.0, 1.0], [-1e11, 1.0]],
        [[0.0, 0.0], [f32::INFINITY, 0.0], [w, h], [0.0, h]],
        [[0.0, 0.0], [f32::NAN, 0.0], [w, h], [0.0, h]],
        [[0.0, 0.0], [w + 50.0, 0.0], [w, h], [0.0, h]],
    ] {
        let e = page::process(&img, PageMode::Corners(bad)).err().unwrap_or_else(|| panic!("{bad:?} taken"));
        assert!(e.msg().zh.contains("纸张四角不在图片内"), "{e:?}");
    }
    let edge = page::process(&img, PageMode::Corners([[0.0, 0.0], [w + 0.5, 0.0], [w + 0.5, h + 0.5], [0.0, h + 0.5]])).unwrap();
    assert!(edge.image.is_some());
    // However thin the page's shape comes out, neither side of the flattened page grows past
    // twice the photo's long side.
    let thin = page::warp(&img.to_rgb8(), &[[0.0, 0.0], [w, 0.0], [w, 2.0], [0.0, 2.0]], 1e11);
    assert!(thin.width() <= 2 * img.width().max(img.height()) && thin.height() >= 1, "{}×{}", thin.width(), thin.height());
}
