//! Writes the 12 MP phone fixture (EXIF orientation 6, GPS) to a folder, for trying the CLI
//! and timing it against other tools: `cargo run --release -p caiji-tests --example fixture DIR`.
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).unwrap();
    println!("{}", caiji_tests::write_phone_jpeg(std::path::Path::new(&dir)).display());
}
