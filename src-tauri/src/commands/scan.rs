//! The scans screen: pages opened with `scan_open` (every page of a PDF) and turned with
//! `photo_rotate`, merged into one image per the spec's page rule, each page cropped as the user
//! framed it.
use super::off_ui_thread;
use crate::commands::photo::Preview;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Lang;
use caiji_image::check::{self, Report};
use caiji_image::geometry::Rect;
use caiji_image::merge::{merge, Page};
use caiji_image::pipeline::{self, Source};
use serde::Deserialize;
use std::sync::Arc;
use tauri::State;

/// One page as the screen sends it: an open picture and its crop (upright pixels).
#[derive(Deserialize)]
pub struct PageReq {
    pub id: u64,
    pub crop: Option<Rect>,
}

fn sources(state: &AppState, pages: &[PageReq]) -> AppResult<Vec<(Arc<Source>, Option<Rect>)>> {
    pages.iter().map(|p| state.get(p.id).map(|s| (s, p.crop)).ok_or_else(AppError::not_open)).collect()
}

/// Opens a file as pages for a spec: each page of a PDF, or the one picture of any other file.
#[tauri::command]
pub async fn scan_open(state: State<'_, AppState>, path: String, spec: String) -> AppResult<Vec<crate::commands::photo::Opened>> {
    state.readable(&path)?;
    let reg = state.registry();
    let (path, pages) = off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let pages = Source::open_pages(std::path::Path::new(&path), spec)?;
        Ok((path, pages))
    })
    .await?;
    Ok(pages
        .into_iter()
        .map(|src| {
            let opened = crate::commands::photo::opened(0, &path, &src);
            crate::commands::photo::Opened { id: state.insert(src), ..opened }
        })
        .collect())
}

/// Merges the pages (in this order) and returns the output with its checklist. With `save`,
/// writes it there atomically and verifies the written file.
#[tauri::command]
pub async fn scan_merge(state: State<'_, AppState>, pages: Vec<PageReq>, spec: String, save: Option<String>, lang: Lang) -> AppResult<Preview> {
    if let Some(path) = &save {
        state.writable(path)?;
    }
    let pages = sources(&state, &pages)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let t = std::time::Instant::now();
        let spec = reg.get(&spec)?;
        let list: Vec<Page> = pages.iter().map(|(s, crop)| Page::new(s, *crop)).collect();
        let p = merge(&list, spec)?;
        let report: Report = match &save {
            Some(path) => {
                let originals: Vec<&std::path::Path> = pages.iter().filter_map(|(s, _)| s.origin()).collect();
                pipeline::write_and_verify(&p, spec, std::path::Path::new(path), &originals)?
            }
            None => check::check(&p.jpeg, spec),
        };
        Ok(Preview::new(&p, report, lang, t))
    })
    .await
}

/// Merges the pages and stores the result in the drafts store for an attachment slot.
#[tauri::command]
pub async fn scan_attach(app: tauri::AppHandle, pages: Vec<PageReq>, spec: String) -> AppResult<crate::commands::photo::Attached> {
    let state = tauri::Manager::state::<AppState>(&app);
    let pages = sources(&state, &pages)?;
    let reg = state.registry();
    let (bytes, report) = off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let list: Vec<Page> = pages.iter().map(|(s, crop)| Page::new(s, *crop)).collect();
        let p = merge(&list, spec)?;
        let report = check::check(&p.jpeg, spec);
        Ok((p.jpeg, report))
    })
    .await?;
    crate::commands::photo::attach(&app, bytes, report).await
}
