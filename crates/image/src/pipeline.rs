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
        Kind::Document => crate::merge::merge(&[crate::merge::Page { page: opts.page, ..crate::merge::Page::new(src, opts.crop) }], spec),
    }
}

/// A whole file for `spec`, as a batch takes it: a photo as [`prepare`]; for a document, every
/// page of a PDF merged in order (the spec's page rule), any other file as its one page.
pub fn prepare_file(data: std::sync::Arc<[u8]>, spec: &Spec, opts: &Options) -> Result<Prepared> {
    match spec.kind {
        Kind::Photo => prepare(&Source::for_spec_framed(data, spec, opts.frame)?, spec, opts),
        Kind::Document => {
            let sources = Source::pages_for(data, spec)?;
            let pages: Vec<crate::merge::Page> = sources.iter().map(|s| crate::merge::Page { page: opts.page, ..crate::merge::Page::new(s, None) }).collect();
            crate::merge::merge(&pages, spec)
        }
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

/// Whether two paths name the same existing file: by the file's identity (device and inode,
/// volume and file index on Windows), so another spelling, a case-insensitive USB stick or a
/// link does not get past it.
fn same_file(a: &Path, b: &Path) -> bool {
    same_file::is_same_file(a, b).unwrap_or(false)
}

/// Writes the output atomically, reads it back and checks it against the spec. An original
/// (`originals`: the files the output was made from) is never replaced: the person's photo or
/// scan stays as it was, whatever name the output was given.
pub fn write_and_verify(prepared: &Prepared, spec: &Spec, out: &Path, originals: &[&Path]) -> Result<Report> {
    if originals.iter().any(|o| same_file(o, out)) {
        return Err(Error::invalid("输出不能覆盖原图，请换一个文件名", "The output must not overwrite the original: choose another name"));
    }
    write_atomic(out, &prepared.jpeg)?;
    let back = std::fs::read(out).map_err(|e| Error::io(out, e))?;
    if back != prepared.jpeg {
        return Err(Error::invalid("写入的文件与生成的内容不一致（磁盘问题？）", "The written file differs from what was produced (disk problem?)"));
    }
    Ok(if prepared.face_checks { check::check_photo(&back, spec) } else { check::check(&back, spec) })
}

/// The upright picture as a JPEG at most `max` pixels on its long side, for showing on screen
/// (quick settings: no window to fit, no metadata).
pub fn thumbnail(src: &Source, max: u32) -> Result<Vec<u8>> {
    let img = src.image();
    let f = (max as f64 / img.width().max(img.height()) as f64).min(1.0);
    let (w, h) = (((img.width() as f64 * f) as u32).max(1), ((img.height() as f64 * f) as u32).max(1));
    let small = crate::resize::resize_region(img, (0.0, 0.0, img.width() as f64, img.height() as f64), w, h)?;
    crate::encode::encode(&small, crate::encode::Settings { quality: 85, chroma: crate::encode::Chroma::S420, dpi: None, trellis: false })
}
