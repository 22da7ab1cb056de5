//! The sync client: sends the outbox to caiji-server (`docs/openapi.json`) and pulls review
//! results back.
//!
//! A queued filing is sent under its draft id as the submission UUID, so sending it again (after
//! a timeout whose answer was lost) has one effect. Its attachments go first, by hash, in
//! checksummed chunks, resuming from what the server already has. A draft leaves the outbox only
//! when the server's receipt is stored (one transaction); a try that does not reach the server,
//! or meets a 5xx or 429, is retried later with exponential backoff and jitter; a refusal that
//! needs the person (invalid, stale, accepted already) marks it failed with the reason.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_filing::store::{Draft, State, Store};
use caiji_forms::{Change, Forms};
use caiji_protocol::{
    AccountKind, BlobStatus, CodePurpose, ErrorBody, IssueCodeRequest, IssuedCode, LoginRequest, Receipt, RegisterRequest, ResetRequest, Session,
    SubmissionState, SubmitRequest, VerifyRequest, CHUNK_SHA256, PREFIX,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Chunks of an attachment upload.
pub const CHUNK: usize = 256 << 10;

pub struct Client {
    base: String,
    agent: ureq::Agent,
    token: String,
    /// Signed in as a unit: filings pulled back go to its workspace.
    unit: Option<String>,
    /// Multiplies the backoff (tests shrink it).
    backoff_scale: f64,
}

/// What one call to the server came to.
enum Reply {
    /// 2xx with the body.
    Ok(Value),
    /// The server answered with a refusal: its status and the error body.
    Refused(u16, ErrorBody),
    /// No usable answer (connection refused or reset, timeout, 5xx, 429): try again later.
    Transient(String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "SyncReport")]
pub struct Report {
    pub sent: Vec<String>,
    pub failed: Vec<String>,
    /// Still queued, with when they will be tried again.
    pub retrying: Vec<(String, i64)>,
    /// Drafts whose review result came in.
    pub reviewed: Vec<String>,
    /// Filings whose server copy came back (new on this machine, or changed elsewhere).
    pub pulled: Vec<String>,
    /// Refused as stale or already accepted: the server's copy is kept to show what changed.
    pub conflicts: Vec<String>,
    /// Why the review results could not be pulled (the server could not be reached).
    pub error: Option<Msg>,
}

impl Report {
    /// Did anything change on this machine?
    pub fn changed(&self) -> bool {
        !(self.sent.is_empty() && self.failed.is_empty() && self.reviewed.is_empty() && self.pulled.is_empty())
    }
}

fn offline(e: impl std::fmt::Display) -> Error {
    Error::Sync { code: "offline", msg: Msg::new(format!("无法连接服务器：{e}"), format!("Cannot reach the server: {e}")) }
}

fn signed_out() -> Error {
    Error::Sync {
        code: "signed_out", msg: Msg::new("尚未登录或登录已过期，请重新登录", "Not signed in, or the session has expired: sign in again")
    }
}

fn refused(code: &'static str, m: Msg) -> Error {
    Error::Sync { code, msg: m }
}

/// The account this machine syncs with, kept in the drafts store. The password is never kept:
/// only the session token, which expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub server: String,
    pub login: String,
    pub kind: AccountKind,
    pub name: String,
    pub token: String,
    pub expires: i64,
    /// Proven by a code from the unit or an authority; until then the server shows this account
    /// only what it filed itself.
    #[serde(default)]
    pub verified: bool,
}

impl Link {
    pub fn load(store: &Store) -> Result<Option<Link>> {
        Ok(store.meta("link")?.and_then(|s| serde_json::from_str(&s).ok()))
    }

    pub fn save(&self, store: &Store) -> Result<()> {
        store.set_meta("link", &serde_json::to_string(self).unwrap_or_default())
    }

    pub fn signed_in(&self) -> bool {
        !self.token.is_empty() && self.expires > caiji_base::time::now_ms()
    }
}

/// `http://host:port` or `https://…`, without the trailing slash.
fn server_url(s: &str) -> Result<String> {
    let s = s.trim().trim_end_matches('/');
    let rest = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://")).unwrap_or("");
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(refused(
            "bad_server",
            Msg::new(
                "服务器地址应以 http:// 或 https:// 开头，如 http://127.0.0.1:8440",
                "The server address starts with http:// or https://, e.g. http://127.0.0.1:8440",
            ),
        ));
    }
    Ok(s.to_string())
}

/// Creates an account on the server: a person (resident ID) or a unit (credit code).
pub fn register(server: &str, kind: AccountKind, login: &str, name: &str, password: &str, timeout: std::time::Duration) -> Result<()> {
    let c = Client::new(&server_url(server)?, timeout);
    let body = RegisterRequest { kind, login: login.into(), name: name.into(), password: password.into() };
    match c.call("POST", "/register", Some(json(&body)), None) {
        Reply::Ok(_) => Ok(()),
        Reply::Refused(_, e) => Err(refused("refused", e.message)),
        Reply::Transient(e) => Err(offline(e)),
    }
}

/// Signs in and returns the link to keep (the caller stores it with [`Link::save`]).
pub fn connect(server: &str, login: &str, password: &str, timeout: std::time::Duration) -> Result<Link> {
    let server = server_url(server)?;
    let c = Client::new(&server, timeout);
    match c.call("POST", "/login", Some(json(&LoginRequest { login: login.into(), password: password.into() })), None) {
        Reply::Ok(v) => {
            let s: Session = parse(v)?;
            Ok(Link {
                server,
                login: s.account.login,
                kind: s.account.kind,
                name: s.account.name,
                token: s.token,
                expires: s.expires,
                verified: s.account.verified,
            })
        }
        Reply::Refused(_, e) if e.code == "bad_login" => Err(refused("bad_login", e.message)),
        Reply::Refused(_, e) => Err(refused("refused", e.message)),
        Reply::Transient(e) => Err(offline(e)),
    }
}

/// Ends the link's session on the server (its token stops working there too); best effort: a
/// server out of reach still lets the computer forget the token.
pub fn disconnect(link: &Link, timeout: std::time::Duration) -> Result<()> {
    let mut c = Client::new(&link.server, timeout);
    c.token = link.token.clone();
    match c.call("POST", "/logout", Some(Value::Null), None) {
        Reply::Ok(_) => Ok(()),
        Reply::Refused(_, e) => Err(refused("refused", e.message)),
        Reply::Transient(e) => Err(offline(e)),
    }
}

/// A signed-in call of `link`'s account, its answer or the refusal said.
fn signed_call(link: &Link, path: &str, body: Value, timeout: std::time::Duration) -> Result<Value> {
    let mut c = Client::new(&link.server, timeout);
    c.token = link.token.clone();
    match c.call("POST", path, Some(body), None) {
        Reply::Ok(v) => Ok(v),
        Reply::Refused(401, _) => Err(signed_out()),
        Reply::Refused(_, e) => Err(refused("refused", e.message)),
        Reply::Transient(e) => Err(offline(e)),
    }
}

/// Proves the linked account with an activation code from its unit or an authority; the link
/// is then verified (the caller saves it).
pub fn verify(link: &mut Link, code: &str, timeout: std::time::Duration) -> Result<()> {
    let a: caiji_protocol::Account = parse(signed_call(link, "/verify", json(&VerifyRequest { code: code.into() }), timeout)?)?;
    link.verified = a.verified;
    Ok(())
}

/// A code for a person (the linked account being their unit, or an authority) to activate
/// their account or set a new password.
pub fn issue_code(link: &Link, login: &str, purpose: CodePurpose, timeout: std::time::Duration) -> Result<IssuedCode> {
    parse(signed_call(link, "/codes", json(&IssueCodeRequest { login: login.into(), purpose }), timeout)?)
}

/// 找回密码: sets a new password with a reset code (no session needed).
pub fn reset_password(server: &str, login: &str, code: &str, password: &str, timeout: std::time::Duration) -> Result<()> {
    let c = Client::new(&server_url(server)?, timeout);
    let body = ResetRequest { login: login.into(), code: code.into(), password: password.into() };
    match c.call("POST", "/reset", Some(json(&body)), None) {
        Reply::Ok(_) => Ok(()),
        Reply::Refused(_, e) => Err(refused("refused", e.message)),
        Reply::Transient(e) => Err(offline(e)),
    }
}

/// 上报: puts a finalized (or failed) filing in the outbox — unless the account this machine
/// is linked to may not file its form (a unit's 年度考评 from a person's account, a person's
/// collection prepared in a unit's workspace from the unit's): the server would refuse it with
/// the same words (403 `wrong_filer`).
pub fn send(store: &Store, forms: &Forms, id: &str) -> Result<Draft> {
    let d = store.get(id)?;
    let kind = Link::load(store)?.map(|l| l.kind);
    let filer = match kind {
        Some(AccountKind::Unit) => Some(caiji_forms::Filer::Unit),
        Some(AccountKind::Person) => Some(caiji_forms::Filer::Person),
        _ => None,
    };
    if let (Some(form), Some(filer)) = (forms.get(&d.form), filer) {
        if let Some(m) = caiji_forms::record::filer_refusal(form, filer) {
            return Err(Error::invalid(m.zh, m.en));
        }
    }
    store.queue(id)
}

/// One sync of this machine's outbox and review results with the linked server; remembers when
/// it ran and what went wrong. A session the server no longer knows signs the link out.
pub fn run(store: &Store, forms: &Forms, timeout: std::time::Duration) -> Result<Report> {
    let mut link = Link::load(store)?.filter(Link::signed_in).ok_or_else(signed_out)?;
    let mut c = Client::new(&link.server, timeout);
    c.token = link.token.clone();
    if link.kind == AccountKind::Unit {
        // A unit's workspace on a computer that has not seen it yet.
        if store.unit(&link.login).is_err() {
            store.put_unit(&caiji_filing::store::Unit { uscc: link.login.clone(), name: link.name.clone(), region: String::new() })?;
        }
        c.unit = Some(link.login.clone());
    }
    let mut out = c.sync(store, forms);
    // A proven person learns the baseline their authority set from the online system's record.
    if let (Ok(r), AccountKind::Person, true) = (&mut out, link.kind, link.verified) {
        if let Err(Error::Sync { msg, .. }) = c.pull_baseline(store, &link.login) {
            r.error.get_or_insert(msg);
        }
    }
    let error = match &out {
        Ok(r) => r.error.clone(),
        Err(e) => Some(e.msg()),
    };
    if matches!(&out, Err(Error::Sync { code: "signed_out", .. })) {
        link.token.clear();
        link.save(store)?;
    }
    store.set_meta("last_sync", &caiji_base::time::now_ms().to_string())?;
    match error {
        Some(m) => store.set_meta("last_error", &serde_json::to_string(&m).unwrap_or_default())?,
        None => store.delete_meta("last_error")?,
    }
    out
}

/// What the app shows about syncing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "SyncStatus")]
pub struct Status {
    pub server: Option<String>,
    /// The account, its ID number masked.
    pub login: Option<String>,
    pub name: Option<String>,
    pub kind: Option<AccountKind>,
    pub signed_in: bool,
    /// The account is proven (an activation or reset code); until then the server shows it only
    /// what it filed itself.
    pub verified: bool,
    /// Waiting in the outbox, and the next try of those retried.
    pub queued: usize,
    pub next_try: Option<i64>,
    pub sent: usize,
    pub returned: usize,
    pub failed: usize,
    pub accepted: usize,
    pub last_sync: Option<i64>,
    pub last_error: Option<Msg>,
    /// When this was read (ms): of two statuses arriving out of order, the later one wins.
    pub taken: i64,
}

pub fn status(store: &Store) -> Result<Status> {
    let link = Link::load(store)?;
    let counts = store.count_by_state()?;
    let n = |s: State| counts.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    let outbox = store.outbox()?;
    Ok(Status {
        signed_in: link.as_ref().is_some_and(Link::signed_in),
        server: link.as_ref().map(|l| l.server.clone()),
        login: link.as_ref().filter(|l| !l.login.is_empty()).map(|l| caiji_base::ids::mask_id(&l.login)),
        name: link.as_ref().map(|l| l.name.clone()),
        kind: link.as_ref().map(|l| l.kind),
        verified: link.as_ref().is_some_and(|l| l.verified || l.kind == AccountKind::Authority),
        queued: n(State::Queued),
        next_try: outbox.iter().filter(|o| o.attempts > 0).map(|o| o.next_at).min(),
        sent: n(State::Sent),
        returned: n(State::Returned),
        failed: n(State::Failed),
        accepted: n(State::Accepted),
        last_sync: store.meta("last_sync")?.and_then(|s| s.parse().ok()),
        last_error: store.meta("last_error")?.and_then(|s| serde_json::from_str(&s).ok()),
        taken: caiji_base::time::now_ms(),
    })
}

/// The server's copy of a filing it refused as stale (or accepted already), and what differs.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Conflict {
    pub revision: i64,
    pub state: SubmissionState,
    pub reason: Option<String>,
    /// Whether this machine's version may still replace it (not once accepted).
    pub can_keep_mine: bool,
    pub changes: Vec<Change>,
}

fn conflict_key(id: &str) -> String {
    format!("conflict:{id}")
}

/// What the server holds against this machine's version of draft `id`, if they conflict.
pub fn conflict(store: &Store, forms: &Forms, id: &str) -> Result<Option<Conflict>> {
    let Some(theirs) = kept_conflict(store, id)? else {
        return Ok(None);
    };
    let d = store.get(id)?;
    let changes = match forms.get(&d.form) {
        Some(f) => forms.diff(f, &d.data, theirs.data.as_ref().unwrap_or(&Value::Null)),
        None => Vec::new(),
    };
    Ok(Some(Conflict {
        revision: theirs.revision,
        can_keep_mine: theirs.state != SubmissionState::Accepted,
        reason: theirs.reason,
        state: theirs.state,
        changes,
    }))
}

/// The server's copy kept with a refused edit.
fn kept_conflict(store: &Store, id: &str) -> Result<Option<Receipt>> {
    Ok(store.meta(&conflict_key(id))?.and_then(|s| serde_json::from_str(&s).ok()))
}

/// Settles a conflict: keep this machine's version (it goes out again, replacing the server's
/// revision) or take the server's.
pub fn resolve(store: &Store, forms: &Forms, id: &str, keep_mine: bool) -> Result<Draft> {
    let key = conflict_key(id);
    let theirs = kept_conflict(store, id)?.ok_or_else(|| Error::invalid("这份填报没有需要处理的冲突", "This filing has no conflict to settle"))?;
    let revision = theirs.revision;
    let d = if keep_mine {
        if theirs.state == SubmissionState::Accepted {
            return Err(Error::invalid(
                "服务器上的版本已审核通过，不能覆盖；如需更正请提交信息变更",
                "The server's version is accepted and cannot be replaced: file a change instead",
            ));
        }
        store.set_remote_revision(id, revision)?;
        store.queue(id)?
    } else {
        adopt(store, forms, id, &theirs, None)?
    };
    store.delete_meta(&key)?;
    Ok(d)
}

/// Stores a receipt with data (the server's copy) as this machine's version.
fn adopt(store: &Store, forms: &Forms, id: &str, r: &Receipt, unit: Option<&str>) -> Result<Draft> {
    let form = r.form.as_str();
    let data = r.data.clone().unwrap_or(Value::Null);
    let f = forms.get(form).ok_or_else(|| Error::invalid(format!("没有表单 {form}，请更新软件"), format!("No form {form}: update the app")))?;
    let (_, person) = f.person_of(&data);
    let local = store.get(id).ok();
    let state = match r.state {
        SubmissionState::Accepted => State::Accepted,
        SubmissionState::Returned => State::Returned,
        SubmissionState::Submitted => State::Sent,
    };
    store.adopt(&Draft {
        id: id.to_string(),
        form: form.to_string(),
        form_version: local.as_ref().map_or(f.version, |d| d.form_version),
        title: f.title_of(&data),
        state,
        reason: r.reason.clone(),
        data,
        revision: 0,
        created: 0,
        updated: 0,
        person: (!person.is_empty()).then_some(person),
        unit: unit.map(str::to_string),
        origin: None,
        remote_revision: Some(r.revision),
    })
}

impl Client {
    /// A client for the server at `base` (`http://host:port`), each call bounded by `timeout`.
    pub fn new(base: &str, timeout: std::time::Duration) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(timeout)).build().into();
        Client { base: base.trim_end_matches('/').to_string(), agent, token: String::new(), unit: None, backoff_scale: 1.0 }
    }

    /// The same client waiting `scale` times as long between tries (tests use a small one).
    pub fn with_backoff_scale(mut self, scale: f64) -> Client {
        self.backoff_scale = scale;
        self
    }

    /// Signs in; the token is kept for the calls that follow.
    pub fn login(&mut self, login: &str, password: &str) -> Result<()> {
        match self.call("POST", "/login", Some(json(&LoginRequest { login: login.into(), password: password.into() })), None) {
            Reply::Ok(v) => {
                self.token = parse::<Session>(v)?.token;
                Ok(())
            }
            Reply::Refused(_, e) => Err(refused("bad_login", e.message)),
            Reply::Transient(e) => Err(offline(e)),
        }
    }

    /// One call to `PREFIX` + `path`.
    fn call(&self, method: &str, path: &str, body: Option<Value>, chunk: Option<(&[u8], String)>) -> Reply {
        let url = format!("{}{PREFIX}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let res = match (method, body, chunk) {
            ("GET", _, _) => self.agent.get(&url).header("authorization", &auth).call(),
            (_, _, Some((bytes, sum))) => self.agent.put(&url).header("authorization", &auth).header(CHUNK_SHA256, &sum).send(bytes),
            ("PUT", b, _) => self.agent.put(&url).header("authorization", &auth).send_json(b.unwrap_or(Value::Null)),
            (_, b, _) => self.agent.post(&url).header("authorization", &auth).send_json(b.unwrap_or(Value::Null)),
        };
        let mut res = match res {
            Ok(r) => r,
            Err(e) => return Reply::Transient(e.to_string()),
        };
        let status = res.status().as_u16();
        if status == 204 {
            return Reply::Ok(Value::Null);
        }
        let v: Value = match res.body_mut().read_json() {
            Ok(v) => v,
            Err(e) if status < 300 => return Reply::Transient(format!("incomplete answer: {e}")),
            Err(_) => Value::Null,
        };
        match status {
            200..=299 => return Reply::Ok(v),
            // A login locked after failed passwords is a refusal to show, not a line to retry.
            429 if v["code"] == "locked" => {}
            429 | 500..=599 => return Reply::Transient(format!("HTTP {status}")),
            _ => {}
        }
        let e = serde_json::from_value::<ErrorBody>(v)
            .unwrap_or_else(|_| ErrorBody::new("", Msg::new(format!("服务器的回答无法识别（HTTP {status}）"), format!("Unreadable answer (HTTP {status})"))));
        match e.code.as_str() {
            // A chunk or file damaged on the way: send it again later.
            "chunk_checksum" | "blob_checksum" if status == 422 => Reply::Transient(e.message.en),
            _ => Reply::Refused(status, e),
        }
    }

    /// An attachment's bytes from the server, checked against their hash.
    fn download(&self, hash: &str) -> Option<Vec<u8>> {
        let mut res =
            self.agent.get(&format!("{}{PREFIX}/blobs/{hash}/content", self.base)).header("authorization", &format!("Bearer {}", self.token)).call().ok()?;
        if res.status().as_u16() != 200 {
            return None;
        }
        let bytes = res.body_mut().with_config().limit(24 << 20).read_to_vec().ok()?;
        (format!("{:x}", Sha256::digest(&bytes)) == hash).then_some(bytes)
    }

    /// Fetches the attachments of filings that came from the server (pulled, or taken in a
    /// conflict) and are not on this computer yet. Returns how many were stored.
    fn fetch_missing(&self, store: &Store) -> Result<usize> {
        let mut n = 0;
        for d in store.list()?.iter().filter(|d| matches!(d.state, State::Sent | State::Accepted | State::Returned)) {
            let mut hashes = Vec::new();
            caiji_forms::attachment_hashes(&d.data, &mut hashes);
            for h in hashes.iter().filter(|h| !store.attachment_path(h).exists()) {
                if let Some(bytes) = self.download(h) {
                    store.put_attachment(&bytes, None)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Uploads an attachment unless the server has it; resumes a partial one.
    fn upload(&self, store: &Store, hash: &str) -> std::result::Result<(), Reply> {
        let path = format!("/blobs/{hash}");
        let blob = |v: Value| match serde_json::from_value::<BlobStatus>(v) {
            Ok(b) if b.received >= 0 => Ok(b),
            Ok(b) => Err(Reply::Transient(format!("the server claims {} bytes", b.received))),
            Err(e) => Err(Reply::Transient(format!("incomplete answer: {e}"))),
        };
        let mut from = match self.call("GET", &path, None, None) {
            Reply::Ok(v) => match blob(v)? {
                b if b.complete => return Ok(()),
                b => b.received as usize,
            },
            Reply::Refused(404, ..) => 0,
            other => return Err(other),
        };
        let missing = |why: String| {
            Reply::Refused(
                0,
                ErrorBody::new("attachment_missing", Msg::new(format!("附件文件缺失或已损坏：{why}"), format!("An attachment is missing or damaged: {why}"))),
            )
        };
        let bytes = std::fs::read(store.attachment_path(hash)).map_err(|e| missing(e.to_string()))?;
        if format!("{:x}", Sha256::digest(&bytes)) != hash {
            return Err(missing(format!("{hash}.jpg")));
        }
        // Resume only where it makes sense for this file, and only forwards (a server that says
        // otherwise is asked again later rather than followed).
        let resume_at = |received: i64, after: usize| -> std::result::Result<usize, Reply> {
            let r = usize::try_from(received).unwrap_or(usize::MAX);
            if r > bytes.len() || r < after {
                return Err(Reply::Transient(format!("the server claims {received} of {} bytes", bytes.len())));
            }
            Ok(r)
        };
        from = resume_at(from as i64, 0)?;
        while from < bytes.len() {
            let end = (from + CHUNK).min(bytes.len());
            let part = &bytes[from..end];
            let sum = format!("{:x}", Sha256::digest(part));
            match self.call("PUT", &format!("{path}?offset={from}&size={}", bytes.len()), None, Some((part, sum))) {
                Reply::Ok(v) => from = resume_at(blob(v)?.received, from + 1)?,
                // The server has a different amount (an earlier chunk's answer was lost): go on from there.
                Reply::Refused(409, e) if e.code == "offset" => match self.call("GET", &path, None, None) {
                    Reply::Ok(v) => match blob(v)? {
                        b if b.complete => return Ok(()),
                        b => from = resume_at(b.received, 0)?,
                    },
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
        caiji_forms::attachment_hashes(&d.data, &mut hashes);
        for h in hashes {
            if let Err(r) = self.upload(store, &h) {
                return r;
            }
        }
        let version = forms.get(&d.form).map(|f| f.version).unwrap_or(d.form_version);
        let body =
            SubmitRequest { form: d.form.clone(), form_version: i64::from(d.form_version.min(version)), data: d.data.clone(), replaces: d.remote_revision };
        self.call("PUT", &format!("/submissions/{}", d.id), Some(json(&body)), None)
    }

    /// Sends what is due in the outbox, then pulls review results. Fails only when the server
    /// no longer knows the session (sign in again); not reaching it is in the report.
    pub fn sync(&self, store: &Store, forms: &Forms) -> Result<Report> {
        let mut report = Report::default();
        let now = caiji_base::time::now_ms();
        for o in store.due(now)? {
            let d = store.get(&o.draft)?;
            match self.send(store, forms, &d) {
                Reply::Ok(v) => match serde_json::from_value::<Receipt>(v) {
                    Ok(r) => {
                        store.record_sent(&d.id, r.revision)?;
                        report.sent.push(d.id);
                    }
                    // Sent, but the answer is unreadable: the same submission again is harmless.
                    Err(e) => {
                        let at = now + (backoff(o.attempts) as f64 * self.backoff_scale) as i64;
                        store.retry_later(&d.id, &format!("incomplete answer: {e}"), at)?;
                        report.retrying.push((d.id, at));
                    }
                },
                Reply::Transient(e) => {
                    let at = now + (backoff(o.attempts) as f64 * self.backoff_scale) as i64;
                    store.retry_later(&d.id, &e, at)?;
                    report.retrying.push((d.id, at));
                }
                Reply::Refused(401, ..) => return Err(signed_out()),
                Reply::Refused(_, e) => {
                    let details = e.details.unwrap_or(Value::Null);
                    let why = match e.code.as_str() {
                        "invalid_filing" => {
                            format!("{}：{}", e.message.zh, problems_text(&details))
                        }
                        // The server's copy comes with the refusal: keep it to show what changed.
                        "stale" | "already_accepted" => {
                            let revision = serde_json::from_value::<Receipt>(details.clone()).map(|r| r.revision).unwrap_or(0);
                            store.set_meta(&conflict_key(&d.id), &details.to_string())?;
                            report.conflicts.push(d.id.clone());
                            format!("{}（服务器上为第 {} 版）", e.message.zh, revision)
                        }
                        _ => e.message.zh,
                    };
                    store.record_failed(&d.id, &why)?;
                    report.failed.push(d.id);
                }
            }
        }
        match self.pull(store, forms) {
            Ok((reviewed, pulled)) => {
                report.reviewed = reviewed;
                report.pulled = pulled;
                self.fetch_missing(store)?;
            }
            // Not reached, or an answer this version cannot read: said in the report; what was
            // sent stays sent.
            Err(Error::Sync { code: "offline" | "bad_answer", msg }) => report.error = Some(msg),
            Err(e) => return Err(e),
        }
        Ok(report)
    }

    /// The baseline the server holds for `person` ("on file and in good standing up to year N",
    /// set by their authority), kept as `server_good_to:<id>` for the desk's judgement; none on
    /// the server, none kept. A refusal (not proven yet) teaches nothing and changes nothing.
    pub fn pull_baseline(&self, store: &Store, person: &str) -> Result<()> {
        let key = format!("{}{person}", caiji_filing::desk::SERVER_BASELINE);
        match self.call("GET", &format!("/people/{person}/standing"), None, None) {
            Reply::Ok(v) => match parse::<caiji_protocol::Standing>(v)?.good_to {
                Some(y) => store.set_meta(&key, &y.to_string()),
                None => store.delete_meta(&key),
            },
            Reply::Refused(..) => Ok(()),
            Reply::Transient(e) => Err(offline(e)),
        }
    }

    /// Pulls what changed on the server since the last pull: review results (accepted, or
    /// returned with the reason) for what this machine sent, and the authoritative record of
    /// filings this machine does not have or has only as sent (made on another computer, or
    /// lost with a cleared folder). Returns (reviewed, pulled).
    pub fn pull(&self, store: &Store, forms: &Forms) -> Result<(Vec<String>, Vec<String>)> {
        let since = store.meta("pulled")?.unwrap_or_else(|| "0".into());
        // Each receipt on its own: one this version cannot read (a state a newer server has)
        // is passed over, never a reason to stop pulling the others.
        let list: Vec<Value> = match self.call("GET", &format!("/submissions?since={since}"), None, None) {
            Reply::Ok(Value::Array(items)) => items,
            Reply::Ok(_) => return Err(bad_answer("the list of submissions is not a list")),
            Reply::Refused(401, ..) => return Err(signed_out()),
            Reply::Refused(_, e) => return Err(refused("refused", e.message)),
            Reply::Transient(e) => return Err(offline(e)),
        };
        let (mut reviewed, mut pulled) = (Vec::new(), Vec::new());
        let mut last = since.parse::<i64>().unwrap_or(0);
        for item in list {
            let updated = item["updated"].as_i64().unwrap_or(last);
            let Ok(r) = serde_json::from_value::<Receipt>(item) else {
                last = last.max(updated);
                continue;
            };
            let local = store.get(&r.uuid).ok();
            // Ours, as sent: the review result. Unknown here, or newer there than anything
            // this machine sent or holds unsent: the server's copy.
            let newer = match &local {
                None => true,
                Some(d) => matches!(d.state, State::Sent | State::Accepted | State::Returned) && d.remote_revision.is_some_and(|x| x < r.revision),
            };
            if newer {
                match self.call("GET", &format!("/submissions/{}", r.uuid), None, None) {
                    Reply::Ok(v) => {
                        // A copy this version cannot read stays on the server; the others come.
                        if let Ok(full) = serde_json::from_value::<Receipt>(v) {
                            adopt(store, forms, &r.uuid, &full, self.unit.as_deref())?;
                            pulled.push(r.uuid);
                        }
                    }
                    Reply::Transient(e) => {
                        // Come back for it next time.
                        store.set_meta("pulled", &last.to_string())?;
                        return Err(offline(e));
                    }
                    Reply::Refused(..) => {}
                }
            } else if let Some(to) = match r.state {
                SubmissionState::Accepted => Some(State::Accepted),
                SubmissionState::Returned => Some(State::Returned),
                SubmissionState::Submitted => None,
            } {
                if store.record_review(&r.uuid, to, r.reason.as_deref(), r.revision)?.is_some() {
                    reviewed.push(r.uuid);
                }
            }
            last = last.max(r.updated);
        }
        store.set_meta("pulled", &last.to_string())?;
        Ok((reviewed, pulled))
    }
}

/// A request body as JSON.
fn json<T: Serialize>(body: &T) -> Value {
    serde_json::to_value(body).unwrap_or(Value::Null)
}

/// A reply's body as the protocol type it must be; anything else is an answer this version
/// cannot read.
fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(bad_answer)
}

/// The server answered, but not in a way this version reads (a newer or a different server).
fn bad_answer(e: impl std::fmt::Display) -> Error {
    Error::Sync {
        code: "bad_answer",
        msg: Msg::new(
            format!("服务器的回答无法识别（版本不一致？请更新本软件）：{e}"),
            format!("The server's answer cannot be read (a different version? update this app): {e}"),
        ),
    }
}

fn problems_text(details: &Value) -> String {
    details.as_array().map(|a| a.iter().filter_map(|p| p["message"]["zh"].as_str()).collect::<Vec<_>>().join("；")).unwrap_or_default()
}

/// How often a signed-in app pulls review results when nothing is due.
pub const PULL_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How long a background syncer waits before its next [`run`]: until the next outbox entry is
/// due (at least a second), or the next pull; an hour while signed out (it is woken on sign-in).
pub fn next_run(store: &Store) -> std::time::Duration {
    use std::time::Duration;
    if !Link::load(store).ok().flatten().is_some_and(|l| l.signed_in()) {
        return Duration::from_secs(3600);
    }
    let now = caiji_base::time::now_ms();
    match store.outbox().unwrap_or_default().iter().map(|o| o.next_at).min() {
        Some(at) => Duration::from_millis((at - now).clamp(1_000, PULL_EVERY.as_millis() as i64) as u64),
        None => PULL_EVERY,
    }
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
