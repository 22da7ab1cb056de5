//! The app's outbox and sync client against a real caiji-server on 127.0.0.1 (real SQLite files
//! on both sides): finalize → queue → send → the authority returns it with a reason → pulled →
//! fixed and sent again as the next revision → accepted; a server that is down keeps the filing
//! queued with backoff and loses nothing; a sent filing is never sent twice.
use caiji_core::drafts::{State, Store};
use caiji_core::filing::Desk;
use caiji_core::forms::Forms;
use caiji_core::sync::Client;
use caiji_server::Server;
use serde_json::json;
use std::time::Duration;

const ZHANG: &str = "150102199003071237";

fn record(photo: &str) -> serde_json::Value {
    json!({
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": "true"},
        "category": {"category": "1"},
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
    server.add_account("person", ZHANG, "secret-123", "张三", "").unwrap();
    server.add_account("authority", "im-review", "review-pass", "内蒙古财政厅", "150000").unwrap();
    let addr = caiji_server::spawn_local(server.clone(), 1000.0, 1000.0);
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
    assert_eq!(r.sent, [d.id.clone()]);
    let sent = store.get(&d.id).unwrap();
    assert_eq!((sent.state, sent.remote_revision), (State::Sent, Some(1)));
    assert!(store.outbox().unwrap().is_empty(), "out of the outbox once the receipt is stored");
    assert_eq!(std::fs::read(server.blobs.join(&photo)).unwrap(), std::fs::read(store.attachment_path(&photo)).unwrap());
    // Nothing left to send: a second sync sends nothing again.
    assert!(client.sync(&store, &forms).unwrap().sent.is_empty());

    // The authority returns it with a reason; the client pulls it.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let token = agent.post(&format!("{base}/api/v1/login")).send_json(json!({"login": "im-review", "password": "review-pass"})).unwrap().body_mut().read_json::<serde_json::Value>().unwrap()["token"]
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
    assert_eq!(r.reviewed, [d.id.clone()]);
    let back = store.get(&d.id).unwrap();
    assert_eq!((back.state, back.reason.as_deref()), (State::Returned, Some("手机号码已停用，请更新")));

    // Fixed, finalized, queued: sent as revision 2 replacing 1, then accepted.
    let mut data = back.data.clone();
    data["basic"]["mobile"] = json!("13900001111");
    desk.save(&d.id, &data).unwrap();
    desk.finalize(&d.id).unwrap();
    store.queue(&d.id).unwrap();
    assert_eq!(client.sync(&store, &forms).unwrap().sent, [d.id.clone()]);
    assert_eq!(store.get(&d.id).unwrap().remote_revision, Some(2));
    review(2, "accept", "");
    client.sync(&store, &forms).unwrap();
    assert_eq!(store.get(&d.id).unwrap().state, State::Accepted);
}

#[test]
fn a_server_that_is_down_keeps_the_filing_queued_with_backoff() {
    let dir = tempfile::tempdir().unwrap();
    let forms = Forms::builtin().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let desk = Desk::new(&store, &forms);
    let photo = attachment(&store);
    let d = desk.create("collection", &record(&photo), None, None).unwrap();
    desk.finalize(&d.id).unwrap();
    store.queue(&d.id).unwrap();
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2));
    let err = client.sync(&store, &forms).unwrap_err();
    assert!(err.message(caiji_core::Lang::Zh).contains("无法连接服务器"), "the pull says it is offline");
    let o = &store.outbox().unwrap()[0];
    assert_eq!((o.draft.as_str(), o.attempts), (d.id.as_str(), 1));
    assert!(o.next_at > caiji_core::drafts::now_ms() + 500 && o.last_error.is_some(), "{o:?}");
    assert_eq!(store.get(&d.id).unwrap().state, State::Queued);
    // Not due yet: a sync right away does not try again.
    let _ = client.sync(&store, &forms);
    assert_eq!(store.outbox().unwrap()[0].attempts, 1);
}
