use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Error;
use caiji_image::check::{self, Report};
use tauri::State;

/// Checks any file against a spec, like the official checker.
#[tauri::command]
pub async fn check_file(state: State<'_, AppState>, path: String, spec: String) -> AppResult<Report> {
    let path = state.readable(&path)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let data = std::fs::read(&path).map_err(|e| AppError::from(Error::io(&path, e)))?;
        Ok(check::check(&data, spec))
    })
    .await
}
