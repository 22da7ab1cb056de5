//! Helper process for the crash-safety tests in tests/tests/drafts.rs, killed by them:
//! `autosave-child DIR` opens the drafts store in DIR, creates a draft and autosaves it as fast
//! as it can, printing each committed value; `autosave-child DIR BUNDLE [STAGE N]` imports
//! BUNDLE, printing `importing` before and `imported N` after; with STAGE (`attachments` or
//! `drafts`) and N it prints `paused` when that stage has done N and waits there for a line
//! on stdin (or to be killed): inside the drafts transaction for `drafts`.
use caiji_filing::bundle::Progress;
use caiji_filing::store::Store;
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
        let pause_at = args.get(3).zip(args.get(4).and_then(|n| n.parse::<usize>().ok()));
        let mut on_progress = |p: Progress| {
            let (stage, done) = match p {
                Progress::Attachments { done, .. } => ("attachments", done),
                Progress::Drafts { done, .. } => ("drafts", done),
            };
            if pause_at.is_some_and(|(s, n)| s == stage && n == done) {
                let mut out = std::io::stdout().lock();
                writeln!(out, "paused").unwrap();
                out.flush().unwrap();
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).unwrap();
            }
        };
        let r = caiji_filing::bundle::import_with_progress(&store, std::path::Path::new(bundle), &mut on_progress).unwrap();
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
