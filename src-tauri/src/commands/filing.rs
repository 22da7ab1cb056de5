//! The filing area: drafts of the forms, saved on every keystroke, checked, finalized,
//! exported and imported as bundles; a person's standing. Each command is one short database
//! operation through `caiji_filing::desk::Desk`.
use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Msg;
use caiji_filing::bundle::{self, Imported};
use caiji_filing::desk::{Checked, Desk, Standing};
use caiji_filing::store::{state_name, LastRun, State as DraftState};
use caiji_forms::{ChoiceList, Division, Form};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use tauri::{AppHandle, Manager, State};

/// Runs `f` with the filing desk on a worker thread; its errors come back in the contract.
pub(crate) async fn desk<T: Send + 'static>(app: &AppHandle, f: impl FnOnce(&Desk) -> caiji_base::Result<T> + Send + 'static) -> AppResult<T> {
    let app = app.clone();
    off_ui_thread(move || {
        let state = app.state::<AppState>();
        let forms = state.forms.clone();
        state.with_store(|s| match s {
            Some(store) => f(&Desk::new(store, &forms)).map_err(AppError::from),
            None => Err(unavailable(&state)),
        })
    })
    .await
}

fn unavailable(state: &AppState) -> AppError {
    let why = state.last_run.lock().ok().and_then(|r| r.as_ref().err().cloned()).unwrap_or_default();
    AppError::drafts_unavailable(&why)
}

#[derive(Serialize)]
pub struct FormsView {
    pub forms: Vec<Form>,
    pub choices: BTreeMap<String, ChoiceList>,
    pub divisions: Vec<Division>,
}

/// The forms and their choice lists, once at start.
#[tauri::command]
pub fn filing_forms(state: State<'_, AppState>) -> FormsView {
    let f = state.forms.clone();
    FormsView { forms: f.forms.clone(), choices: f.choices.clone(), divisions: f.divisions.clone() }
}

/// One line of the draft list.
#[derive(Serialize)]
pub struct Row {
    pub id: String,
    pub form: String,
    pub title: String,
    pub state: DraftState,
    pub state_name: Msg,
    pub reason: Option<String>,
    pub updated: i64,
    pub problems: usize,
    pub unit: Option<String>,
    pub person: Option<String>,
}

pub(crate) fn rows(desk: &Desk, drafts: Vec<caiji_filing::store::Draft>) -> caiji_base::Result<Vec<Row>> {
    drafts
        .into_iter()
        .map(|d| {
            let problems = if d.state == DraftState::Draft || d.state == DraftState::Returned { desk.problems(&d)?.len() } else { 0 };
            Ok(Row {
                state_name: state_name(d.state),
                id: d.id,
                form: d.form,
                title: d.title,
                state: d.state,
                reason: d.reason,
                updated: d.updated,
                problems,
                unit: d.unit,
                person: d.person,
            })
        })
        .collect()
}

/// Every draft with its count of problems, the most recent first.
#[tauri::command]
pub async fn filing_list(app: AppHandle) -> AppResult<Vec<Row>> {
    desk(&app, |d| rows(d, d.store.list()?)).await
}

#[tauri::command]
pub async fn filing_create(app: AppHandle, form: String, data: Value, unit: Option<String>) -> AppResult<Checked> {
    desk(&app, move |d| {
        let draft = d.create(&form, &data, unit.as_deref(), None)?;
        d.checked(&draft.id)
    })
    .await
}

#[tauri::command]
pub async fn filing_get(app: AppHandle, id: String) -> AppResult<Checked> {
    desk(&app, move |d| d.checked(&id)).await
}

/// Saves the values now (called on every change in the editor).
#[tauri::command]
pub async fn filing_save(app: AppHandle, id: String, data: Value) -> AppResult<Checked> {
    desk(&app, move |d| d.save(&id, &data)).await
}

#[tauri::command]
pub async fn filing_finalize(app: AppHandle, id: String) -> AppResult<Checked> {
    desk(&app, move |d| {
        d.finalize(&id)?;
        d.checked(&id)
    })
    .await
}

/// Takes a finalized draft back for editing.
#[tauri::command]
pub async fn filing_reopen(app: AppHandle, id: String) -> AppResult<Checked> {
    desk(&app, move |d| {
        d.store.set_state(&id, DraftState::Draft, None)?;
        d.checked(&id)
    })
    .await
}

#[tauri::command]
pub async fn filing_delete(app: AppHandle, id: String) -> AppResult<()> {
    desk(&app, move |d| d.store.delete(&id)).await
}

/// A change filing for the person of a registered filing.
#[tauri::command]
pub async fn filing_change(app: AppHandle, id: String) -> AppResult<Checked> {
    desk(&app, move |d| {
        let c = d.change_from(&id)?;
        d.checked(&c.id)
    })
    .await
}

#[tauri::command]
pub async fn filing_standing(app: AppHandle, id_number: String) -> AppResult<Standing> {
    desk(&app, move |d| d.standing(&id_number)).await
}

/// States (or withdraws, with no year) the year up to which the person's record is complete and
/// in good standing, as the online system shows it; the standing judged again.
#[tauri::command]
pub async fn filing_set_baseline(app: AppHandle, id_number: String, year: Option<u32>) -> AppResult<Standing> {
    desk(&app, move |d| d.set_baseline(&id_number, year)).await
}

#[derive(Serialize)]
pub struct Exported {
    pub drafts: usize,
    pub files: usize,
    pub path: String,
}

/// Writes the drafts `ids` (with attachments and their units' rosters) to a bundle.
#[tauri::command]
pub async fn filing_export(app: AppHandle, ids: Vec<String>, path: String) -> AppResult<Exported> {
    app.state::<AppState>().writable(&path)?;
    desk(&app, move |d| {
        let m = bundle::export(d.store, &ids, std::path::Path::new(&path))?;
        log::info!("exported {} drafts to {path}", m.drafts.len());
        Ok(Exported { drafts: m.drafts.len(), files: m.files.len(), path })
    })
    .await
}

#[derive(Serialize)]
pub struct ImportedRow {
    #[serde(flatten)]
    pub imported: Imported,
    pub outcome_name: Msg,
}

#[tauri::command]
pub async fn filing_import(app: AppHandle, path: String) -> AppResult<Vec<ImportedRow>> {
    app.state::<AppState>().readable(&path)?;
    desk(&app, move |d| {
        let out = bundle::import(d.store, std::path::Path::new(&path))?;
        log::info!("imported {} drafts from {path}", out.len());
        Ok(out.into_iter().map(|i| ImportedRow { outcome_name: bundle::outcome_name(i.outcome), imported: i }).collect())
    })
    .await
}

/// What the last run left: after a crash, the drafts it was editing (all saved).
#[tauri::command]
pub fn filing_last_run(state: State<'_, AppState>) -> Option<LastRun> {
    state.last_run.lock().ok().and_then(|r| r.as_ref().ok().cloned())
}

/// An attachment's bytes (JPEG) by hash, for thumbnails.
#[tauri::command]
pub async fn filing_attachment(app: AppHandle, hash: String) -> Result<tauri::ipc::Response, AppError> {
    let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    let path = desk(&app, move |d| Ok(valid.then(|| d.store.attachment_path(&hash)))).await?;
    let bytes = path.and_then(|p| std::fs::read(p).ok()).ok_or_else(AppError::attachment_missing)?;
    Ok(tauri::ipc::Response::new(bytes))
}
