//! Load on loopback: 32 concurrent clients (threads, each its own account and connection
//! pool) each upload an attachment and submit 25 filings to a server on
//! 127.0.0.1, on SQLite (and PostgreSQL when `CAIJI_TEST_PG` is set). Prints throughput and
//! latency percentiles for the README. Run: `cargo bench -p caiji-server --bench load`.
//! `cargo test` runs it smaller (16 clients × 10, debug build); either way each client then
//! lists its filings and must find every one exactly once.
// Test and benchmark tooling: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use caiji_server::Server;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

fn resident_id(serial: usize) -> String {
    let body = format!("15010219900307{:03}", serial % 1000);
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{body}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
}

fn run(label: &str, server: Server, (clients, each): (usize, usize)) {
    let addr = caiji_server::spawn_local(server.clone(), 1e9, 1e9).unwrap();
    let base = format!("http://{addr}");
    for k in 0..clients {
        server.add_account(caiji_server::api::AccountKind::Person, &resident_id(k), "secret-123", "职工", "").unwrap();
    }
    let t0 = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|k| {
            let base = base.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(30))).build().into();
                let id = resident_id(k);
                let token = agent.post(&format!("{base}/api/v1/login")).send_json(json!({"login": id, "password": "secret-123"})).unwrap().body_mut().read_json::<Value>().unwrap()["token"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let auth = format!("Bearer {token}");
                let photo: Vec<u8> = (0..60_000u32).map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(k as u32) >> 9) as u8).collect();
                let hash = format!("{:x}", Sha256::digest(&photo));
                let sum = hash.clone();
                let r = agent.put(&format!("{base}/api/v1/blobs/{hash}?offset=0&size={}", photo.len())).header("authorization", &auth).header("x-chunk-sha256", &sum).send(&photo[..]).unwrap();
                assert_eq!(r.status().as_u16(), 200);
                let mut lat = Vec::new();
                for n in 0..each {
                    let data = json!({
                        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": "true"},
                        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
                        "basic": {"photo": hash, "id_type": "1", "id_number": id, "name": "职工", "sex": if id.as_bytes()[16] % 2 == 1 { "1" } else { "2" }, "birth": "1990-03-07", "mobile": "13912345678"},
                        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}],
                    });
                    let uuid = format!("{:08x}-0000-4000-8000-{:012x}", k, n);
                    let t = Instant::now();
                    let r = agent.put(&format!("{base}/api/v1/submissions/{uuid}")).header("authorization", &auth).send_json(json!({"form": "collection", "form_version": 2, "data": data})).unwrap();
                    lat.push(t.elapsed());
                    assert_eq!(r.status().as_u16(), 201);
                }
                let done = Instant::now();
                // Every filing is there, once (after the clock: not part of the figures).
                let mine: Vec<Value> = agent.get(&format!("{base}/api/v1/submissions?since=0")).header("authorization", &auth).call().unwrap().body_mut().read_json().unwrap();
                let mut uuids: Vec<&str> = mine.iter().map(|r| r["uuid"].as_str().unwrap()).collect();
                uuids.sort_unstable();
                uuids.dedup();
                assert_eq!((mine.len(), uuids.len()), (each, each), "client {k}: every filing received once");
                (lat, done)
            })
        })
        .collect();
    let results: Vec<(Vec<Duration>, Instant)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wall = results.iter().map(|(_, done)| *done).max().unwrap() - t0;
    let mut lat: Vec<Duration> = results.into_iter().flat_map(|(l, _)| l).collect();
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "{label}: {clients} clients × {each} filings = {} submissions in {:.2} s: {:.0} submissions/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        p(0.50),
        p(0.95),
        p(0.99),
        p(1.0)
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` does not.
    let size = if std::env::args().any(|a| a == "--bench") { (32, 25) } else { (16, 10) };
    let dir = tempfile::tempdir().unwrap();
    run("SQLite", Server::sqlite(&dir.path().join("sqlite")).unwrap(), size);
    if let Ok(admin) = std::env::var("CAIJI_TEST_PG") {
        let name = format!("caiji_load{}", std::process::id());
        postgres::Client::connect(&admin, postgres::NoTls).unwrap().batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = admin.replace("dbname=postgres", &format!("dbname={name}"));
        run("PostgreSQL", Server::postgres(&url, &dir.path().join("pg")).unwrap(), size);
    }
}
