//! Caiji's offline filing desk, on top of the forms and rules of [`caiji_forms`]:
//! - [`store`]: the drafts store (SQLite with WAL, migrations, the filing workflow with
//!   revisions, attachments by content hash, units and staff, sessions for crash recovery);
//! - [`desk`]: forms + rules over the drafts (a draft's problems, changes, staff drafts, bulk
//!   assessment, a person's standing);
//! - [`home`]: 我的档案, a person's home page and a unit's staff at a glance (who owes what);
//! - [`roster`]: staff rosters from CSV (UTF-8/GBK) and Excel, with per-row errors;
//! - [`bundle`]: export and import bundles (drafts, attachments, rosters) with checksums.
pub mod bundle;
pub mod desk;
pub mod home;
pub mod roster;
pub mod store;
