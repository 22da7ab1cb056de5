//! The specs screen: browse, duplicate and edit (validated), import, export, delete user
//! profiles. The user's profiles live in the data folder's `specs`, shared with the CLI.
use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_image::spec::{parse_spec, SpecEntry, SpecProblem};
use caiji_image::Spec;
use serde::Serialize;
use std::path::Path;
use tauri::State;

#[derive(Serialize)]
pub struct SpecsView {
    pub entries: Vec<SpecEntry>,
    /// User profile files that could not be loaded, with the line at fault.
    pub problems: Vec<SpecProblem>,
    pub dir: String,
}

fn view(state: &AppState) -> SpecsView {
    let r = state.registry();
    SpecsView { entries: r.entries().cloned().collect(), problems: r.problems.clone(), dir: state.specs_dir.display().to_string() }
}

/// Every profile, built-in and the user's, with provenance; broken user files; the folder.
#[tauri::command]
pub fn specs_view(state: State<'_, AppState>) -> SpecsView {
    view(&state)
}

/// Checks an edited profile without saving it: `None` when it is good, else the problem
/// (with the setting at fault).
#[tauri::command]
pub fn specs_validate(spec: Spec) -> Option<SpecProblem> {
    parse_spec(&spec.to_toml(), Path::new(&format!("{}.toml", spec.id))).err()
}

#[tauri::command]
pub fn specs_save(state: State<'_, AppState>, spec: Spec) -> AppResult<SpecsView> {
    let dir = state.specs_dir.clone();
    state.update_registry(|r| r.save_user(&dir, &spec).map(|_| ()))?;
    log::info!("spec profile {} saved", spec.id);
    Ok(view(&state))
}

#[tauri::command]
pub fn specs_delete(state: State<'_, AppState>, id: String) -> AppResult<SpecsView> {
    let dir = state.specs_dir.clone();
    state.update_registry(|r| r.delete_user(&dir, &id))?;
    log::info!("spec profile {id} deleted");
    Ok(view(&state))
}

/// Imports a profile file the user picked (checked first; a broken file changes nothing).
#[tauri::command]
pub async fn specs_import(state: State<'_, AppState>, path: String) -> AppResult<SpecsView> {
    state.readable(&path)?;
    let dir = state.specs_dir.clone();
    let id = state.update_registry(|r| r.import_file(&dir, Path::new(&path)).map(|e| e.spec.id.clone()))?;
    log::info!("spec profile {id} imported");
    Ok(view(&state))
}

/// Writes a profile to the file the user chose in the save dialog.
#[tauri::command]
pub async fn specs_export(state: State<'_, AppState>, id: String, path: String) -> AppResult<()> {
    state.writable(&path)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let text = reg.source_text(&id)?;
        caiji_base::fsio::write_atomic(Path::new(&path), text.as_bytes()).map_err(AppError::from)
    })
    .await
}
