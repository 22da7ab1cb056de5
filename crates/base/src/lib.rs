//! Caiji's base, shared by every other crate: two-language messages ([`i18n`]), the one error
//! contract with stable codes ([`error`]), atomic writes ([`fsio`]), time ([`time`]), the data
//! folder and settings ([`appdata`]), and the identifiers people are filed by — resident IDs
//! (GB 11643), credit codes (GB 32100), mobiles, e-mail — with their masking ([`ids`]), which
//! batch file names, log lines and filings all need.
pub mod appdata;
pub mod error;
pub mod fsio;
pub mod i18n;
pub mod ids;
pub mod text;
pub mod time;

pub use error::{Error, ErrorBody, Result};
pub use i18n::{Lang, Msg};
