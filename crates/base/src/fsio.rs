//! Writing files so that a crash never leaves half of one.
use crate::error::{Error, Result};
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
/// A crash or Ctrl-C leaves either the old file or the new one, never a partial file; a refused
/// rename removes the temporary file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".caiji-").suffix(".tmp").tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // On Windows an antivirus scan or the search indexer may hold a new file for a moment:
    // a refused rename is tried again a few times before it is reported.
    let mut tries = 0;
    loop {
        match tmp.persist(path) {
            Ok(_) => return Ok(()),
            Err(e) if cfg!(windows) && tries < 3 && e.error.kind() == std::io::ErrorKind::PermissionDenied => {
                tries += 1;
                tmp = e.file;
                std::thread::sleep(std::time::Duration::from_millis(50 * tries));
            }
            Err(e) => return Err(Error::io(path, why_refused(path, e.error))),
        }
    }
}

/// Whether Windows takes a file named `name` for a device (`CON`, `PRN`, `AUX`, `NUL`, `COM1`…,
/// `LPT9`, `COM¹`…), whatever follows the first dot: `CON.jpg` opens the console, not a file.
pub fn windows_device(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or("").trim_end().to_ascii_uppercase();
    matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || (base.len() == 4 && (base.starts_with("COM") || base.starts_with("LPT")) && base.as_bytes()[3].is_ascii_digit())
        || ["COM", "LPT"].iter().any(|d| base.strip_prefix(d).is_some_and(|n| matches!(n, "¹" | "²" | "³")))
}

/// Windows refuses a rename over a file another program holds open with "access denied", the
/// same as for a read-only file. Opening the file for writing (nothing written, nothing
/// truncated) tells them apart: a held file gives a sharing violation, which is then reported.
fn why_refused(path: &Path, e: std::io::Error) -> std::io::Error {
    if cfg!(windows) && e.kind() == std::io::ErrorKind::PermissionDenied {
        if let Err(probe) = std::fs::OpenOptions::new().write(true).open(path) {
            if crate::error::in_use(&probe) {
                return probe;
            }
        }
    }
    e
}
