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
pub mod api;
pub mod db;
pub mod error;
pub mod limit;
pub mod wire;

pub use api::{router, Server};

pub use caiji_base::time::now_ms;

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
            let app = router(server, per_second, burst).into_make_service_with_connect_info::<std::net::SocketAddr>();
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(addr)
}
