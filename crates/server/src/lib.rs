//! caiji-server: the online system's intake for the filings Caiji drafts offline.
//!
//! HTTP + JSON (`docs/openapi.yaml`): accounts for a person (resident ID) or a unit (unified
//! social credit code) and reviewing authorities; passwords hashed with Argon2id; expiring
//! session tokens. Submissions carry a client-made UUID (the same one twice has one effect) and,
//! for an edit, the revision it replaces (a stale one gets 409 with the current copy).
//! Attachments upload by content hash in resumable, checksummed chunks. Filings are checked
//! with the same forms and rules as the app (`caiji-forms`); every body is a type of
//! `caiji-protocol`, shared with the app's sync client. An authority accepts or returns
//! them with a reason; the public may look up people who have not completed collection (IDs
//! masked). Request bodies are bounded and request rates limited per address.
pub mod access;
pub mod api;
pub mod auth;
pub mod blobs;
pub mod codes;
pub mod db;
pub mod error;
pub mod limit;
pub mod people;
pub mod wire;

pub use api::{router, Server};

pub use caiji_base::time::now_ms;

use std::future::Future;
use std::time::Duration;

/// A client has this long to send a request's headers, and a kept-alive connection this long
/// between requests; then it is closed (half-open and idle connections never pile up).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; the next waits in the system's queue until one closes.
pub const MAX_CONNECTIONS: usize = 1024;

/// Serves `app` on `listener` until `shutdown`: HTTP/1.1, each connection's headers read within
/// [`HEADER_TIMEOUT`] (also between kept-alive requests), at most [`MAX_CONNECTIONS`] at once,
/// the client's address given to the handlers (`ConnectInfo`).
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.map_err(std::io::Error::other)?,
            () = &mut shutdown => return Ok(()),
        };
        let (stream, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                // Out of file descriptors and the like: a moment for connections to close.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let svc = TowerToHyperService::new(app.clone().layer(axum::Extension(ConnectInfo(addr))));
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
            let _ = http.serve_connection(TokioIo::new(stream), svc).await;
            drop(permit);
        });
    }
}

/// Starts a server on 127.0.0.1 (a free port) on its own runtime thread; for tests and tools.
/// Returns its address.
pub fn spawn_local(server: Server, per_second: f64, burst: f64) -> std::io::Result<std::net::SocketAddr> {
    // Bound here (the port is known on return), served on the thread's own runtime (callable
    // from inside another runtime too).
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    std::thread::spawn(move || {
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            let _ = serve(listener, router(server, per_second, burst), std::future::pending()).await;
        });
    });
    Ok(addr)
}
