//! `caiji-server` starts with one command on a fresh folder, says where it listens, serves, and
//! stops cleanly; `add-authority` makes a reviewing account that can sign in; `review` lists
//! and decides.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn one_command_starts_the_server_on_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_caiji-server");
    let out = Command::new(bin)
        .args(["add-authority", "--login", "im-review", "--password", "review-pass", "--name", "内蒙古财政厅", "--region", "150000"])
        .env("CAIJI_SERVER_DATA", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("IM-REVIEW"));

    let mut child = Command::new(bin).args(["--data"]).arg(dir.path()).args(["serve", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent.get(&format!("{url}/api/v1/health")).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.body_mut().read_json::<serde_json::Value>().unwrap()["ok"], true);
    let r = agent.post(&format!("{url}/api/v1/login")).send_json(serde_json::json!({"login": "im-review", "password": "review-pass"})).unwrap();
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
