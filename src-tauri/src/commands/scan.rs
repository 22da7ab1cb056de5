//! The scans screen: pages opened with `photo_open` (and turned with `photo_rotate`) merged into
//! one image per the spec's page rule.
use super::work;
use crate::commands::photo::Preview;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_core::check::{self, Report};
use caiji_core::merge::{merge, Page};
use caiji_core::pipeline::{self, Source};
use caiji_core::Lang;
use std::sync::Arc;
use tauri::State;

fn sources(state: &AppState, ids: &[u64], lang: Lang) -> AppResult<Vec<Arc<Source>>> {
    ids.iter().map(|&id| state.get(id).ok_or_else(|| AppError::not_open(lang))).collect()
}

/// Merges the pages (in this order) and returns the output with its checklist. With `save`,
/// writes it there atomically and verifies the written file.
#[tauri::command]
pub async fn scan_merge(state: State<'_, AppState>, ids: Vec<u64>, spec: String, save: Option<String>, lang: Lang) -> AppResult<Preview> {
    let pages = sources(&state, &ids, lang)?;
    let reg = state.registry();
    work(move || {
        let t = std::time::Instant::now();
        let spec = reg.get(&spec).map_err(|e| AppError::from_core(e, lang))?;
        let list: Vec<Page> = pages.iter().map(|s| Page { source: s, crop: None }).collect();
        let p = merge(&list, spec).map_err(|e| AppError::from_core(e, lang))?;
        let report: Report = match &save {
            Some(path) => pipeline::write_and_verify(&p, spec, std::path::Path::new(path)).map_err(|e| AppError::from_core(e, lang))?,
            None => check::check(&p.jpeg, spec),
        };
        Ok(Preview::new(&p, report, lang, t))
    })
    .await
}
