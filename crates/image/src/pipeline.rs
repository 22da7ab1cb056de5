//! The whole way for one photo or one document: a [`Source`] decoded once, prepared to the spec
//! ([`crate::photo`] for photos, [`crate::merge`] for documents), then written atomically and
//! verified by the checker.
use crate::check::{self, Report};
use crate::face_check::head_rules;
use crate::geometry::CentreFramer;
use crate::spec::{Kind, Spec};
use caiji_base::error::{Error, Result};
use caiji_base::fsio::write_atomic;
use std::path::Path;

pub use crate::fit::Prepared;
pub use crate::photo::{prepare_photo, Options};
pub use crate::source::{FrameMode, Source};

/// Prepares one photo or single-page document to the spec.
pub fn prepare(src: &Source, spec: &Spec, opts: &Options) -> Result<Prepared> {
    match spec.kind {
        Kind::Photo => prepare_photo(src, spec, opts, &CentreFramer),
        Kind::Document => crate::merge::merge(&[crate::merge::Page { source: src, crop: opts.crop }], spec),
    }
}

/// The report for a prepared output: when its head is known (framed from the face), the face
/// checks use it instead of finding the face again (fast enough for live previews; a saved
/// file is checked from scratch by [`check_photo`]).
pub fn check_prepared(p: &Prepared, spec: &Spec) -> Report {
    match (&p.head_out, p.face_checks) {
        (Some(head), true) if spec.head.is_some() => {
            let mut report = check::check(&p.jpeg, spec);
            if let Ok(img) = image::load_from_memory(&p.jpeg) {
                report.add(head_rules(&img.to_rgb8(), spec, head));
            }
            report
        }
        (_, true) => check::check_photo(&p.jpeg, spec),
        _ => check::check(&p.jpeg, spec),
    }
}

/// Writes the output atomically, reads it back and checks it against the spec.
pub fn write_and_verify(prepared: &Prepared, spec: &Spec, out: &Path) -> Result<Report> {
    write_atomic(out, &prepared.jpeg)?;
    let back = std::fs::read(out).map_err(|e| Error::io(out, e))?;
    if back != prepared.jpeg {
        return Err(Error::invalid("写入的文件与生成的内容不一致（磁盘问题？）", "The written file differs from what was produced (disk problem?)"));
    }
    Ok(if prepared.face_checks { check::check_photo(&back, spec) } else { check::check(&back, spec) })
}
