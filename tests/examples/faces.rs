//! Prints the faces found in pictures and the detection time: `cargo run -p caiji-tests
//! --example faces --release -- a.jpg b.png`.
use caiji_image::face;

fn main() {
    face::warm_up().unwrap();
    for p in std::env::args().skip(1) {
        let img = image::open(&p).unwrap().to_rgb8();
        let t = std::time::Instant::now();
        let faces = face::detect(&img).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!("{p} {}x{}: {} face(s) in {ms:.1} ms", img.width(), img.height(), faces.len());
        for f in faces {
            println!("  {:.2} box {:.0},{:.0} {:.0}x{:.0} eyes {:?} {:?} mouth {:?} {:?}", f.score, f.x, f.y, f.w, f.h, f.eye_l, f.eye_r, f.mouth_l, f.mouth_r);
        }
    }
}
