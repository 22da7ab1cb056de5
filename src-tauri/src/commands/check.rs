use super::work;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_core::check::{self, Report};
use caiji_core::{Error, Lang};
use tauri::State;

/// Checks any file against a spec, like the official checker.
#[tauri::command]
pub async fn check_file(state: State<'_, AppState>, path: String, spec: String, lang: Lang) -> AppResult<Report> {
    let reg = state.registry();
    work(move || {
        let spec = reg.get(&spec).map_err(|e| AppError::from_core(e, lang))?;
        let data = std::fs::read(&path).map_err(|e| AppError::from_core(Error::io(&path, e), lang))?;
        Ok(check::check(&data, spec))
    })
    .await
}
