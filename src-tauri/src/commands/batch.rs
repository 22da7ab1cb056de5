//! The batch screen: a folder to a spec on the worker pool, progress through a Channel,
//! pause / resume / cancel, a report, retry of the failed ones.
use super::off_ui_thread;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use caiji_base::Lang;
use caiji_image::batch::{self, Config, Control, Item, Summary};
use caiji_image::pipeline::FrameMode;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    pub input: String,
    pub output: String,
    pub spec: String,
    pub template: String,
    pub jobs: Option<usize>,
    pub resume: bool,
    /// Retry: only these sources (as reported by an earlier run).
    pub only: Option<Vec<String>>,
    /// Photos: framed from the face unless `centre` is asked for.
    #[serde(default = "face")]
    pub frame: FrameMode,
    /// Photos: replace plain backgrounds by the spec's colour.
    #[serde(default)]
    pub whiten: bool,
}

fn face() -> FrameMode {
    FrameMode::Face
}

#[derive(Clone, Serialize)]
#[serde(tag = "event", rename_all = "camelCase", content = "data")]
pub enum BatchEvent {
    Started { total: usize },
    Item { item: Item, done: usize },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub summary: Summary,
    pub report_csv: String,
    pub report_json: String,
    pub cancelled: bool,
}

#[tauri::command]
pub async fn batch_start(state: State<'_, AppState>, req: BatchRequest, lang: Lang, on_event: Channel<BatchEvent>) -> AppResult<BatchResult> {
    let reg = state.registry();
    let settings_jobs = state.settings().jobs();
    state.batch_folders(&req.input, &req.output)?;
    let control = Arc::new(Control::default());
    if !state.set_batch(Some(control.clone())) {
        return Err(busy());
    }
    let result = off_ui_thread(move || {
        let spec = reg.get(&req.spec)?;
        let jobs = req.jobs.unwrap_or(settings_jobs);
        let cfg = Config {
            input: PathBuf::from(&req.input),
            output: PathBuf::from(&req.output),
            template: req.template.clone(),
            jobs,
            resume: req.resume,
            recursive: false,
            only: req.only.clone(),
            frame: req.frame,
            whiten: req.whiten,
            page: caiji_image::page::PageMode::Auto,
        };
        let total = match &cfg.only {
            Some(v) => v.len(),
            None => batch::list_sources(&cfg).map(|v| v.len()).unwrap_or(0),
        };
        let _ = on_event.send(BatchEvent::Started { total });
        let done = std::sync::atomic::AtomicUsize::new(0);
        let summary = batch::run(&cfg, spec, &control, &|item| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let _ = on_event.send(BatchEvent::Item { item: item.clone(), done: n });
        })?;
        let (csv, json) = batch::write_reports(&summary, &cfg.output, lang)?;
        Ok(BatchResult { summary, report_csv: csv.display().to_string(), report_json: json.display().to_string(), cancelled: control.is_cancelled() })
    })
    .await;
    state.set_batch(None);
    match &result {
        Ok(r) => {
            let s = &r.summary;
            log::info!(
                "batch done: {} files, {} ok, {} warnings, {} failed, {} skipped, {} not started",
                s.total,
                s.ok,
                s.warning,
                s.failed,
                s.skipped,
                s.cancelled
            );
            if let Ok(mut l) = state.last_report.lock() {
                *l = Some(PathBuf::from(&r.report_csv));
            }
        }
        Err(e) => log::warn!("batch refused: {} {}", e.code(), e.message().en),
    }
    result
}

/// Opens the last batch's report (CSV) in the program the system uses for it, or shows it in
/// its folder. Only paths the backend itself wrote are opened.
#[tauri::command]
pub fn batch_open(app: tauri::AppHandle, state: State<'_, AppState>, what: String) -> AppResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let Some(report) = state.last_report.lock().ok().and_then(|l| l.clone()) else {
        return Err(AppError::new("no_report", "还没有批量报告：先运行一次批量处理", "No batch report yet: run a batch first"));
    };
    let r = if what == "folder" { app.opener().reveal_item_in_dir(&report) } else { app.opener().open_path(report.display().to_string(), None::<&str>) };
    r.map_err(|e| AppError::new("open_failed", format!("无法打开 {}：{e}", report.display()), format!("Cannot open {}: {e}", report.display())))
}

fn busy() -> AppError {
    AppError::new("busy", "已有批量任务在运行", "A batch is already running")
}

#[tauri::command]
pub fn batch_pause(state: State<'_, AppState>, paused: bool) {
    if let Some(c) = state.batch() {
        c.set_paused(paused);
    }
}

#[tauri::command]
pub fn batch_cancel(state: State<'_, AppState>) {
    if let Some(c) = state.batch() {
        c.cancel();
    }
}
