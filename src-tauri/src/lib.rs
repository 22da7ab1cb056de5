//! Caiji desktop app: a thin Tauri 2 shell over caiji-core.
pub mod commands;
pub mod error;
pub mod state;

use tauri::{Emitter, Manager};

/// Files among the process arguments (skipping the program and flags).
fn file_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    args.into_iter().skip(1).filter(|a| !a.starts_with('-')).collect()
}

pub fn run() {
    tauri::Builder::default()
        // Must be the first plugin: a second launch hands its files to the running window.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            let files = file_args(args);
            if let Some(state) = app.try_state::<state::AppState>() {
                if let Ok(mut p) = state.pending.lock() {
                    p.extend(files.iter().cloned());
                }
            }
            let _ = app.emit("files-opened", files);
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
        }))
        // Size, position and maximised state come back as the user left them.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(file_args(std::env::args())))
        .invoke_handler(tauri::generate_handler![
            commands::app::app_take_pending,
            commands::specs::specs_list,
            commands::check::check_file,
            commands::batch::batch_start,
            commands::batch::batch_pause,
            commands::batch::batch_cancel,
            commands::photo::photo_open,
            commands::photo::photo_rotate,
            commands::photo::photo_close,
            commands::photo::photo_image,
            commands::photo::photo_preview,
            commands::photo::photo_save,
            commands::scan::scan_merge,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Caiji app");
}
