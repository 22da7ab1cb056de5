//! The sync area: the account this computer syncs with, 上报 (finalized filings into the
//! outbox), a background worker that sends the outbox and pulls review results, and conflicts.
//!
//! The worker is one thread with its own connection to the drafts database: the app's store
//! lock is never held across a network call, and the editor keeps saving while a slow server
//! answers. It runs when woken (上报, 立即同步, signing in), when an outbox entry is due, and
//! every minute to pull review results; after each run it emits `sync` with the status.
use super::filing::desk;
use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Lang;
use caiji_filing::desk::Checked;
use caiji_filing::store::Store;
use caiji_forms::Forms;
use caiji_protocol::{AccountKind, CodePurpose, IssuedCode};
use caiji_sync::{self as sync, Conflict, Link, Report, Status};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// Each call to the server.
const TIMEOUT: Duration = Duration::from_secs(20);

type Reply = mpsc::Sender<caiji_base::Result<Report>>;

/// Wakes the sync worker; a reply channel gets that run's report.
pub struct Syncer {
    tx: Mutex<mpsc::Sender<Option<Reply>>>,
}

/// What the UI hears after each run.
#[derive(Clone, Serialize)]
pub struct SyncEvent {
    pub status: Status,
    /// Drafts whose state changed in this run.
    pub changed: Vec<String>,
    pub conflicts: Vec<String>,
}

impl Syncer {
    pub fn start(app: AppHandle, dir: PathBuf, forms: Arc<Forms>) -> Syncer {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("caiji-sync".into()).spawn(move || worker(&app, &dir, &forms, &rx));
        if let Err(e) = spawned {
            log::error!("sync worker not started: {e}");
        }
        Syncer { tx: Mutex::new(tx) }
    }

    fn wake(&self, reply: Option<Reply>) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(reply);
        }
    }
}

fn worker(app: &AppHandle, dir: &std::path::Path, forms: &Forms, rx: &mpsc::Receiver<Option<Reply>>) {
    let mut store: Option<Store> = None;
    // A first run soon after start: what was queued while offline goes out.
    let mut wait = Duration::from_secs(2);
    loop {
        let reply = match rx.recv_timeout(wait) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if store.is_none() {
            store = Store::open(dir).map_err(|e| log::warn!("sync: drafts store: {}", e.message(Lang::En))).ok();
        }
        let Some(s) = store.as_ref() else {
            if let Some(r) = reply {
                let _ = r.send(Err(caiji_base::Error::invalid("草稿库无法打开", "The drafts store cannot be opened")));
            }
            wait = sync::PULL_EVERY;
            continue;
        };
        let linked = Link::load(s).ok().flatten().is_some_and(|l| l.signed_in());
        if linked || reply.is_some() {
            let out = sync::run(s, forms, TIMEOUT);
            match &out {
                Ok(r) if r.changed() || !r.retrying.is_empty() => log::info!(
                    "sync: {} sent, {} failed, {} retrying, {} reviewed, {} pulled",
                    r.sent.len(),
                    r.failed.len(),
                    r.retrying.len(),
                    r.reviewed.len(),
                    r.pulled.len()
                ),
                Ok(_) => {}
                Err(e) => log::info!("sync: {}", e.message(Lang::En)),
            }
            let (changed, conflicts) = match &out {
                Ok(r) => ([&r.sent[..], &r.failed, &r.reviewed, &r.pulled].concat(), r.conflicts.clone()),
                Err(_) => (Vec::new(), Vec::new()),
            };
            if let Ok(status) = sync::status(s) {
                let _ = app.emit("sync", SyncEvent { status, changed, conflicts });
            }
            if let Some(r) = reply {
                let _ = r.send(out);
            }
        }
        wait = sync::next_run(s);
    }
}

fn syncer(app: &AppHandle) -> Option<tauri::State<'_, Syncer>> {
    app.try_state::<Syncer>()
}

#[tauri::command]
pub async fn sync_status(app: AppHandle) -> AppResult<Status> {
    desk(&app, |d| sync::status(d.store)).await
}

/// Signs in to `server` and keeps the session (never the password); the worker starts at once.
#[tauri::command]
pub async fn sync_sign_in(app: AppHandle, server: String, login: String, password: String) -> AppResult<Status> {
    let link = off_ui_thread(move || sync::connect(&server, &login, &password, TIMEOUT).map_err(AppError::from)).await?;
    log::info!("signed in to {} as a {}", link.server, link.kind);
    keep_link(&app, link).await
}

/// Keeps the link and wakes the worker (a new session; an account proven, whose unit's
/// filings come in with the next pull); the status after.
async fn keep_link(app: &AppHandle, link: Link) -> AppResult<Status> {
    let status = desk(app, move |d| {
        link.save(d.store)?;
        sync::status(d.store)
    })
    .await?;
    if let Some(s) = syncer(app) {
        s.wake(None);
    }
    Ok(status)
}

/// Creates a person's or a unit's account on the server, then signs in with it.
#[tauri::command]
pub async fn sync_register(app: AppHandle, server: String, kind: String, login: String, name: String, password: String) -> AppResult<Status> {
    let kind: AccountKind = kind.parse().map_err(|_| AppError::new("invalid", "账号类型应为个人或单位", "The account kind must be person or unit"))?;
    let (s, l, p) = (server.clone(), login.clone(), password.clone());
    off_ui_thread(move || sync::register(&s, kind, &l, &name, &p, TIMEOUT).map_err(AppError::from)).await?;
    sync_sign_in(app, server, login, password).await
}

/// Ends the session on the server (when it answers) and forgets it here (the server address
/// stays); queued filings wait for the next sign-in.
#[tauri::command]
pub async fn sync_sign_out(app: AppHandle) -> AppResult<Status> {
    if let Some(link) = desk(&app, |d| Link::load(d.store)).await? {
        if !link.token.is_empty() {
            if let Err(e) = off_ui_thread(move || Ok(sync::disconnect(&link, TIMEOUT))).await? {
                log::info!("sign-out not told to the server: {}", e.msg().en);
            }
        }
    }
    desk(&app, |d| {
        if let Some(mut l) = Link::load(d.store)? {
            l.token.clear();
            l.save(d.store)?;
        }
        sync::status(d.store)
    })
    .await
}

/// Proves the signed-in account with an activation code from its unit or an authority.
#[tauri::command]
pub async fn sync_verify(app: AppHandle, code: String) -> AppResult<Status> {
    let mut link = desk(&app, |d| Link::load(d.store)).await?.filter(Link::signed_in).ok_or_else(not_signed_in)?;
    let link = off_ui_thread(move || {
        sync::verify(&mut link, &code, TIMEOUT)?;
        Ok(link)
    })
    .await?;
    keep_link(&app, link).await
}

/// A unit (signed in) issues a code for one of its staff: `activate` or `reset`.
#[tauri::command]
pub async fn sync_issue_code(app: AppHandle, login: String, purpose: String) -> AppResult<IssuedCode> {
    let purpose: CodePurpose =
        purpose.parse().map_err(|_| AppError::new("invalid", "验证码用途应为激活或重置密码", "The purpose must be activate or reset"))?;
    let link = desk(&app, |d| Link::load(d.store)).await?.filter(Link::signed_in).ok_or_else(not_signed_in)?;
    off_ui_thread(move || sync::issue_code(&link, &login, purpose, TIMEOUT).map_err(AppError::from)).await
}

/// 找回密码: a new password with the reset code from the unit or an authority (then the UI signs
/// in with it).
#[tauri::command]
pub async fn sync_reset_password(server: String, login: String, code: String, password: String) -> AppResult<()> {
    off_ui_thread(move || sync::reset_password(&server, &login, &code, &password, TIMEOUT).map_err(AppError::from)).await
}

fn not_signed_in() -> AppError {
    AppError::new("signed_out", "尚未登录或登录已过期，请重新登录", "Not signed in, or the session has expired: sign in again")
}

#[derive(Serialize)]
pub struct Queued {
    pub queued: Vec<String>,
    /// Those that could not go (not finalized…), with why.
    pub skipped: Vec<Skipped>,
}

#[derive(Serialize)]
pub struct Skipped {
    pub id: String,
    pub title: String,
    pub message: String,
}

/// 上报: puts finalized (or failed) filings in the outbox and wakes the worker.
#[tauri::command]
pub async fn sync_send(app: AppHandle, ids: Vec<String>, lang: Lang) -> AppResult<Queued> {
    let out = desk(&app, move |d| {
        let mut out = Queued { queued: Vec::new(), skipped: Vec::new() };
        for id in ids {
            match sync::send(d.store, d.forms, &id) {
                Ok(q) => out.queued.push(q.id),
                Err(e) => out.skipped.push(Skipped { title: d.store.get(&id).map(|x| x.title).unwrap_or_default(), id, message: e.message(lang) }),
            }
        }
        Ok(out)
    })
    .await?;
    if let Some(s) = syncer(&app) {
        s.wake(None);
    }
    Ok(out)
}

/// 立即同步: one run now; answers with its report.
#[tauri::command]
pub async fn sync_now(app: AppHandle) -> AppResult<Report> {
    let (tx, rx) = mpsc::channel();
    syncer(&app).ok_or_else(|| AppError::internal("sync worker missing"))?.wake(Some(tx));
    off_ui_thread(move || match rx.recv() {
        Ok(r) => r.map_err(AppError::from),
        Err(_) => Err(AppError::internal("sync worker stopped")),
    })
    .await
}

/// The server's copy of a filing refused as stale, and what differs from this one.
#[tauri::command]
pub async fn sync_conflict(app: AppHandle, id: String) -> AppResult<Option<Conflict>> {
    desk(&app, move |d| sync::conflict(d.store, d.forms, &id)).await
}

/// Settles a conflict: keep this version (sent again) or take the server's.
#[tauri::command]
pub async fn sync_resolve(app: AppHandle, id: String, keep_mine: bool) -> AppResult<Checked> {
    let c = desk(&app, move |d| {
        sync::resolve(d.store, d.forms, &id, keep_mine)?;
        d.checked(&id)
    })
    .await?;
    if keep_mine {
        if let Some(s) = syncer(&app) {
            s.wake(None);
        }
    }
    Ok(c)
}

/// Starts the worker (from the app's setup, after the drafts store is open).
pub fn start(app: &AppHandle) {
    let state = app.state::<AppState>();
    let syncer = Syncer::start(app.clone(), state.data.drafts(), state.forms.clone());
    app.manage(syncer);
}
