//! The unit workspace: a unit's details, its staff roster (imported from CSV or Excel with
//! per-row errors), per-staff drafts and the annual assessment for everyone at once.
use super::filing::{desk, rows, Row};
use crate::error::AppResult;
use crate::state::AppState;
use caiji_filing::desk::{Bulk, Checked};
use caiji_filing::roster::{self, RosterReport};
use caiji_filing::store::{Staff, Unit};
use serde::Serialize;
use tauri::{AppHandle, Manager};

#[tauri::command]
pub async fn unit_list(app: AppHandle) -> AppResult<Vec<Unit>> {
    desk(&app, |d| d.store.units()).await
}

/// Adds or renames a unit; its credit code is checked (GB 32100).
#[tauri::command]
pub async fn unit_save(app: AppHandle, unit: Unit) -> AppResult<Vec<Unit>> {
    desk(&app, move |d| d.save_unit(&unit)).await
}

/// A unit's roster and its drafts.
#[derive(Serialize)]
pub struct UnitView {
    pub unit: Unit,
    pub staff: Vec<Staff>,
    pub drafts: Vec<Row>,
}

#[tauri::command]
pub async fn unit_view(app: AppHandle, uscc: String) -> AppResult<UnitView> {
    desk(&app, move |d| Ok(UnitView { unit: d.store.unit(&uscc)?, staff: d.store.staff(&uscc)?, drafts: rows(d, d.store.of_unit(&uscc)?)? })).await
}

/// Imports a roster (CSV or Excel): the good rows go in, the bad ones come back with reasons.
#[tauri::command]
pub async fn unit_roster_import(app: AppHandle, uscc: String, path: String) -> AppResult<RosterReport> {
    app.state::<AppState>().readable(&path)?;
    desk(&app, move |d| {
        let r = roster::import(d.store, d.forms, &uscc, std::path::Path::new(&path))?;
        log::info!("roster imported: {} rows, {} added, {} updated, {} rejected", r.rows, r.added, r.updated, r.rejected.len());
        Ok(r)
    })
    .await
}

/// A blank roster to fill in: an Excel workbook (`.xlsx`: IDs kept as text, drop-downs of the
/// posts) or a CSV (`.csv`, with a BOM so that Excel reads the Chinese headers), by the path's
/// extension; both with one example row that import passes over.
#[tauri::command]
pub async fn unit_roster_template(app: AppHandle, path: String) -> AppResult<()> {
    app.state::<AppState>().writable(&path)?;
    desk(&app, move |d| roster::write_template(d.forms, std::path::Path::new(&path))).await
}

/// A draft of `form` for one staff member, prefilled from the roster.
#[tauri::command]
pub async fn unit_staff_draft(app: AppHandle, uscc: String, id_number: String, form: String) -> AppResult<Checked> {
    desk(&app, move |d| {
        let draft = d.for_staff(&uscc, &id_number, &form)?;
        d.checked(&draft.id)
    })
    .await
}

/// This year's (or any year's) assessment for every staff member without one.
#[tauri::command]
pub async fn unit_bulk_assessment(app: AppHandle, uscc: String, year: u32, grade: String, assessor: String, date: String) -> AppResult<Bulk> {
    desk(&app, move |d| d.bulk_assessment(&uscc, year, &grade, &assessor, &date)).await
}

/// Finalizes every draft of the unit that has no problems; returns how many.
#[tauri::command]
pub async fn unit_finalize_ready(app: AppHandle, uscc: String, form: Option<String>) -> AppResult<usize> {
    desk(&app, move |d| d.finalize_ready(&uscc, form.as_deref())).await
}
