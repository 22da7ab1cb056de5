//! Commands, one module per area. Each is a thin adapter: arguments in, core call on a worker
//! thread, `{code, message}` errors out. No domain logic here.
pub mod app;
pub mod batch;
pub mod check;
pub mod files;
pub mod filing;
pub mod help;
pub mod home;
pub mod photo;
pub mod scan;
pub mod settings;
pub mod specs;
pub mod sync;
pub mod unit;

use crate::error::{AppError, AppResult};

/// Runs CPU work off the UI thread and the async runtime.
pub(crate) async fn off_ui_thread<T: Send + 'static>(f: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(AppError::internal)?
}
