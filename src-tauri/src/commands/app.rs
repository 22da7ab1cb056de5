use crate::state::AppState;
use tauri::State;

/// Files given on the command line ("Open with") or by a second launch, once.
#[tauri::command]
pub fn app_take_pending(state: State<'_, AppState>) -> Vec<String> {
    state.pending.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
}
