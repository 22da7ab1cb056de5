//! Passwords, with their cost bounded whatever the load.
//!
//! Argon2 takes ~19 MiB and tens of milliseconds a check: run on tokio's blocking pool (up to
//! 512 threads) a burst of wrong logins took the server to gigabytes, kept by each thread's
//! allocator. Here every hash and check runs on a few threads of its own (one per core), fed
//! by a short queue; when the queue is full the caller gets 503 `busy` with `Retry-After` at
//! once. An unknown login is checked against a made-up hash, so that it takes the same time as
//! a wrong password. Each login (known or not) is locked for a growing time after repeated
//! failures, with no password work while locked; the per-address rate limit comes on top.
use crate::error::ApiError;
use axum::http::StatusCode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

/// Failures in a row before a login is locked, and the longest lock.
pub const FREE_FAILURES: u32 = 5;
pub const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// The most logins with failures remembered at once (the oldest go first).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Clone)]
pub struct Passwords {
    jobs: SyncSender<Job>,
    /// A hash of nothing anyone knows, checked for logins that do not exist.
    dummy: Arc<String>,
    failures: Arc<Mutex<HashMap<String, Failures>>>,
    checks: Arc<AtomicU64>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    until: Instant,
    last: Instant,
}

impl Passwords {
    /// `threads` workers (0: one per core), a queue of `queue` waiting jobs.
    pub fn new(threads: usize, queue: usize) -> Result<Passwords, ApiError> {
        let threads = if threads == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) } else { threads };
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("caiji-argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .map_err(|e| ApiError::internal(e.to_string()))?;
        }
        let dummy = hash_password(&random_text())?;
        Ok(Passwords { jobs, dummy: Arc::new(dummy), failures: Arc::new(Mutex::new(HashMap::new())), checks: Arc::new(AtomicU64::new(0)) })
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(ApiError::busy()),
            Err(TrySendError::Disconnected(_)) => return Err(ApiError::internal("the password workers stopped".into())),
        }
        rx.await.map_err(|_| ApiError::internal("a password worker stopped".into()))
    }

    /// A new password's hash (Argon2id, a random salt).
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_password(&password)).await?
    }

    /// Signs `login` in if `password` matches `hash` (`None`: no such account, checked against
    /// the made-up hash all the same). A login locked by earlier failures is refused at once
    /// (429 `locked`, with `Retry-After`); a failure counts towards the next lock.
    pub async fn check(&self, login: &str, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        if let Some(wait) = self.locked(login) {
            let secs = wait.as_secs_f64().ceil() as u64;
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                format!("登录失败次数过多，请 {secs} 秒后再试（忘记密码请向所在单位或审核机构索取重置码）"),
                format!("Too many failed sign-ins: try again in {secs} s (forgotten password: ask your unit or the reviewing authority for a reset code)"),
            )
            .retry_after(secs));
        }
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.as_ref().clone());
        let checks = self.checks.clone();
        let ok = self
            .run(move || {
                checks.fetch_add(1, Ordering::Relaxed);
                password_ok(&password, &hash)
            })
            .await?
            && known;
        if ok {
            self.forget(login);
        } else {
            self.failed(login);
        }
        Ok(ok)
    }

    /// Lifts `login`'s lock (a new password was set with a reset code).
    pub fn unlock(&self, login: &str) {
        self.forget(login);
    }

    /// How many password checks have run (tests: an unknown login costs one as well).
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn locked(&self, login: &str) -> Option<Duration> {
        let now = Instant::now();
        self.table().get(login).and_then(|f| f.until.checked_duration_since(now)).filter(|d| !d.is_zero())
    }

    fn forget(&self, login: &str) {
        self.table().remove(login);
    }

    fn failed(&self, login: &str) {
        let now = Instant::now();
        let mut t = self.table();
        if t.len() >= MAX_REMEMBERED && !t.contains_key(login) {
            // Those not locked and quiet for the longest lock go first; then the oldest half.
            t.retain(|_, f| f.until > now || now.duration_since(f.last) < MAX_LOCK);
            if t.len() >= MAX_REMEMBERED {
                let mut seen: Vec<Instant> = t.values().map(|f| f.last).collect();
                seen.sort_unstable();
                let cut = seen[seen.len() / 2];
                t.retain(|_, f| f.last > cut);
            }
        }
        let f = t.entry(login.to_string()).or_insert(Failures { count: 0, until: now, last: now });
        // A quiet spell as long as the longest lock starts the count again.
        if now.duration_since(f.last) >= MAX_LOCK {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        f.until = now + lock_for(f.count);
    }
}

/// How long a login is locked after `failures` in a row: nothing for the first few, then 1 s,
/// doubling each time, at most [`MAX_LOCK`].
pub fn lock_for(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let secs = 1u64.checked_shl(failures - FREE_FAILURES).unwrap_or(u64::MAX);
    Duration::from_secs(secs).min(MAX_LOCK)
}

pub fn hash_password(pw: &str) -> Result<String, ApiError> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| ApiError::internal(e.to_string()))
}

fn password_ok(pw: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| argon2::Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

fn random_text() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_grow_and_stop_at_the_longest() {
        assert_eq!(lock_for(1), Duration::ZERO);
        assert_eq!(lock_for(4), Duration::ZERO);
        assert_eq!(lock_for(5), Duration::from_secs(1));
        assert_eq!(lock_for(6), Duration::from_secs(2));
        assert_eq!(lock_for(10), Duration::from_secs(32));
        assert_eq!(lock_for(20), MAX_LOCK);
        assert_eq!(lock_for(u32::MAX), MAX_LOCK);
    }
}
