//! Where Caiji keeps its own files, and the user's settings.
//!
//! One data folder holds the user's spec profiles, the settings and (in portable mode) the logs
//! and the web view's storage. It is, in order: `$CAIJI_DATA_DIR`; `caiji-data` beside the
//! executable when a file named `portable` sits there (a USB stick carries everything); else the
//! OS's per-user folder (`%APPDATA%\caiji`, `~/Library/Application Support/caiji`,
//! `$XDG_CONFIG_HOME/caiji`). The CLI and the app resolve it the same way, so they share the
//! user's profiles.
use crate::error::{Error, Result};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The marker file that switches on portable mode.
pub const PORTABLE_MARKER: &str = "portable";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataDir {
    pub root: PathBuf,
    /// Everything lives beside the executable.
    pub portable: bool,
}

impl DataDir {
    /// Resolves the folder for the running executable.
    pub fn resolve() -> Option<DataDir> {
        let exe = std::env::current_exe().ok();
        Self::resolve_from(std::env::var_os("CAIJI_DATA_DIR").map(PathBuf::from), exe.as_deref().and_then(Path::parent), os_dir())
    }

    /// The rule, with its inputs spelt out (tested without touching the environment).
    pub fn resolve_from(env: Option<PathBuf>, exe_dir: Option<&Path>, os: Option<PathBuf>) -> Option<DataDir> {
        if let Some(root) = env.filter(|p| !p.as_os_str().is_empty()) {
            return Some(DataDir { root, portable: false });
        }
        if let Some(dir) = exe_dir.filter(|d| d.join(PORTABLE_MARKER).is_file()) {
            return Some(DataDir { root: dir.join("caiji-data"), portable: true });
        }
        os.map(|root| DataDir { root, portable: false })
    }

    pub fn specs(&self) -> PathBuf {
        self.root.join("specs")
    }
    pub fn settings_file(&self) -> PathBuf {
        self.root.join("settings.json")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn webview(&self) -> PathBuf {
        self.root.join("webview")
    }
    /// The drafts store: `drafts.sqlite` and `attachments/`.
    pub fn drafts(&self) -> PathBuf {
        self.root.join("drafts")
    }
}

/// The OS's per-user configuration folder for Caiji.
/// The user's spec-profile folder: `$CAIJI_SPECS_DIR`, else `specs` in the data folder.
pub fn user_specs_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CAIJI_SPECS_DIR") {
        return Some(PathBuf::from(d));
    }
    DataDir::resolve().map(|d| d.specs())
}

fn os_dir() -> Option<PathBuf> {
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
    };
    base.map(|b| b.join("caiji"))
}

/// What the user chose in the settings. Unknown or missing fields take their defaults, so an
/// older or newer file never stops the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub lang: Lang,
    /// Where saves and batches go by default (`None`: beside the source).
    pub output_dir: Option<String>,
    /// Worker threads for batches (`0`: one per core).
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { lang: Lang::Zh, output_dir: None, threads: 0 }
    }
}

impl Settings {
    /// Reads the settings; a missing file gives the defaults, a broken one the defaults and
    /// the reason (the app says so instead of failing to start).
    pub fn load(path: &Path) -> (Settings, Option<String>) {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (Settings::default(), Some(format!("{}: {e}", path.display()))),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(s) => (s, None),
                Err(e) => (Settings::default(), Some(format!("{}: {e}", path.display()))),
            },
        }
    }

    /// Checks the values a person typed.
    pub fn validate(&self) -> Result<()> {
        if self.threads > 256 {
            return Err(Error::invalid("线程数应在 0（自动）到 256 之间", "Threads must be between 0 (automatic) and 256"));
        }
        if let Some(d) = &self.output_dir {
            if !Path::new(d).is_dir() {
                return Err(Error::invalid(format!("默认输出文件夹不存在：{d}"), format!("The default output folder does not exist: {d}")));
            }
        }
        Ok(())
    }

    /// Validates and writes the settings atomically (creating the data folder).
    pub fn save(&self, path: &Path) -> Result<()> {
        self.validate()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::invalid(e.to_string(), e.to_string()))?;
        crate::fsio::write_atomic(path, &text)
    }

    /// Worker threads to use: the setting, or one per core.
    pub fn jobs(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_marker_beside_the_exe_wins_over_the_os_folder() {
        let t = tempfile::tempdir().unwrap();
        let os = Some(t.path().join("os"));
        let d = DataDir::resolve_from(None, Some(t.path()), os.clone()).unwrap();
        assert_eq!(d, DataDir { root: t.path().join("os"), portable: false });
        std::fs::write(t.path().join(PORTABLE_MARKER), "").unwrap();
        let d = DataDir::resolve_from(None, Some(t.path()), os.clone()).unwrap();
        assert_eq!(d, DataDir { root: t.path().join("caiji-data"), portable: true });
        assert_eq!(d.specs(), t.path().join("caiji-data/specs"));
        let d = DataDir::resolve_from(Some(t.path().join("env")), Some(t.path()), os).unwrap();
        assert_eq!(d.root, t.path().join("env"));
    }

    #[test]
    fn settings_round_trip_and_survive_a_broken_file() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("sub/settings.json");
        assert_eq!(Settings::load(&f), (Settings::default(), None));
        let s = Settings { lang: Lang::En, output_dir: Some(t.path().display().to_string()), threads: 3 };
        s.save(&f).unwrap();
        assert_eq!(Settings::load(&f).0, s);
        assert_eq!(s.jobs(), 3);
        std::fs::write(&f, "{ not json").unwrap();
        let (d, why) = Settings::load(&f);
        assert_eq!(d, Settings::default());
        assert!(why.unwrap().contains("settings.json"));
        // Fields from a newer version are ignored, missing ones take defaults.
        std::fs::write(&f, r#"{"lang":"en","future":1}"#).unwrap();
        assert_eq!(Settings::load(&f).0, Settings { lang: Lang::En, ..Settings::default() });
        let bad = Settings { output_dir: Some(t.path().join("nope").display().to_string()), ..Settings::default() };
        assert_eq!(bad.save(&f).unwrap_err().code(), "invalid");
        assert_eq!(Settings { threads: 1000, ..Settings::default() }.validate().unwrap_err().code(), "invalid");
    }
}
