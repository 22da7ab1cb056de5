//! Settings: language, default output folder, threads; and where the app keeps its data.
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::appdata::Settings;
use serde::Serialize;
use tauri::{Manager, State};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    pub data_dir: String,
    pub specs_dir: String,
    pub log_dir: String,
    pub portable: bool,
    /// Cores on this machine (what `threads = 0` means).
    pub cores: usize,
    /// Why the saved settings could not be read, once.
    pub problem: Option<String>,
}

pub(crate) fn log_dir(app: &tauri::AppHandle, state: &AppState) -> std::path::PathBuf {
    if state.data.portable {
        state.data.logs()
    } else {
        app.path().app_log_dir().unwrap_or_else(|_| state.data.logs())
    }
}

#[tauri::command]
pub fn settings_get(app: tauri::AppHandle, state: State<'_, AppState>) -> SettingsView {
    SettingsView {
        settings: state.settings(),
        data_dir: state.data.root.display().to_string(),
        specs_dir: state.specs_dir.display().to_string(),
        log_dir: log_dir(&app, &state).display().to_string(),
        portable: state.data.portable,
        cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        problem: state.settings_problem.lock().ok().and_then(|mut p| p.take()),
    }
}

/// Checks and saves the settings; on error nothing changes.
#[tauri::command]
pub fn settings_set(state: State<'_, AppState>, settings: Settings) -> AppResult<Settings> {
    // The default output folder: one chosen for output in the folder dialog (or kept as it was).
    if let Some(d) = &settings.output_dir {
        if state.settings().output_dir.as_ref() != Some(d) && !state.is_output(d) {
            return Err(crate::state::not_permitted());
        }
    }
    settings.save(&state.data.settings_file())?;
    log::info!("settings saved (language {:?}, threads {})", settings.lang, settings.threads);
    if let Ok(mut s) = state.settings.write() {
        *s = settings.clone();
    }
    Ok(settings)
}

/// Opens one of the app's folders in the system's file manager: `data`, `logs` or `specs` —
/// only these (the caller names a folder, never a path).
#[tauri::command]
pub fn settings_open_dir(app: tauri::AppHandle, state: State<'_, AppState>, which: String) -> AppResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let dir = match which.as_str() {
        "data" => state.data.root.clone(),
        "logs" => log_dir(&app, &state),
        "specs" => state.specs_dir.clone(),
        _ => return Err(AppError::new("invalid", "没有这个文件夹", "No such folder")),
    };
    // A folder not made yet (no logs written so far) is made, so that it opens.
    std::fs::create_dir_all(&dir).map_err(|e| caiji_base::Error::io(&dir, e))?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| AppError::new("open_failed", format!("无法打开文件夹 {}：{e}", dir.display()), format!("Cannot open the folder {}: {e}", dir.display())))
}
