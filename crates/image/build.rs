//! Embeds every spec profile in `assets/specs/` at build time, so adding a profile is adding a file.
// A build script that cannot read the assets should stop the build, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../assets/specs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> =
        fs::read_dir(&dir).expect("assets/specs").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    names.sort();
    let mut out = String::from("pub(crate) static BUILTIN_SPECS: &[(&str, &str)] = &[\n");
    for p in names {
        println!("cargo:rerun-if-changed={}", p.display());
        let file = p.file_name().unwrap().to_string_lossy().into_owned();
        let abs = fs::canonicalize(&p).unwrap();
        out.push_str(&format!("    ({file:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    out.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("specs_embedded.rs"), out).unwrap();

    // The page encoder's hook into mozjpeg (csrc/quant.c), built against the headers of the
    // mozjpeg being linked (mozjpeg-sys exports them as DEP_JPEG_INCLUDE).
    println!("cargo:rerun-if-changed=csrc/quant.c");
    let mut c = cc::Build::new();
    for dir in env::split_paths(&env::var_os("DEP_JPEG_INCLUDE").expect("mozjpeg-sys's include paths")) {
        c.include(dir);
    }
    // libjpeg's errors unwind through these C frames (as mozjpeg-sys's own are built).
    c.flag_if_supported("-fexceptions");
    c.file("csrc/quant.c").warnings(true).compile("caiji_quant");
}
