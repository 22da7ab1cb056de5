//! `caiji-server` starts with one command on a fresh folder, says where it listens, serves, and
//! stops cleanly; `add-authority` makes a reviewing account that can sign in; `issue-code`
//! prints a code that works; `review` lists and decides.
// Test tooling: a failed step should stop it loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn one_command_starts_the_server_on_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_caiji-server");
    // The password from standard input (never the command line); a weak one or an unknown
    // region refused.
    let add = |password: &str, region: &str| {
        let mut c = Command::new(bin)
            .args(["add-authority", "--login", "im-review", "--name", "内蒙古财政厅", "--region", region])
            .env("CAIJI_SERVER_DATA", dir.path())
            .env_remove("CAIJI_AUTHORITY_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut c.stdin.take().unwrap(), format!("{password}\n").as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let out = add("12345678", "150000");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("全是数字"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = add("", "150000");
    assert_eq!(out.status.code(), Some(2), "an empty password");
    assert_eq!(add("review-pass", "内蒙古").status.code(), Some(2), "a region must be a province code");
    assert_eq!(add("review-pass", "990000").status.code(), Some(2), "a province that does not exist");
    let out = add("review-pass", "150000");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("IM-REVIEW"));

    let (mut child, url, agent) = serve(dir.path());
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let mut r = agent.get(&format!("{url}/api/v1/health")).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.body_mut().read_json::<serde_json::Value>().unwrap()["ok"], true);
    let r = agent.post(&format!("{url}/api/v1/login")).send_json(serde_json::json!({"login": "im-review", "password": "review-pass"})).unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // `issue-code`, while the server runs: the code printed sets a forgotten password.
    let register = serde_json::json!({"kind": "person", "login": "150102199003071237", "name": "张三", "password": "forgotten-1"});
    assert_eq!(agent.post(&format!("{url}/api/v1/register")).send_json(register).unwrap().status().as_u16(), 201);
    let issue = |login: &str| Command::new(bin).arg("--data").arg(dir.path()).args(["issue-code", "--purpose", "reset", "--login", login]).output().unwrap();
    let out = issue("150102199003071238");
    assert_eq!(out.status.code(), Some(1), "a bad check digit");
    let out = issue("150102199003071237");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success() && said.contains("重置密码"), "{said}{}", String::from_utf8_lossy(&out.stderr));
    let code = said.split_whitespace().find(|w| w.len() == 11 && w.as_bytes()[5] == b'-').unwrap_or_else(|| panic!("no code in {said}"));
    let reset = serde_json::json!({"login": "150102199003071237", "code": code, "password": "remembered-1"});
    assert_eq!(agent.post(&format!("{url}/api/v1/reset")).send_json(reset).unwrap().status().as_u16(), 204);
    let r = agent.post(&format!("{url}/api/v1/login")).send_json(serde_json::json!({"login": "150102199003071237", "password": "remembered-1"})).unwrap();
    assert_eq!(r.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(dir.path().join("caiji-server.sqlite").exists() && dir.path().join("blobs").is_dir());

    // The review command: an empty queue; an unknown filing; a return without a reason.
    let review = |args: &[&str]| Command::new(bin).arg("--data").arg(dir.path()).arg("review").args(args).output().unwrap();
    let out = review(&[]);
    assert!(out.status.success() && out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = review(&["--accept", "5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not found") || String::from_utf8_lossy(&out.stderr).contains("没有"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(review(&["--return", "5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11"]).status.code(), Some(2), "--reason is required");
}

/// The server binary serving `data` on a free port: the process, its address, a client.
fn serve(data: &std::path::Path) -> (std::process::Child, String, ureq::Agent) {
    let bin = env!("CARGO_BIN_EXE_caiji-server");
    let mut child = Command::new(bin).args(["--data"]).arg(data).args(["serve", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    (child, url, agent)
}

/// Resident memory of a process, from /proc (Linux).
fn rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

#[test]
fn a_burst_of_wrong_logins_keeps_the_server_small() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, agent) = serve(dir.path());
    let register = serde_json::json!({"kind": "person", "login": "150102199003071237", "name": "张三", "password": "secret-123"});
    assert_eq!(agent.post(&format!("{url}/api/v1/register")).send_json(register).unwrap().status().as_u16(), 201);
    // 96 wrong logins, 32 at a time (before: 11 MiB → 2.9 GiB, kept).
    let codes: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..32)
            .map(|t| {
                let (agent, url) = (agent.clone(), url.clone());
                s.spawn(move || {
                    (0..3)
                        .map(|i| {
                            let body = serde_json::json!({"login": format!("guess{t}-{i}"), "password": "wrong-pass-1"});
                            agent.post(&format!("{url}/api/v1/login")).send_json(body).unwrap().status().as_u16()
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(codes.iter().all(|c| [401, 429, 503].contains(c)), "{codes:?}");
    let rss = rss_mib(child.id()).unwrap();
    println!("# server memory after 96 wrong logins, 32 at a time: {rss} MiB");
    assert!(rss < 512, "{rss} MiB");
    // An honest login still works.
    let ok = agent.post(&format!("{url}/api/v1/login")).send_json(serde_json::json!({"login": "150102199003071237", "password": "secret-123"})).unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn many_downloads_of_a_big_attachment_at_once_keep_the_server_small() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, agent) = serve(dir.path());
    let id = "150102199003071237";
    let register = serde_json::json!({"kind": "person", "login": id, "name": "张三", "password": "secret-123"});
    assert_eq!(agent.post(&format!("{url}/api/v1/register")).send_json(register).unwrap().status().as_u16(), 201);
    let mut r = agent.post(&format!("{url}/api/v1/login")).send_json(serde_json::json!({"login": id, "password": "secret-123"})).unwrap();
    let token = r.body_mut().read_json::<serde_json::Value>().unwrap()["token"].as_str().unwrap().to_string();
    let auth = format!("Bearer {token}");
    // A 16 MB scan, in 1 MB chunks, named by a filing.
    let scan: Vec<u8> = (0..16u32 << 20).map(|i| (i % 251) as u8).collect();
    let hash = format!("{:x}", Sha256::digest(&scan));
    for (i, c) in scan.chunks(1 << 20).enumerate() {
        let put = format!("{url}/api/v1/blobs/{hash}?offset={}&size={}", i << 20, scan.len());
        let st = agent.put(&put).header("authorization", &auth).header("x-chunk-sha256", &format!("{:x}", Sha256::digest(c))).send(c).unwrap().status();
        assert!(st.is_success(), "{st}");
    }
    let filing = serde_json::json!({"form": "collection", "form_version": 2, "data": {
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": true},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {"photo": hash, "id_type": "1", "id_number": id, "name": "张三", "sex": "1", "birth": "1990-03-07", "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}]}});
    let put = format!("{url}/api/v1/submissions/5b0c4a8e-3f1d-4c3e-9a51-0d2b7d9e1c11");
    assert_eq!(agent.put(&put).header("authorization", &auth).send_json(filing).unwrap().status().as_u16(), 201);
    // 48 downloads started together, their bodies left unread until the server's memory is read
    // (a whole file in memory per download held 48 × 16 MB).
    const N: usize = 48;
    let (started, measured) = (std::sync::Barrier::new(N + 1), std::sync::Barrier::new(N + 1));
    let lens: Vec<usize> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..N)
            .map(|_| {
                let (agent, url, auth, hash, started, measured) = (&agent, &url, &auth, &hash, &started, &measured);
                s.spawn(move || {
                    let mut res = agent.get(&format!("{url}/api/v1/blobs/{hash}/content")).header("authorization", auth).call().unwrap();
                    assert_eq!(res.status().as_u16(), 200);
                    started.wait();
                    measured.wait();
                    res.body_mut().with_config().limit(32 << 20).read_to_vec().unwrap().len()
                })
            })
            .collect();
        started.wait();
        let rss = rss_mib(child.id()).unwrap();
        println!("# server memory with {N} downloads of a 16 MB file open at once: {rss} MiB");
        assert!(rss < 300, "{rss} MiB");
        measured.wait();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(lens.iter().all(|l| *l == scan.len()), "every download whole");
    child.kill().unwrap();
    child.wait().unwrap();
}
