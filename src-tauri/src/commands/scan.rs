//! The scans screen: pages opened with `scan_open` (every page of a PDF) and turned with
//! `photo_rotate`, merged into one image per the spec's page rule, each page cropped as the user
//! framed it. A photographed paper's corners are found once (`scan_find`), shown and dragged
//! on screen with the flattened page beside them (`scan_flat`), and sent with each merge.
use super::off_ui_thread;
use crate::commands::photo::Preview;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Lang;
use caiji_image::check::{self, Report};
use caiji_image::geometry::Rect;
use caiji_image::merge::{merge, Page};
use caiji_image::page::{self as paper, Found, PageMode, Point};
use caiji_image::pipeline::{self, Source};
use serde::Deserialize;
use std::sync::Arc;
use tauri::State;

/// One page as the screen sends it: an open picture, its crop (upright pixels) and how a
/// photographed paper on it is taken (found by the merge when absent).
#[derive(Deserialize)]
pub struct PageReq {
    pub id: u64,
    pub crop: Option<Rect>,
    #[serde(default)]
    pub page: PageMode,
}

type Sources = Vec<(Arc<Source>, Option<Rect>, PageMode)>;

fn sources(state: &AppState, pages: &[PageReq]) -> AppResult<Sources> {
    pages.iter().map(|p| state.get(p.id).map(|s| (s, p.crop, p.page)).ok_or_else(AppError::not_open)).collect()
}

fn merged(pages: &Sources, spec: &caiji_image::Spec) -> caiji_base::Result<caiji_image::fit::Prepared> {
    let list: Vec<Page> = pages.iter().map(|(s, crop, mode)| Page { page: *mode, ..Page::new(s, *crop) }).collect();
    merge(&list, spec)
}

/// Where the paper is in an open picture, in its upright full-resolution pixels: four corners,
/// or the whole picture (a scan), or nothing found (`null`).
#[tauri::command]
pub async fn scan_find(state: State<'_, AppState>, id: u64) -> AppResult<Option<Found>> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    off_ui_thread(move || {
        let k = s.size().0 as f32 / s.image().width().max(1) as f32;
        Ok(paper::find(s.image()).map(|f| Found { corners: f.corners.map(|[x, y]| [x * k, y * k]), ..f }))
    })
    .await
}

/// The paper between `corners` (full-resolution pixels) flattened and cleaned, at most `max`
/// pixels on its long side, as JPEG bytes: what the merge will make of it, for the screen.
#[tauri::command]
pub async fn scan_flat(state: State<'_, AppState>, id: u64, corners: [Point; 4], max: u32) -> Result<tauri::ipc::Response, AppError> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    let bytes = off_ui_thread(move || {
        // A copy about twice the preview's size is flattened, not the whole picture.
        let img = s.image();
        let (w, h) = (img.width(), img.height());
        let k = ((2 * max.clamp(64, 2000)) as f32 / w.max(h) as f32).min(1.0);
        let small = caiji_image::resize::resize_region(img, (0.0, 0.0, w as f64, h as f64), ((w as f32 * k) as u32).max(1), ((h as f32 * k) as u32).max(1))?;
        let (fw, fh) = (s.size().0.max(1) as f32, s.size().1.max(1) as f32);
        let corners = paper::corners_within(corners, fw, fh, (fw, fh))?;
        let (kx, ky) = (small.width() as f32 / fw, small.height() as f32 / fh);
        let flat = paper::process(&small, PageMode::Corners(corners.map(|[x, y]| [x * kx, y * ky])))?.image.unwrap_or(small);
        let f = (max.clamp(64, 2000) as f32 / flat.width().max(flat.height()) as f32).min(1.0);
        let (fw, fh) = (((flat.width() as f32 * f) as u32).max(1), ((flat.height() as f32 * f) as u32).max(1));
        let shown = caiji_image::resize::resize_region(&flat, (0.0, 0.0, flat.width() as f64, flat.height() as f64), fw, fh)?;
        let settings = caiji_image::encode::Settings { quality: 85, chroma: caiji_image::encode::Chroma::S420, dpi: None, trellis: false };
        caiji_image::encode::encode(&shown, settings).map_err(AppError::from)
    })
    .await?;
    Ok(tauri::ipc::Response::new(bytes))
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
        let p = merged(&pages, spec)?;
        let report: Report = match &save {
            Some(path) => {
                let originals: Vec<&std::path::Path> = pages.iter().filter_map(|(s, _, _)| s.origin()).collect();
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
        let p = merged(&pages, spec)?;
        let report = check::check(&p.jpeg, spec);
        Ok((p.jpeg, report))
    })
    .await?;
    crate::commands::photo::attach(&app, bytes, report).await
}
