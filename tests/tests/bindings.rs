//! The UI's TypeScript copies of the types the app's commands return are generated from the
//! Rust types (ts-rs): `ui/src/bindings/app.ts` here, the wire types in `protocol.ts` by
//! `caiji-protocol`. This test fails when a type changed and the file was not regenerated
//! (`CAIJI_BLESS=1 cargo test -p caiji-tests --test bindings` rewrites it).
use ts_rs::TS;

fn app_bindings() -> String {
    let cfg = ts_rs::Config::default().with_large_int("number");
    let decls = [
        caiji_filing::store::State::decl(&cfg),
        caiji_forms::Change::decl(&cfg),
        caiji_sync::Conflict::decl(&cfg),
        caiji_sync::Status::decl(&cfg),
        caiji_sync::Report::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types (cargo test -p caiji-tests --test bindings; CAIJI_BLESS=1 to rewrite). Do not edit.\n\
         import type { AccountKind, Msg, SubmissionState } from \"./protocol\";\n",
    );
    for d in decls {
        out.push_str("\nexport ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[test]
fn app_bindings_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/app.ts");
    let now = app_bindings();
    if std::env::var_os("CAIJI_BLESS").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(kept == now, "{} is out of date: run `CAIJI_BLESS=1 cargo test -p caiji-tests --test bindings`", path.display());
}
