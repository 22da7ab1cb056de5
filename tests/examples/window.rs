//! Prints the size curve around a window, to see what the search does.
use caiji_image::encode::{encode, encode_to_window, Chroma, Goal, Settings};
use caiji_image::pipeline::Source;
use caiji_image::resize::resize_region;
use caiji_tests::*;
use std::sync::Arc;

fn main() {
    let data: Arc<[u8]> = Arc::from(phone_jpeg_12mp());
    let s = Source::from_bytes(data, 0.25, Default::default()).unwrap();
    let (w, h) = (s.image().width() as f64, s.image().height() as f64);
    let cw = h * 295.0 / 413.0;
    let img = resize_region(s.image(), ((w - cw) / 2.0, 0.0, cw, h), 295, 413).unwrap();
    for q in 70..=82 {
        let f = encode(&img, Settings { quality: q, chroma: Chroma::S420, dpi: Some(300), trellis: false }).unwrap().len();
        let t = encode(&img, Settings { quality: q, chroma: Chroma::S420, dpi: Some(300), trellis: true }).unwrap().len();
        println!("q{q}: fast {f} trellis {t} ratio {:.3}", t as f64 / f as f64);
    }
    let g = Goal { min: Some(19456), max: Some(20000), dpi: Some(300), stages: vec![(Chroma::S444, 90), (Chroma::S420, 50)], cap: 95 };
    let e = encode_to_window(&img, &g).unwrap().unwrap();
    println!("{} bytes q{} {} fast {} trellis padded {}", e.bytes.len(), e.quality, e.fast_encodes, e.trellis_encodes, e.padded);
}
