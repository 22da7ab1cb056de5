use crate::state::AppState;
use tauri::State;

/// Files given on the command line ("Open with") or by a second launch, once.
#[tauri::command]
pub fn app_take_pending(state: State<'_, AppState>) -> Vec<String> {
    state.pending.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
}

/// Prints what the window shows through the platform's print dialog (which can also save a
/// PDF): the unit's letter, alone, by the print style. Through the webview rather than the
/// page's `window.print()`, which some platforms' web views ignore.
#[tauri::command]
pub fn app_print(window: tauri::WebviewWindow) -> crate::error::AppResult<()> {
    window.print().map_err(crate::error::AppError::print_failed)
}
