//! Caiji's imaging: turns any photo or scan into a file a filing portal accepts.
//!
//! One file per stage, each with one job, layered without circles (a test reads the `use`
//! lines and fails on one):
//! - profiles: [`spec`] (data in `assets/specs/`, user folder given by the caller);
//! - reading: [`decode`] (by content, bomb limits, DCT-scaled JPEG, ICC), [`heif`] (HEIC), [`avif`],
//!   [`pdf`] (pages: a scan's own JPEG, or drawn), [`jpeg_markers`],
//!   [`orient`] (EXIF orientation and user turns), [`source`] (a picture decoded once);
//! - the face: [`face`] (CenterFace via tract), [`head`] (crown, chin, tilt), [`framing`]
//!   (the crop from the head, levelling);
//! - making: [`geometry`] (crops), [`resize`], [`whiten`] (background), [`encode`] (libjpeg
//!   via mozjpeg, the window search), [`fit`] (**where a spec's byte window is enforced**:
//!   colour stages, quality floors, padding), [`photo`], [`page`] (a photographed paper made a
//!   scan), [`merge`] (pages into one image);
//! - judging: [`report`], [`background`], [`face_check`], [`check`] (any file against a spec);
//! - running: [`pipeline`] (prepare, write atomically, verify), [`batch`] (a folder).
pub mod avif;
pub mod background;
pub mod batch;
pub mod check;
pub mod decode;
pub mod encode;
pub mod face;
pub mod face_check;
pub mod fit;
pub mod framing;
pub mod geometry;
pub mod head;
pub mod heif;
pub mod jpeg_markers;
pub mod merge;
pub mod orient;
pub mod page;
pub mod pdf;
pub mod photo;
pub mod pipeline;
mod quant;
pub mod report;
pub mod resize;
pub mod source;
pub mod spec;
pub mod whiten;

pub use caiji_base::{Error, Lang, Msg, Result};
pub use spec::{Registry, Spec};
