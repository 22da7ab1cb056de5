//! A folder of photos or scans to a spec, in parallel, with a report and resume.
//! Sources are only ever read. Outputs are written atomically. One broken file is reported
//! and the batch carries on. Memory holds one image per worker, however many files.
use crate::pipeline::{self, Options};
use crate::spec::Spec;
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_base::ids;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

pub const JOURNAL: &str = ".caiji-journal.jsonl";
pub const REPORT_CSV: &str = "caiji-report.csv";
pub const REPORT_JSON: &str = "caiji-report.json";

#[derive(Debug, Clone)]
pub struct Config {
    pub input: PathBuf,
    pub output: PathBuf,
    /// Output name without extension: `{stem}`, `{id}` (resident ID in the name), `{n}`, `{spec}`.
    pub template: String,
    pub jobs: usize,
    pub resume: bool,
    pub recursive: bool,
    /// Only these sources (paths relative to `input`), e.g. to retry the failed ones.
    pub only: Option<Vec<String>>,
    /// Photos framed from the face (a photo without one is reported for a person to look at).
    pub frame: pipeline::FrameMode,
    /// Replace plain backgrounds by the spec's colour (said in each file's notes).
    pub whiten: bool,
    /// Documents: photographed pages found and flattened (`Auto`), or taken as they are (`Off`).
    pub page: crate::page::PageMode,
}

/// Stop and pause switches for a running batch, flipped from another thread (Ctrl-C, the app's
/// buttons). Workers look at them between files: a file being written is always finished.
#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    pause: AtomicBool,
}

impl Control {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
    pub fn set_paused(&self, paused: bool) {
        self.pause.store(paused, Ordering::SeqCst);
    }
    pub fn is_paused(&self) -> bool {
        self.pause.load(Ordering::SeqCst)
    }
    /// Waits while paused; true when the batch should go on.
    fn proceed(&self) -> bool {
        while self.is_paused() && !self.is_cancelled() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        !self.is_cancelled()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Written and accepted, with warnings worth a look.
    Warning,
    Failed,
    /// Already done in an earlier run (resume).
    Skipped,
    /// Not started because the batch was stopped.
    Cancelled,
}

impl Status {
    /// The status as the report says it to a person.
    pub fn name(self) -> Msg {
        match self {
            Status::Ok => Msg::new("成功", "ok"),
            Status::Warning => Msg::new("有提示", "warning"),
            Status::Failed => Msg::new("失败", "failed"),
            Status::Skipped => Msg::new("已跳过", "skipped"),
            Status::Cancelled => Msg::new("未处理", "not started"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub source: String,
    pub output: Option<String>,
    pub status: Status,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: Option<u64>,
    pub quality: Option<u8>,
    pub code: Option<String>,
    pub reasons: Vec<Msg>,
}

impl Item {
    fn new(source: String, output: Option<String>, status: Status) -> Item {
        Item { source, output, status, width: None, height: None, bytes: None, quality: None, code: None, reasons: vec![] }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub spec_id: String,
    pub total: usize,
    pub ok: usize,
    pub warning: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cancelled: usize,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct JournalEntry {
    source: String,
    src_len: u64,
    src_mtime: i128,
    output: String,
    out_len: u64,
    spec: String,
    spec_version: u32,
    template: String,
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos() as i128).unwrap_or(0)
}

/// The files of the input folder (hidden files and our own outputs skipped), sorted.
pub fn list_sources(cfg: &Config) -> Result<Vec<PathBuf>> {
    let out = cfg.output.canonicalize().ok();
    let mut found = Vec::new();
    let mut dirs = vec![cfg.input.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let e = e.map_err(|e| Error::io(&d, e))?;
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let ft = e.file_type().map_err(|e| Error::io(&p, e))?;
            if ft.is_dir() {
                if cfg.recursive && p.canonicalize().ok() != out {
                    dirs.push(p);
                }
            } else if ft.is_file() || ft.is_symlink() && p.is_file() {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A file name Windows accepts (and so every system): no `\\ / : * ? " < > |` or control
/// characters, no trailing dots or spaces (Windows drops them), not a device name (`CON`,
/// `NUL`, `COM1`… whatever follows the dot: `CON.jpg` opens the console).
fn sanitize(name: &str) -> String {
    let clean: String =
        name.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() { '_' } else { c }).collect();
    let clean = clean.trim_end_matches(['.', ' ']).to_string();
    if caiji_base::fsio::windows_device(&clean) {
        format!("_{clean}")
    } else {
        clean
    }
}

/// The longest name before ".jpg" that every file system takes: 255 bytes of UTF-8 (Linux, macOS;
/// 83 Chinese characters), which is within Windows' 255 UTF-16 units too.
const NAME_BYTES: usize = 255 - ".jpg".len();

/// `name` cut to at most `max` bytes, at a character's end.
fn shorten(name: &str, max: usize) -> &str {
    let mut end = name.len().min(max);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// A report cell that Excel shows as text: one starting with `=`, `+`, `-`, `@` (or a tab or
/// carriage return) would be taken for a formula — a file named `=HYPERLINK(…).jpg` must not
/// become a link or a command in the clerk's spreadsheet — so it gets a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The output file name for a source, from the template.
pub fn output_name(template: &str, source: &Path, index: usize, spec: &Spec) -> std::result::Result<String, Msg> {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut name = template.replace("{n}", &format!("{:04}", index + 1)).replace("{spec}", &spec.id);
    if name.contains("{id}") {
        match ids::find_resident_id(&stem) {
            Ok(Some(id)) => name = name.replace("{id}", &id),
            Ok(None) => {
                return Err(Msg::new(
                    "文件名中没有 18 位身份证号，无法按 {id} 命名：请在文件名中加入身份证号，或改用 {stem}",
                    "No 18-digit resident ID in the file name for {id}: put the ID in the name or use {stem}",
                ))
            }
            Err(bad) => {
                return Err(Msg::new(
                    format!("文件名中的身份证号 {} 校验位不对，请核对", ids::mask_id(&bad)),
                    format!("The resident ID {} in the file name fails its check digit: verify it", ids::mask_id(&bad)),
                ))
            }
        }
    }
    // The stem last (a file name may itself hold "{n}"), cut where the name would be too long so
    // that the template's own text (a suffix such as "_证件照") stays whole.
    let stems = name.matches("{stem}").count();
    if stems > 0 {
        let fixed = name.len() - stems * "{stem}".len();
        name = name.replace("{stem}", shorten(&stem, NAME_BYTES.saturating_sub(fixed) / stems));
    }
    let name = sanitize(shorten(&sanitize(name.trim()), NAME_BYTES));
    if name.is_empty() {
        return Err(Msg::new("命名模板生成了空文件名", "The naming template gives an empty name"));
    }
    Ok(format!("{name}.jpg"))
}

fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).to_string_lossy().into_owned()
}

fn load_journal(path: &Path) -> HashMap<String, JournalEntry> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines().filter_map(|l| serde_json::from_str::<JournalEntry>(l).ok()).map(|e| (e.source.clone(), e)).collect()
}

/// Runs the batch. `control` stops or pauses it between files (no partial outputs: writes are atomic);
/// `on_item` is called as each file finishes, from the worker threads.
pub fn run(cfg: &Config, spec: &Spec, control: &Control, on_item: &(dyn Fn(&Item) + Sync)) -> Result<Summary> {
    if !cfg.input.is_dir() {
        return Err(Error::invalid(format!("输入文件夹不存在：{}", cfg.input.display()), format!("The input folder does not exist: {}", cfg.input.display())));
    }
    std::fs::create_dir_all(&cfg.output).map_err(|e| Error::io(&cfg.output, e))?;
    if cfg.input.canonicalize().ok() == cfg.output.canonicalize().ok() {
        return Err(Error::invalid(
            "输出文件夹不能与输入文件夹相同（原图绝不会被覆盖）",
            "The output folder must differ from the input folder (originals are never overwritten)",
        ));
    }
    let mut sources = list_sources(cfg)?;
    if let Some(only) = &cfg.only {
        let keep: HashSet<&str> = only.iter().map(String::as_str).collect();
        sources.retain(|p| keep.contains(rel(&cfg.input, p).as_str()));
    }
    let source_set: HashSet<PathBuf> = sources.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let journal_path = cfg.output.join(JOURNAL);
    let journal = if cfg.resume { load_journal(&journal_path) } else { HashMap::new() };
    if !cfg.resume {
        let _ = std::fs::remove_file(&journal_path);
    }
    let journal_out = Mutex::new(std::fs::OpenOptions::new().create(true).append(true).open(&journal_path).map_err(|e| Error::io(&journal_path, e))?);

    // Names first, so collisions are known before anything is written.
    let mut taken: HashMap<String, usize> = HashMap::new();
    let names: Vec<std::result::Result<String, Msg>> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = output_name(&cfg.template, s, i, spec)?;
            if let Some(&first) = taken.get(&n.to_lowercase()) {
                return Err(Msg::new(
                    format!("输出文件名 {n} 与 {} 重复：请调整命名模板", rel(&cfg.input, &sources[first])),
                    format!("Output name {n} collides with {}: change the naming template", rel(&cfg.input, &sources[first])),
                ));
            }
            taken.insert(n.to_lowercase(), i);
            Ok(n)
        })
        .collect();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs.max(1))
        .build()
        .map_err(|e| Error::invalid(format!("无法创建线程池：{e}"), format!("Cannot start worker threads: {e}")))?;
    let items: Vec<Item> = pool.install(|| {
        sources
            .par_iter()
            .zip(names.par_iter())
            .map(|(src, name)| {
                let item = if !control.proceed() {
                    Item::new(rel(&cfg.input, src), None, Status::Cancelled)
                } else {
                    let job = || process_file(cfg, spec, src, name, &journal, &source_set, &journal_out);
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|_| {
                        let mut it = Item::new(rel(&cfg.input, src), None, Status::Failed);
                        it.code = Some("internal".into());
                        it.reasons.push(Msg::new("处理此文件时发生内部错误，已跳过", "An internal error occurred on this file; skipped"));
                        it
                    })
                };
                on_item(&item);
                item
            })
            .collect()
    });
    let count = |s: Status| items.iter().filter(|i| i.status == s).count();
    Ok(Summary {
        spec_id: spec.id.clone(),
        total: items.len(),
        ok: count(Status::Ok),
        warning: count(Status::Warning),
        failed: count(Status::Failed),
        skipped: count(Status::Skipped),
        cancelled: count(Status::Cancelled),
        items,
    })
}

fn process_file(
    cfg: &Config,
    spec: &Spec,
    src: &Path,
    name: &std::result::Result<String, Msg>,
    journal: &HashMap<String, JournalEntry>,
    sources: &HashSet<PathBuf>,
    journal_out: &Mutex<std::fs::File>,
) -> Item {
    let rsrc = rel(&cfg.input, src);
    let name = match name {
        Ok(n) => n,
        Err(m) => {
            let mut it = Item::new(rsrc, None, Status::Failed);
            it.code = Some("naming".into());
            it.reasons.push(m.clone());
            return it;
        }
    };
    let out = cfg.output.join(name);
    let mut it = Item::new(rsrc.clone(), Some(name.clone()), Status::Failed);
    let fail = |mut it: Item, e: Error| {
        it.code = Some(e.code().into());
        it.reasons.push(e.msg());
        it
    };
    let meta = match std::fs::metadata(src) {
        Ok(m) => m,
        Err(e) => return fail(it, Error::io(src, e)),
    };
    let entry = JournalEntry {
        source: rsrc.clone(),
        src_len: meta.len(),
        src_mtime: mtime_ns(&meta),
        output: name.clone(),
        out_len: 0,
        spec: spec.id.clone(),
        spec_version: spec.version,
        template: cfg.template.clone(),
    };
    if let Some(done) = journal.get(&rsrc) {
        let same = JournalEntry { out_len: done.out_len, ..entry.clone() } == *done;
        if same && std::fs::metadata(&out).map(|m| m.len()).ok() == Some(done.out_len) {
            it.status = Status::Skipped;
            it.bytes = Some(done.out_len);
            return it;
        }
    }
    // Never write over a source file.
    if out.canonicalize().ok().is_some_and(|c| sources.contains(&c)) {
        return fail(it, Error::invalid("输出会覆盖一个原图，已拒绝", "The output would overwrite an original: refused"));
    }
    let data: std::sync::Arc<[u8]> = match std::fs::read(src) {
        Ok(d) => d.into(),
        Err(e) => return fail(it, Error::io(src, e)),
    };
    let prepared = match pipeline::prepare_file(data, spec, &Options { frame: cfg.frame, whiten: cfg.whiten, page: cfg.page, ..Options::default() }) {
        Ok(p) => p,
        Err(e) => return fail(it, e),
    };
    let report = match pipeline::write_and_verify(&prepared, spec, &out, &[src]) {
        Ok(r) => r,
        Err(e) => return fail(it, e),
    };
    it.width = Some(prepared.width);
    it.height = Some(prepared.height);
    it.bytes = Some(prepared.bytes);
    it.quality = Some(prepared.encoded.quality);
    it.reasons.extend(prepared.notes.iter().cloned());
    if !report.passed {
        it.code = Some("check_failed".into());
        it.reasons.extend(report.failures().map(|r| r.message.clone()));
        let _ = std::fs::remove_file(&out);
        it.output = None;
        return it;
    }
    let warnings: Vec<Msg> = report.warnings().map(|r| r.message.clone()).collect();
    it.status = if warnings.is_empty() { Status::Ok } else { Status::Warning };
    it.reasons.extend(warnings);
    let line = serde_json::to_string(&JournalEntry { out_len: prepared.bytes, ..entry }).unwrap_or_default();
    if let Ok(mut f) = journal_out.lock() {
        let _ = writeln!(f, "{line}");
        let _ = f.flush();
    }
    it
}

/// Writes `caiji-report.csv` and `caiji-report.json` into the output folder (atomically).
pub fn write_reports(summary: &Summary, dir: &Path, lang: crate::Lang) -> Result<(PathBuf, PathBuf)> {
    let json_path = dir.join(REPORT_JSON);
    let csv_path = dir.join(REPORT_CSV);
    let json = serde_json::to_vec_pretty(summary).map_err(|e| Error::invalid(e.to_string(), e.to_string()))?;
    caiji_base::fsio::write_atomic(&json_path, &json)?;
    // CRLF rows, as Excel writes them (RFC 4180).
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::invalid(e.to_string(), e.to_string());
    // A BOM so that Excel on Chinese Windows opens the UTF-8 file correctly.
    // In the language asked for: a clerk opens it in Excel (programs read caiji-report.json).
    let head = match lang {
        crate::Lang::Zh => ["源文件", "输出文件", "结果", "像素", "字节", "质量", "代码", "原因"],
        crate::Lang::En => ["source", "output", "status", "pixels", "bytes", "quality", "code", "reasons"],
    };
    w.write_record(head).map_err(csv_err)?;
    for it in &summary.items {
        w.write_record([
            cell(&it.source),
            cell(it.output.as_deref().unwrap_or_default()),
            it.status.name().get(lang).to_string(),
            match (it.width, it.height) {
                (Some(a), Some(b)) => format!("{a}x{b}"),
                _ => String::new(),
            },
            it.bytes.map(|b| b.to_string()).unwrap_or_default(),
            it.quality.map(|q| q.to_string()).unwrap_or_default(),
            it.code.clone().unwrap_or_default(),
            cell(&it.reasons.iter().map(|m| m.get(lang)).collect::<Vec<_>>().join(" | ")),
        ])
        .map_err(csv_err)?;
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().map_err(|e| Error::invalid(e.to_string(), e.to_string()))?);
    caiji_base::fsio::write_atomic(&csv_path, &bytes)?;
    Ok((csv_path, json_path))
}

#[cfg(test)]
mod names {
    use super::{cell, output_name, sanitize};
    use crate::spec::Registry;
    use std::path::Path;

    /// A long name from a roster or a camera is cut to what every file system takes, at a
    /// character's end; a cell that Excel would run as a formula is shown as text.
    #[test]
    fn long_names_fit_and_formulas_stay_text() {
        let reg = Registry::builtin();
        let spec = reg.get("nat-photo").unwrap();
        let long = format!("{}.jpg", "张".repeat(120));
        let name = output_name("{stem}_证件照", Path::new(&long), 0, spec).unwrap();
        assert!(name.starts_with("张张") && name.ends_with("张_证件照.jpg"), "the template's text kept whole: {name}");
        assert_eq!(name.len(), 80 * 3 + "_证件照.jpg".len(), "80 characters of the stem fit in 255 bytes with the suffix, 81 do not");
        let name = output_name("{stem}", Path::new(&long), 0, spec).unwrap();
        assert_eq!(name.len(), 83 * 3 + 4, "83 Chinese characters and .jpg fit in 255 bytes; 84 do not");
        // A name that holds a placeholder's text is not expanded again.
        assert_eq!(output_name("{stem}-{n}", Path::new("a{n}.jpg"), 0, spec).unwrap(), "a{n}-0001.jpg");
        assert_eq!(output_name("{stem}", Path::new("短名.jpg"), 0, spec).unwrap(), "短名.jpg");
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for f in ["+1", "-2+3", "@SUM(A1)", "\t=1"] {
            assert!(cell(f).starts_with('\''), "{f}");
        }
        assert_eq!(cell("张三 150102199003071237.jpg"), "张三 150102199003071237.jpg");
    }

    /// Names from a roster or a template that Windows would refuse or misread are made safe.
    #[test]
    fn output_names_are_valid_on_windows() {
        assert_eq!(sanitize("张三 150102199003071237"), "张三 150102199003071237");
        assert_eq!(sanitize("a:b?c*d|e\"f<g>h/i\\j"), "a_b_c_d_e_f_g_h_i_j");
        assert_eq!(sanitize("王五. . "), "王五");
        for device in ["CON", "con", "NUL", "Aux", "PRN", "COM1", "lpt9", "CON.photo", "nul .x", "COM²"] {
            assert!(sanitize(device).starts_with('_'), "{device}");
        }
        for fine in ["CONSOLE", "COM10", "COMA", "NULL", "会计 CON"] {
            assert_eq!(sanitize(fine), fine);
        }
    }
}
