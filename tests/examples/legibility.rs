//! Legibility of the letter scan made to nat-proof against ImageMagick's `jpeg:extent` on the
//! same file, SSIM against the source measured at our output's size and at the source's:
//! `cargo run --release -p caiji-tests --example legibility`.
use caiji_image::decode;
use caiji_image::pipeline::{self, Options, Source};
use caiji_image::resize::resize_region;
use caiji_image::spec::Registry;
use caiji_tests::*;
use image::DynamicImage;

fn at(i: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    resize_region(&decode::normalise(i.clone()), (0.0, 0.0, i.width() as f64, i.height() as f64), w, h).unwrap()
}

fn main() {
    let reg = Registry::builtin();
    let spec = reg.get("nat-proof").unwrap();
    let scan = letter_scan_jpeg();
    let src = Source::for_spec(scan.clone().into(), spec).unwrap();
    let p = pipeline::prepare(&src, spec, &Options::default()).unwrap();
    let ours = image::load_from_memory(&p.jpeg).unwrap();
    let source = image::load_from_memory(&scan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("scan.jpg"), dir.path().join("im.jpg"));
    std::fs::write(&input, &scan).unwrap();
    let ok = std::process::Command::new("/usr/bin/convert")
        .arg(&input)
        .args(["-strip", "-define", "jpeg:extent=500000b"])
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    let im = ok.then(|| image::open(&out).unwrap());
    let (w, h) = (ours.width(), ours.height());
    let (sw, sh) = (source.width(), source.height());
    println!("ours {w}×{h} {} B q{} {:?}", p.bytes, p.encoded.quality, p.encoded.chroma);
    println!("  at our size:    ours {:.4}", ssim(&ours, &at(&source, w, h)));
    println!("  at source size: ours {:.4}", ssim(&at(&ours, sw, sh), &at(&source, sw, sh)));
    if let Some(im) = im {
        println!("ImageMagick {}×{} {} B", im.width(), im.height(), std::fs::metadata(&out).unwrap().len());
        println!("  at our size:    IM {:.4}", ssim(&at(&im, w, h), &at(&source, w, h)));
        println!("  at source size: IM {:.4}", ssim(&at(&im, sw, sh), &at(&source, sw, sh)));
    }
}
