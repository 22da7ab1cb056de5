//! Prints trellis/fast size ratios, to calibrate the window search's prior.
use caiji_image::encode::{encode, Chroma, Settings};
use caiji_image::pipeline::{prepare, Options, Source};
use caiji_image::resize::resize_region;
use caiji_tests::*;
use std::sync::Arc;

fn main() {
    let mut imgs = vec![];
    let up = phone_upright();
    imgs.push(("phone", resize_region(up, (72.0, 0.0, 2880.0, 4032.0), 295, 413).unwrap()));
    for f in ["photos/astronaut.png", "exif/xmp_test.jpg", "exif/tower_gps.jpg", "documents/typewriter.png", "documents/text_defocus.jpg"] {
        let data: Arc<[u8]> = Arc::from(std::fs::read(sample(f)).unwrap());
        let s = Source::from_bytes(data, 1.0, Default::default()).unwrap();
        let i = s.image();
        imgs.push((f, resize_region(&caiji_image::decode::normalise(i.clone()), (0.0, 0.0, i.width() as f64, i.height() as f64), 295, 413).unwrap()));
    }
    let _ = (prepare, Options::default());
    for (name, img) in &imgs {
        let img = image::DynamicImage::ImageRgb8(img.to_rgb8());
        print!("{name:32}");
        for chroma in [Chroma::S420, Chroma::S444] {
            for q in [50, 65, 75, 85, 92] {
                let f = encode(&img, Settings { quality: q, chroma, dpi: None, trellis: false }).unwrap().len() as f64;
                let t = encode(&img, Settings { quality: q, chroma, dpi: None, trellis: true }).unwrap().len() as f64;
                print!(" {:.3}", t / f);
            }
            print!(" |");
        }
        println!();
    }
}
