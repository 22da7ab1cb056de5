//! What the app keeps between commands: the data folder, the settings, the spec registry and
//! the open pictures. Locks are held only to look up or swap an `Arc` or a small value, never
//! while pixels are processed.
use crate::error::{AppError, AppResult};
use crate::grants::Grants;
use caiji_base::appdata::{DataDir, Settings};
use caiji_filing::store::{LastRun, Store};
use caiji_forms::Forms;
use caiji_image::batch::Control;
use caiji_image::pipeline::Source;
use caiji_image::spec::Registry;
use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub struct AppState {
    /// Where settings, user profiles (and in portable mode logs and web storage) live.
    pub data: DataDir,
    /// The user's profile folder (`$CAIJI_SPECS_DIR` or `specs` in the data folder).
    pub specs_dir: PathBuf,
    pub settings: RwLock<Settings>,
    /// Why the settings file could not be read (the defaults are in use), shown once.
    pub settings_problem: Mutex<Option<String>>,
    registry: RwLock<Arc<Registry>>,
    sources: Mutex<HashMap<u64, Arc<Source>>>,
    next: AtomicU64,
    /// Files given on the command line or by a second launch, not yet shown.
    pub pending: Mutex<Vec<String>>,
    /// The running batch's switches (one batch at a time).
    batch: Mutex<Option<Arc<Control>>>,
    /// The last batch's report, for "open the report".
    pub last_report: Mutex<Option<PathBuf>>,
    /// The filing forms (built in, immutable).
    pub forms: Arc<Forms>,
    /// 自助答疑: the help topics, the management bodies, the entry guide (built in, immutable).
    pub help: Arc<caiji_help::Help>,
    /// The drafts store, opened at start. Held only for one database operation at a time.
    drafts: Mutex<Option<Store>>,
    /// What the last run left (a crash: drafts to offer for recovery), or why the store could
    /// not be opened.
    pub last_run: Mutex<Result<LastRun, String>>,
    /// The files and folders the person chose, which commands may read or write (grants.rs).
    grants: Mutex<Grants>,
}

impl AppState {
    pub fn new(args: Vec<String>, data: DataDir) -> caiji_base::Result<Self> {
        let specs_dir = std::env::var_os("CAIJI_SPECS_DIR").map(PathBuf::from).unwrap_or_else(|| data.specs());
        let (settings, problem) = Settings::load(&data.settings_file());
        let forms = Arc::new(Forms::builtin()?);
        let help = Arc::new(caiji_help::Help::builtin()?);
        let mut grants = Grants::default();
        for a in &args {
            grants.opened(Path::new(a));
        }
        // The default output folder was chosen for output when it was set.
        if let Some(d) = &settings.output_dir {
            grants.output(Path::new(d));
        }
        // Debug builds only (the e2e tests drive the app through its test hooks, with files in
        // these folders): never in a release build.
        #[cfg(debug_assertions)]
        for d in std::env::var_os("CAIJI_TEST_GRANT").iter().flat_map(std::env::split_paths) {
            grants.opened(&d);
            grants.output(&d);
        }
        Ok(AppState {
            registry: RwLock::new(Arc::new(Registry::load(Some(&specs_dir)))),
            specs_dir,
            data,
            settings: RwLock::new(settings),
            settings_problem: Mutex::new(problem),
            sources: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            pending: Mutex::new(args),
            batch: Mutex::new(None),
            last_report: Mutex::new(None),
            forms,
            help,
            drafts: Mutex::new(None),
            last_run: Mutex::new(Err(String::new())),
            grants: Mutex::new(grants),
        })
    }

    /// Opens the drafts store and starts a session. Called from the app's setup, after the
    /// single-instance check: a second launch that hands its files over never touches it (it
    /// would leave a session open and the next start would think the app had crashed).
    pub fn open_drafts(&self) {
        let (store, last) = match Store::open(&self.data.drafts()) {
            Ok(mut s) => {
                let last = s.begin_session().map_err(|e| e.message(caiji_base::Lang::Zh));
                (Some(s), last)
            }
            Err(e) => (None, Err(e.message(caiji_base::Lang::Zh))),
        };
        if let Ok(mut g) = self.drafts.lock() {
            *g = store;
        }
        if let Ok(mut g) = self.last_run.lock() {
            *g = last;
        }
    }

    /// Runs `f` on the drafts store (`None` when it could not be opened).
    pub fn with_store<T>(&self, f: impl FnOnce(Option<&Store>) -> T) -> T {
        match self.drafts.lock() {
            Ok(g) => f(g.as_ref()),
            Err(p) => f(p.into_inner().as_ref()),
        }
    }

    /// Marks a clean end of the run (the window closed normally).
    pub fn end_session(&self) {
        if let Ok(mut g) = self.drafts.lock() {
            if let Some(s) = g.as_mut() {
                let _ = s.end_session();
            }
        }
    }

    pub fn registry(&self) -> Arc<Registry> {
        self.registry.read().map(|r| r.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Changes the registry on a copy and swaps it in; open previews keep the one they had.
    pub fn update_registry<T>(&self, f: impl FnOnce(&mut Registry) -> T) -> T {
        let mut r = (*self.registry()).clone();
        let out = f(&mut r);
        match self.registry.write() {
            Ok(mut g) => *g = Arc::new(r),
            Err(p) => *p.into_inner() = Arc::new(r),
        }
        out
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn insert(&self, s: Source) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.sources.lock() {
            m.insert(id, Arc::new(s));
        }
        id
    }

    pub fn get(&self, id: u64) -> Option<Arc<Source>> {
        self.sources.lock().ok()?.get(&id).cloned()
    }

    /// Registers the running batch, or clears it with `None`. False when one runs already.
    pub fn set_batch(&self, c: Option<Arc<Control>>) -> bool {
        let Ok(mut b) = self.batch.lock() else { return false };
        if c.is_some() && b.is_some() {
            return false;
        }
        *b = c;
        true
    }

    pub fn batch(&self) -> Option<Arc<Control>> {
        self.batch.lock().ok()?.clone()
    }

    pub fn close(&self, id: u64) {
        if let Ok(mut m) = self.sources.lock() {
            m.remove(&id);
        }
    }
}

impl AppState {
    /// Records what the person chose (a dialog, a drop, an argument).
    pub fn grant(&self, f: impl FnOnce(&mut Grants)) {
        if let Ok(mut g) = self.grants.lock() {
            f(&mut g);
        }
    }

    fn allowed(&self, check: impl FnOnce(&Grants) -> bool) -> bool {
        self.grants.lock().map(|g| check(&g)).unwrap_or(false)
    }

    /// `path` if the person chose it to be read (opened, dropped, an argument, in a chosen
    /// folder); otherwise `not_permitted`.
    pub fn readable(&self, path: &str) -> AppResult<PathBuf> {
        self.chosen(path, Grants::may_read, "read")
    }

    /// `path` if the person chose it to be written (a save dialog, inside an output folder).
    pub fn writable(&self, path: &str) -> AppResult<PathBuf> {
        self.chosen(path, Grants::may_write, "write")
    }

    fn chosen(&self, path: &str, may: fn(&Grants, &Path) -> bool, what: &str) -> AppResult<PathBuf> {
        let p = PathBuf::from(path);
        if self.allowed(|g| may(g, &p)) {
            return Ok(p);
        }
        log::warn!("refused to {what} a file not chosen in the app");
        Err(not_permitted())
    }

    /// A batch's folders: `input` chosen to be read, `output` chosen for output (or inside it).
    pub fn batch_folders(&self, input: &str, output: &str) -> AppResult<()> {
        let (i, o) = (PathBuf::from(input), PathBuf::from(output));
        if self.allowed(|g| g.may_read(&i) && g.may_write_into(&o)) {
            Ok(())
        } else {
            log::warn!("refused a batch on folders not chosen in the app");
            Err(not_permitted())
        }
    }

    /// Was `dir` chosen as an output folder?
    pub fn is_output(&self, dir: &str) -> bool {
        self.allowed(|g| g.is_output(Path::new(dir)))
    }
}

/// A path the person did not choose in the app.
pub fn not_permitted() -> AppError {
    AppError::new(
        "not_permitted",
        "这个文件或文件夹不是在本程序中选择的：请用“打开”“保存”按钮选择，或拖入窗口",
        "This file or folder was not chosen in the app: pick it with Open or Save, or drop it on the window",
    )
}
