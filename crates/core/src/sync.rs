//! The sync client: sends the outbox to caiji-server (`docs/openapi.json`) and pulls review
//! results back.
//!
//! A queued filing is sent under its draft id as the submission UUID, so sending it again (after
//! a timeout whose answer was lost) has one effect. Its attachments go first, by hash, in
//! checksummed chunks, resuming from what the server already has. A draft leaves the outbox only
//! when the server's receipt is stored (one transaction); a try that does not reach the server,
//! or meets a 5xx or 429, is retried later with exponential backoff and jitter; a refusal that
//! needs the person (invalid, stale, accepted already) marks it failed with the reason.
use crate::drafts::{Draft, State, Store};
use crate::error::{Error, Result};
use crate::forms::Forms;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Chunks of an attachment upload.
pub const CHUNK: usize = 256 << 10;

pub struct Client {
    base: String,
    agent: ureq::Agent,
    token: String,
    /// Multiplies the backoff (tests shrink it).
    backoff_scale: f64,
}

/// What one call to the server came to.
enum Reply {
    /// 2xx with the body.
    Ok(Value),
    /// The server answered with a refusal: status, code, message, details.
    Refused(u16, String, String, Value),
    /// No usable answer (connection refused or reset, timeout, 5xx, 429): try again later.
    Transient(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub sent: Vec<String>,
    pub failed: Vec<String>,
    /// Still queued, with when they will be tried again.
    pub retrying: Vec<(String, i64)>,
    /// Drafts whose review result came in.
    pub reviewed: Vec<String>,
}

fn offline(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("无法连接服务器：{e}"), format!("Cannot reach the server: {e}"))
}

impl Client {
    /// A client for the server at `base` (`http://host:port`), each call bounded by `timeout`.
    pub fn new(base: &str, timeout: std::time::Duration) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(timeout)).build().into();
        Client { base: base.trim_end_matches('/').to_string(), agent, token: String::new(), backoff_scale: 1.0 }
    }

    /// The same client waiting `scale` times as long between tries (tests use a small one).
    pub fn with_backoff_scale(mut self, scale: f64) -> Client {
        self.backoff_scale = scale;
        self
    }

    /// Signs in; the token is kept for the calls that follow.
    pub fn login(&mut self, login: &str, password: &str) -> Result<()> {
        match self.call("POST", "/api/v1/login", Some(json!({"login": login, "password": password})), None) {
            Reply::Ok(v) => {
                self.token = v["token"].as_str().unwrap_or_default().to_string();
                Ok(())
            }
            Reply::Refused(_, _, m, _) => Err(Error::invalid(m.clone(), m)),
            Reply::Transient(e) => Err(offline(e)),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>, chunk: Option<(&[u8], String)>) -> Reply {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let res = match (method, body, chunk) {
            ("GET", _, _) => self.agent.get(&url).header("authorization", &auth).call(),
            (_, _, Some((bytes, sum))) => self.agent.put(&url).header("authorization", &auth).header("x-chunk-sha256", &sum).send(bytes),
            ("PUT", b, _) => self.agent.put(&url).header("authorization", &auth).send_json(b.unwrap_or(Value::Null)),
            (_, b, _) => self.agent.post(&url).header("authorization", &auth).send_json(b.unwrap_or(Value::Null)),
        };
        let mut res = match res {
            Ok(r) => r,
            Err(e) => return Reply::Transient(e.to_string()),
        };
        let status = res.status().as_u16();
        let v: Value = match res.body_mut().read_json() {
            Ok(v) => v,
            Err(e) if status < 300 => return Reply::Transient(format!("incomplete answer: {e}")),
            Err(_) => Value::Null,
        };
        match status {
            200..=299 => Reply::Ok(v),
            429 | 500..=599 => Reply::Transient(format!("HTTP {status}")),
            _ => Reply::Refused(status, v["code"].as_str().unwrap_or("").into(), v["message"]["zh"].as_str().unwrap_or("").into(), v["details"].clone()),
        }
    }

    /// Uploads an attachment unless the server has it; resumes a partial one.
    fn upload(&self, store: &Store, hash: &str) -> std::result::Result<(), Reply> {
        let path = format!("/api/v1/blobs/{hash}");
        let mut from = match self.call("GET", &path, None, None) {
            Reply::Ok(v) if v["complete"] == true => return Ok(()),
            Reply::Ok(v) => v["received"].as_u64().unwrap_or(0) as usize,
            Reply::Refused(404, ..) => 0,
            other => return Err(other),
        };
        let file = store.attachment_path(hash);
        let bytes = std::fs::read(&file).map_err(|e| Reply::Refused(0, "attachment_missing".into(), format!("附件文件缺失：{e}"), Value::Null))?;
        while from < bytes.len() {
            let end = (from + CHUNK).min(bytes.len());
            let part = &bytes[from..end];
            let sum = format!("{:x}", Sha256::digest(part));
            match self.call("PUT", &format!("{path}?offset={from}&size={}", bytes.len()), None, Some((part, sum))) {
                Reply::Ok(v) => from = v["received"].as_u64().unwrap_or(end as u64) as usize,
                // The server has a different amount (an earlier chunk's answer was lost): go on from there.
                Reply::Refused(409, code, ..) if code == "offset" => match self.call("GET", &path, None, None) {
                    Reply::Ok(v) if v["complete"] == true => return Ok(()),
                    Reply::Ok(v) => from = v["received"].as_u64().unwrap_or(0) as usize,
                    other => return Err(other),
                },
                other => return Err(other),
            }
        }
        Ok(())
    }

    /// Sends one queued draft: attachments, then the filing.
    fn send(&self, store: &Store, forms: &Forms, d: &Draft) -> Reply {
        let mut hashes = Vec::new();
        crate::bundle::attachment_hashes(&d.data, &mut hashes);
        for h in hashes {
            if let Err(r) = self.upload(store, &h) {
                return r;
            }
        }
        let version = forms.get(&d.form).map(|f| f.version).unwrap_or(d.form_version);
        let mut body = json!({"form": d.form, "form_version": d.form_version.min(version), "data": d.data});
        if let Some(r) = d.remote_revision {
            body["replaces"] = json!(r);
        }
        self.call("PUT", &format!("/api/v1/submissions/{}", d.id), Some(body), None)
    }

    /// Sends what is due in the outbox, then pulls review results.
    pub fn sync(&self, store: &Store, forms: &Forms) -> Result<Report> {
        let mut report = Report::default();
        let now = crate::drafts::now_ms();
        for o in store.due(now)? {
            let d = store.get(&o.draft)?;
            match self.send(store, forms, &d) {
                Reply::Ok(v) => {
                    store.record_sent(&d.id, v["revision"].as_i64().unwrap_or(1))?;
                    report.sent.push(d.id);
                }
                Reply::Transient(e) => {
                    let at = now + (backoff(o.attempts) as f64 * self.backoff_scale) as i64;
                    store.retry_later(&d.id, &e, at)?;
                    report.retrying.push((d.id, at));
                }
                Reply::Refused(401, ..) => return Err(Error::invalid("登录已过期，请重新登录", "The session has expired: sign in again")),
                Reply::Refused(_, code, message, details) => {
                    let why = match code.as_str() {
                        "invalid_filing" => format!("{message}：{}", problems_text(&details)),
                        _ => message,
                    };
                    store.record_failed(&d.id, &why)?;
                    report.failed.push(d.id);
                }
            }
        }
        report.reviewed = self.pull(store)?;
        Ok(report)
    }

    /// Pulls review results since the last pull: accepted, or returned with the reason.
    pub fn pull(&self, store: &Store) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct R {
            uuid: String,
            revision: i64,
            state: String,
            reason: Option<String>,
            updated: i64,
        }
        let since = store.meta("pulled")?.unwrap_or_else(|| "0".into());
        let list: Vec<R> = match self.call("GET", &format!("/api/v1/submissions?since={since}"), None, None) {
            Reply::Ok(v) => serde_json::from_value(v).unwrap_or_default(),
            Reply::Refused(_, _, m, _) => return Err(Error::invalid(m.clone(), m)),
            Reply::Transient(e) => return Err(offline(e)),
        };
        let mut out = Vec::new();
        let mut last = since.parse::<i64>().unwrap_or(0);
        for r in list {
            last = last.max(r.updated);
            let to = match r.state.as_str() {
                "accepted" => State::Accepted,
                "returned" => State::Returned,
                _ => continue,
            };
            if store.get(&r.uuid).is_ok() && store.record_review(&r.uuid, to, r.reason.as_deref(), r.revision)?.is_some() {
                out.push(r.uuid);
            }
        }
        store.set_meta("pulled", &last.to_string())?;
        Ok(out)
    }
}

fn problems_text(details: &Value) -> String {
    details.as_array().map(|a| a.iter().filter_map(|p| p["message"]["zh"].as_str()).collect::<Vec<_>>().join("；")).unwrap_or_default()
}

/// How long to wait before try `attempts + 1`: 2 s doubling to at most 10 minutes, with full
/// jitter (a random share of it), so that many clients coming back online do not retry in step.
pub fn backoff(attempts: u32) -> i64 {
    let cap = (2_000i64 << attempts.min(9)).min(600_000);
    let r = (uuid::Uuid::new_v4().as_u128() % 1_000) as i64;
    cap / 2 + cap / 2 * r / 1_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let b0: Vec<i64> = (0..50).map(|_| backoff(0)).collect();
        assert!(b0.iter().all(|b| (1_000..=2_000).contains(b)));
        assert!(b0.iter().any(|b| *b != b0[0]), "jittered");
        assert!((0..50).map(|_| backoff(3)).all(|b| (8_000..=16_000).contains(&b)));
        assert!((0..50).map(|_| backoff(40)).all(|b| (300_000..=600_000).contains(&b)));
    }
}
