//! Caiji core: turns any photo or scan into a file a filing portal accepts.
//! No Tauri here: the CLI, the desktop app and the tests all use this crate.
//!
//! Pipeline: [`decode`] (read by content, bomb limits, DCT-scaled JPEG, EXIF orientation,
//! normalise) → [`geometry`] (crop) → [`resize`] → [`encode`] (window search) → [`check`]
//! (verify). [`pipeline::Source`] keeps a decoded image for repeated previews; [`merge`]
//! puts scanned pages into one image; [`batch`] runs a folder. [`forms`] holds the filing
//! forms (data in `assets/forms`) and their validation.
pub mod appdata;
pub mod batch;
pub mod bundle;
pub mod check;
pub mod decode;
pub mod drafts;
pub mod encode;
pub mod error;
pub mod face;
pub mod filing;
pub mod forms;
pub mod framing;
pub mod geometry;
pub mod i18n;
pub mod ids;
pub mod jpeg_markers;
pub mod merge;
pub mod orient;
pub mod pipeline;
pub mod resize;
pub mod roster;
pub mod rules;
pub mod spec;
pub mod sync;
pub mod whiten;

pub use error::{Error, Result};
pub use i18n::{Lang, Msg};
pub use spec::{Registry, Spec};
