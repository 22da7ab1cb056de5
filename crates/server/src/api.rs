//! The HTTP API (`docs/openapi.yaml`): handlers over the database, the forms and the rules.
pub use crate::access::Server;
use crate::access::{account, account_row, administrator, may_see, sha_hex, visible, RECEIPT_COLUMNS};
use crate::auth::Passwords;
use crate::db::{Db, Tx, Val};
use crate::error::ApiError;
use crate::limit::{self, Limiter};
use crate::wire::{Body, Params};
use crate::{now_ms, vals};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use caiji_base::ids;
use caiji_forms::Forms;
pub use caiji_protocol::{Account, AccountKind, BlobStatus, Decision, Receipt, SubmissionState};
use caiji_protocol::{Filer, Health, LoginRequest, NameQuery, RegisterRequest, ReviewRequest, Session, Since, SubmitRequest, Uncollected};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Sessions last this long.
pub const SESSION_MS: i64 = 12 * 3600 * 1000;
/// An attachment's largest size, and a chunk's.
pub use caiji_protocol::{MAX_BLOB, MAX_CHUNK};
/// A submission's largest body (form data; attachments go separately).
pub const MAX_JSON: usize = 256 << 10;

/// Password work waiting for a worker at most; past it, 503 `busy` at once.
pub const PASSWORD_QUEUE: usize = 64;

/// The data folder and its blobs folder, made private (0700 on Unix), whatever the umask.
fn private_dirs(dir: &std::path::Path) -> Result<(), ApiError> {
    let err = |e: std::io::Error| ApiError::internal(e.to_string());
    std::fs::create_dir_all(dir.join("blobs")).map_err(err)?;
    #[cfg(unix)]
    for d in [dir.to_path_buf(), dir.join("blobs")] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
    }
    crate::blobs::drop_shared_parts(&dir.join("blobs"));
    Ok(())
}

impl Server {
    /// A server on an SQLite database in `dir` (`caiji-server.sqlite`, `blobs/`).
    pub fn sqlite(dir: &std::path::Path) -> Result<Server, ApiError> {
        private_dirs(dir)?;
        Server::with(Db::sqlite(&dir.join("caiji-server.sqlite"))?, dir)
    }

    fn with(db: Db, dir: &std::path::Path) -> Result<Server, ApiError> {
        let forms = Forms::builtin().map_err(|e| ApiError::internal(e.to_string()))?;
        let passwords = Passwords::new(0, PASSWORD_QUEUE)?;
        db.tx(crate::blobs::index_attachments)?;
        let (quota_unverified, quota_person, quota_unit) = (crate::blobs::UNVERIFIED_QUOTA, crate::blobs::PERSON_QUOTA, crate::blobs::UNIT_QUOTA);
        let files = Arc::new(std::sync::Mutex::new(()));
        Ok(Server { db, forms: Arc::new(forms), blobs: dir.join("blobs"), passwords, quota_unverified, quota_person, quota_unit, files })
    }

    /// A server on a PostgreSQL database (`config`), attachments in `dir/blobs`.
    pub fn postgres(config: &str, dir: &std::path::Path) -> Result<Server, ApiError> {
        private_dirs(dir)?;
        Server::with(Db::postgres(config)?, dir)
    }

    /// Adds an account directly (the admin command; authorities are made this way).
    pub fn add_account(&self, kind: AccountKind, login: &str, password: &str, name: &str, region: &str) -> Result<Account, ApiError> {
        let hash = crate::auth::hash_password(password)?;
        // Logins are kept upper-case (ID numbers end in X, credit codes are upper-case).
        let region = caiji_forms::record::region_key(region);
        if let Some(e) = self.region_problem(&region) {
            return Err(e);
        }
        let (kind, login, name) = (kind, login.trim().to_uppercase(), name.to_string());
        // Made on the server machine by its administrator: verified.
        self.db.tx(move |t| insert_account(t, kind, &login, &hash, &name, &region, true))
    }

    /// What is wrong with an authority's region, if anything: a 管理地区 key of the division
    /// table (a province, 盟市, 旗县 or 自治区直属), or empty for every region.
    pub fn region_problem(&self, region: &str) -> Option<ApiError> {
        let key = caiji_forms::record::region_key(region);
        let known = key.is_empty() || (key.bytes().all(|b| b.is_ascii_digit()) && caiji_forms::find_division(&self.forms.divisions, &key).is_some());
        (!known).then(|| {
            ApiError::bad_request(
                format!("管理地区“{region}”不是已知的区划代码（省 150000、盟市 150100、旗县 150102、自治区直属 1500）"),
                format!("Region \"{region}\" is not a known division code (province 150000, city 150100, county 150102, 自治区直属 1500)"),
            )
        })
    }
}

/// The routes, with body limits and the rate limiter (`per_second` per address, `burst`).
pub fn router(s: Server, per_second: f64, burst: f64) -> Router {
    let blobs = Router::new()
        .route("/api/v1/blobs/{hash}", get(crate::blobs::status).put(crate::blobs::put))
        .route("/api/v1/blobs/{hash}/content", get(crate::blobs::content))
        .layer(DefaultBodyLimit::max(MAX_CHUNK + 1024));
    Router::new()
        .route("/api/v1/health", get(|| async { Json(Health { ok: true, version: env!("CARGO_PKG_VERSION").into() }) }))
        .route("/api/v1/register", post(register))
        .route("/api/v1/login", post(login))
        // The body (the client sends `null`) is read and dropped: an unread body makes the
        // connection close after the answer, and a client reusing it meets "disconnected".
        .route("/api/v1/logout", post(|State(s): State<Server>, h: HeaderMap, _: axum::body::Bytes| async move { logout(&s, &h, false).await }))
        .route("/api/v1/logout/all", post(|State(s): State<Server>, h: HeaderMap, _: axum::body::Bytes| async move { logout(&s, &h, true).await }))
        .route("/api/v1/codes", post(crate::codes::issue))
        .route("/api/v1/verify", post(crate::codes::verify))
        .route("/api/v1/reset", post(crate::codes::reset))
        .route("/api/v1/submissions", get(list))
        .route("/api/v1/submissions/{uuid}", put(submit).get(fetch))
        .route("/api/v1/review", get(review_queue))
        .route("/api/v1/review/{uuid}", post(review))
        .route("/api/v1/people/{id}/standing", get(crate::people::standing))
        .route("/api/v1/people/{id}/baseline", put(crate::people::set_baseline))
        .route("/api/v1/public/uncollected", get(uncollected))
        .layer(DefaultBodyLimit::max(MAX_JSON))
        .merge(blobs)
        .with_state(s)
        .layer(axum::middleware::from_fn_with_state(Limiter::new(per_second, burst), limit::middleware))
}

// ---------------------------------------------------------------- accounts and sessions

fn insert_account(t: &mut dyn Tx, kind: AccountKind, login: &str, hash: &str, name: &str, region: &str, verified: bool) -> Result<Account, ApiError> {
    if t.row("SELECT id FROM accounts WHERE login = ?", vals![login])?.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "account_exists", "该账号已注册，请直接登录", "This account exists already: sign in"));
    }
    let id = format!("{:x}", Sha256::digest(format!("{login}{}", now_ms()).as_bytes()))[..24].to_string();
    t.exec(
        "INSERT INTO accounts (id, kind, login, password, name, region, created, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vals![&id, kind.as_str(), login, hash, name, region, now_ms(), verified as i64],
    )?;
    Ok(Account { id, kind, login: login.into(), name: name.into(), region: region.into(), verified })
}

async fn register(State(s): State<Server>, Body(r): Body<RegisterRequest>) -> Result<(StatusCode, Json<Account>), ApiError> {
    let login = r.login.trim().to_uppercase();
    let ok = match r.kind {
        AccountKind::Person => ids::valid_resident_id(&login),
        AccountKind::Unit => ids::valid_uscc(&login),
        AccountKind::Authority => return Err(ApiError::bad_request("账号类型应为个人或单位", "kind must be person or unit")),
    };
    if !ok {
        return Err(ApiError::bad_request(
            "账号应为有效的居民身份证号码（个人）或统一社会信用代码（单位）",
            "The login must be a valid resident ID (person) or unified social credit code (unit)",
        ));
    }
    if let Some(why) = caiji_protocol::password_problem(&r.password, &login) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "weak_password", why.zh, why.en));
    }
    if r.name.trim().is_empty() || r.name.chars().count() > 100 {
        return Err(ApiError::bad_request("请填写姓名或单位名称", "A name is required"));
    }
    let hash = s.passwords.hash(r.password).await?;
    let (kind, name) = (r.kind, r.name.trim().to_string());
    // A claim until a code from its unit or an authority proves it (codes.rs).
    let a = s.db.run(move |t| insert_account(t, kind, &login, &hash, &name, "", false)).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

async fn login(State(s): State<Server>, Body(r): Body<LoginRequest>) -> Result<Json<Session>, ApiError> {
    let login = r.login.trim().to_uppercase();
    let key = login.clone();
    let row = s.db.run(move |t| t.row("SELECT id, kind, login, name, region, verified, password FROM accounts WHERE login = ?", vals![key])).await?;
    // An unknown login costs the same check as a wrong password, and is locked the same way.
    let ok = s.passwords.check(&login, r.password, row.as_ref().map(|r| r[6].text())).await?;
    let Some(row) = row.filter(|_| ok) else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "账号或密码不对", "Wrong login or password"));
    };
    let account = account_row(&row)?;
    let token = random_token();
    let expires = now_ms() + SESSION_MS;
    let (stored, id, checked) = (sha_hex(token.as_bytes()), account.id.clone(), row[6].text());
    // Only if the password checked is still the account's: a reset meanwhile (which ends every
    // session) must not be followed by a session made with the old one.
    if !s.db.run(move |t| open_session(t, &id, &checked, &stored, expires)).await? {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_login", "账号或密码不对", "Wrong login or password"));
    }
    Ok(Json(Session { token, expires, account }))
}

/// Stores a session for account `id` if its password hash is still `checked` (the one the
/// password was checked against): false when a new password was set meanwhile.
fn open_session(t: &mut dyn Tx, id: &str, checked: &str, stored_token: &str, expires: i64) -> Result<bool, ApiError> {
    t.exec("DELETE FROM sessions WHERE expires < ?", vals![now_ms()])?;
    let n = t.exec(
        "INSERT INTO sessions (token, account, expires) SELECT ?, id, ? FROM accounts WHERE id = ? AND password = ?",
        vals![stored_token, expires, id, checked],
    )?;
    Ok(n == 1)
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Signs out: this session (`all`: every session of the account, on every computer — after a
/// lost laptop or a leaked token). 204; the token is useless afterwards.
async fn logout(s: &Server, h: &HeaderMap, all: bool) -> Result<StatusCode, ApiError> {
    let a = account(s, h).await?;
    let token = h.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("").trim().to_string();
    let stored = sha_hex(token.as_bytes());
    s.db.run(
        move |t| {
            if all {
                t.exec("DELETE FROM sessions WHERE account = ?", vals![&a.id])
            } else {
                t.exec("DELETE FROM sessions WHERE token = ?", vals![stored])
            }
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- submissions

/// The fixed fields whose value differs between the stored data (JSON text) and `new`.
fn fixed_changed(fixed: &[String], stored: &str, new: &Value) -> Vec<String> {
    let old: Value = serde_json::from_str(stored).unwrap_or(Value::Null);
    fixed.iter().filter(|p| caiji_forms::text_at(&old, p).to_uppercase() != caiji_forms::text_at(new, p).to_uppercase()).cloned().collect()
}

/// The receipt of a submission's row; a state the protocol does not know is an error.
fn receipt(r: &[Val], with_data: bool) -> Result<Receipt, ApiError> {
    Ok(Receipt {
        uuid: r[0].text(),
        form: r[1].text(),
        revision: r[2].int(),
        state: state_of(r)?,
        reason: r[4].opt_text(),
        digest: r[5].text(),
        updated: r[6].int(),
        person: ids::mask_id(&r[7].text()),
        data: with_data.then(|| serde_json::from_str(&r[8].text()).unwrap_or(Value::Null)),
        filer: None,
    })
}

fn state_of(r: &[Val]) -> Result<SubmissionState, ApiError> {
    r[3].text().parse().map_err(|e: caiji_protocol::UnknownValue| ApiError::internal(e.to_string()))
}

fn valid_uuid(u: &str) -> bool {
    u.len() == 36 && u.chars().enumerate().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

async fn submit(
    State(s): State<Server>,
    h: HeaderMap,
    Path(uuid): Path<String>,
    Body(r): Body<SubmitRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let a = account(&s, &h).await?;
    if !valid_uuid(&uuid) {
        return Err(ApiError::bad_request("提交编号应为 UUID", "The submission id must be a UUID"));
    }
    if a.kind == AccountKind::Authority {
        return Err(ApiError::forbidden());
    }
    let form = s.forms.get(&r.form).ok_or_else(|| ApiError::bad_request(format!("没有表单 {}", r.form), format!("No form {}", r.form)))?;
    // Who files it, as the guide says: a unit's form (入库备案 by a unit, 年度考评) from a unit,
    // a person's own forms from the person.
    let filer = if a.kind == AccountKind::Unit { caiji_forms::Filer::Unit } else { caiji_forms::Filer::Person };
    if let Some(m) = caiji_forms::record::filer_refusal(form, filer) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "wrong_filer", m.zh, m.en));
    }
    if r.form_version > form.version as i64 || r.form_version < 1 {
        return Err(ApiError::bad_request("表单版本不对，请更新软件", "Unknown form version: update the app"));
    }
    // The same checks as the app: a filing the app finalizes is accepted here, and only that.
    let problems = s.forms.validate(form, &r.data, caiji_base::time::today());
    if !problems.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_filing",
            format!("填报有 {} 处问题", problems.len()),
            format!("{} problems in the filing", problems.len()),
        )
        .with(json!(problems)));
    }
    let (_, person) = form.person_of(&r.data);
    if a.kind == AccountKind::Person && person != a.login {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "not_yours", "个人账号只能提交本人的填报", "A person's account submits only their own filings"));
    }
    // A unit files only about its own staff: the unit it names is itself.
    if a.kind == AccountKind::Unit && caiji_forms::record::unit_of(&r.form, &r.data, &Default::default()).is_some_and(|u| u != a.login) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_yours",
            "单位账号只能为本单位（统一社会信用代码与账号一致）填报",
            "A unit's account files only for itself: the credit code in the filing must be its own",
        ));
    }
    let mut hashes = Vec::new();
    caiji_forms::attachment_hashes(&r.data, &mut hashes);
    hashes.iter_mut().for_each(|h| *h = h.to_lowercase());
    let body = json!({"form": r.form, "form_version": r.form_version, "data": r.data});
    let digest = sha_hex(body.to_string().as_bytes());
    let data = r.data.to_string();
    let (form_id, version, replaces) = (r.form.clone(), r.form_version, r.replaces);
    let forms = s.forms.clone();
    // The fields fixed once filed (`section.field`), checked against the stored copy on an edit.
    let fixed: Vec<String> = form
        .sections
        .iter()
        .filter(|s| s.repeat.is_none())
        .flat_map(|s| s.fields.iter().filter(|f| f.fixed).map(move |f| format!("{}.{}", s.id, f.id)))
        .collect();
    let r_data = r.data.clone();
    s.db.run(move |t| {
        let now = now_ms();
        let sel = format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE uuid = ?");
        let existing = t.row(&sel, vals![&uuid])?;
        // Someone else's: as if it did not exist (a 403 would say that it does).
        if existing.as_ref().is_some_and(|row| row[9].text() != a.id) {
            return Err(ApiError::not_found("这份填报"));
        }
        // One person's filings are judged one at a time (PostgreSQL runs at read committed: two
        // 履历 at once must not both pass the once-only check); the row lock works on both engines.
        if a.kind == AccountKind::Person {
            t.exec("UPDATE accounts SET verified = verified WHERE id = ?", vals![&a.id])?;
        }
        // The guide's rules on the person's record here (accepted filings, baseline): the same
        // function and words as the app's problems; run for a new filing and an edit, after the
        // checks that say why an edit cannot be made at all.
        let mut rec = crate::people::record(t, &person, &uuid, &a)?;
        let guide = |rec: &caiji_forms::record::Record| -> Result<(), ApiError> {
            let form = forms.get(&form_id).ok_or_else(|| ApiError::internal("form".into()))?;
            let problems = caiji_forms::record::guide_problems(form, &r_data, rec, caiji_base::time::today().0);
            match problems.first() {
                Some(first) => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "refused", first.message.zh.clone(), first.message.en.clone()).with(json!(problems))),
                None => Ok(()),
            }
        };
        // Reviewed in the person's 管理地区; seen by the unit it is about (named by a proven
        // account: a claim cannot push filings into a unit's view).
        if rec.authority.is_none() {
            rec.authority = crate::people::pending_authority(t, &person, &a)?;
        }
        let region = caiji_forms::record::review_region(&form_id, &r_data, &rec);
        let unit = match a.kind {
            AccountKind::Unit => Some(a.login.clone()),
            _ if a.verified => caiji_forms::record::unit_of(&form_id, &r_data, &rec),
            _ => None,
        };
        // Only files this account uploaded, or that a filing it may see names already.
        let missing = crate::blobs::unavailable(t, &a, &hashes)?;
        if !missing.is_empty() {
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "attachments_missing", "附件尚未上传完整", "Attachments are not uploaded yet")
                .with(json!(missing)));
        }
        match existing {
            None => {
                guide(&rec)?;
                t.exec(
                    "INSERT INTO submissions (uuid, account, person, unit, form, form_version, revision, digest, data, state, region, created, updated, filed_verified)
                         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 'submitted', ?, ?, ?, ?)",
                    vals![&uuid, &a.id, &person, unit, &form_id, version, &digest, &data, &region, now, now, a.verified as i64],
                )?;
                crate::blobs::name_attachments(t, &uuid, &hashes)?;
                t.exec("INSERT INTO submission_revisions (uuid, revision, digest, data, saved) VALUES (?, 1, ?, ?, ?)", vals![&uuid, &digest, &data, now])?;
                let row = t.row(&sel, vals![&uuid])?.ok_or_else(|| ApiError::internal("lost".into()))?;
                Ok((StatusCode::CREATED, Json(receipt(&row, false)?)))
            }
            // An edit stays the same form, with the fields fixed once filed unchanged.
            Some(row) if row[1].text() != form_id => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "form_changed",
                "修改不能换成另一张表：请另建一份填报",
                "An edit cannot change the form: start a new filing",
            )),
            Some(row) if !fixed_changed(&fixed, &row[8].text(), &r_data).is_empty() => {
                let changed = fixed_changed(&fixed, &row[8].text(), &r_data);
                Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "fixed_field",
                    "姓名、证件号码、首次从事会计工作时间等登记后不能修改：如需更正请提交信息变更",
                    "Name, ID number, first accounting work and other fixed fields cannot change once filed: file a change instead",
                )
                .with(json!(changed)))
            }
            // The same submission again (a retry): one effect, the same receipt.
            Some(row) if row[5].text() == digest => Ok((StatusCode::OK, Json(receipt(&row, false)?))),
            Some(row) if state_of(&row)? == SubmissionState::Accepted => Err(ApiError::new(
                StatusCode::CONFLICT,
                "already_accepted",
                "这份填报已审核通过，不能再修改；如需更正请提交信息变更",
                "This filing has been accepted and cannot change: file a change instead",
            )
            .with(json!(receipt(&row, true)?))),
            Some(row) if replaces == Some(row[2].int()) => {
                guide(&rec)?;
                let rev = row[2].int() + 1;
                // The person the filing is about follows the edit (who sees it, the public query).
                t.exec(
                    "UPDATE submissions SET revision = ?, digest = ?, data = ?, state = 'submitted', reason = NULL, region = ?, person = ?, unit = ?, updated = ?, filed_verified = ? WHERE uuid = ?",
                    vals![rev, &digest, &data, &region, &person, unit, now, a.verified as i64, &uuid],
                )?;
                crate::blobs::name_attachments(t, &uuid, &hashes)?;
                t.exec(
                    "INSERT INTO submission_revisions (uuid, revision, digest, data, saved) VALUES (?, ?, ?, ?, ?)",
                    vals![&uuid, rev, &digest, &data, now],
                )?;
                let row = t.row(&sel, vals![&uuid])?.ok_or_else(|| ApiError::internal("lost".into()))?;
                Ok((StatusCode::OK, Json(receipt(&row, false)?)))
            }
            Some(row) => Err(ApiError::new(
                StatusCode::CONFLICT,
                "stale",
                "服务器上的这份填报已有更新的版本，请先查看差异",
                "The server holds a newer revision of this filing: look at what changed first",
            )
            .with(json!(receipt(&row, true)?))),
        }
    })
    .await
}

/// The account's submissions changed since `since` (ms), oldest first: the client pulls review
/// results with it.
async fn list(State(s): State<Server>, h: HeaderMap, Params(q): Params<Since>) -> Result<Json<Vec<Receipt>>, ApiError> {
    let a = account(&s, &h).await?;
    let (cond, who) = visible(&a);
    let sql = format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE updated > ? AND {cond} ORDER BY updated, uuid");
    let rows = s.db.run(move |t| t.rows(&sql, &[vec![Val::Int(q.since)], who].concat())).await?;
    // A row this version cannot read (written by a newer one) is left out, not a failed list.
    Ok(Json(rows.iter().filter(|r| may_see(&a, r)).filter_map(|r| receipt(r, false).ok()).collect()))
}

/// One submission with its data: the authoritative record.
async fn fetch(State(s): State<Server>, h: HeaderMap, Path(uuid): Path<String>) -> Result<Json<Receipt>, ApiError> {
    let a = account(&s, &h).await?;
    let row = s.db.run(move |t| t.row(&format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE uuid = ?"), vals![uuid])).await?;
    match row {
        Some(r) if may_see(&a, &r) => Ok(Json(receipt(&r, true)?)),
        // Someone else's filing is not found, rather than forbidden: nothing is revealed.
        _ => Err(ApiError::not_found("这份填报")),
    }
}

// ---------------------------------------------------------------- review

/// The queue an authority sees: submitted filings of its region, the oldest first, each with
/// who filed it (a unit's form from a person's account would show here; a person's ID masked).
fn queue_in(t: &mut dyn Tx, a: &Account) -> Result<Vec<Receipt>, ApiError> {
    let (cond, who) = visible(a);
    let sql = format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE state = 'submitted' AND {cond} ORDER BY updated, uuid");
    let mut filers: std::collections::HashMap<String, Option<Filer>> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for r in t.rows(&sql, &who)?.iter().filter(|r| may_see(a, r)) {
        let Ok(mut receipt) = receipt(r, true) else { continue };
        let id = r[9].text();
        if !filers.contains_key(&id) {
            let row = t.row("SELECT id, kind, login, name, region, verified FROM accounts WHERE id = ?", vals![&id])?;
            let filer = row.and_then(|r| account_row(&r).ok()).map(|f| Filer {
                login: if f.kind == AccountKind::Person { ids::mask_id(&f.login) } else { f.login },
                kind: f.kind,
                name: f.name,
                verified: f.verified,
            });
            filers.insert(id.clone(), filer);
        }
        // Whether the account was proven when it filed (a squatter's filings stay unproven).
        receipt.filer = filers.get(&id).cloned().flatten().map(|f| Filer { verified: r[12].int() == 1, ..f });
        out.push(receipt);
    }
    Ok(out)
}

/// Accepts or returns (with a reason) revision `revision` of a filing the authority sees.
fn decide_in(t: &mut dyn Tx, a: &Account, uuid: &str, revision: i64, decision: Decision, reason: Option<String>) -> Result<Receipt, ApiError> {
    let reason = reason.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let state = match (decision, &reason) {
        (Decision::Accept, _) => SubmissionState::Accepted,
        (Decision::Return, Some(_)) => SubmissionState::Returned,
        (Decision::Return, None) => return Err(ApiError::bad_request("退回时请写明原因", "Say why when returning a filing")),
    };
    let sel = format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE uuid = ?");
    let row = t.row(&sel, vals![uuid])?.filter(|row| may_see(a, row)).ok_or_else(|| ApiError::not_found("这份填报"))?;
    if row[2].int() != revision || state_of(&row)? != SubmissionState::Submitted {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "stale",
            "这份填报已被修改或已审核，请刷新",
            "The filing changed or was reviewed meanwhile: reload it",
        )
        .with(json!(receipt(&row, true)?)));
    }
    t.exec("UPDATE submissions SET state = ?, reason = ?, updated = ? WHERE uuid = ?", vals![state.as_str(), reason, now_ms(), uuid])?;
    // A placement or move decided: the person's waiting filings follow it.
    if crate::people::places(&row[1].text()) {
        crate::people::reroute(t, &row[7].text())?;
    }
    receipt(&t.row(&sel, vals![uuid])?.ok_or_else(|| ApiError::internal("lost".into()))?, false)
}

async fn review_queue(State(s): State<Server>, h: HeaderMap) -> Result<Json<Vec<Receipt>>, ApiError> {
    let a = account(&s, &h).await?;
    if a.kind != AccountKind::Authority {
        return Err(ApiError::forbidden());
    }
    Ok(Json(s.db.run(move |t| queue_in(t, &a)).await?))
}

async fn review(State(s): State<Server>, h: HeaderMap, Path(uuid): Path<String>, Body(r): Body<ReviewRequest>) -> Result<Json<Receipt>, ApiError> {
    let a = account(&s, &h).await?;
    if a.kind != AccountKind::Authority {
        return Err(ApiError::forbidden());
    }
    Ok(Json(s.db.run(move |t| decide_in(t, &a, &uuid, r.revision, r.decision, r.reason)).await?))
}

impl Server {
    /// The review queue of every region (the admin command).
    pub fn review_queue(&self) -> Result<Vec<Receipt>, ApiError> {
        self.db.tx(|t| queue_in(t, &administrator()))
    }

    /// Accepts or returns the current revision of a submitted filing (the admin command).
    pub fn decide(&self, uuid: &str, decision: Decision, reason: Option<String>) -> Result<Receipt, ApiError> {
        self.db.tx(|t| {
            let revision = t.row("SELECT revision FROM submissions WHERE uuid = ?", vals![uuid])?.ok_or_else(|| ApiError::not_found("这份填报"))?[0].int();
            decide_in(t, &administrator(), uuid, revision, decision, reason)
        })
    }
}

// ---------------------------------------------------------------- public query

/// People on file through an entry filing who have not completed collection, by name; ID
/// numbers masked.
async fn uncollected(State(s): State<Server>, Params(q): Params<NameQuery>) -> Result<Json<Vec<Uncollected>>, ApiError> {
    let name = q.name.trim().to_string();
    if name.chars().count() < 2 {
        return Err(ApiError::bad_request("请输入完整姓名（至少 2 个字）", "Give the full name (at least 2 characters)"));
    }
    let rows =
        s.db.run(|t| {
            t.rows(
                "SELECT person, data, form FROM submissions s WHERE form IN ('entry_qualified', 'entry_unit') AND state = 'accepted'
                 AND NOT EXISTS (SELECT 1 FROM submissions c WHERE c.person = s.person AND c.form = 'collection' AND c.state = 'accepted')",
                &[],
            )
        })
        .await?;
    let mut out: Vec<Uncollected> = Vec::new();
    for r in rows {
        let data: Value = serde_json::from_str(&r[1].text()).unwrap_or(Value::Null);
        let n = caiji_forms::text_at(&data, "person.name");
        let id = ids::mask_id(&r[0].text());
        if n == name && !out.iter().any(|u| u.id_number == id) {
            out.push(Uncollected { name: n, id_number: id });
        }
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sign-in whose password check ran while a reset set a new password makes no session:
    /// the reset ended every session, and this one would outlive it.
    #[test]
    fn a_session_is_not_made_with_a_password_replaced_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::sqlite(dir.path()).unwrap();
        let a = server.add_account(AccountKind::Person, "150102199003071237", "old-secret-1", "张三", "").unwrap();
        let old = server.db.tx(|t| Ok(t.row("SELECT password FROM accounts WHERE id = ?", vals![&a.id])?.unwrap()[0].text())).unwrap();
        assert!(server.db.tx(|t| open_session(t, &a.id, &old, "t1", now_ms() + 1000)).unwrap(), "the password as checked");
        server.db.tx(|t| t.exec("UPDATE accounts SET password = 'new' WHERE id = ?", vals![&a.id])).unwrap();
        assert!(!server.db.tx(|t| open_session(t, &a.id, &old, "t2", now_ms() + 1000)).unwrap(), "replaced meanwhile");
        let n = server.db.tx(|t| Ok(t.rows("SELECT token FROM sessions", &[])?.len())).unwrap();
        assert_eq!(n, 1);
    }
}
