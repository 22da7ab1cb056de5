//! Writes the fixtures this repository derives from its sources (see tests/fixtures/
//! PROVENANCE.md): `cargo run -p caiji-tests --example make_fixtures`. A test checks the
//! committed files are what this makes.
fn main() {
    let out = caiji_tests::fixture("plain_wall_sideways.jpg");
    std::fs::write(&out, caiji_tests::plain_wall_sideways_jpeg()).unwrap();
    println!("wrote {}", out.display());
    let out = caiji_tests::fixture("page_on_desk.jpg");
    std::fs::write(&out, caiji_tests::page_on_desk_jpeg()).unwrap();
    println!("wrote {}", out.display());
}
