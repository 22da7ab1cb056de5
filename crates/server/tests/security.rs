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

struct Api {
    base: String,
    agent: ureq::Agent,
}

fn start() -> (Api, Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(dir.path()).unwrap();
    // A generous rate: these tests are about the per-login defences, not the per-address one.
    let addr = caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    (Api { base: format!("http://{addr}"), agent }, server, dir)
}

impl Api {
    /// (status, Retry-After, body).
    fn post(&self, path: &str, body: Value) -> (u16, Option<u64>, Value) {
        let mut res = self.agent.post(&format!("{}{path}", self.base)).send_json(body).unwrap();
        let wait = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        (res.status().as_u16(), wait, res.body_mut().read_json().unwrap_or(Value::Null))
    }

    fn login(&self, login: &str, password: &str) -> (u16, Option<u64>, Value) {
        self.post("/api/v1/login", json!({"login": login, "password": password}))
    }
}

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
