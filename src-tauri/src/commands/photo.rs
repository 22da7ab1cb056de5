//! The ID-photo screen: open once, then preview crops quickly, then save.
use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use base64::Engine;
use caiji_base::Lang;
use caiji_image::check::Report;
use caiji_image::encode::Chroma;
use caiji_image::framing::{self, Framed};
use caiji_image::geometry::Rect;
use caiji_image::head::Head;
use caiji_image::pipeline::{self, FrameMode, Options, Source};
use caiji_image::whiten::Whitened;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[derive(Serialize)]
pub struct Opened {
    pub id: u64,
    pub name: String,
    pub path: String,
    /// Upright size at full resolution: the crop's coordinate space.
    pub width: u32,
    pub height: u32,
    pub format: String,
    /// The page of a PDF it is (from 1); absent for any other file.
    pub page: Option<u32>,
}

pub(crate) fn opened(id: u64, path: &str, s: &Source) -> Opened {
    let (width, height) = s.size();
    let name = PathBuf::from(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let page = (s.format() == caiji_image::decode::SourceFormat::Pdf).then_some(s.page() as u32 + 1);
    Opened { id, name, path: path.to_string(), width, height, format: s.format().name().to_string(), page }
}

/// Decodes a picture once for a spec; later previews reuse it.
#[tauri::command]
pub async fn photo_open(state: State<'_, AppState>, path: String, spec: String) -> AppResult<Opened> {
    state.readable(&path)?;
    let reg = state.registry();
    let (p, src) = off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let src = Source::open_for(std::path::Path::new(&path), spec)?;
        Ok((path, src))
    })
    .await?;
    let id = state.insert(src);
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    Ok(opened(id, &p, &s))
}

/// Turns the picture by quarter turns; returns it under a new id (the old one is closed).
#[tauri::command]
pub async fn photo_rotate(state: State<'_, AppState>, id: u64, turns: i32) -> AppResult<Opened> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    let path = String::new();
    let rotated = off_ui_thread(move || {
        let mut r = (*s).clone();
        r.rotate(turns);
        Ok(r)
    })
    .await?;
    state.close(id);
    let nid = state.insert(rotated);
    let s = state.get(nid).ok_or_else(AppError::not_open)?;
    Ok(opened(nid, &path, &s))
}

#[tauri::command]
pub fn photo_close(state: State<'_, AppState>, id: u64) {
    state.close(id);
}

/// The upright picture for the crop view, at most `max` pixels on its long side, as JPEG bytes.
#[tauri::command]
pub async fn photo_image(state: State<'_, AppState>, id: u64, max: u32) -> Result<tauri::ipc::Response, AppError> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    let bytes = off_ui_thread(move || pipeline::thumbnail(&s, max).map_err(AppError::from)).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// Frames the opened picture from its face for a spec: the crop and the head it was placed
/// from (the UI draws the head and the spec's guide bands, and sends the head back with
/// previews and saves to level and guard it). A photo that cannot be framed is refused with
/// the reason.
#[tauri::command]
pub async fn photo_frame(state: State<'_, AppState>, id: u64, spec: String) -> AppResult<Framed> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        framing::frame(&s, spec).map_err(AppError::from)
    })
    .await
}

#[derive(Serialize)]
pub struct Preview {
    /// The output JPEG, base64 (a few tens of KB).
    pub jpeg: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub quality: u8,
    pub chroma: Chroma,
    pub crop: Option<Rect>,
    pub notes: Vec<String>,
    pub report: Report,
    /// With whitening: the same output with the background as it was (base64 JPEG).
    pub before: Option<String>,
    pub background: Option<Whitened>,
    /// Milliseconds the preview took in the backend.
    pub millis: f64,
}

impl Preview {
    /// What the UI shows of a prepared output; `since` is when the work began.
    pub fn new(p: &pipeline::Prepared, report: Report, lang: Lang, since: std::time::Instant) -> Preview {
        Preview {
            jpeg: base64::engine::general_purpose::STANDARD.encode(&p.jpeg),
            width: p.width,
            height: p.height,
            bytes: p.bytes,
            quality: p.encoded.quality,
            chroma: p.encoded.chroma,
            crop: p.crop,
            notes: p.notes.iter().map(|m| m.get(lang).to_string()).collect(),
            report,
            before: None,
            background: p.background,
            millis: since.elapsed().as_secs_f64() * 1e3,
        }
    }
}

/// How the person asked for the photo to be made: the crop, the head found on opening (for
/// levelling and the face checks) and whether to replace the background.
#[derive(Deserialize, Default)]
pub struct PhotoEdits {
    pub crop: Option<Rect>,
    pub head: Option<Head>,
    #[serde(default)]
    pub whiten: bool,
}

impl PhotoEdits {
    fn options(&self, preview: bool) -> Options {
        // Face mode: photo specs with head rules get the face checks on the result.
        Options { crop: self.crop, preview, frame: FrameMode::Face, head: self.head, whiten: self.whiten, ..Options::default() }
    }
}

/// The output as it would be saved, from the already decoded picture (fast: < 50 ms).
#[tauri::command]
pub async fn photo_preview(state: State<'_, AppState>, id: u64, spec: String, edits: PhotoEdits, lang: Lang) -> AppResult<Preview> {
    let s = state.get(id).ok_or_else(AppError::not_open)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let t = std::time::Instant::now();
        let spec = reg.get(&spec)?;
        let p = pipeline::prepare(&s, spec, &edits.options(true))?;
        let report = pipeline::check_prepared(&p, spec);
        let mut preview = Preview::new(&p, report, lang, t);
        if edits.whiten {
            // The same output without the replacement, for the before/after.
            let b = pipeline::prepare(&s, spec, &Options { whiten: false, ..edits.options(true) })?;
            preview.before = Some(base64::engine::general_purpose::STANDARD.encode(&b.jpeg));
            preview.millis = t.elapsed().as_secs_f64() * 1e3;
        }
        Ok(preview)
    })
    .await
}

/// Prepares at full quality, writes atomically and verifies the written file.
#[tauri::command]
pub async fn photo_save(state: State<'_, AppState>, id: u64, spec: String, edits: PhotoEdits, path: String) -> AppResult<Report> {
    state.writable(&path)?;
    let s: Arc<Source> = state.get(id).ok_or_else(AppError::not_open)?;
    let reg = state.registry();
    off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let p = pipeline::prepare(&s, spec, &edits.options(false))?;
        let r = pipeline::write_and_verify(&p, spec, std::path::Path::new(&path), &s.origin().into_iter().collect::<Vec<_>>())?;
        let edited = if p.background.is_some() { ", background replaced" } else { "" };
        log::info!("photo saved to {path} ({}, {}{edited})", spec.id, if r.passed { "passes" } else { "fails" });
        Ok(r)
    })
    .await
}

/// What a file made for a draft's attachment slot became: its hash in the drafts store and
/// its checklist.
#[derive(Serialize)]
pub struct Attached {
    pub hash: String,
    pub report: Report,
}

/// Prepares at full quality and stores the result in the drafts store (by content hash) for an
/// attachment slot; the person's original is never referred to.
#[tauri::command]
pub async fn photo_attach(app: tauri::AppHandle, id: u64, spec: String, edits: PhotoEdits) -> AppResult<Attached> {
    let state = tauri::Manager::state::<AppState>(&app);
    let s: Arc<Source> = state.get(id).ok_or_else(AppError::not_open)?;
    let reg = state.registry();
    let (bytes, report) = off_ui_thread(move || {
        let spec = reg.get(&spec)?;
        let p = pipeline::prepare(&s, spec, &edits.options(false))?;
        let report = pipeline::check_prepared(&p, spec);
        Ok((p.jpeg, report))
    })
    .await?;
    attach(&app, bytes, report).await
}

/// Puts prepared bytes into the drafts store.
pub(crate) async fn attach(app: &tauri::AppHandle, bytes: Vec<u8>, report: Report) -> AppResult<Attached> {
    let spec = report.spec_id.clone();
    let hash = super::filing::desk(app, move |d| d.store.put_attachment(&bytes, Some(&spec))).await?;
    log::info!("attachment stored ({}, {})", report.spec_id, if report.passed { "passes" } else { "fails" });
    Ok(Attached { hash, report })
}
