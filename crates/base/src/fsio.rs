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
    tmp.persist(path).map_err(|e| Error::io(path, why_refused(path, e.error)))?;
    Ok(())
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
