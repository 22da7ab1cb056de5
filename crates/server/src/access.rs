//! Who is asking and what they may see: the server's shared state, the signed-in account of a
//! request, and the visibility rule every handler applies (api.rs for filings and review,
//! blobs.rs for attachments, codes.rs for proving accounts all build on it).
use crate::auth::Passwords;
use crate::db::{Db, Val};
use crate::error::ApiError;
use crate::{now_ms, vals};
use axum::http::HeaderMap;
use caiji_forms::Forms;
use caiji_protocol::{Account, AccountKind};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone)]
pub struct Server {
    pub db: Db,
    pub forms: Arc<Forms>,
    /// Where attachment files are kept (`<hash>`, and `<hash>.<account>.part` while uploading).
    pub blobs: PathBuf,
    /// Password hashing and checking, bounded (auth.rs).
    pub passwords: Passwords,
    /// What an account may hold in attachments, in bytes: not yet proven, a proven person, a
    /// proven unit (blobs.rs).
    pub quota_unverified: i64,
    pub quota_person: i64,
    pub quota_unit: i64,
    /// Held while a finished upload's file is put in place and while the sweep removes one.
    pub files: Arc<std::sync::Mutex<()>>,
}

/// An account from its row (`id, kind, login, name, region, verified`); a kind the protocol
/// does not know is an error, never a default.
pub(crate) fn account_row(r: &[Val]) -> Result<Account, ApiError> {
    let kind = r[1].text().parse().map_err(|e: caiji_protocol::UnknownValue| ApiError::internal(e.to_string()))?;
    Ok(Account { id: r[0].text(), kind, login: r[2].text(), name: r[3].text(), region: r[4].text(), verified: r[5].int() == 1 })
}

/// SHA-256 in lower-case hex (tokens and codes are stored so, never as given).
pub(crate) fn sha_hex(b: &[u8]) -> String {
    format!("{:x}", Sha256::digest(b))
}

/// The signed-in account (`Authorization: Bearer <token>`).
pub(crate) async fn account(s: &Server, h: &HeaderMap) -> Result<Account, ApiError> {
    let token = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(ApiError::unauthorized)?;
    let stored = sha_hex(token.trim().as_bytes());
    let row =
        s.db.run(move |t| {
            t.row(
                "SELECT a.id, a.kind, a.login, a.name, a.region, a.verified FROM sessions s JOIN accounts a ON a.id = s.account WHERE s.token = ? AND s.expires > ?",
                vals![stored, now_ms()],
            )
        })
        .await?;
    account_row(&row.ok_or_else(ApiError::unauthorized)?)
}

pub(crate) const RECEIPT_COLUMNS: &str = "uuid, form, revision, state, reason, digest, updated, person, data, account, unit, region, filed_verified";

/// May `a` see the submission in row `r`? Its owner; once verified, the unit it belongs to
/// and the person it is about; an authority of its region.
pub(crate) fn may_see(a: &Account, r: &[Val]) -> bool {
    r[9].text() == a.id
        || match a.kind {
            _ if !a.verified => false,
            AccountKind::Unit => r[10].text() == a.login,
            AccountKind::Person => r[7].text() == a.login,
            // Its region and every region inside it (a province sees its 盟市 and 旗县).
            AccountKind::Authority => a.region.is_empty() || r[11].text().starts_with(&a.region),
        }
}

/// [`may_see`] as SQL, so that the database picks the rows (by the person, unit and updated
/// indexes) rather than the server reading them all.
pub(crate) fn visible(a: &Account) -> (&'static str, Vec<Val>) {
    match a.kind {
        // An account that only claims its login sees what it filed itself (codes.rs).
        AccountKind::Person | AccountKind::Unit if !a.verified => ("account = ?", vec![Val::from(&a.id)]),
        AccountKind::Person => ("(account = ? OR person = ?)", vec![Val::from(&a.id), Val::from(&a.login)]),
        AccountKind::Unit => ("(account = ? OR unit = ?)", vec![Val::from(&a.id), Val::from(&a.login)]),
        // Region keys are digits (add_account checks), so LIKE's wildcards cannot come from them.
        AccountKind::Authority => ("(? = '' OR region LIKE ?)", vec![Val::from(&a.region), Val::from(format!("{}%", a.region))]),
    }
}

/// The server's administrator, on the machine itself: an authority over every region.
pub(crate) fn administrator() -> Account {
    Account { id: String::new(), kind: AccountKind::Authority, login: "ADMIN".into(), name: String::new(), region: String::new(), verified: true }
}
