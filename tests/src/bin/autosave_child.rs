//! Helper process for the crash-safety tests in tests/tests/drafts.rs, killed by them:
//! `autosave-child DIR` opens the drafts store in DIR, creates a draft and autosaves it as fast
//! as it can, printing each committed value; `autosave-child DIR BUNDLE` imports BUNDLE,
//! printing `importing` before and `imported N` after.
use caiji_core::drafts::Store;
use serde_json::json;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(args.get(1).expect("a folder"));
    let mut store = Store::open(dir).unwrap();
    store.begin_session().unwrap();
    let mut out = std::io::stdout().lock();
    if let Some(bundle) = args.get(2) {
        writeln!(out, "importing").unwrap();
        out.flush().unwrap();
        let r = caiji_core::bundle::import(&store, std::path::Path::new(bundle)).unwrap();
        writeln!(out, "imported {}", r.len()).unwrap();
        return;
    }
    let d = store.create("collection", 1, "张三", &json!({"n": 0})).unwrap();
    writeln!(out, "id {}", d.id).unwrap();
    for n in 1u64.. {
        // A record of realistic size: a few kilobytes of JSON.
        store.autosave(&d.id, "张三", &json!({"n": n, "basic": {"name": "张三", "note": "填".repeat(1500)}})).unwrap();
        writeln!(out, "saved {n}").unwrap();
        out.flush().unwrap();
    }
}
