//! The protocol against a real server on 127.0.0.1 with a real SQLite file: accounts and
//! sessions, resumable checksummed uploads, idempotent submissions, stale edits, the review
//! round trip, who sees what, the public query, body and rate limits. Every call made here is
//! checked against docs/openapi.json (method, path and status documented).
// Test and benchmark tooling: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use caiji_server::Server;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Mutex;

struct Api {
    base: String,
    agent: ureq::Agent,
    /// (method, path template, status) of every call, for the OpenAPI check.
    seen: Mutex<BTreeSet<(String, String, u16)>>,
}

/// A fresh PostgreSQL database on the test cluster (`CAIJI_TEST_PG`, started by
/// scripts/pg.sh); `None` when there is none here. CI always has one.
fn fresh_postgres() -> Option<String> {
    let Ok(admin) = std::env::var("CAIJI_TEST_PG") else {
        assert!(std::env::var_os("CI").is_none(), "CI runs the protocol on PostgreSQL too: set CAIJI_TEST_PG (scripts/pg.sh)");
        eprintln!("CAIJI_TEST_PG not set: the PostgreSQL run is left out here");
        return None;
    };
    let name = format!("caiji_t{}", uuid_like());
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(admin.replace("dbname=postgres", &format!("dbname={name}")))
}

fn uuid_like() -> String {
    format!("{:x}", Sha256::digest(format!("{:?}{:?}", std::time::SystemTime::now(), std::thread::current().id()).as_bytes()))[..12].to_string()
}

/// A running server on a fresh data folder: SQLite, or PostgreSQL with `pg`.
fn start_on(pg: Option<&str>, rate: f64, burst: f64) -> (Api, Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let server = match pg {
        Some(url) => Server::postgres(url, dir.path()).unwrap(),
        None => Server::sqlite(dir.path()).unwrap(),
    };
    let addr = caiji_server::spawn_local(server.clone(), rate, burst).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    (Api { base: format!("http://{addr}"), agent, seen: Mutex::new(BTreeSet::new()) }, server, dir)
}

/// The documented template of a concrete path.
fn template(path: &str) -> String {
    let p = path.split('?').next().unwrap();
    let parts: Vec<&str> = p.split('/').collect();
    match parts.as_slice() {
        ["", "api", "v1", "submissions", _] => "/api/v1/submissions/{uuid}".into(),
        ["", "api", "v1", "review", _] => "/api/v1/review/{uuid}".into(),
        ["", "api", "v1", "blobs", _] => "/api/v1/blobs/{hash}".into(),
        ["", "api", "v1", "blobs", _, "content"] => "/api/v1/blobs/{hash}/content".into(),
        _ => p.into(),
    }
}

impl Api {
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut res = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.call().unwrap()
            }
            (m, b) => {
                let mut r = if m == "PUT" { self.agent.put(&url) } else { self.agent.post(&url) };
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.send_json(b.unwrap_or(json!({}))).unwrap()
            }
        };
        let status = res.status().as_u16();
        let v: Value = res.body_mut().read_json().unwrap_or(Value::Null);
        self.seen.lock().unwrap().insert((method.to_lowercase(), template(path), status));
        (status, v)
    }

    fn chunk(&self, token: &str, hash: &str, offset: usize, size: usize, bytes: &[u8], sum: Option<String>) -> (u16, Value) {
        let url = format!("{}/api/v1/blobs/{hash}?offset={offset}&size={size}", self.base);
        let sum = sum.unwrap_or_else(|| format!("{:x}", Sha256::digest(bytes)));
        let mut res = self.agent.put(&url).header("authorization", &format!("Bearer {token}")).header("x-chunk-sha256", &sum).send(bytes).unwrap();
        let status = res.status().as_u16();
        self.seen.lock().unwrap().insert(("put".into(), "/api/v1/blobs/{hash}".into(), status));
        (status, res.body_mut().read_json().unwrap_or(Value::Null))
    }

    /// A PUT announcing `announced` bytes of JSON and sending only the first `sent`; the answer
    /// read without sending more (status, body).
    fn oversized(&self, token: &str, path: &str, announced: usize, sent: usize) -> (u16, Value) {
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://");
        let mut c = std::net::TcpStream::connect(host).unwrap();
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\r\n"
        );
        c.write_all(head.as_bytes()).unwrap();
        let mut body = vec![b' '; sent];
        body[0] = b'{';
        c.write_all(&body).unwrap();
        let mut answer = Vec::new();
        let _ = c.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer).to_string();
        let status: u16 = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let json = text.split("\r\n\r\n").nth(1).and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
        self.seen.lock().unwrap().insert(("put".into(), template(path), status));
        (status, json)
    }

    /// An attachment's bytes (status, body).
    fn content(&self, token: &str, hash: &str) -> (u16, Vec<u8>) {
        let path = format!("/api/v1/blobs/{hash}/content");
        let mut res = self.agent.get(&format!("{}{path}", self.base)).header("authorization", &format!("Bearer {token}")).call().unwrap();
        let status = res.status().as_u16();
        self.seen.lock().unwrap().insert(("get".into(), template(&path), status));
        (status, res.body_mut().with_config().limit(30 << 20).read_to_vec().unwrap())
    }

    fn login(&self, login: &str, password: &str) -> String {
        let (st, v) = self.call("POST", "/api/v1/login", None, Some(json!({"login": login, "password": password})));
        assert_eq!(st, 200, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    /// Every call made is in the OpenAPI document with its status.
    fn check_documented(&self) {
        let doc: Value = serde_json::from_str(include_str!("../../../docs/openapi.json")).unwrap();
        for (m, p, st) in self.seen.lock().unwrap().iter() {
            let op = &doc["paths"][p][m];
            assert!(op.is_object(), "{m} {p} is not documented");
            assert!(op["responses"][st.to_string()].is_object(), "{m} {p} → {st} is not documented");
        }
    }
}

const ZHANG: &str = "150102199003071237";
const LI: &str = "150102198501010010";
const UNIT: &str = "91150102MA0N12345P";

fn collection(id: &str, name: &str, photo: &str) -> Value {
    json!({
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": true},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {"photo": photo, "id_type": "1", "id_number": id, "name": name, "sex": "1", "birth": format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]), "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}],
    })
}

#[test]
fn the_whole_protocol_on_sqlite() {
    let (api, server, _dir) = start_on(None, 1000.0, 1000.0);
    protocol(&api, &server);
}

#[test]
fn the_whole_protocol_on_postgres() {
    let Some(url) = fresh_postgres() else { return };
    let (api, server, _dir) = start_on(Some(&url), 1000.0, 1000.0);
    protocol(&api, &server);
}

fn protocol(api: &Api, server: &Server) {
    assert_eq!(api.call("GET", "/api/v1/health", None, None).0, 200);

    // Accounts: valid logins only, once each; wrong passwords refused; no token, no access.
    let reg = |kind: &str, login: &str, pw: &str| {
        api.call("POST", "/api/v1/register", None, Some(json!({"kind": kind, "login": login, "password": pw, "name": "张三"})))
    };
    assert_eq!(reg("person", ZHANG, "secret-123").0, 201);
    assert_eq!(reg("person", LI, "secret-456").0, 201);
    assert_eq!(reg("unit", UNIT, "unit-pass-1").0, 201);
    let (st, e) = reg("person", ZHANG, "another-1");
    assert_eq!((st, e["code"].as_str()), (409, Some("account_exists")));
    assert_eq!(reg("person", "150102199003071238", "secret-123").0, 400, "a bad check digit");
    assert_eq!(reg("person", "150102198001010014", "short").0, 400);
    // Bodies the protocol does not know are refused in the error contract, the parser's words
    // cut short in the details (an attacker's kilobytes are not echoed back).
    for kind in ["authority", "admin", &"x".repeat(10_000)] {
        let (st, e) = reg(kind, "150102198001010014", "secret-789");
        assert_eq!((st, e["code"].as_str()), (400, Some("bad_request")), "{kind:.20}");
        assert!(e["message"]["zh"].as_str().is_some_and(|m| !m.is_empty()) && e["message"]["en"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(e.to_string().len() < 1_000, "{:.300}", e.to_string());
    }
    let (st, e) = api.call("POST", "/api/v1/login", None, Some(json!({"login": ZHANG})));
    assert_eq!((st, e["code"].as_str()), (400, Some("bad_request")), "a missing field");
    let (st, e) = api.call("POST", "/api/v1/login", None, Some(json!({"login": ZHANG, "password": "wrong-pass"})));
    assert_eq!((st, e["code"].as_str()), (401, Some("bad_login")));
    assert!(e["message"]["zh"].as_str().unwrap().contains("密码"));
    assert_eq!(api.call("GET", "/api/v1/submissions", None, None).0, 401);
    assert_eq!(api.call("GET", "/api/v1/submissions", Some("not-a-token"), None).0, 401);
    // Signing out ends that session; signing out everywhere ends every session of the account.
    let (a1, a2, b1) = (api.login(ZHANG, "secret-123"), api.login(ZHANG, "secret-123"), api.login(LI, "secret-456"));
    assert_eq!(api.call("POST", "/api/v1/logout", Some(&a1), None).0, 204);
    assert_eq!(api.call("GET", "/api/v1/submissions", Some(&a1), None).0, 401);
    assert_eq!(api.call("GET", "/api/v1/submissions", Some(&a2), None).0, 200, "the other computer's session stays");
    let a3 = api.login(ZHANG, "secret-123");
    assert_eq!(api.call("POST", "/api/v1/logout/all", Some(&a3), None).0, 204);
    assert_eq!(api.call("GET", "/api/v1/submissions", Some(&a2), None).0, 401, "every session of the account ends");
    assert_eq!(api.call("GET", "/api/v1/submissions", Some(&b1), None).0, 200, "another account's does not");
    assert_eq!(api.call("POST", "/api/v1/logout", Some("not-a-token"), None).0, 401);
    let zhang = api.login(ZHANG, "secret-123");
    let li = api.login(LI, "secret-456");
    let unit = api.login(UNIT, "unit-pass-1");

    // An attachment in resumable chunks: a bad chunk, a wrong offset, a break, a resume.
    let photo: Vec<u8> = (0..2_500_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let hash = format!("{:x}", Sha256::digest(&photo));
    let c = 1 << 20;
    assert_eq!(api.chunk(&zhang, &hash, 0, photo.len(), &photo[..c], Some("00".repeat(32))).0, 422);
    assert_eq!(api.chunk(&zhang, &hash, 0, photo.len(), &photo[..c], None).0, 200);
    let (st, v) = api.chunk(&zhang, &hash, 2 * c, photo.len(), &photo[2 * c..], None);
    assert_eq!((st, v["details"]["received"].as_i64()), (409, Some(c as i64)), "a gap is refused and says where to go on");
    // The connection "breaks"; the client asks how far it got and carries on from there.
    let (_, s) = api.call("GET", &format!("/api/v1/blobs/{hash}"), Some(&zhang), None);
    assert_eq!((s["received"].as_i64(), s["complete"].as_bool()), (Some(c as i64), Some(false)));
    assert_eq!(api.chunk(&zhang, &hash, c, photo.len(), &photo[c..2 * c], None).1["received"], (2 * c) as i64);
    let (st, s) = api.chunk(&zhang, &hash, 2 * c, photo.len(), &photo[2 * c..], None);
    assert_eq!((st, s["complete"].as_bool()), (200, Some(true)));
    assert_eq!(std::fs::read(server.blobs.join(&hash)).unwrap(), photo);
    // A file whose bytes do not make its hash is refused at the end.
    let fake = "ab".repeat(32);
    assert_eq!(api.chunk(&zhang, &fake, 0, 3, b"abc", None).1["code"], "blob_checksum");
    // A failed whole-file check starts the upload over: the right bytes are then taken (the
    // row used to keep its count while the part file was gone: 422 forever).
    let right = b"the right bytes".to_vec();
    let right_hash = format!("{:x}", Sha256::digest(&right));
    assert_eq!(api.chunk(&zhang, &right_hash, 0, right.len(), b"the wrong bytes", None).1["code"], "blob_checksum");
    let (st, s) = api.chunk(&zhang, &right_hash, 0, right.len(), &right, None);
    assert_eq!((st, s["complete"].as_bool()), (200, Some(true)), "{s}");
    assert_eq!(api.call("GET", "/api/v1/blobs/nothex", Some(&zhang), None).0, 400);

    // Submissions: received once however often sent; checked like the app; owners only.
    let uuid = "5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11";
    let body = json!({"form": "collection", "form_version": 2, "data": collection(ZHANG, "张三", &hash)});
    let (st, r1) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(body.clone()));
    assert_eq!((st, r1["revision"].as_i64(), r1["state"].as_str()), (201, Some(1), Some("submitted")), "{r1}");
    assert_eq!(r1["person"], "150102********1237");
    for _ in 0..3 {
        let (st, again) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(body.clone()));
        assert_eq!((st, &again), (200, &r1), "a retry has one effect");
    }
    let (_, mine) = api.call("GET", "/api/v1/submissions", Some(&zhang), None);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let mut bad = body.clone();
    bad["data"]["basic"]["mobile"] = json!("1391234");
    let (st, e) = api.call("PUT", "/api/v1/submissions/6c1d5b9f-4a2e-4d4f-8b62-1e3c8e0f2d22", Some(&zhang), Some(bad));
    assert_eq!((st, e["code"].as_str()), (422, Some("invalid_filing")));
    assert_eq!(e["details"][0]["path"], "basic.mobile", "the same problems as the app, by field");
    // A slot holds a file's hash, nothing else; a section the form does not have is refused.
    for (what, v) in [("a note", json!("no-photo-here")), ("a link", json!("https://example.com/p.jpg"))] {
        let mut odd = body.clone();
        odd["data"]["basic"]["photo"] = v;
        let (st, e) = api.call("PUT", "/api/v1/submissions/1b6caee4-9f73-4c94-a0b7-6d81d3547c77", Some(&zhang), Some(odd));
        assert_eq!((st, e["details"][0]["path"].as_str()), (422, Some("basic.photo")), "{what}: {e}");
    }
    let mut extra = body.clone();
    extra["data"]["stash"] = json!({"anything": "x".repeat(1000)});
    let (st, e) = api.call("PUT", "/api/v1/submissions/1b6caee4-9f73-4c94-a0b7-6d81d3547c77", Some(&zhang), Some(extra));
    assert_eq!((st, e["details"][0]["code"].as_str()), (422, Some("unknown_section")), "{e}");
    let mut no_photo = body.clone();
    no_photo["data"]["basic"]["photo"] = json!("cd".repeat(32));
    let (st, e) = api.call("PUT", "/api/v1/submissions/7d2e6ca0-5b3f-4e50-9c73-2f4d9f103e33", Some(&zhang), Some(no_photo));
    assert_eq!((st, e["code"].as_str(), e["details"][0].as_str()), (422, Some("attachments_missing"), Some("cd".repeat(32).as_str())));
    let (st, e) = api.call("PUT", "/api/v1/submissions/8e3f7db1-6c40-4f61-8d84-3a5ea0214f44", Some(&li), Some(body.clone()));
    assert_eq!((st, e["code"].as_str()), (403, Some("not_yours")), "a person files only for themselves");
    assert_eq!(api.call("PUT", "/api/v1/submissions/not-a-uuid", Some(&zhang), Some(body.clone())).0, 400);
    assert_eq!(api.call("GET", &format!("/api/v1/submissions/{uuid}"), Some(&li), None).0, 404, "someone else's is not found");
    // Nor written to: a PUT on someone else's UUID says not found too (403 told it existed).
    let lis = json!({"form": "collection", "form_version": 2, "data": collection(LI, "李四", &hash)});
    let (st, e) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&li), Some(lis));
    assert_eq!((st, e["code"].as_str()), (404, Some("not_found")));
    // An edit cannot switch the form, nor change the fields fixed once filed (name, ID number).
    let mut renamed = body.clone();
    renamed["data"]["basic"]["name"] = json!("王五");
    renamed["replaces"] = json!(1);
    let (st, e) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(renamed));
    assert_eq!((st, e["code"].as_str(), e["details"][0].as_str()), (422, Some("fixed_field"), Some("basic.name")), "{e}");
    let ce = json!({"person": {"id_number": ZHANG, "name": "张三", "year": 2025}, "courses": {"professional": 60, "general": 30}});
    let other_form = json!({"form": "ce", "form_version": 1, "replaces": 1, "data": ce});
    let (st, e) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(other_form));
    assert_eq!((st, e["code"].as_str()), (422, Some("form_changed")), "{e}");
    // A unit's form from a person's account is refused, whoever it is about.
    let own_entry = json!({"form": "entry_unit", "form_version": 2, "data": {
        "unit": {"uscc": UNIT, "name": "某某公司", "unit_type": "1"},
        "authority": {"province": "150000", "city": "1501", "county": "150102"},
        "person": {"id_type": "1", "id_number": ZHANG, "name": "张三", "sex": "1", "mobile": "13800001111"},
        "appointment": {"post": "01", "first_work": "2010-07", "appointed": "2019-01", "proof": hash}}});
    let (st, e) = api.call("PUT", "/api/v1/submissions/0a5b9fd3-8e62-4b83-9fa6-5c70c2436b66", Some(&zhang), Some(own_entry));
    assert_eq!((st, e["code"].as_str()), (403, Some("wrong_filer")));

    // A unit files for its staff and sees only those. Its proof is its own upload: the same
    // bytes as Zhang's photo, sent whole, kept once.
    assert_eq!(api.chunk(&unit, &hash, 0, photo.len(), &photo[..c], None).1["received"], c as i64, "the unit's own upload starts at 0");
    assert_eq!(api.chunk(&unit, &hash, c, photo.len(), &photo[c..2 * c], None).1["received"], (2 * c) as i64);
    assert_eq!(api.chunk(&unit, &hash, 2 * c, photo.len(), &photo[2 * c..], None).1["complete"], true);
    let entry = json!({"form": "entry_unit", "form_version": 2, "data": {
        "unit": {"uscc": UNIT, "name": "某某公司", "unit_type": "1"},
        "authority": {"province": "150000", "city": "1501", "county": "150102"},
        "person": {"id_type": "1", "id_number": LI, "name": "李四", "sex": "1", "mobile": "13800001111"},
        "appointment": {"post": "01", "first_work": "2010-07", "appointed": "2019-01", "proof": hash}}});
    let e_uuid = "9f4a8ec2-7d51-4a72-8e95-4b6fb1325a55";
    assert_eq!(api.call("PUT", &format!("/api/v1/submissions/{e_uuid}"), Some(&unit), Some(entry)).0, 201);
    let (_, seen) = api.call("GET", "/api/v1/submissions", Some(&unit), None);
    assert_eq!(seen.as_array().unwrap().iter().map(|r| r["uuid"].as_str().unwrap()).collect::<Vec<_>>(), [e_uuid]);
    // Li's account is only a claim until proven: it sees nothing the unit filed.
    let (_, seen) = api.call("GET", "/api/v1/submissions", Some(&li), None);
    assert_eq!(seen, json!([]), "an unverified account sees only its own filings");

    // Review: returned with a reason, pulled by the client, fixed against its revision,
    // accepted; a stale edit gets the server's copy; an accepted one cannot change.
    server.add_account(caiji_server::api::AccountKind::Authority, "im-review", "review-pass", "内蒙古财政厅", "150000").unwrap();
    server.add_account(caiji_server::api::AccountKind::Authority, "bj-review", "review-pass", "北京市财政局", "110000").unwrap();
    let im = api.login("IM-REVIEW", "review-pass");
    let bj = api.login("BJ-REVIEW", "review-pass");
    assert_eq!(api.call("GET", "/api/v1/review", Some(&zhang), None).0, 403);
    let (_, q) = api.call("GET", "/api/v1/review", Some(&bj), None);
    assert!(q.as_array().unwrap().iter().all(|r| r["uuid"] != uuid), "another region's authority does not see it");
    let (_, q) = api.call("GET", "/api/v1/review", Some(&im), None);
    assert!(q.as_array().unwrap().iter().any(|r| r["uuid"] == uuid && r["data"]["basic"]["name"] == "张三"));
    // The queue says who filed each one, and whether that account is proven.
    let filer = &q.as_array().unwrap().iter().find(|r| r["uuid"] == uuid).unwrap()["filer"];
    assert_eq!(*filer, json!({"kind": "person", "login": "150102********1237", "name": "张三", "verified": false}));
    assert_eq!(
        api.call("POST", &format!("/api/v1/review/{uuid}"), Some(&im), Some(json!({"revision": 1, "decision": "return"}))).0,
        400,
        "a return needs a reason"
    );
    let before = r1["updated"].as_i64().unwrap();
    let (st, r) =
        api.call("POST", &format!("/api/v1/review/{uuid}"), Some(&im), Some(json!({"revision": 1, "decision": "return", "reason": "照片背景不是白色"})));
    assert_eq!((st, r["state"].as_str()), (200, Some("returned")));
    let (_, changed) = api.call("GET", &format!("/api/v1/submissions?since={before}"), Some(&zhang), None);
    assert_eq!((changed[0]["state"].as_str(), changed[0]["reason"].as_str()), (Some("returned"), Some("照片背景不是白色")));
    let mut fixed = body.clone();
    fixed["data"]["basic"]["mobile"] = json!("13900001111");
    fixed["replaces"] = json!(1);
    let (st, r2) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(fixed.clone()));
    assert_eq!((st, r2["revision"].as_i64(), r2["state"].as_str()), (200, Some(2), Some("submitted")));
    let mut stale = body.clone();
    stale["data"]["basic"]["mobile"] = json!("13700002222");
    stale["replaces"] = json!(1);
    let (st, e) = api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(stale));
    assert_eq!((st, e["code"].as_str(), e["details"]["revision"].as_i64()), (409, Some("stale"), Some(2)));
    assert_eq!(e["details"]["data"]["basic"]["mobile"], "13900001111", "the client can show what changed");
    assert_eq!(
        api.call("POST", &format!("/api/v1/review/{uuid}"), Some(&im), Some(json!({"revision": 1, "decision": "accept"}))).0,
        409,
        "reviewing a stale revision"
    );
    // The administrator's command sees every region's queue, with the same rules.
    assert!(server.review_queue().unwrap().iter().any(|r| r.uuid == uuid && r.revision == 2));
    assert_eq!(server.decide(uuid, caiji_server::api::Decision::Return, None).unwrap_err().code, "bad_request", "a return needs a reason");
    assert_eq!(api.call("POST", &format!("/api/v1/review/{uuid}"), Some(&im), Some(json!({"revision": 2, "decision": "accept"}))).1["state"], "accepted");
    let mut late = fixed.clone();
    late["data"]["basic"]["mobile"] = json!("13600003333");
    late["replaces"] = json!(2);
    assert_eq!(api.call("PUT", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), Some(late)).1["code"], "already_accepted");
    let (_, rec) = api.call("GET", &format!("/api/v1/submissions/{uuid}"), Some(&zhang), None);
    assert_eq!((rec["revision"].as_i64(), rec["data"]["basic"]["mobile"].as_str()), (Some(2), Some("13900001111")), "the authoritative record");
    // Its photo comes back to whoever may see the filing, and to no one else.
    assert_eq!(api.content(&zhang, &hash), (200, photo.clone()));
    assert_eq!(api.content(&li, &hash).0, 404, "Li's entry filing (by the unit) names it, but Li is not proven yet");
    assert_eq!(api.content(&bj, &hash).0, 404, "Beijing's authority sees none of the filings naming it");
    assert_eq!(api.content(&zhang, &"ef".repeat(32)).0, 404);
    assert_eq!(api.content(&zhang, "nothex").0, 400);

    // The public query: Li is on file through the unit's entry filing, not collected yet.
    // The unit's entry filing is reviewed in its 管理地区 (新城区, inside this province's).
    assert_eq!(api.call("POST", &format!("/api/v1/review/{e_uuid}"), Some(&bj), Some(json!({"revision": 1, "decision": "accept"}))).0, 404, "not Beijing's");
    assert_eq!(api.call("POST", &format!("/api/v1/review/{e_uuid}"), Some(&im), Some(json!({"revision": 1, "decision": "accept"}))).0, 200);
    // The unit, once verified itself by the administrator's code, vouches for Li, about whom it
    // filed something accepted.
    let vouch = |token: &str, login: &str, purpose: &str| api.call("POST", "/api/v1/codes", Some(token), Some(json!({"login": login, "purpose": purpose})));
    let (st, e) = vouch(&unit, LI, "activate");
    assert_eq!((st, e["code"].as_str()), (403, Some("not_verified")), "{e}");
    let for_unit = server.issue_code(UNIT, caiji_protocol::CodePurpose::Activate).unwrap();
    let (st, me) = api.call("POST", "/api/v1/verify", Some(&unit), Some(json!({"code": for_unit.code.to_lowercase().replace('-', " ")})));
    assert_eq!((st, me["verified"].as_bool()), (200, Some(true)), "case, spaces and dashes do not matter: {me}");
    let (st, e) = vouch(&unit, ZHANG, "activate");
    assert_eq!((st, e["code"].as_str()), (403, Some("not_yours")), "the unit never filed about Zhang");
    assert_eq!(vouch(&zhang, LI, "activate").0, 403, "a person vouches for no one");
    let (st, code) = vouch(&unit, LI, "activate");
    assert_eq!((st, code["login"].as_str(), code["code"].as_str().map(str::len)), (201, Some(LI), Some(11)), "{code}");
    let (st, e) = api.call("POST", "/api/v1/verify", Some(&li), Some(json!({"code": "00000-00000"})));
    assert_eq!((st, e["code"].as_str()), (400, Some("bad_code")));
    assert_eq!(api.call("POST", "/api/v1/verify", Some(&zhang), Some(json!({"code": code["code"]}))).1["code"], "bad_code", "Li's code is Li's");
    let (st, me) = api.call("POST", "/api/v1/verify", Some(&li), Some(json!({"code": code["code"]})));
    assert_eq!((st, me["verified"].as_bool()), (200, Some(true)));
    let (_, seen) = api.call("GET", "/api/v1/submissions", Some(&li), None);
    assert_eq!(seen.as_array().unwrap().len(), 1, "the person, verified, sees the unit's filing about them");
    assert_eq!(api.content(&li, &hash).0, 200, "and its file");
    let (st, e) = vouch(&unit, LI, "reset");
    assert_eq!((st, e["code"].as_str()), (403, Some("ask_authority")), "a unit cannot reset a proven account's password");
    let (st, found) = api.call("GET", "/api/v1/public/uncollected?name=%E6%9D%8E%E5%9B%9B", None, None);
    assert_eq!(st, 200);
    assert_eq!(found, json!([{"name": "李四", "id_number": "150102********0010"}]));
    assert_eq!(api.call("GET", "/api/v1/public/uncollected?name=%E5%BC%A0%E4%B8%89", None, None).1, json!([]), "Zhang has no entry filing");
    assert_eq!(api.call("GET", "/api/v1/public/uncollected?name=%E6%9D%8E", None, None).0, 400);

    // A body past the limit is refused before it is read whole: a client announcing 300 KB and
    // sending one byte past 256 KB gets 413 without sending the rest (sent over a raw socket:
    // a client sending on after the answer would meet a reset instead of reading it).
    let (st, e) = api.oversized(&zhang, "/api/v1/submissions/0a5b9fd3-8e62-4b83-9fa6-5c70c2436b66", 300_000, caiji_server::api::MAX_JSON + 1);
    assert_eq!((st, e["code"].as_str()), (413, Some("too_large")), "{e}");

    // Uploads nobody's filing names are swept once old enough; the photo in use stays.
    let spare: Vec<u8> = (0..5_000u32).map(|i| (i * 13 % 241) as u8).collect();
    let spare_hash = format!("{:x}", Sha256::digest(&spare));
    assert_eq!(api.chunk(&zhang, &spare_hash, 0, spare.len(), &spare, None).1["complete"], true);
    let half = format!("{:x}", Sha256::digest(b"never finished"));
    assert_eq!(api.chunk(&zhang, &half, 0, 14, b"never", None).0, 200);
    assert_eq!(server.sweep(60_000).unwrap(), (0, 0), "nothing old enough");
    assert_eq!(server.sweep(-60_000).unwrap(), (3, 5_020), "the spare file, the unfinished one, and the 15 right bytes no filing names");
    assert!(!server.blobs.join(&spare_hash).exists());
    let parts = std::fs::read_dir(&server.blobs).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".part")).count();
    assert_eq!(parts, 0, "the unfinished upload's part file is gone");
    assert_eq!(std::fs::read(server.blobs.join(&hash)).unwrap(), photo, "the photo a filing uses is kept");
    assert_eq!(api.call("GET", &format!("/api/v1/blobs/{spare_hash}"), Some(&zhang), None).0, 404);
    api.check_documented();
}

#[test]
fn request_rates_are_limited_per_address() {
    let (api, _server, _dir) = start_on(None, 5.0, 10.0);
    let codes: Vec<u16> = (0..30).map(|_| api.call("GET", "/api/v1/health", None, None).0).collect();
    assert!(codes[..10].iter().all(|c| *c == 200), "{codes:?}");
    assert!(codes.contains(&429), "{codes:?}");
    let url = format!("{}/api/v1/health", api.base);
    let res = api.agent.get(&url).call().unwrap();
    if res.status().as_u16() == 429 {
        let wait: u64 = res.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
        assert!((1..=2).contains(&wait));
    }
}
