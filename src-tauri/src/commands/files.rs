//! The file dialogs, run by the backend so that what the person picks is known here: a picked
//! file or folder is granted (grants.rs) and its path handed to the webview, which can then
//! pass it to the command that reads or writes it. No other path is accepted by any command.
use super::off_ui_thread;
use crate::error::AppResult;
use crate::state::AppState;
use caiji_base::Lang;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

/// What a dialog is for, which sets its file filter.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Pictures (photos, scans).
    Image,
    /// Any file (the check screen says what is wrong with it).
    Any,
    /// A `.caiji` bundle of filings.
    Bundle,
    /// A staff roster: Excel or CSV.
    Roster,
    /// A spec profile (TOML).
    Spec,
    /// A JPEG output.
    Jpeg,
    /// A table to write: Excel or CSV.
    Table,
}

fn filter(kind: Kind, lang: Lang) -> Option<(&'static str, &'static [&'static str])> {
    let zh = lang == Lang::Zh;
    Some(match kind {
        Kind::Image => (if zh { "图片" } else { "Images" }, &["jpg", "jpeg", "png", "webp", "heic", "heif", "hif", "pdf", "tif", "tiff", "bmp", "gif"]),
        Kind::Any => return None,
        Kind::Bundle => (if zh { "填报包" } else { "Filing bundles" }, &["caiji"]),
        Kind::Roster => (if zh { "人员名单" } else { "Staff rosters" }, &["xlsx", "xls", "csv", "ods"]),
        Kind::Spec => (if zh { "规格文件" } else { "Profiles" }, &["toml"]),
        Kind::Jpeg => ("JPEG", &["jpg", "jpeg"]),
        Kind::Table => ("Excel / CSV", &["xlsx", "csv"]),
    })
}

fn dialog(app: &AppHandle, kind: Kind, lang: Lang) -> FileDialogBuilder<tauri::Wry> {
    let mut d = app.dialog().file();
    if let Some(w) = app.get_webview_window("main") {
        d = d.set_parent(&w);
    }
    match filter(kind, lang) {
        Some((name, ext)) => d.add_filter(name, ext),
        None => d,
    }
}

fn path_of(f: FilePath) -> Option<PathBuf> {
    f.into_path().ok()
}

/// An open dialog: the files picked (none when cancelled), each granted for reading.
#[tauri::command]
pub async fn pick_open(app: AppHandle, kind: Kind, multiple: bool, lang: Lang) -> AppResult<Vec<String>> {
    let d = dialog(&app, kind, lang);
    let picked: Vec<PathBuf> = off_ui_thread(move || {
        Ok(if multiple {
            d.blocking_pick_files().unwrap_or_default().into_iter().filter_map(path_of).collect()
        } else {
            d.blocking_pick_file().and_then(path_of).into_iter().collect()
        })
    })
    .await?;
    let state = app.state::<AppState>();
    state.grant(|g| picked.iter().for_each(|p| g.opened(p)));
    Ok(picked.iter().map(|p| p.display().to_string()).collect())
}

/// A save dialog starting at `suggested` (a folder and a file name): the file named, granted for
/// writing, or `None` when cancelled.
#[tauri::command]
pub async fn pick_save(app: AppHandle, kind: Kind, suggested: String, lang: Lang) -> AppResult<Option<String>> {
    let mut d = dialog(&app, kind, lang);
    let s = Path::new(&suggested);
    if let Some(name) = s.file_name() {
        d = d.set_file_name(name.to_string_lossy());
    }
    if let Some(dir) = s.parent().filter(|p| p.is_absolute() && p.is_dir()) {
        d = d.set_directory(dir);
    }
    let picked = off_ui_thread(move || Ok(d.blocking_save_file().and_then(path_of))).await?;
    if let Some(p) = &picked {
        app.state::<AppState>().grant(|g| g.saving(p));
    }
    Ok(picked.map(|p| p.display().to_string()))
}

/// A folder dialog: to read from (a batch's input) or to write into (`output`: a batch's output,
/// the default output folder). Its title, set here, says which: the person knows what a folder
/// is chosen for. `None` when cancelled.
#[tauri::command]
pub async fn pick_folder(app: AppHandle, output: bool, lang: Lang) -> AppResult<Option<String>> {
    let title = match (output, lang) {
        (true, Lang::Zh) => "选择输出文件夹（结果将写入这里）",
        (true, Lang::En) => "Choose the output folder (results are written here)",
        (false, Lang::Zh) => "选择要读取的文件夹",
        (false, Lang::En) => "Choose the folder to read",
    };
    let mut d = app.dialog().file().set_title(title);
    if let Some(w) = app.get_webview_window("main") {
        d = d.set_parent(&w);
    }
    let picked = off_ui_thread(move || Ok(d.blocking_pick_folder().and_then(path_of))).await?;
    if let Some(p) = &picked {
        app.state::<AppState>().grant(|g| if output { g.output(p) } else { g.opened(p) });
    }
    Ok(picked.map(|p| p.display().to_string()))
}
