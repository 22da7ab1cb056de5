//! PDFs as people download or scan them: a scanned page used at its own pixels, two scanned
//! pages merged into one proof, a vector e-certificate drawn at 300 dpi (its red seal red),
//! a password or a damaged file refused by name. Fixtures: `tests/fixtures/make_pdfs.py`.
use caiji_image::check;
use caiji_image::decode::{self, Limits, SourceFormat};
use caiji_image::merge::{self, Page};
use caiji_image::pipeline::{self, Options, Source};
use caiji_image::spec::Registry;
use caiji_tests::*;
use image::DynamicImage;
use std::process::Command;
use std::sync::Arc;

fn read(name: &str) -> Arc<[u8]> {
    Arc::from(std::fs::read(fixture(name)).unwrap())
}

fn proof() -> caiji_image::Spec {
    Registry::builtin().get("nat-proof").unwrap().clone()
}

/// The same page as poppler's pdftoppm draws it (an independent renderer), at `w`×`h`.
fn poppler(name: &str, w: u32, h: u32) -> DynamicImage {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let st = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", fixture(name).to_str().unwrap(), out.to_str().unwrap()])
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(st.success());
    let img = image::open(dir.path().join("p.png")).unwrap().to_rgb8();
    let img = DynamicImage::ImageRgb8(img);
    caiji_image::resize::resize_region(&img, (0.0, 0.0, img.width() as f64, img.height() as f64), w, h).unwrap()
}

#[test]
fn a_scanned_pdf_page_is_used_at_its_own_pixels() {
    let pdf = read("scan_1page.pdf");
    let s = Source::pages_for(pdf.clone(), &proof()).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].format(), SourceFormat::Pdf);
    // The page's JPEG as the scanner stored it: 2000×1432, decoded, not drawn again.
    assert_eq!(s[0].size(), (2000, 1432));
    let d = decode::decode(&pdf, 1.0, Limits::default()).unwrap();
    assert_eq!((d.image.width(), d.image.height(), d.scale), (2000, 1432, 1.0));
    let p = merge::merge(&[Page::new(&s[0], None)], &proof()).unwrap();
    assert!(check::check(&p.jpeg, &proof()).passed);
    let out = image::load_from_memory(&p.jpeg).unwrap();
    let reference = caiji_image::resize::resize_region(&d.image, (0.0, 0.0, 2000.0, 1432.0), out.width(), out.height()).unwrap();
    let ssim = ssim(&out, &reference);
    assert!(ssim > 0.9, "SSIM {ssim}");
}

#[test]
fn a_two_page_scanned_pdf_becomes_one_merged_proof_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("社保缴费证明 2 页.pdf");
    std::fs::copy(fixture("scan_2pages.pdf"), &input).unwrap();
    let out = dir.path().join("证明.jpg");
    let o = Command::new(caiji_bin())
        .args(["--json", "merge", input.to_str().unwrap(), "--spec", "nat-proof", "-o", out.to_str().unwrap(), "--rotate", "2:0"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let jpeg = std::fs::read(&out).unwrap();
    assert!(check::check(&jpeg, &proof()).passed);
    // Both pages, one above the other: the second (1275×1650) is taller than it is wide.
    let img = image::load_from_memory(&jpeg).unwrap();
    assert!(img.height() > img.width(), "{}×{}", img.width(), img.height());
    // A third page does not exist.
    let o = Command::new(caiji_bin())
        .args(["merge", input.to_str().unwrap(), "--spec", "nat-proof", "-o", out.to_str().unwrap(), "--rotate", "3:90"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("1–2"), "{}", String::from_utf8_lossy(&o.stderr));
    // A batch takes the PDF whole too: the same two pages, the same merged picture.
    let p = pipeline::prepare_file(read("scan_2pages.pdf"), &proof(), &Options::default()).unwrap();
    assert_eq!((p.width, p.height), (img.width(), img.height()));
}

#[test]
fn a_vector_certificate_is_drawn_at_300_dpi_legibly_with_its_seal_red() {
    let pdf = read("certificate.pdf");
    let s = Source::pages_for(pdf.clone(), &proof()).unwrap();
    // A4 landscape (841.89 × 595.28 pt) at 300 dpi, as drawn (whole pixels), and kept: the
    // merge draws it no second time.
    assert_eq!(s[0].size(), (3507, 2480));
    assert_eq!((s[0].image().width(), s[0].scale()), (3507, 1.0));
    assert!(matches!(s[0].at_scale(1.0).unwrap(), std::borrow::Cow::Borrowed(_)));
    let p = merge::merge(&[Page::new(&s[0], None)], &proof()).unwrap();
    assert!(check::check(&p.jpeg, &proof()).passed);
    let out = image::load_from_memory(&p.jpeg).unwrap().to_rgb8();
    // Legible: the same page as poppler draws it.
    let reference = poppler("certificate.pdf", out.width(), out.height());
    let ssim = ssim(&DynamicImage::ImageRgb8(out.clone()), &reference);
    assert!(ssim > 0.85, "SSIM against pdftoppm {ssim}");
    // The seal (a ring at 200 pt from the right, 150 pt from the bottom) is red, the paper white.
    let k = out.width() as f64 / 842.0;
    let (cx, cy) = ((842.0 - 200.0) * k, (595.0 - 150.0) * k);
    let red = (0..360)
        .map(|a| {
            let t = (a as f64).to_radians();
            out.get_pixel((cx + 70.0 * k * t.cos()) as u32, (cy + 70.0 * k * t.sin()) as u32)
        })
        .filter(|p| p[0] > 150 && p[1] < 110 && p[2] < 110)
        .count();
    eprintln!("certificate: SSIM {ssim:.4} against pdftoppm, {red}/360 ring points red");
    assert!(red > 250, "{red} of 360 points on the ring are red");
    assert!(out.get_pixel(out.width() / 2, out.height() / 2 + 400).0.iter().all(|&c| c > 240));
}

#[test]
fn a_password_a_damaged_pdf_and_a_pdf_checked_as_is_are_told_clearly() {
    let e = Source::pages_for(read("certificate_password.pdf"), &proof()).unwrap_err();
    assert!(e.msg().zh.contains("密码") && e.msg().en.contains("password"), "{e:?}");
    let pdf = std::fs::read(fixture("scan_2pages.pdf")).unwrap();
    let e = Source::pages_for(Arc::from(&pdf[..pdf.len() / 3]), &proof()).unwrap_err();
    assert!(matches!(e.code(), "corrupt" | "truncated"), "{e:?}");
    // A PDF as it is is not the JPEG a portal takes: the checker says so.
    let r = check::check(&pdf, &proof());
    assert!(!r.passed);
    let f = r.rules.iter().find(|r| r.id == "format").unwrap();
    assert!(!f.passed && f.message.zh.contains("PDF"), "{f:?}");
}
