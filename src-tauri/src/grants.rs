//! Which files the webview may have the backend read or write: only those the person chose.
//!
//! The webview is the least trusted part of the app (a picture's name, a profile's title, a
//! server's answer all end up in it; a script slipped past the escaping would run with every
//! command). So no command takes a path on the webview's word: a path is usable only when the
//! person chose it here, in one of these ways —
//! - a file (or folder) picked in an open dialog, dropped on the window, or given on the
//!   command line (or to a second launch): it may be read (a folder: what is inside it);
//! - a file named in a save dialog: it may be written (and read back);
//! - a folder picked as an output (batch output, the default output folder): files inside it
//!   may be written — not read: an output folder is often a big one (Documents), and what is
//!   read can be sent away.
//!
//! The dialogs run in the backend (`pick_*` commands, whose title says what the folder is for),
//! so the webview cannot fake a choice. A path with `..` in it, or a relative one, is never
//! granted nor allowed; links are resolved on both sides, so a link inside a chosen folder
//! leads nowhere the person did not choose.
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Default)]
pub struct Grants {
    /// Files and folders that may be read (a folder: anything under it).
    read: HashSet<PathBuf>,
    /// Files chosen in a save dialog.
    saves: HashSet<PathBuf>,
    /// Folders chosen for output: anything under them may be written.
    outputs: HashSet<PathBuf>,
}

/// `p` as granted and checked: absolute, without `.` or `..` parts.
pub fn clean(p: &Path) -> Option<PathBuf> {
    if !p.is_absolute() || p.components().any(|c| c == Component::ParentDir) {
        return None;
    }
    Some(p.components().filter(|c| *c != Component::CurDir).collect())
}

/// `p` clean and with its links resolved: its nearest existing ancestor made canonical (links
/// followed, on Windows the `\\?\` form), the parts not made yet appended.
pub fn resolve(p: &Path) -> Option<PathBuf> {
    let p = clean(p)?;
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(mut real) = existing.canonicalize() {
            real.extend(rest.iter().rev());
            return Some(real);
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

impl Grants {
    /// A file or folder the person opened, dropped or named on the command line.
    pub fn opened(&mut self, p: &Path) {
        if let Some(p) = resolve(p) {
            self.read.insert(p);
        }
    }

    /// A file the person named in a save dialog.
    pub fn saving(&mut self, p: &Path) {
        if let Some(p) = resolve(p) {
            self.saves.insert(p);
        }
    }

    /// A folder the person chose for output.
    pub fn output(&mut self, p: &Path) {
        if let Some(p) = resolve(p) {
            self.outputs.insert(p);
        }
    }

    /// May the backend read `p` for the webview?
    pub fn may_read(&self, p: &Path) -> bool {
        let Some(p) = resolve(p) else { return false };
        self.saves.contains(&p) || self.read.iter().any(|g| p.starts_with(g))
    }

    /// May the backend write `p` (a file) for the webview?
    pub fn may_write(&self, p: &Path) -> bool {
        let Some(p) = resolve(p) else { return false };
        self.saves.contains(&p) || self.outputs.iter().any(|g| p.starts_with(g) && p != *g)
    }

    /// May files be written into the folder `dir` (an output folder, or a folder inside one)?
    pub fn may_write_into(&self, dir: &Path) -> bool {
        resolve(dir).is_some_and(|d| self.outputs.iter().any(|g| d.starts_with(g)))
    }

    /// May `p` be kept as an output folder (the settings' default one): chosen for output.
    pub fn is_output(&self, p: &Path) -> bool {
        resolve(p).is_some_and(|p| self.outputs.contains(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn nothing_is_allowed_until_chosen() {
        let g = Grants::default();
        for f in ["/etc/passwd", "/home/u/.ssh/id_rsa", "/home/u/photo.jpg"] {
            assert!(!g.may_read(&p(f)) && !g.may_write(&p(f)), "{f}");
        }
    }

    #[test]
    fn an_opened_file_is_read_only_and_alone() {
        let mut g = Grants::default();
        g.opened(&p("/home/u/照片/张三.jpg"));
        assert!(g.may_read(&p("/home/u/照片/张三.jpg")));
        assert!(!g.may_write(&p("/home/u/照片/张三.jpg")), "an original is never written");
        assert!(!g.may_read(&p("/home/u/照片/李四.jpg")), "its neighbours are not opened with it");
        assert!(!g.may_read(&p("/home/u/照片/张三.jpg/../../.ssh/id_rsa")), "no way up");
        assert!(!g.may_read(&p("照片/张三.jpg")), "relative paths mean nothing");
    }

    #[test]
    fn an_opened_folder_is_read_below_it_only() {
        let mut g = Grants::default();
        g.opened(&p("/home/u/staff"));
        assert!(g.may_read(&p("/home/u/staff/a.jpg")) && g.may_read(&p("/home/u/staff/sub/b.jpg")));
        assert!(!g.may_read(&p("/home/u/staff2/a.jpg")), "a sibling with the same prefix is another folder");
        assert!(!g.may_read(&p("/home/u/staff/../secret.txt")));
        assert!(!g.may_write(&p("/home/u/staff/a.jpg")), "an input folder is not an output");
    }

    #[test]
    fn a_save_dialogs_file_and_an_output_folders_contents_are_writable() {
        let mut g = Grants::default();
        g.saving(&p("/home/u/out/张三.jpg"));
        g.output(&p("/home/u/batch-out"));
        assert!(g.may_write(&p("/home/u/out/张三.jpg")) && g.may_read(&p("/home/u/out/张三.jpg")), "a saved file is read back");
        assert!(!g.may_read(&p("/home/u/batch-out/a.jpg")), "an output folder is written, not read");
        assert!(!g.may_write(&p("/home/u/out/other.jpg")), "only the file named");
        assert!(g.may_write(&p("/home/u/batch-out/a.jpg")) && g.may_write(&p("/home/u/batch-out/report.csv")));
        assert!(!g.may_write(&p("/home/u/batch-out")), "the folder itself is not a file to write");
        assert!(!g.may_write(&p("/home/u/batch-out/./../.bashrc")));
        assert!(g.is_output(&p("/home/u/batch-out")) && !g.is_output(&p("/home/u")));
        assert!(g.may_write_into(&p("/home/u/batch-out")) && g.may_write_into(&p("/home/u/batch-out/合格")));
        assert!(!g.may_write_into(&p("/home/u/out")), "a saved file's folder is not an output");
        assert!(!g.may_write_into(&p("/home/u")));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_a_chosen_folder_leads_nowhere_else() {
        let chosen = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), chosen.path().join("link")).unwrap();
        std::fs::write(elsewhere.path().join("secret.txt"), "x").unwrap();
        let mut g = Grants::default();
        g.opened(chosen.path());
        g.output(chosen.path());
        assert!(g.may_read(&chosen.path().join("a.jpg")) && g.may_write(&chosen.path().join("a.jpg")));
        assert!(!g.may_read(&chosen.path().join("link/secret.txt")), "read through the link");
        assert!(!g.may_write(&chosen.path().join("link/new.jpg")), "written through the link");
        assert!(!g.may_write_into(&chosen.path().join("link/sub")), "a batch into a folder behind the link");
        assert!(g.may_write_into(&chosen.path().join("合格/sub")), "a folder not made yet inside the chosen one");
    }
}
