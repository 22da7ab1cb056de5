//! The drafts store on real SQLite files: schema migrations, the workflow, revisions,
//! attachments by content hash, and a process killed while it autosaves.
use caiji_filing::store::{migrations, State, Store};
use caiji_forms::Forms;
use rusqlite::Connection;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_new_store_is_wal_with_foreign_keys_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let c = store.connection();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
    migrations().validate().unwrap();
    assert!(dir.path().join("drafts.sqlite").exists() && dir.path().join("attachments").is_dir());
}

#[test]
fn every_earlier_schema_migrates_keeping_its_data() {
    // Each earlier schema version, with a draft written in it, opened by this version.
    let n = 4; // steps in migrations(); add a sample below for each new one
    for k in 0..=n {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut c = Connection::open(dir.path().join("drafts.sqlite")).unwrap();
            migrations().to_version(&mut c, k).unwrap();
            if k >= 1 {
                c.execute(
                    "INSERT INTO drafts (id, form, form_version, title, data, created, updated) VALUES ('old', 'collection', 1, '旧草稿', '{\"n\":1}', 1, 1)",
                    [],
                )
                .unwrap();
            }
            if k >= 2 {
                c.execute("INSERT INTO units (uscc, name, created, updated) VALUES ('91150100MA0N00000X', '旧单位', 1, 1)", []).unwrap();
                c.execute("UPDATE drafts SET unit = '91150100MA0N00000X', person = '150102199003071237' WHERE id = 'old'", []).unwrap();
            }
            if k >= 3 {
                c.execute("UPDATE drafts SET remote_revision = 4 WHERE id = 'old'", []).unwrap();
                c.execute("INSERT INTO outbox (draft, queued, next_at) VALUES ('old', 1, 1)", []).unwrap();
            }
            if (2..4).contains(&k) {
                // 自治区直属 was stored as the province's code before step 4.
                c.execute("INSERT INTO units (uscc, name, region, created, updated) VALUES ('12150000MA0N00015G', '直属单位', '150000', 1, 1)", []).unwrap();
            }
        }
        let store = Store::open(dir.path()).unwrap();
        let v: i64 = store.connection().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, n as i64, "from version {k}");
        if k >= 1 {
            assert_eq!(store.get("old").unwrap().data, json!({"n": 1}), "from version {k}");
        }
        if k >= 3 {
            assert_eq!(store.get("old").unwrap().remote_revision, Some(4));
        }
        if k >= 2 {
            assert_eq!(store.get("old").unwrap().unit.as_deref(), Some("91150100MA0N00000X"));
            assert_eq!(store.units().unwrap().iter().find(|u| u.uscc == "91150100MA0N00000X").unwrap().name, "旧单位");
        }
        if (2..4).contains(&k) {
            assert_eq!(store.unit("12150000MA0N00015G").unwrap().region, "1500", "自治区直属 as its 管理地区 key, from version {k}");
        }
    }
}

#[test]
fn the_workflow_finalizes_only_without_errors_and_keeps_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let forms = Forms::builtin().unwrap();
    let form = forms.get("collection").unwrap();
    let d = store.create("collection", form.version, "张三", &json!({})).unwrap();
    assert_eq!((d.state, d.revision), (State::Draft, 1));
    // Incomplete: finalizing is refused with the count.
    let problems = forms.validate(form, &d.data, (2026, 11, 27));
    let e = store.finalize(&d.id, &problems).unwrap_err();
    assert!(e.msg().zh.contains("处需要修改"), "{}", e.msg().zh);
    // Saved as typed; the first change after a revision is kept as one (state changes always).
    let d = store.autosave(&d.id, "张三", &json!({"basic": {"name": "张三"}})).unwrap();
    assert_eq!(d.data["basic"]["name"], "张三");
    let d = store.finalize(&d.id, &[]).unwrap();
    assert_eq!(d.state, State::Finalized);
    // Finalized is locked until opened again (重新编辑): a save is refused, the draft unchanged.
    let e = store.autosave(&d.id, "张三", &json!({"basic": {"name": "李四"}})).unwrap_err();
    assert!(e.msg().zh.contains("重新编辑"), "{}", e.msg().zh);
    let d = store.get(&d.id).unwrap();
    assert_eq!((d.state, d.data["basic"]["name"].as_str()), (State::Finalized, Some("张三")));
    // Not every move is allowed.
    assert!(store.set_state(&d.id, State::Accepted, None).is_err());
    let d = store.set_state(&d.id, State::Queued, None).unwrap();
    assert!(store.autosave(&d.id, "张三", &json!({})).is_err(), "a queued filing is not edited");
    assert!(store.delete(&d.id).is_err(), "nor deleted");
    let d = store.set_state(&d.id, State::Sent, None).unwrap();
    let d = store.set_state(&d.id, State::Returned, Some("照片背景不是白色")).unwrap();
    assert_eq!(d.reason.as_deref(), Some("照片背景不是白色"));
    // Fixing a returned filing makes it a draft again, the reason cleared.
    let d = store.autosave(&d.id, "张三", &json!({"basic": {"name": "张三", "photo": "new"}})).unwrap();
    assert_eq!((d.state, d.reason.clone()), (State::Draft, None));
    let states: Vec<State> = store.revisions(&d.id).unwrap().iter().map(|r| r.state).collect();
    assert_eq!(states, [State::Draft, State::Finalized, State::Queued, State::Sent, State::Returned, State::Draft]);
    // Deleting a draft takes its revisions (foreign key cascade).
    store.delete(&d.id).unwrap();
    let left: i64 = store.connection().query_row("SELECT COUNT(*) FROM revisions", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}

#[test]
fn attachments_are_kept_by_content_hash() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let bytes = std::fs::read(caiji_tests::fixture("grace_hopper.jpg")).unwrap();
    let h = store.put_attachment(&bytes, Some("nat-photo")).unwrap();
    assert_eq!(h.len(), 64);
    assert_eq!(store.put_attachment(&bytes, Some("nat-photo")).unwrap(), h, "the same bytes, the same file");
    assert_eq!(std::fs::read(store.attachment_path(&h)).unwrap(), bytes);
    let rows: i64 = store.connection().query_row("SELECT COUNT(*) FROM attachments", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn killing_the_app_while_it_autosaves_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_autosave-child")).arg(dir.path()).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let id = lines.next().unwrap().unwrap().strip_prefix("id ").unwrap().to_string();
    let mut last = 0u64;
    for line in lines.by_ref() {
        last = line.unwrap().strip_prefix("saved ").unwrap().parse().unwrap();
        if last >= 300 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no clean close, mid-transaction
    child.wait().unwrap();
    // The database is consistent and holds at least the last value reported as committed.
    let mut store = Store::open(dir.path()).unwrap();
    let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let n = store.get(&id).unwrap().data["n"].as_u64().unwrap();
    assert!(n >= last, "committed {last}, found {n}");
    // The next start knows the last run did not end well and which draft to offer back.
    let run = store.begin_session().unwrap();
    assert!(run.crashed);
    assert_eq!(run.changed, vec![id]);
    drop(store);
    let run = Store::open(dir.path()).unwrap().begin_session().unwrap();
    assert!(!run.crashed, "a clean close is remembered");
}

#[test]
fn killing_the_app_while_it_imports_leaves_all_or_nothing() {
    // A unit's bundle: 300 staff drafts, each with its own photo.
    let src = tempfile::tempdir().unwrap();
    let store = Store::open(src.path()).unwrap();
    let photo = std::fs::read(caiji_tests::fixture("grace_hopper.jpg")).unwrap();
    let ids: Vec<String> = (0..300)
        .map(|i| {
            let mut p = photo.clone();
            p.extend_from_slice(format!("{i}").as_bytes()); // a distinct file per person
            let h = store.put_attachment(&p, Some("nat-photo")).unwrap();
            store.create("collection", 1, &format!("职工{i}"), &json!({"basic": {"name": format!("职工{i}"), "photo": h}})).unwrap().id
        })
        .collect();
    let bundle = src.path().join("unit.caiji");
    caiji_filing::bundle::export(&store, &ids, &bundle).unwrap();
    // Killed at moments across it, each reached by the import itself saying where it is (the
    // child waits there): at its first attachment, halfway through the attachments, halfway through
    // the drafts' transaction and at its last draft (both before the commit: no draft may be
    // seen), and after it ended (all of them).
    let points: [(&[&str], usize); 5] =
        [(&["attachments", "1"], 0), (&["attachments", "150"], 0), (&["drafts", "150"], 0), (&["drafts", "300"], 0), (&[], 300)];
    for (i, (pause, expected)) in points.into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_autosave-child"))
            .arg(dir.path())
            .arg(&bundle)
            .args(pause)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "importing");
        if !pause.is_empty() {
            assert_eq!(lines.next().unwrap().unwrap(), "paused", "the import reached {pause:?}");
        } else if expected == 300 {
            assert_eq!(lines.next().unwrap().unwrap(), "imported 300");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
        assert_eq!(store.list().unwrap().len(), expected, "kill {i} at {pause:?}");
        // Whatever was left, importing again completes it.
        let r = caiji_filing::bundle::import(&store, &bundle).unwrap();
        assert_eq!(r.len(), 300);
        assert_eq!(store.list().unwrap().len(), 300);
    }
}

#[test]
fn a_state_this_version_does_not_know_is_an_error_not_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let d = store.create("collection", 1, "张三", &json!({})).unwrap();
    // As a newer version's schema could have written it (this one's CHECK refuses it).
    store.connection().execute_batch("PRAGMA ignore_check_constraints = ON").unwrap();
    store.connection().execute("UPDATE drafts SET state = 'archived' WHERE id = ?1", [&d.id]).unwrap();
    let e = store.get(&d.id).unwrap_err();
    assert!(e.msg().en.contains("archived"), "{e:?}");
    assert!("archived".parse::<State>().is_err());
    assert_eq!("sent".parse::<State>().unwrap(), State::Sent);
}
