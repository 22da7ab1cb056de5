use crate::state::AppState;
use caiji_core::spec::SpecEntry;
use tauri::State;

/// Every profile, built-in and the user's, with provenance.
#[tauri::command]
pub fn specs_list(state: State<'_, AppState>) -> Vec<SpecEntry> {
    state.registry().entries().cloned().collect()
}
