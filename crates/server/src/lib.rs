//! caiji-server: the online system's intake for the filings Caiji drafts offline.
//!
//! HTTP + JSON (`docs/openapi.yaml`): accounts for a person (resident ID) or a unit (unified
//! social credit code) and reviewing authorities; passwords hashed with Argon2id; expiring
//! session tokens. Submissions carry a client-made UUID (the same one twice has one effect) and,
//! for an edit, the revision it replaces (a stale one gets 409 with the current copy).
//! Attachments upload by content hash in resumable, checksummed chunks. Filings are checked
//! with the same forms and rules as the app (`caiji-core`). An authority accepts or returns
//! them with a reason; the public may look up people who have not completed collection (IDs
//! masked). Request bodies are bounded and request rates limited per address.
pub mod api;
pub mod db;
pub mod error;
pub mod limit;

pub use api::{router, Server};

/// Milliseconds since 1970.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Starts a server on 127.0.0.1 (a free port) on its own runtime thread; for tests and tools.
/// Returns its address.
pub fn spawn_local(server: Server, per_second: f64, burst: f64) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
            let _ = tx.send(l.local_addr().expect("an address"));
            let app = router(server, per_second, burst).into_make_service_with_connect_info::<std::net::SocketAddr>();
            let _ = axum::serve(l, app).await;
        });
    });
    rx.recv().expect("the server to start")
}
