//! The server against an attacker, on 127.0.0.1 with a real SQLite file: each attack found on
//! the server is tried here and must fail (issue "caiji-server and the app hold against an
//! attacker"). Passwords: weak ones refused, guessing locked out with growing waits, an
//! unknown login costing the same as a wrong password, the password work bounded; connections:
//! half-open and idle ones closed; the rate table bounded (limit.rs), IPv6 by /64.
// Test tooling: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use caiji_server::Server;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

mod common;
use common::{sha, start, Api};

/// Zhang's and Li's accounts (made by the administrator: proven), signed in: their tokens.
fn zhang_and_li(api: &Api, server: &Server) -> (String, String) {
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    server.add_account(caiji_server::api::AccountKind::Person, LI, "secret-456", "李四", "").unwrap();
    (api.token(ZHANG, "secret-123"), api.token(LI, "secret-456"))
}

/// A collection filing of a person, with their photo.
fn collection(id: &str, name: &str, photo: &str) -> Value {
    json!({"form": "collection", "form_version": 2, "data": {
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": true},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {"photo": photo, "id_type": "1", "id_number": id, "name": name, "sex": "1", "birth": format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]), "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}]}})
}

/// A unit's entry filing about a person, with the unit's proof file.
fn entry(unit: &str, id: &str, name: &str, proof: &str) -> Value {
    json!({"form": "entry_unit", "form_version": 2, "data": {
        "unit": {"uscc": unit, "name": "某某公司", "unit_type": "1"},
        "authority": {"province": "150000", "city": "1501", "county": "150102"},
        "person": {"id_type": "1", "id_number": id, "name": name, "sex": "1", "mobile": "13800001111"},
        "appointment": {"post": "01", "first_work": "2012-07", "appointed": "2019-01", "proof": proof}}})
}

const UNIT: &str = "91150102MA0N12345P";
const LI: &str = "150102198501010010";

const ZHANG: &str = "150102199003071237";

#[test]
fn weak_passwords_are_refused_at_registration() {
    let (api, _server, _dir) = start();
    for (pw, why) in [("12345678", "全是数字"), ("password1", "太常见"), ("aaaaaaaa", "太常见"), (ZHANG, "全是数字"), ("short", "至少 8 位")] {
        let (st, _, v) = api.post("/api/v1/register", json!({"kind": "person", "login": ZHANG, "name": "张三", "password": pw}));
        assert_eq!((st, v["code"].as_str()), (400, Some("weak_password")), "{pw}: {v}");
        assert!(v["message"]["zh"].as_str().unwrap().contains(why), "{pw}: {v}");
    }
    let (st, _, v) = api.post("/api/v1/register", json!({"kind": "person", "login": ZHANG, "name": "张三", "password": "secret-123"}));
    assert_eq!(st, 201, "{v}");
}

#[test]
fn guessing_a_password_is_locked_out_with_growing_waits() {
    let (api, server, _dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    // The first few wrong guesses are only wrong.
    for _ in 0..caiji_server::auth::FREE_FAILURES {
        assert_eq!(api.login(ZHANG, "guess-0001").0, 401);
    }
    // Then the login is locked: even the right password is refused for now, with no password
    // work done, and the wait is said.
    let checks = server.passwords.checks();
    let (st, wait, v) = api.login(ZHANG, "secret-123");
    assert_eq!((st, v["code"].as_str()), (429, Some("locked")), "{v}");
    assert!(wait.is_some_and(|w| w >= 1), "Retry-After");
    assert_eq!(server.passwords.checks(), checks, "a locked login costs no Argon2");
    // After the wait the right password works and the count starts again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (st, _, v) = api.login(ZHANG, "secret-123");
        if st == 200 {
            break;
        }
        assert_eq!(v["code"], "locked", "{v}");
        assert!(Instant::now() < deadline, "still locked");
        std::thread::sleep(Duration::from_millis(200));
    }
    // The lock grows with each failure in a row (1 s, 2 s, 4 s… at most 15 min), and it is the
    // login's, whatever address the guesses come from: as many failures lock it again.
    assert_eq!(caiji_server::auth::lock_for(6), 2 * caiji_server::auth::lock_for(5));
    for _ in 0..caiji_server::auth::FREE_FAILURES {
        api.login(ZHANG, "guess-0002");
    }
    assert_eq!(api.login(ZHANG, "secret-123").0, 429);
}

#[test]
fn an_unknown_login_costs_the_same_password_check_and_is_locked_the_same() {
    let (api, server, _dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let before = server.passwords.checks();
    let (st, _, unknown) = api.login("110101199003071233", "whatever-1");
    assert_eq!(st, 401);
    assert_eq!(server.passwords.checks(), before + 1, "an unknown login is checked against a made-up hash");
    let (_, _, wrong) = api.login(ZHANG, "whatever-1");
    assert_eq!(unknown, wrong, "the same answer for an unknown login and a wrong password");
    for _ in 0..caiji_server::auth::FREE_FAILURES {
        api.login("110101199003071233", "whatever-1");
    }
    assert_eq!(api.login("110101199003071233", "whatever-1").0, 429, "locked as a real one would be");
}

#[test]
fn a_burst_of_wrong_logins_is_bounded_and_honest_logins_still_work() {
    let (api, server, _dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    // 96 wrong logins, 32 at a time, each for another login (no lock stops them early).
    let api = std::sync::Arc::new(api);
    let codes: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..32)
            .map(|t| {
                let api = api.clone();
                s.spawn(move || (0..3).map(|i| api.login(&format!("guess{t}-{i}"), "wrong-pass-1").0).collect::<Vec<u16>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    // Each is refused, or turned away at once as busy (never queued without bound).
    assert!(codes.iter().all(|c| *c == 401 || *c == 503), "{codes:?}");
    assert_eq!(api.login(ZHANG, "secret-123").0, 200);
}

#[test]
fn half_open_and_idle_connections_are_closed() {
    let (api, _server, _dir) = start();
    let addr = api.base.trim_start_matches("http://").to_string();
    // 300 connections that never finish their headers, and 20 that go quiet after a request.
    let mut half: Vec<std::net::TcpStream> = (0..300)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(&addr).unwrap();
            c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n").unwrap();
            c
        })
        .collect();
    let mut idle: Vec<std::net::TcpStream> = (0..20)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(&addr).unwrap();
            c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            c
        })
        .collect();
    // The server still answers others meanwhile.
    let (st, _, _) = api.post("/api/v1/login", json!({"login": "x", "password": "y"}));
    assert_ne!(st, 0);
    // Each is closed by the server within the header timeout (a read ends with EOF or a reset).
    let deadline = Instant::now() + caiji_server::HEADER_TIMEOUT + Duration::from_secs(20);
    for c in half.iter_mut().chain(idle.iter_mut()) {
        c.set_read_timeout(Some(deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(10)))).unwrap();
        let mut buf = [0u8; 4096];
        loop {
            match c.read(&mut buf) {
                Ok(0) | Err(_) if Instant::now() < deadline => break,
                Ok(0) | Err(_) => panic!("a connection was still open after {:?}", caiji_server::HEADER_TIMEOUT + Duration::from_secs(20)),
                Ok(_) => continue, // the idle ones' response first
            }
        }
    }
}

#[test]
fn a_database_held_by_another_program_answers_busy_at_once() {
    let (api, server, dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    // Another program (a backup, the admin command) holds the write lock.
    let other = rusqlite::Connection::open(dir.path().join("caiji-server.sqlite")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let t0 = Instant::now();
    let (st, wait, v) = api.login(ZHANG, "secret-123");
    assert_eq!((st, v["code"].as_str()), (503, Some("busy")), "{v}");
    assert!(wait.is_some(), "Retry-After");
    assert!(t0.elapsed() < Duration::from_secs(8), "answered in {:?} (it took 10 s, then a 500)", t0.elapsed());
    assert!(!v.to_string().contains("locked"), "nothing internal in the body: {v}");
    other.execute_batch("COMMIT").unwrap();
    assert_eq!(api.login(ZHANG, "secret-123").0, 200);
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_the_photos_are_private_to_the_server() {
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::PermissionsExt;
    let (api, server, dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let (_, _, v) = api.login(ZHANG, "secret-123");
    let token = v["token"].as_str().unwrap().to_string();
    let photo = b"\xff\xd8\xff a person's photo".to_vec();
    let hash = format!("{:x}", Sha256::digest(&photo));
    let url = format!("{}/api/v1/blobs/{hash}?offset=0&size={}", api.base, photo.len());
    let res = api.agent.put(&url).header("authorization", &format!("Bearer {token}")).header("x-chunk-sha256", &hash).send(&photo[..]).unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let mode = |p: std::path::PathBuf| std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir.path().to_path_buf()), 0o700);
    assert_eq!(mode(dir.path().join("blobs")), 0o700);
    assert_eq!(mode(dir.path().join("caiji-server.sqlite")), 0o600);
    assert_eq!(mode(dir.path().join("caiji-server.sqlite-wal")), 0o600);
    assert_eq!(mode(dir.path().join("blobs").join(&hash)), 0o600, "the photo");
}

#[test]
fn registering_someone_elses_id_gives_nothing_and_the_owner_takes_it_back() {
    let (api, server, _dir) = start();
    // A verified unit files Zhang's entry, with its proof.
    server.add_account(caiji_server::api::AccountKind::Unit, UNIT, "unit-pass-1", "某某公司", "").unwrap();
    let unit = api.token(UNIT, "unit-pass-1");
    let proof = api.upload(&unit, b"%PDF the unit's appointment letter for Zhang");
    let (st, filed) = api.call("PUT", "/api/v1/submissions/9f4a8ec2-7d51-4a72-8e95-4b6fb1325a55", &unit, Some(entry(UNIT, ZHANG, "张三", &proof)));
    assert_eq!(st, 201, "{filed}");
    // Until an authority accepts it, the unit cannot vouch for Zhang on its strength.
    let (st, v) = api.call("POST", "/api/v1/codes", &unit, Some(json!({"login": ZHANG, "purpose": "reset"})));
    assert_eq!((st, v["code"].as_str()), (403, Some("not_yours")), "{v}");
    server.decide(filed["uuid"].as_str().unwrap(), caiji_server::api::Decision::Accept, None).unwrap();
    // Someone registers Zhang's ID first (a valid check digit was all it took), and files.
    let (st, _, _) = api.post("/api/v1/register", json!({"kind": "person", "login": ZHANG, "name": "张三", "password": "squatter-1"}));
    assert_eq!(st, 201);
    let squatter = api.token(ZHANG, "squatter-1");
    let fake = api.upload(&squatter, b"\xff\xd8\xff someone else's face");
    let (st, squatted) = api.call("PUT", "/api/v1/submissions/1b6caee4-9f73-4c94-a0b7-6d81d3547c77", &squatter, Some(collection(ZHANG, "张三", &fake)));
    assert_eq!(st, 201, "{squatted}");
    let (_, list) = api.call("GET", "/api/v1/submissions", &squatter, None);
    let uuids: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["uuid"].as_str().unwrap()).collect();
    assert_eq!(uuids, [squatted["uuid"].as_str().unwrap()], "its own filing, nothing the unit filed about Zhang");
    assert_eq!(api.call("GET", &format!("/api/v1/submissions/{}", filed["uuid"].as_str().unwrap()), &squatter, None).0, 404);
    assert_eq!(api.content(&squatter, &proof).0, 404, "nor the unit's proof file");
    assert_eq!(api.call("GET", &format!("/api/v1/blobs/{proof}"), &squatter, None).0, 404, "nor that the file exists");
    let (st, v) = api.call("POST", "/api/v1/codes", &squatter, Some(json!({"login": ZHANG, "purpose": "activate"})));
    assert_eq!(st, 403, "a person cannot vouch, for themselves or anyone: {v}");
    // The real Zhang asks the unit; the unit gives a reset code (and could for no one else).
    let (st, v) = api.call("POST", "/api/v1/codes", &unit, Some(json!({"login": LI, "purpose": "reset"})));
    assert_eq!((st, v["code"].as_str()), (403, Some("not_yours")), "{v}");
    let (st, code) = api.call("POST", "/api/v1/codes", &unit, Some(json!({"login": ZHANG, "purpose": "reset"})));
    assert_eq!(st, 201, "{code}");
    let reset = |code: &str, password: &str| api.post("/api/v1/reset", json!({"login": ZHANG, "code": code, "password": password}));
    let (st, _, v) = reset(code["code"].as_str().unwrap(), "12345678");
    assert_eq!((st, v["code"].as_str()), (400, Some("weak_password")), "a weak password does not use the code up");
    let (st, _, v) = reset("AAAAA-AAAAA", "zhang-real-1");
    assert_eq!((st, v["code"].as_str()), (400, Some("bad_code")));
    let (st, _, v) = reset(code["code"].as_str().unwrap(), "zhang-real-1");
    assert_eq!(st, 204, "{v}");
    // The squatter is out: their session ended, their password gone.
    assert_eq!(api.call("GET", "/api/v1/submissions", &squatter, None).0, 401);
    assert_eq!(api.login(ZHANG, "squatter-1").0, 401);
    let (st, _, v) = reset(code["code"].as_str().unwrap(), "zhang-again-1");
    assert_eq!((st, v["code"].as_str()), (400, Some("bad_code")), "a code is used once");
    // Zhang is verified by the reset and sees the unit's filing and its proof.
    let (_, _, session) = api.login(ZHANG, "zhang-real-1");
    assert_eq!(session["account"]["verified"], true);
    let zhang = session["token"].as_str().unwrap();
    let (_, list) = api.call("GET", "/api/v1/submissions", zhang, None);
    assert_eq!(list.as_array().unwrap().len(), 2, "the unit's entry, and what the squatter filed");
    assert_eq!(api.content(zhang, &proof).0, 200);
    // The squatter's filing still shows as filed by an unproven account to the reviewer.
    let queued = server.review_queue().unwrap();
    let q = queued.iter().find(|r| r.uuid == squatted["uuid"].as_str().unwrap()).unwrap();
    assert_eq!(q.filer.as_ref().map(|f| f.verified), Some(false));
    // A proven account's password is the authority's to reset, not the unit's.
    let (st, v) = api.call("POST", "/api/v1/codes", &unit, Some(json!({"login": ZHANG, "purpose": "reset"})));
    assert_eq!((st, v["code"].as_str()), (403, Some("ask_authority")), "{v}");
}

#[test]
fn wrong_codes_do_not_lock_the_owner_out() {
    let (api, server, _dir) = start();
    let (st, _, _) = api.post("/api/v1/register", json!({"kind": "person", "login": ZHANG, "name": "张三", "password": "squatter-1"}));
    assert_eq!(st, 201);
    let squatter = api.token(ZHANG, "squatter-1");
    let code = server.issue_code(ZHANG, caiji_protocol::CodePurpose::Reset).unwrap();
    // The squatter tries to keep the owner's slip from working with a stream of wrong codes.
    for i in 0..4 * caiji_server::auth::FREE_FAILURES {
        let (st, _, v) = api.post("/api/v1/reset", json!({"login": ZHANG, "code": format!("{i:05}-00000"), "password": "squatter-2"}));
        assert_eq!((st, v["code"].as_str()), (400, Some("bad_code")));
        assert_eq!(api.call("POST", "/api/v1/verify", &squatter, Some(json!({"code": format!("{i:05}-00001")}))).0, 400);
    }
    let (st, _, v) = api.post("/api/v1/reset", json!({"login": ZHANG, "code": code.code, "password": "owner-secret-1"}));
    assert_eq!(st, 204, "the owner's code still works: {v}");
    assert_eq!(api.login(ZHANG, "owner-secret-1").0, 200);
}

#[test]
fn attachments_belong_to_their_uploader() {
    let (api, server, _dir) = start();
    let (zhang, li) = zhang_and_li(&api, &server);
    let photo = b"\xff\xd8\xff Zhang's photo".to_vec();
    let hash = api.upload(&zhang, &photo);
    let (st, _) = api.call("PUT", "/api/v1/submissions/5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11", &zhang, Some(collection(ZHANG, "张三", &hash)));
    assert_eq!(st, 201);
    // Li, knowing the hash: cannot tell the file exists, name it in a filing, or fetch it.
    assert_eq!(api.call("GET", &format!("/api/v1/blobs/{hash}"), &li, None).0, 404);
    let (st, v) = api.call("PUT", "/api/v1/submissions/6c1d5b9f-4a2e-4d4f-8b62-1e3c8e0f2d22", &li, Some(collection(LI, "李四", &hash)));
    assert_eq!((st, v["code"].as_str()), (422, Some("attachments_missing")), "{v}");
    assert_eq!(api.content(&li, &hash).0, 404);
    // Sending the same bytes whole proves Li has them: then Li may use them (kept once).
    assert_eq!(api.upload(&li, &photo), hash);
    let (st, v) = api.call("PUT", "/api/v1/submissions/6c1d5b9f-4a2e-4d4f-8b62-1e3c8e0f2d22", &li, Some(collection(LI, "李四", &hash)));
    assert_eq!(st, 201, "{v}");
    // Claiming a hash first with a huge size blocked the real upload (409 forever): no more.
    let next = vec![7u8; 3000];
    let next_hash = sha(&next);
    assert_eq!(api.chunk(&li, &next_hash, 0, 20 << 20, &[1u8; 10]).0, 200, "Li starts an upload of that hash");
    assert_eq!(api.upload(&zhang, &next), next_hash, "Zhang's own upload is not blocked");
    // Appending to someone else's unfinished upload: the chunk lands in Li's own upload (at
    // 0), never in Zhang's.
    let big: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let big_hash = sha(&big);
    assert_eq!(api.chunk(&zhang, &big_hash, 0, big.len(), &big[..1000]).1["received"], 1000);
    let (st, v) = api.chunk(&li, &big_hash, 1000, big.len(), &[0u8; 1000]);
    assert_eq!((st, v["details"]["received"].as_i64()), (409, Some(0)), "{v}");
    let (st, v) = api.chunk(&zhang, &big_hash, 1000, big.len(), &big[1000..]);
    assert_eq!((st, v["complete"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(std::fs::read(server.blobs.join(&big_hash)).unwrap(), big);
}

#[test]
fn each_account_has_a_storage_quota() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::sqlite(dir.path()).unwrap();
    server.quota_person = 5000;
    server.quota_unverified = 2000;
    let addr = caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let api = Api { base: format!("http://{addr}"), agent };
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let zhang = api.token(ZHANG, "secret-123");
    api.upload(&zhang, &[1u8; 3000]);
    // A new upload that would pass the quota is refused before a byte is kept, and says why.
    let (st, v) = api.chunk(&zhang, &sha(&[2u8; 3000]), 0, 3000, &[2u8; 1000]);
    assert_eq!((st, v["code"].as_str()), (413, Some("quota")), "{v}");
    assert_eq!((v["details"]["used"].as_i64(), v["details"]["quota"].as_i64()), (Some(3000), Some(5000)));
    // An unfinished upload counts by its declared size: it cannot be used to get round it.
    assert_eq!(api.chunk(&zhang, &sha(&[3u8; 2000]), 0, 2000, &[3u8; 10]).0, 200);
    assert_eq!(api.chunk(&zhang, &sha(&[4u8; 10]), 0, 10, &[4u8; 10]).1["code"], "quota");
    // Once the unused ones are swept, there is room again.
    assert_eq!(server.sweep(-60_000).unwrap().0, 2);
    assert_eq!(api.chunk(&zhang, &sha(&[2u8; 3000]), 0, 3000, &[2u8; 3000]).1["complete"], true);
    // An account not yet proven (registered by anyone) holds little.
    let (st, _, _) = api.post("/api/v1/register", json!({"kind": "person", "login": LI, "name": "李四", "password": "secret-456"}));
    assert_eq!(st, 201);
    let li = api.token(LI, "secret-456");
    let (st, v) = api.chunk(&li, &sha(&[5u8; 3000]), 0, 3000, &[5u8; 3000]);
    assert_eq!((st, v["details"]["quota"].as_i64()), (413, Some(2000)), "{v}");
}

#[test]
fn a_hash_written_elsewhere_in_a_filing_names_no_file() {
    let (api, server, _dir) = start();
    let (zhang, li) = zhang_and_li(&api, &server);
    let photo = api.upload(&zhang, b"\xff\xd8\xff Zhang's photo");
    assert_eq!(api.call("PUT", "/api/v1/submissions/5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11", &zhang, Some(collection(ZHANG, "张三", &photo))).0, 201);
    // Li writes Zhang's photo hash into a text field of Li's own filing (and as a key).
    let own = api.upload(&li, b"\xff\xd8\xff Li's photo");
    let mut sly = collection(LI, "李四", &own);
    sly["data"]["education"][0]["school"] = json!(format!("x{photo}"));
    let (st, v) = api.call("PUT", "/api/v1/submissions/6c1d5b9f-4a2e-4d4f-8b62-1e3c8e0f2d22", &li, Some(sly));
    assert_eq!(st, 201, "{v}");
    assert_eq!(api.content(&li, &photo).0, 404, "a hash in a text field names no file");
    let (st, v) = api.call("PUT", "/api/v1/submissions/7d2e6ca0-5b3f-4e50-9c73-2f4d9f103e33", &li, Some(collection(LI, "李四", &photo)));
    assert_eq!((st, v["code"].as_str()), (422, Some("attachments_missing")), "nor lets Li name it as an attachment: {v}");
    // An attachment named in upper case is the same file, and downloads (PostgreSQL's LIKE
    // would have missed it).
    let mut upper = collection(ZHANG, "张三", &photo.to_uppercase());
    upper["data"]["basic"]["mobile"] = json!("13900001111");
    assert_eq!(api.call("PUT", "/api/v1/submissions/8e3f7db1-6c40-4f61-8d84-3a5ea0214f44", &zhang, Some(upper)).0, 201);
    assert_eq!(api.content(&zhang, &photo).0, 200);
}

#[test]
fn an_upload_whose_part_file_vanished_starts_again_and_is_never_finished_from_anothers_file() {
    let (api, server, dir) = start();
    let (zhang, li) = zhang_and_li(&api, &server);
    let photo: Vec<u8> = (0..2000u32).map(|i| (i % 253) as u8).collect();
    let hash = api.upload(&zhang, &photo);
    // Li starts the same hash with made-up bytes, then the part file goes (a crash, a sweep).
    assert_eq!(api.chunk(&li, &hash, 0, photo.len(), &[0u8; 1000]).1["received"], 1000);
    for e in std::fs::read_dir(dir.path().join("blobs")).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".part") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let (st, v) = api.chunk(&li, &hash, 1000, photo.len(), &photo[1000..]);
    assert_eq!((st, v["details"]["received"].as_i64()), (409, Some(0)), "back to the start, not finished from Zhang's file: {v}");
    assert_eq!(api.call("GET", &format!("/api/v1/blobs/{hash}"), &li, None).1["complete"], false);
    assert_eq!(std::fs::read(server.blobs.join(&hash)).unwrap(), photo, "Zhang's file untouched");
}

/// Signs in and uploads a photo: (token, its hash).
fn with_photo(api: &Api, login: &str, password: &str) -> (String, String) {
    let token = api.token(login, password);
    let hash = api.upload(&token, b"\xff\xd8\xff the person's photo");
    (token, hash)
}

fn uuid(i: usize) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", i, i)
}

#[test]
fn what_held_still_holds_identical_retries_and_competing_edits() {
    let (api, server, _dir) = start();
    server.add_account(caiji_server::api::AccountKind::Person, ZHANG, "secret-123", "张三", "").unwrap();
    let (token, photo) = with_photo(&api, ZHANG, "secret-123");
    let body = collection(ZHANG, "张三", &photo);
    // 20 identical PUTs at once: one record, one receipt.
    let path = format!("/api/v1/submissions/{}", uuid(1));
    let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..20).map(|_| s.spawn(|| api.call("PUT", &path, &token, Some(body.clone())))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers.iter().filter(|(st, _)| *st == 201).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|(st, r)| (*st == 200 || *st == 201) && r["revision"] == 1 && r["digest"] == answers[0].1["digest"]));
    let (_, list) = api.call("GET", "/api/v1/submissions", &token, None);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // 20 different edits of revision 1 at once: one wins, 19 are told it is stale.
    let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..20)
            .map(|i| {
                let mut edit = body.clone();
                edit["data"]["basic"]["mobile"] = json!(format!("139000011{i:02}"));
                edit["replaces"] = json!(1);
                let (api, path, token) = (&api, &path, &token);
                s.spawn(move || api.call("PUT", path, token, Some(edit)))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let codes: Vec<u16> = answers.iter().map(|(st, _)| *st).collect();
    assert_eq!((codes.iter().filter(|c| **c == 200).count(), codes.iter().filter(|c| **c == 409).count()), (1, 19), "{codes:?}");
    assert!(answers.iter().filter(|(st, _)| *st == 409).all(|(_, e)| e["code"] == "stale"));
}

#[cfg(unix)]
#[test]
fn killed_mid_burst_every_receipt_is_there_once_and_the_database_is_whole() {
    use std::io::BufRead;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_caiji-server");
    let serve = || {
        let mut child = std::process::Command::new(bin)
            .arg("--data")
            .arg(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0", "--rate", "10000", "--burst", "10000"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        (child, Api { base: line.trim().rsplit(' ').next().unwrap().to_string(), agent })
    };
    let (mut child, api) = serve();
    let (st, _, _) = api.post("/api/v1/register", json!({"kind": "person", "login": ZHANG, "name": "张三", "password": "secret-123"}));
    assert_eq!(st, 201);
    let (token, photo) = with_photo(&api, ZHANG, "secret-123");
    let body = collection(ZHANG, "张三", &photo);
    // 8 clients send filings; once 40 receipts are in, the server is killed (SIGKILL) mid-burst.
    let received = AtomicUsize::new(0);
    let receipts: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8)
            .map(|t| {
                let (api, token, body, received) = (&api, &token, &body, &received);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..200 {
                        let id = uuid(1000 * (t + 1) + i);
                        let url = format!("{}/api/v1/submissions/{id}", api.base);
                        match api.agent.put(&url).header("authorization", &format!("Bearer {token}")).send_json(body.clone()) {
                            Ok(r) if r.status().is_success() => {
                                mine.push(id);
                                received.fetch_add(1, Ordering::SeqCst);
                            }
                            Ok(_) => {}
                            Err(_) => break, // the server is gone
                        }
                    }
                    mine
                })
            })
            .collect();
        while received.load(Ordering::SeqCst) < 40 {
            std::thread::yield_now();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(receipts.len() >= 40 && receipts.len() < 1600, "{} receipts", receipts.len());
    // The database file is whole, and on restart every receipt given is there, once.
    let db = rusqlite::Connection::open(dir.path().join("caiji-server.sqlite")).unwrap();
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    drop(db);
    let (mut child, api) = serve();
    let token = api.token(ZHANG, "secret-123");
    let (_, list) = api.call("GET", "/api/v1/submissions", &token, None);
    let held: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["uuid"].as_str().unwrap()).collect();
    for id in &receipts {
        assert_eq!(held.iter().filter(|h| **h == id.as_str()).count(), 1, "{id}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A sign-out's body is read before the answer, whatever the answer: an unread body makes the
/// server close the connection, and a client reusing it met "peer disconnected" on its next
/// request (the protocol test's next sign-in, now and then, in CI).
#[tokio::test]
async fn a_sign_out_reads_its_body_so_the_connection_stays_usable() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(dir.path()).unwrap();
    for path in ["/api/v1/logout", "/api/v1/logout/all"] {
        let read = Arc::new(AtomicBool::new(false));
        let flag = read.clone();
        let body = futures_util::stream::once(async move {
            flag.store(true, Ordering::SeqCst);
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"null"))
        });
        let mut req = axum::http::Request::post(path)
            .header("authorization", "Bearer not-a-token")
            .header("content-type", "application/json")
            .body(axum::body::Body::from_stream(body))
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 9))));
        let res = caiji_server::router(server.clone(), 1000.0, 1000.0).oneshot(req).await.unwrap();
        assert_eq!(res.status().as_u16(), 401);
        assert!(read.load(Ordering::SeqCst), "{path}: the body was left unread");
    }
}
