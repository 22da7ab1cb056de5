//! Fault injection on loopback: three offline clients send 30 filings (each with a photo in
//! several chunks) to a real caiji-server process through a proxy that resets connections
//! before and after the server has answered, answers 500 itself, stalls past the client's
//! timeout, duplicates requests and replays old ones later (out of order); the server is killed
//! twice and started again on the same data. Result: zero lost filings, zero duplicates, every
//! filing received once with the bytes sent.
use caiji_filing::desk::Desk;
use caiji_filing::store::{State, Store};
use caiji_forms::Forms;
use caiji_server::Server;
use caiji_sync::Client;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PEOPLE: [&str; 3] = ["150102199003071237", "150102198501010010", "150102198001010014"];
const EACH: usize = 10;

/// One HTTP/1.1 message (request or response): head and body by Content-Length.
fn read_message(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut b = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut b).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&b[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut b).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&b[..n]);
    }
    buf.truncate(head_end + len);
    Some(buf)
}

/// Sends a request to the server and returns its answer, with `connection: close` so that the
/// client opens a fresh connection each time (the proxy serves one request per connection).
fn forward(server: u16, req: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(("127.0.0.1", server)).ok()?;
    up.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    up.write_all(req).ok()?;
    let res = read_message(&mut up)?;
    let i = res.windows(2).position(|w| w == b"\r\n")?;
    let mut out = res[..i + 2].to_vec();
    out.extend_from_slice(b"connection: close\r\n");
    out.extend_from_slice(&res[i + 2..]);
    Some(out)
}

#[derive(Default, Debug)]
struct Counts {
    passed: u64,
    reset_before: u64,
    reset_after: u64,
    error_500: u64,
    stalled: u64,
    duplicated: u64,
    replayed_late: u64,
}

/// The proxy: a fault chosen per request from a fixed-seed generator.
fn proxy(server: u16, counts: Arc<Mutex<Counts>>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seed = Arc::new(AtomicU64::new(0x2545_f491_4f6c_dd1d));
    let held: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let (seed, counts, held) = (seed.clone(), counts.clone(), held.clone());
            std::thread::spawn(move || {
                let mut c = c;
                let Some(req) = read_message(&mut c) else {
                    return;
                };
                let x = seed.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed).wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 40;
                let roll = x % 100;
                let mut n = counts.lock().unwrap();
                // An old request replayed now, after later ones (reordering).
                if roll % 7 == 0 {
                    if let Some(old) = held.lock().unwrap().pop() {
                        n.replayed_late += 1;
                        drop(n);
                        let _ = forward(server, &old);
                        n = counts.lock().unwrap();
                    }
                }
                match roll {
                    0..=49 => {
                        n.passed += 1;
                        drop(n);
                        if let Some(res) = forward(server, &req) {
                            let _ = c.write_all(&res);
                        }
                    }
                    50..=59 => n.reset_before += 1, // dropped: the server never sees it
                    60..=69 => {
                        // The server does the work; its answer is lost.
                        n.reset_after += 1;
                        drop(n);
                        let _ = forward(server, &req);
                    }
                    70..=77 => {
                        n.error_500 += 1;
                        let _ = c.write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    }
                    78..=83 => {
                        n.stalled += 1;
                        drop(n);
                        std::thread::sleep(Duration::from_millis(1500));
                    }
                    _ => {
                        // Sent twice; the client sees the second answer. Kept to replay later.
                        n.duplicated += 1;
                        drop(n);
                        let _ = forward(server, &req);
                        if let Some(res) = forward(server, &req) {
                            let _ = c.write_all(&res);
                        }
                        held.lock().unwrap().push(req);
                    }
                }
            });
        }
    });
    port
}

fn start_server(data: &std::path::Path, port: u16) -> Child {
    let child = Command::new(caiji_tests::server_bin())
        .args(["--data"])
        .arg(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--rate", "10000", "--burst", "10000"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn record(id: &str, n: usize, photo: &str) -> Value {
    json!({
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": "true"},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {"photo": photo, "id_type": "1", "id_number": id, "name": format!("职工{n}"), "sex": "1",
                  "birth": format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]), "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}],
    })
}

#[test]
fn no_filing_is_lost_or_doubled_through_resets_500s_timeouts_duplicates_and_server_kills() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    {
        let s = Server::sqlite(&data).unwrap();
        for id in PEOPLE {
            s.add_account(caiji_server::api::AccountKind::Person, id, "secret-123", "职工", "").unwrap();
        }
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Arc::new(Mutex::new(start_server(&data, port)));
    let counts = Arc::new(Mutex::new(Counts::default()));
    let via = proxy(port, counts.clone());

    let forms = Forms::builtin().unwrap();
    let mut clients = Vec::new();
    for (k, id) in PEOPLE.iter().enumerate() {
        let store = Store::open(&dir.path().join(format!("client{k}"))).unwrap();
        let desk = Desk::new(&store, &forms);
        for n in 0..EACH {
            let bytes: Vec<u8> = (0..600_000u32).map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add((k * 100 + n) as u32) >> 11) as u8).collect();
            let photo = store.put_attachment(&bytes, Some("nat-photo")).unwrap();
            let d = desk.create("collection", &record(id, n, &photo), None, None).unwrap();
            desk.finalize(&d.id).unwrap();
            store.queue(&d.id).unwrap();
        }
        let mut c = Client::new(&format!("http://127.0.0.1:{via}"), Duration::from_secs(1)).with_backoff_scale(0.002);
        while c.login(id, "secret-123").is_err() {}
        clients.push((store, c));
    }

    // Killed twice while the clients are busy (uploads and submissions in flight), and each
    // time started again on the same data.
    let killer = {
        let (server, data) = (server.clone(), data.clone());
        std::thread::spawn(move || {
            for wait in [300, 900] {
                std::thread::sleep(Duration::from_millis(wait));
                let mut s = server.lock().unwrap();
                s.kill().unwrap();
                s.wait().unwrap();
                *s = start_server(&data, port);
            }
        })
    };
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds < 400, "still not all sent after {rounds} rounds: {:?}", *counts.lock().unwrap());
        for (store, c) in &clients {
            let _ = c.sync(store, &forms);
        }
        if killer.is_finished() && clients.iter().all(|(s, _)| s.outbox().unwrap().is_empty()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let n = counts.lock().unwrap();
    eprintln!("# {rounds} sync rounds, the server killed twice; faults injected: {n:?}");
    assert!(n.reset_before > 0 && n.reset_after > 0 && n.error_500 > 0 && n.stalled > 0 && n.duplicated > 0 && n.replayed_late > 0, "{n:?}");
    drop(n);

    // Straight to the server (no proxy): each person has exactly their filings, once, as sent.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let base = format!("http://127.0.0.1:{port}");
    for (k, id) in PEOPLE.iter().enumerate() {
        let token = agent
            .post(&format!("{base}/api/v1/login"))
            .send_json(json!({"login": id, "password": "secret-123"}))
            .unwrap()
            .body_mut()
            .read_json::<Value>()
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let list: Vec<Value> = agent
            .get(&format!("{base}/api/v1/submissions"))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        let store = &clients[k].0;
        let mut local: Vec<String> = store.list().unwrap().into_iter().map(|d| d.id).collect();
        let mut remote: Vec<String> = list.iter().map(|r| r["uuid"].as_str().unwrap().to_string()).collect();
        local.sort();
        remote.sort();
        assert_eq!(remote, local, "every filing once, none twice");
        for d in store.list().unwrap() {
            assert_eq!((d.state, d.remote_revision), (State::Sent, Some(1)), "{}", d.id);
            let r: Value = agent
                .get(&format!("{base}/api/v1/submissions/{}", d.id))
                .header("authorization", &format!("Bearer {token}"))
                .call()
                .unwrap()
                .body_mut()
                .read_json()
                .unwrap();
            assert_eq!(r["data"], d.data);
            let photo = d.data["basic"]["photo"].as_str().unwrap();
            assert_eq!(std::fs::read(data.join("blobs").join(photo)).unwrap(), std::fs::read(store.attachment_path(photo)).unwrap());
        }
    }
    let mut s = server.lock().unwrap();
    s.kill().unwrap();
    let _ = s.wait();
}
