//! Opens the drafts store in the folder given, creates a draft and autosaves it as fast as it
//! can, printing each committed value, until it is killed. Used by tests/tests/drafts.rs.
use caiji_core::drafts::Store;
use serde_json::json;
use std::io::Write;

fn main() {
    let dir = std::env::args().nth(1).expect("a folder");
    let mut store = Store::open(std::path::Path::new(&dir)).unwrap();
    store.begin_session().unwrap();
    let d = store.create("collection", 1, "张三", &json!({"n": 0})).unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out, "id {}", d.id).unwrap();
    for n in 1u64.. {
        // A record of realistic size: a few kilobytes of JSON.
        store.autosave(&d.id, "张三", &json!({"n": n, "basic": {"name": "张三", "note": "填".repeat(1500)}})).unwrap();
        writeln!(out, "saved {n}").unwrap();
        out.flush().unwrap();
    }
}
