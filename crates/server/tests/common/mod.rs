//! What the server's HTTP tests share: a real server on 127.0.0.1 over a fresh SQLite folder,
//! and a client that says status and body.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use caiji_server::Server;
use serde_json::{json, Value};

pub struct Api {
    pub base: String,
    pub agent: ureq::Agent,
}

pub fn start() -> (Api, Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::sqlite(dir.path()).unwrap();
    // A generous rate: these tests are about the per-login defences, not the per-address one.
    let addr = caiji_server::spawn_local(server.clone(), 1000.0, 1000.0).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    (Api { base: format!("http://{addr}"), agent }, server, dir)
}

impl Api {
    /// (status, Retry-After, body).
    pub fn post(&self, path: &str, body: Value) -> (u16, Option<u64>, Value) {
        let mut res = self.agent.post(&format!("{}{path}", self.base)).send_json(body).unwrap();
        let wait = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        (res.status().as_u16(), wait, res.body_mut().read_json().unwrap_or(Value::Null))
    }

    pub fn login(&self, login: &str, password: &str) -> (u16, Option<u64>, Value) {
        self.post("/api/v1/login", json!({"login": login, "password": password}))
    }

    pub fn token(&self, login: &str, password: &str) -> String {
        let (st, _, v) = self.login(login, password);
        assert_eq!(st, 200, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    /// A signed-in call (status, body); GET without a body, otherwise POST or PUT with JSON.
    pub fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {token}");
        let mut res = match method {
            "GET" => self.agent.get(&url).header("authorization", &auth).call().unwrap(),
            "PUT" => self.agent.put(&url).header("authorization", &auth).send_json(body.unwrap_or(json!({}))).unwrap(),
            _ => self.agent.post(&url).header("authorization", &auth).send_json(body.unwrap_or(json!({}))).unwrap(),
        };
        (res.status().as_u16(), res.body_mut().read_json().unwrap_or(Value::Null))
    }

    /// A chunk of an upload (status, body).
    pub fn chunk(&self, token: &str, hash: &str, offset: usize, size: usize, bytes: &[u8]) -> (u16, Value) {
        use sha2::{Digest, Sha256};
        let url = format!("{}/api/v1/blobs/{hash}?offset={offset}&size={size}", self.base);
        let sum = format!("{:x}", Sha256::digest(bytes));
        let mut res = self.agent.put(&url).header("authorization", &format!("Bearer {token}")).header("x-chunk-sha256", &sum).send(bytes).unwrap();
        (res.status().as_u16(), res.body_mut().read_json().unwrap_or(Value::Null))
    }

    /// A whole small file in one chunk; its hash.
    pub fn upload(&self, token: &str, bytes: &[u8]) -> String {
        let hash = sha(bytes);
        let (st, v) = self.chunk(token, &hash, 0, bytes.len(), bytes);
        assert_eq!((st, v["complete"].as_bool()), (200, Some(true)), "{v}");
        hash
    }

    pub fn content(&self, token: &str, hash: &str) -> (u16, Vec<u8>) {
        let url = format!("{}/api/v1/blobs/{hash}/content", self.base);
        let mut res = self.agent.get(&url).header("authorization", &format!("Bearer {token}")).call().unwrap();
        (res.status().as_u16(), res.body_mut().read_to_vec().unwrap_or_default())
    }
}

pub fn sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}
