//! The app's outbox and sync client against a real caiji-server on 127.0.0.1 (real SQLite files
//! on both sides): finalize → queue → send → the authority returns it with a reason → pulled →
//! fixed and sent again as the next revision → accepted; a server that is down keeps the filing
//! queued with backoff and loses nothing; a sent filing is never sent twice.
use caiji_filing::desk::Desk;
use caiji_filing::store::{State, Store};
use caiji_forms::Forms;
use caiji_server::Server;
use caiji_sync::{self as sync, Client, Link};
use serde_json::json;
use std::time::Duration;

const ZHANG: &str = "150102199003071237";

fn record(photo: &str) -> serde_json::Value {
    json!({
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": "true"},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {"photo": photo, "id_type": "1", "id_number": ZHANG, "name": "张三", "sex": "1", "birth": "1990-03-07", "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}],
    })
}

/// A JPEG-sized attachment of pseudo-random bytes (several upload chunks).
fn attachment(store: &Store) -> String {
    let bytes: Vec<u8> = (0..700_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    store.put_attachment(&bytes, Some("nat-photo")).unwrap()
}

#[test]
fn a_filing_goes_out_comes_back_returned_is_fixed_and_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(&dir.path().join("server")).unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    server.add_account(caiji_server::api::AccountKind::Authority, "im-review", "review-pass", "内蒙古财政厅", "150000").unwrap();
    let addr = caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap();
    let base = format!("http://{addr}");

    let forms = Forms::builtin().unwrap();
    let store = Store::open(&dir.path().join("app")).unwrap();
    let desk = Desk::new(&store, &forms);
    let photo = attachment(&store);
    let d = desk.create("collection", &record(&photo), None, None).unwrap();
    assert!(desk.checked(&d.id).unwrap().problems.is_empty(), "{:?}", desk.checked(&d.id).unwrap().problems);
    desk.finalize(&d.id).unwrap();
    assert!(store.queue("nope").is_err());
    store.queue(&d.id).unwrap();
    assert_eq!(store.get(&d.id).unwrap().state, State::Queued);

    let mut client = Client::new(&base, Duration::from_secs(10));
    client.login(ZHANG, "secret-123").unwrap();
    let r = client.sync(&store, &forms).unwrap();
    assert_eq!(r.sent, vec![d.id.clone()]);
    let sent = store.get(&d.id).unwrap();
    assert_eq!((sent.state, sent.remote_revision), (State::Sent, Some(1)));
    assert!(store.outbox().unwrap().is_empty(), "out of the outbox once the receipt is stored");
    assert_eq!(std::fs::read(server.blobs.join(&photo)).unwrap(), std::fs::read(store.attachment_path(&photo)).unwrap());
    // Nothing left to send: a second sync sends nothing again.
    assert!(client.sync(&store, &forms).unwrap().sent.is_empty());

    // The authority returns it with a reason; the client pulls it.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let token = agent
        .post(&format!("{base}/api/v1/login"))
        .send_json(json!({"login": "im-review", "password": "review-pass"}))
        .unwrap()
        .body_mut()
        .read_json::<serde_json::Value>()
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let review = |revision: i64, decision: &str, reason: &str| {
        let r = agent
            .post(&format!("{base}/api/v1/review/{}", d.id))
            .header("authorization", &format!("Bearer {token}"))
            .send_json(json!({"revision": revision, "decision": decision, "reason": reason}))
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    };
    review(1, "return", "手机号码已停用，请更新");
    let r = client.sync(&store, &forms).unwrap();
    assert_eq!(r.reviewed, vec![d.id.clone()]);
    let back = store.get(&d.id).unwrap();
    assert_eq!((back.state, back.reason.as_deref()), (State::Returned, Some("手机号码已停用，请更新")));

    // Fixed, finalized, queued: sent as revision 2 replacing 1, then accepted.
    let mut data = back.data.clone();
    data["basic"]["mobile"] = json!("13900001111");
    desk.save(&d.id, &data).unwrap();
    desk.finalize(&d.id).unwrap();
    store.queue(&d.id).unwrap();
    assert_eq!(client.sync(&store, &forms).unwrap().sent, vec![d.id.clone()]);
    assert_eq!(store.get(&d.id).unwrap().remote_revision, Some(2));
    review(2, "accept", "");
    client.sync(&store, &forms).unwrap();
    assert_eq!(store.get(&d.id).unwrap().state, State::Accepted);
}

/// Zhang's collection, finalized in `store`.
fn finalized_collection(store: &Store, forms: &Forms) -> caiji_filing::store::Draft {
    let desk = Desk::new(store, forms);
    let photo = attachment(store);
    let d = desk.create("collection", &record(&photo), None, None).unwrap();
    desk.finalize(&d.id).unwrap()
}

#[test]
fn a_server_that_is_down_keeps_the_filing_queued_with_backoff() {
    let dir = tempfile::tempdir().unwrap();
    let forms = Forms::builtin().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let d = finalized_collection(&store, &forms);
    store.queue(&d.id).unwrap();
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2));
    let r = client.sync(&store, &forms).unwrap();
    assert!(r.sent.is_empty() && r.retrying.len() == 1, "{r:?}");
    assert!(r.error.unwrap().zh.contains("无法连接服务器"), "the pull says it is offline");
    let o = &store.outbox().unwrap()[0];
    assert_eq!((o.draft.as_str(), o.attempts), (d.id.as_str(), 1));
    assert!(o.next_at > caiji_base::time::now_ms() + 500 && o.last_error.is_some(), "{o:?}");
    assert_eq!(store.get(&d.id).unwrap().state, State::Queued);
    // Not due yet: a sync right away does not try again.
    let _ = client.sync(&store, &forms);
    assert_eq!(store.outbox().unwrap()[0].attempts, 1);
}

/// A filing made on one computer comes back on another (the authoritative record, with the
/// review result); both edit it; the one sent second is refused as stale and shows what changed;
/// keeping one's own version replaces the server's, taking the server's replaces one's own.
#[test]
fn the_record_comes_back_elsewhere_and_a_stale_edit_shows_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(&dir.path().join("server")).unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    server.add_account(caiji_server::api::AccountKind::Authority, "im-review", "review-pass", "内蒙古财政厅", "150000").unwrap();
    let base = format!("http://{}", caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap());
    let t = Duration::from_secs(10);
    let forms = Forms::builtin().unwrap();
    let (a, b) = (Store::open(&dir.path().join("a")).unwrap(), Store::open(&dir.path().join("b")).unwrap());
    for s in [&a, &b] {
        assert_eq!(sync::run(s, &forms, t).unwrap_err().code(), "signed_out", "not linked yet");
        assert_eq!(sync::connect(&base, ZHANG, "wrong-pass", t).unwrap_err().code(), "bad_login");
        sync::connect(&format!("{base}/"), &ZHANG.to_lowercase(), "secret-123", t).unwrap().save(s).unwrap();
    }
    let st = sync::status(&a).unwrap();
    assert!(st.signed_in && st.kind == Some(caiji_protocol::AccountKind::Person) && st.name.as_deref() == Some("张三"), "{st:?}");
    assert_eq!(st.login.as_deref(), Some(caiji_base::ids::mask_id(ZHANG).as_str()), "the ID is shown masked");

    let desk = Desk::new(&a, &forms);
    let photo = attachment(&a);
    let d = desk.create("collection", &record(&photo), None, None).unwrap();
    desk.finalize(&d.id).unwrap();
    a.queue(&d.id).unwrap();
    assert_eq!(sync::status(&a).unwrap().queued, 1);
    assert_eq!(sync::run(&a, &forms, t).unwrap().sent, vec![d.id.clone()]);
    let st = sync::status(&a).unwrap();
    assert_eq!((st.queued, st.sent), (0, 1));
    assert!(st.last_sync.is_some() && st.last_error.is_none());

    let authority = |decision: &str, revision: i64, reason: &str| {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let v: serde_json::Value = agent
            .post(&format!("{base}/api/v1/login"))
            .send_json(json!({"login": "im-review", "password": "review-pass"}))
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        let token = v["token"].as_str().unwrap().to_string();
        let r = agent
            .post(&format!("{base}/api/v1/review/{}", d.id))
            .header("authorization", &format!("Bearer {token}"))
            .send_json(json!({"revision": revision, "decision": decision, "reason": reason}))
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    };
    authority("return", 1, "学历信息与学信网不符");

    // Computer B has never seen it: the pull brings the record back, returned with the reason.
    let r = sync::run(&b, &forms, t).unwrap();
    assert_eq!((r.pulled.clone(), r.reviewed.len()), (vec![d.id.clone()], 0), "{r:?}");
    let on_b = b.get(&d.id).unwrap();
    assert_eq!((on_b.state, on_b.reason.as_deref(), on_b.remote_revision), (State::Returned, Some("学历信息与学信网不符"), Some(1)));
    assert_eq!((on_b.data.clone(), on_b.title.clone(), on_b.person.as_deref()), (a.get(&d.id).unwrap().data, a.get(&d.id).unwrap().title, Some(ZHANG)));
    assert_eq!(sync::status(&b).unwrap().returned, 1);
    assert_eq!(std::fs::read(b.attachment_path(&photo)).unwrap(), std::fs::read(a.attachment_path(&photo)).unwrap(), "the photo comes back too");
    // A learns of the return too.
    assert_eq!(sync::run(&a, &forms, t).unwrap().reviewed, vec![d.id.clone()]);

    // Both fix it, differently; B sends first (revision 2).
    let edit = |s: &Store, f: &dyn Fn(&mut serde_json::Value)| {
        let desk = Desk::new(s, &forms);
        let mut data = s.get(&d.id).unwrap().data;
        f(&mut data);
        desk.save(&d.id, &data).unwrap();
        desk.finalize(&d.id).unwrap();
        s.queue(&d.id).unwrap();
    };
    edit(&b, &|v| v["education"][0]["school"] = json!("内蒙古大学"));
    edit(&a, &|v| v["basic"]["mobile"] = json!("13900001111"));
    assert_eq!(sync::run(&b, &forms, t).unwrap().sent, vec![d.id.clone()]);
    let r = sync::run(&a, &forms, t).unwrap();
    assert_eq!((r.failed.clone(), r.conflicts.clone()), (vec![d.id.clone()], vec![d.id.clone()]), "{r:?}");
    let failed = a.get(&d.id).unwrap();
    assert_eq!(failed.state, State::Failed);
    assert!(failed.reason.as_deref().unwrap().contains("第 2 版"), "{:?}", failed.reason);
    let c = sync::conflict(&a, &forms, &d.id).unwrap().expect("the server's copy is kept");
    assert_eq!((c.revision, c.state.as_str(), c.can_keep_mine), (2, "submitted", true));
    let shown: Vec<(String, String, String, String)> =
        c.changes.iter().map(|x| (x.path.clone(), x.label.zh.clone(), x.mine.zh.clone(), x.theirs.zh.clone())).collect();
    assert_eq!(
        shown,
        [
            ("basic.mobile".into(), "基本信息 · 手机号码".into(), "13900001111".into(), "13912345678".into()),
            ("education.0.school".into(), "学历信息 第 1 条 · 毕业院校".into(), "内蒙古财经大学".into(), "内蒙古大学".into()),
        ]
    );
    // A keeps its own: it goes out again replacing revision 2.
    let kept = sync::resolve(&a, &forms, &d.id, true).unwrap();
    assert_eq!((kept.state, kept.remote_revision), (State::Queued, Some(2)));
    assert!(sync::conflict(&a, &forms, &d.id).unwrap().is_none());
    assert_eq!(sync::run(&a, &forms, t).unwrap().sent, vec![d.id.clone()]);
    assert_eq!(a.get(&d.id).unwrap().remote_revision, Some(3));
    // B, holding revision 2 as sent, pulls A's revision 3.
    let r = sync::run(&b, &forms, t).unwrap();
    assert_eq!(r.pulled, vec![d.id.clone()]);
    assert_eq!(b.get(&d.id).unwrap().data, a.get(&d.id).unwrap().data);

    // Returned again; both edit; A is second this time and takes the server's version.
    authority("return", 3, "照片不清晰");
    sync::run(&a, &forms, t).unwrap();
    sync::run(&b, &forms, t).unwrap();
    edit(&b, &|v| v["basic"]["email"] = json!("zhang@example.cn"));
    edit(&a, &|v| v["basic"]["mobile"] = json!("13900002222"));
    sync::run(&b, &forms, t).unwrap();
    assert_eq!(sync::run(&a, &forms, t).unwrap().conflicts, vec![d.id.clone()]);
    let took = sync::resolve(&a, &forms, &d.id, false).unwrap();
    assert_eq!((took.state, took.remote_revision, took.data.clone()), (State::Sent, Some(4), b.get(&d.id).unwrap().data));
    assert!(a.outbox().unwrap().is_empty());
    authority("accept", 4, "");
    assert_eq!(sync::run(&a, &forms, t).unwrap().reviewed, vec![d.id.clone()]);
    assert_eq!(sync::status(&a).unwrap().accepted, 1);

    // A session the server no longer knows signs the link out.
    let mut l = Link::load(&a).unwrap().unwrap();
    l.token = "0".repeat(64);
    l.save(&a).unwrap();
    assert_eq!(sync::run(&a, &forms, t).unwrap_err().code(), "signed_out");
    let st = sync::status(&a).unwrap();
    assert!(!st.signed_in && st.server.as_deref() == Some(base.as_str()) && st.last_error.unwrap().zh.contains("重新登录"));
}

/// A unit's finance office sends a staff member's entry filing; on another computer the unit signs in
/// and finds it in its workspace; the person signs in on theirs and finds their own record.
#[test]
fn a_units_filings_come_back_to_its_workspace_and_to_the_person() {
    const USCC: &str = "91150102MA0N12345P";
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(&dir.path().join("server")).unwrap();
    server.add_account(caiji_server::api::AccountKind::Unit, USCC, "unit-pass-1", "呼和浩特某某有限公司", "").unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let base = format!("http://{}", caiji_server::spawn_local(server, 1000.0, 1000.0).unwrap());
    let t = Duration::from_secs(10);
    let forms = Forms::builtin().unwrap();
    let office = Store::open(&dir.path().join("office")).unwrap();
    sync::connect(&base, USCC, "unit-pass-1", t).unwrap().save(&office).unwrap();
    let desk = Desk::new(&office, &forms);
    let photo = attachment(&office);
    office.put_unit(&caiji_filing::store::Unit { uscc: USCC.into(), name: "呼和浩特某某有限公司".into(), region: String::new() }).unwrap();
    // The unit's own form (the guide: a unit files the entry of the accountants it appoints).
    let entry = json!({"unit": {"uscc": USCC, "name": "呼和浩特某某有限公司", "unit_type": "1"}, "authority": {"city": "1501", "county": "150102"},
        "person": {"id_type": "1", "id_number": ZHANG, "name": "张三", "sex": "1", "mobile": "13912345678"},
        "appointment": {"post": "01", "first_work": "2012-07", "appointed": "2019-01", "proof": photo}});
    let d = desk.create("entry_unit", &entry, Some(USCC), None).unwrap();
    desk.finalize(&d.id).unwrap();
    office.queue(&d.id).unwrap();
    assert_eq!(sync::run(&office, &forms, t).unwrap().sent, vec![d.id.clone()]);

    let laptop = Store::open(&dir.path().join("laptop")).unwrap();
    sync::connect(&base, USCC, "unit-pass-1", t).unwrap().save(&laptop).unwrap();
    assert_eq!(sync::run(&laptop, &forms, t).unwrap().pulled, vec![d.id.clone()]);
    assert_eq!(laptop.units().unwrap().iter().map(|u| (u.uscc.as_str(), u.name.as_str())).collect::<Vec<_>>(), [(USCC, "呼和浩特某某有限公司")]);
    assert_eq!(laptop.of_unit(USCC).unwrap().iter().map(|x| (x.id.clone(), x.state)).collect::<Vec<_>>(), [(d.id.clone(), State::Sent)]);
    assert!(laptop.attachment_path(&photo).exists(), "with the photo");

    let home = Store::open(&dir.path().join("home")).unwrap();
    sync::connect(&base, ZHANG, "secret-123", t).unwrap().save(&home).unwrap();
    assert_eq!(sync::run(&home, &forms, t).unwrap().pulled, vec![d.id.clone()]);
    let mine = home.get(&d.id).unwrap();
    assert_eq!((mine.person.as_deref(), mine.unit.as_deref(), mine.data.clone()), (Some(ZHANG), None, office.get(&d.id).unwrap().data));
    assert!(home.units().unwrap().is_empty(), "a person's computer has no unit workspace");
}

#[test]
fn signing_out_ends_the_session_on_the_server_and_a_locked_login_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(&dir.path().join("server")).unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let addr = caiji_server::spawn_local(server, 1000.0, 1000.0).unwrap();
    let base = format!("http://{addr}");
    let t = std::time::Duration::from_secs(10);
    let link = sync::connect(&base, ZHANG, "secret-123", t).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let with =
        |token: &str| agent.get(&format!("{base}/api/v1/submissions")).header("authorization", &format!("Bearer {token}")).call().unwrap().status().as_u16();
    assert_eq!(with(&link.token), 200);
    sync::disconnect(&link, t).unwrap();
    assert_eq!(with(&link.token), 401, "the token no longer works anywhere");
    // Guessed at: the app is told the login is locked and for how long, not "offline".
    for _ in 0..caiji_server::auth::FREE_FAILURES {
        assert!(sync::connect(&base, ZHANG, "guess-0001", t).is_err());
    }
    let e = sync::connect(&base, ZHANG, "secret-123", t).unwrap_err();
    assert!(e.msg().zh.contains("登录失败次数过多"), "{}", e.msg().zh);
}

/// The baseline a person's authority set on the server (from the online system's record) comes
/// to their app at sync and counts in the standing; withdrawn there, it is gone here too.
#[test]
fn the_authoritys_baseline_reaches_the_persons_app() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(&dir.path().join("server")).unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let base = format!("http://{}", caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap());
    let (t, forms) = (Duration::from_secs(10), Forms::builtin().unwrap());
    let year = caiji_base::time::today().0;
    server.set_baseline(ZHANG, Some(year - 2)).unwrap();
    let store = Store::open(&dir.path().join("home")).unwrap();
    sync::connect(&base, ZHANG, "secret-123", t).unwrap().save(&store).unwrap();
    sync::run(&store, &forms, t).unwrap();
    let desk = Desk::new(&store, &forms);
    let s = desk.standing(ZHANG).unwrap();
    assert_eq!((s.server_good_to, s.good_to), (Some(year - 2), None), "the authority's, not a stated one");
    assert_eq!(desk.record(ZHANG, None).unwrap().person.good_to, Some(year - 2), "and the rules count from it");
    server.set_baseline(ZHANG, None).unwrap();
    sync::run(&store, &forms, t).unwrap();
    assert_eq!(desk.standing(ZHANG).unwrap().server_good_to, None);
}

/// 上报 from a machine signed in as a unit refuses a person's own form prepared there (it is
/// handed to the person), and from a person's a unit's form, in the server's words.
#[test]
fn sending_refuses_a_form_the_signed_in_account_may_not_file() {
    let dir = tempfile::tempdir().unwrap();
    let forms = Forms::builtin().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let d = finalized_collection(&store, &forms);
    let desk = Desk::new(&store, &forms);
    let a = desk.create("assessment", &json!({"person": {"id_number": ZHANG, "name": "张三"}}), None, None).unwrap();
    store.finalize(&a.id, &[]).unwrap();
    let link =
        |kind| Link { server: "http://127.0.0.1:9".into(), login: "x".into(), kind, name: String::new(), token: "t".into(), expires: i64::MAX, verified: true };
    link(caiji_protocol::AccountKind::Unit).save(&store).unwrap();
    let e = sync::send(&store, &forms, &d.id).unwrap_err();
    assert!(e.msg().zh.contains("由会计人员本人填报"), "{}", e.msg().zh);
    assert_eq!(store.get(&d.id).unwrap().state, State::Finalized, "not queued");
    link(caiji_protocol::AccountKind::Person).save(&store).unwrap();
    let e = sync::send(&store, &forms, &a.id).unwrap_err();
    assert!(e.msg().zh.contains("由单位"), "{}", e.msg().zh);
    assert_eq!(sync::send(&store, &forms, &d.id).unwrap().state, State::Queued);
}
