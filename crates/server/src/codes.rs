//! Who an account is. Anyone can register with a valid resident ID or credit code, so a new
//! account is only a claim: until it is verified it sees nothing but what it filed itself (not
//! what a unit filed about that person, nor what people filed naming that unit). Proof comes
//! from those who know the person: the unit whose filing about them a reviewing authority
//! accepted, or a reviewing authority, issues a one-time code (`POST /codes`, or
//! `caiji-server issue-code` on the server machine), handed over on paper or by phone. An
//! activation code verifies the account that enters it (`POST /verify`); a reset code sets a new
//! password without a session (`POST /reset`, the app's 找回密码), verifies the account and ends
//! every session it had, so a squatter who registered someone else's ID first loses the account
//! to its owner. Once an account is verified, only an authority resets its password: a unit
//! cannot take over its staff's proven accounts.
//!
//! Codes are ten characters of Crockford's base 32 (50 bits), kept only as a hash, valid for
//! [`CODE_MS`], used once; a new code from the same issuer voids its earlier one, never
//! another issuer's. Wrong codes do not lock the login (a squatter could keep the owner's slip
//! from working); guessing is bounded by the per-address rate limit: from one address, at 50
//! tries a second, a code's week gives one chance in 37 million (2^50 codes).
use crate::access::{account, account_row, administrator, sha_hex, Server};
use crate::db::Tx;
use crate::error::ApiError;
use crate::wire::Body;
use crate::{now_ms, vals};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use caiji_base::ids;
use caiji_protocol::{normalize_code, Account, AccountKind, CodePurpose, IssueCodeRequest, IssuedCode, ResetRequest, VerifyRequest, CODE_ALPHABET};

/// How long a code stays good: a week, time enough to pass a printed slip to a colleague.
pub const CODE_MS: i64 = 7 * 24 * 3600 * 1000;

fn new_code() -> String {
    use rand::RngCore;
    let mut b = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| CODE_ALPHABET[(*x & 31) as usize] as char).collect()
}

/// What is stored of a code: its hash with the login it is for.
fn stored(login: &str, code: &str) -> String {
    sha_hex(format!("{login}:{}", normalize_code(code)).as_bytes())
}

fn bad_code() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_code",
        "验证码不对、已用过或已过期：请核对，或向所在单位或审核机构重新索取",
        "The code is wrong, used or expired: check it, or ask your unit or the reviewing authority for a new one",
    )
}

/// A login as the accounts keep it, if it is a person's resident ID or a unit's credit code.
fn login_kind(login: &str) -> Option<AccountKind> {
    if ids::valid_resident_id(login) {
        Some(AccountKind::Person)
    } else if ids::valid_uscc(login) {
        Some(AccountKind::Unit)
    } else {
        None
    }
}

/// May `issuer` vouch for `login`? A verified unit for a person about whom it filed something
/// an authority accepted (the authority saw the unit's proof); an authority for anyone with a
/// filing in its region, or a unit registered there (a credit code's characters 3–8 are the
/// division of its registration); the server's administrator for anyone.
fn may_issue(t: &mut dyn Tx, issuer: &Account, login: &str, kind: AccountKind) -> Result<bool, ApiError> {
    Ok(match issuer.kind {
        AccountKind::Person => false,
        AccountKind::Unit => {
            kind == AccountKind::Person
                && t.row(
                    // Filed by the unit itself: a filing the person made naming the unit (its
                    // `unit` column) is no proof the unit knows them.
                    "SELECT uuid FROM submissions WHERE person = ? AND account = ? AND state = 'accepted'",
                    vals![login, &issuer.id],
                )?
                .is_some()
        }
        AccountKind::Authority if issuer.region.is_empty() => true,
        AccountKind::Authority => {
            // Its 管理地区 and everything inside it (a key of digits: LIKE's wildcards cannot
            // come from it); a unit by the division code in its credit code (characters 3–8).
            (kind == AccountKind::Unit && login.get(2..2 + issuer.region.len()) == Some(issuer.region.as_str()))
                || t.row("SELECT uuid FROM submissions WHERE person = ? AND region LIKE ?", vals![login, format!("{}%", issuer.region)])?.is_some()
        }
    })
}

fn issue_in(t: &mut dyn Tx, issuer: &Account, login: &str, purpose: CodePurpose) -> Result<IssuedCode, ApiError> {
    let login = login.trim().to_uppercase();
    let kind = login_kind(&login).ok_or_else(|| {
        ApiError::bad_request("应为有效的居民身份证号码或统一社会信用代码", "The login must be a valid resident ID or unified social credit code")
    })?;
    if issuer.kind == AccountKind::Unit && !issuer.verified {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_verified",
            "本单位账号尚未验证，不能为他人发放验证码：请先向审核机构索取激活码",
            "This unit's account is not verified yet and cannot vouch for others: ask the reviewing authority for an activation code first",
        ));
    }
    if !may_issue(t, issuer, &login, kind)? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_yours",
            "只能为本单位填报且已审核通过的人员（审核机构：本地区的人员和单位）发放验证码",
            "Codes are issued only for people about whom this unit filed something accepted (an authority: people and units of its region)",
        ));
    }
    // A proven account's password is reset by an authority only.
    let proven = t.row("SELECT id FROM accounts WHERE login = ? AND verified = 1", vals![&login])?.is_some();
    if issuer.kind == AccountKind::Unit && proven {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ask_authority",
            "这个账号已验证：激活无需再发码；找回密码请本人联系审核机构",
            "This account is verified already: no activation needed; for a lost password the person asks the reviewing authority",
        ));
    }
    let code = new_code();
    let (now, expires) = (now_ms(), now_ms() + CODE_MS);
    // A new slip from this issuer voids its last one (never another issuer's).
    t.exec("DELETE FROM codes WHERE login = ? AND purpose = ? AND issuer = ? AND used IS NULL", vals![&login, purpose.as_str(), &issuer.id])?;
    t.exec(
        "INSERT INTO codes (hash, login, purpose, issuer, created, expires) VALUES (?, ?, ?, ?, ?, ?)",
        vals![stored(&login, &code), &login, purpose.as_str(), &issuer.id, now, expires],
    )?;
    Ok(IssuedCode { code: format!("{}-{}", &code[..5], &code[5..]), login, purpose, expires })
}

/// Uses up a good code of `purpose` for `login`; false when there is none such.
fn use_code(t: &mut dyn Tx, login: &str, code: &str, purpose: CodePurpose) -> Result<bool, ApiError> {
    let n = t.exec(
        "UPDATE codes SET used = ? WHERE hash = ? AND login = ? AND purpose = ? AND used IS NULL AND expires > ?",
        vals![now_ms(), stored(login, code), login, purpose.as_str(), now_ms()],
    )?;
    Ok(n == 1)
}

/// `POST /codes`: a unit or an authority issues a code for a person (or, an authority, a unit).
pub async fn issue(State(s): State<Server>, h: HeaderMap, Body(r): Body<IssueCodeRequest>) -> Result<(StatusCode, Json<IssuedCode>), ApiError> {
    let a = account(&s, &h).await?;
    let issued = s.db.run(move |t| issue_in(t, &a, &r.login, r.purpose)).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `POST /verify`: the signed-in account proves itself with an activation code; the account
/// as it now stands.
pub async fn verify(State(s): State<Server>, h: HeaderMap, Body(r): Body<VerifyRequest>) -> Result<Json<Account>, ApiError> {
    let a = account(&s, &h).await?;
    if a.verified {
        return Ok(Json(a));
    }
    let (login, id) = (a.login.clone(), a.id.clone());
    let ok =
        s.db.run(move |t| {
            let ok = use_code(t, &login, &r.code, CodePurpose::Activate)?;
            if ok {
                t.exec("UPDATE accounts SET verified = 1 WHERE id = ?", vals![&id])?;
            }
            Ok(ok)
        })
        .await?;
    if !ok {
        return Err(bad_code());
    }
    Ok(Json(Account { verified: true, ..a }))
}

/// `POST /reset`: a new password with a reset code. The account is verified by it, and every
/// session it had ends (whoever held them); the login's locks are lifted.
pub async fn reset(State(s): State<Server>, Body(r): Body<ResetRequest>) -> Result<StatusCode, ApiError> {
    let login = r.login.trim().to_uppercase();
    if login_kind(&login).is_none() {
        return Err(ApiError::bad_request("应为有效的居民身份证号码或统一社会信用代码", "The login must be a valid resident ID or unified social credit code"));
    }
    if let Some(why) = caiji_protocol::password_problem(&r.password, &login) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "weak_password", why.zh, why.en));
    }
    // The code is looked at before the password work, and used up after it, in one step.
    let (key, code) = (login.clone(), r.code.clone());
    let good =
        s.db.run(move |t| {
            Ok(t.row(
                "SELECT hash FROM codes WHERE hash = ? AND login = ? AND purpose = 'reset' AND used IS NULL AND expires > ?",
                vals![stored(&key, &code), &key, now_ms()],
            )?
            .is_some()
                && t.row("SELECT id FROM accounts WHERE login = ?", vals![&key])?.is_some())
        })
        .await?;
    if !good {
        return Err(bad_code());
    }
    let hash = s.passwords.hash(r.password).await?;
    let key = login.clone();
    let done =
        s.db.run(move |t| {
            if !use_code(t, &key, &r.code, CodePurpose::Reset)? {
                return Ok(false);
            }
            let row = t.row("SELECT id, kind, login, name, region, verified FROM accounts WHERE login = ?", vals![&key])?;
            let Some(a) = row.map(|r| account_row(&r)).transpose()? else { return Ok(false) };
            t.exec("UPDATE accounts SET password = ?, verified = 1 WHERE id = ?", vals![&hash, &a.id])?;
            t.exec("DELETE FROM sessions WHERE account = ?", vals![&a.id])?;
            Ok(true)
        })
        .await?;
    if !done {
        return Err(bad_code());
    }
    s.passwords.unlock(&login);
    Ok(StatusCode::NO_CONTENT)
}

impl Server {
    /// A code issued by the server's administrator, for anyone (the `issue-code` command: after
    /// checking the person or unit in person).
    pub fn issue_code(&self, login: &str, purpose: CodePurpose) -> Result<IssuedCode, ApiError> {
        self.db.tx(|t| issue_in(t, &administrator(), login, purpose))
    }
}
