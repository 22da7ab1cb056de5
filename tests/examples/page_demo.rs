//! The README's before and after of a photographed page: `cargo run -p caiji-tests --example
//! page_demo -- docs/screenshots` writes `page-photo.jpg` (a generated phone photo of a printed
//! page with a red seal, on a desk, tilted 22°, lit unevenly) and `page-flat.jpg` (what the
//! national proof spec makes of it).
use caiji_image::merge::{merge, Page};
use caiji_image::pipeline::Source;
use caiji_image::spec::Registry;
use caiji_tests::*;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "docs/screenshots".into()));
    let (w, h) = (2000, 1500);
    let photo = page_on_a_desk(w, h, a4_seen_by_a_phone(w, h, 22.0, 10.0, 5.0));
    let spec = Registry::builtin().get("nat-proof").unwrap().clone();
    let s = Source::for_spec(photo.clone().into(), &spec).unwrap();
    let p = merge(&[Page::new(&s, None)], &spec).unwrap();
    // The photo as shown in the README: a small copy.
    let small = caiji_image::resize::resize_region(s.image(), (0.0, 0.0, w as f64, h as f64), 800, 600).unwrap();
    let jpeg =
        caiji_image::encode::encode(&small, caiji_image::encode::Settings { quality: 85, chroma: caiji_image::encode::Chroma::S420, dpi: None, trellis: true })
            .unwrap();
    std::fs::write(dir.join("page-photo.jpg"), jpeg).unwrap();
    let out = image::load_from_memory(&p.jpeg).unwrap();
    let k = 600.0 / out.height() as f64;
    let small = caiji_image::resize::resize_region(&out, (0.0, 0.0, out.width() as f64, out.height() as f64), (out.width() as f64 * k) as u32, 600).unwrap();
    let jpeg =
        caiji_image::encode::encode(&small, caiji_image::encode::Settings { quality: 85, chroma: caiji_image::encode::Chroma::S420, dpi: None, trellis: true })
            .unwrap();
    std::fs::write(dir.join("page-flat.jpg"), jpeg).unwrap();
    println!("{}×{}, {} bytes; {:?}", p.width, p.height, p.bytes, p.notes.iter().map(|n| &n.en).collect::<Vec<_>>());
}
