//! Each person's record as the server holds it: their accepted filings (oldest first), a
//! 履历 waiting for review (declared: not declared again), and the baseline an authority set
//! from the online system's record ("on file and in good standing up to year N"). The guide's
//! rules run on it (`caiji_forms::record`) exactly as the app runs them on its drafts.
//!
//! `PUT /people/{id}/baseline`: an authority of the person's 管理地区 (or every region) sets or
//! withdraws the baseline; `GET /people/{id}/standing`: the person themself (proven), an
//! authority of their region, and the unit the record names see where the record stands.
use crate::access::{account, Server};
use crate::db::Tx;
use crate::error::ApiError;
use crate::wire::Body;
use crate::{now_ms, vals};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use caiji_forms::record::{self, Filed, Record};
use caiji_protocol::{Account, AccountKind, Baseline, Standing};
use serde_json::Value;

/// The record of `person` on the server as `viewer` may know it: accepted filings (not
/// `except`, the one being filed), in the order they were filed, and the baseline; a 履历
/// submitted by a proven account and not yet reviewed counts as declared. An account that only
/// claims its login judges on its own filings alone: a refusal's words (a registered date, a
/// status) must not tell a stranger about someone else's record, and its pending 履历 does not
/// use up the person's one declaration.
pub(crate) fn record(t: &mut dyn Tx, person: &str, except: &str, viewer: &Account) -> Result<Record, ApiError> {
    let mine = !viewer.verified && viewer.kind != AccountKind::Authority;
    let rows = t.rows(
        "SELECT form, data, state, created FROM submissions WHERE person = ? AND uuid <> ? AND (? = 0 OR account = ?)
         AND (state = 'accepted' OR (state = 'submitted' AND form = 'history' AND (filed_verified = 1 OR (? = 1 AND account = ?))))
         ORDER BY created, uuid",
        vals![person, except, mine as i64, &viewer.id, mine as i64, &viewer.id],
    )?;
    let parsed: Vec<(String, Value, bool, i64)> =
        rows.iter().map(|r| (r[0].text(), serde_json::from_str(&r[1].text()).unwrap_or(Value::Null), r[2].text() == "accepted", r[3].int())).collect();
    let filed: Vec<Filed> = parsed.iter().filter(|p| p.2).map(|(f, d, _, when)| Filed { form: f, data: d, declared: true, when: *when }).collect();
    let mut rec = record::record_of(&filed);
    rec.person.history_declared |= parsed.iter().any(|(f, _, ok, _)| !ok && f == "history");
    // The server's accepted filings are the system's record: every assessment filed is here.
    rec.person.complete = !mine;
    if !mine {
        rec.person.good_to = t.row("SELECT good_to FROM baselines WHERE person = ?", vals![person])?.map(|r| r[0].int() as u32);
    }
    Ok(rec)
}

/// The forms that place or move a person: reviewed where they say, never re-routed.
const PLACING: [&str; 6] = ["collection", "entry_qualified", "entry_unit", "transfer_within", "transfer_in", "transfer_out"];

/// Is `form` one that places or moves a person?
pub(crate) fn places(form: &str) -> bool {
    PLACING.contains(&form)
}

/// Where a person not yet placed by an accepted filing will be managed: the 管理地区 of their
/// waiting collection (else entry) filed by the person's own proven account or by `filer`
/// itself — nobody else can steer someone's filings to a region —; else, for a unit's filing,
/// where the unit's own accepted entry filings are. A filing sent with the collection that
/// places the person then reaches the same reviewer.
pub(crate) fn pending_authority(t: &mut dyn Tx, person: &str, filer: &Account) -> Result<Option<String>, ApiError> {
    let parse = |r: Vec<crate::db::Val>| record::authority_in(&serde_json::from_str(&r[0].text()).unwrap_or(Value::Null), "authority");
    let pending = t.row(
        "SELECT s.data FROM submissions s JOIN accounts a ON a.id = s.account
         WHERE s.person = ? AND s.state = 'submitted' AND s.form IN ('collection', 'entry_qualified', 'entry_unit')
         AND (s.account = ? OR (a.login = ? AND s.filed_verified = 1))
         ORDER BY CASE WHEN s.form = 'collection' THEN 0 ELSE 1 END, s.created DESC, s.uuid LIMIT 1",
        vals![person, &filer.id, person],
    )?;
    if let Some(r) = pending {
        return Ok(parse(r));
    }
    if filer.kind != AccountKind::Unit {
        return Ok(None);
    }
    let own = t.row(
        "SELECT data FROM submissions WHERE account = ? AND form = 'entry_unit' AND state = 'accepted' ORDER BY created DESC, uuid LIMIT 1",
        vals![&filer.id],
    )?;
    Ok(own.and_then(parse))
}

/// After a filing that places or moves `person` is accepted or returned, their filings still
/// waiting for review go to the reviewer their record now names (the province's while nothing
/// places them). A move out of Inner Mongolia leaves them with the reviewer they had. One
/// statement, whatever the number of filings waiting.
pub(crate) fn reroute(t: &mut dyn Tx, person: &str) -> Result<(), ApiError> {
    let admin = crate::access::administrator();
    let placed = record(t, person, "", &admin)?.authority;
    let region = match placed {
        Some(r) => Some(r),
        None => pending_authority(t, person, &admin)?,
    }
    .unwrap_or_else(|| record::INNER_MONGOLIA.to_string());
    if !region.starts_with(record::INNER_MONGOLIA) {
        return Ok(());
    }
    let sql = format!(
        "UPDATE submissions SET region = ? WHERE person = ? AND state = 'submitted' AND region <> ? AND form NOT IN ({})",
        PLACING.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ")
    );
    t.exec(&sql, vals![&region, person, &region])?;
    Ok(())
}

/// May `a` see where `person` stands? The person (proven), an authority whose region holds the
/// person's 管理地区, the unit the record names (proven).
fn may_see_person(a: &Account, person: &str, rec: &Record) -> bool {
    match a.kind {
        _ if !a.verified => false,
        AccountKind::Person => a.login == person,
        AccountKind::Unit => rec.unit.as_deref() == Some(a.login.as_str()),
        AccountKind::Authority => reviews(a, rec),
    }
}

/// Is the person's 管理地区 inside the authority's region? (Unknown: only an all-regions one.)
fn reviews(a: &Account, rec: &Record) -> bool {
    a.region.is_empty() || rec.authority.as_deref().is_some_and(|r| r.starts_with(&a.region))
}

fn standing_of(person: &str, rec: &Record) -> Standing {
    let (year, month, _) = caiji_base::time::today();
    let v = rec.verdict((year, month));
    Standing {
        person: caiji_base::ids::mask_id(person),
        year,
        status: serde_json::to_value(v.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        status_name: v.status_name,
        missing: v.missing,
        good_to: rec.person.good_to,
        authority: rec.authority.clone(),
        collected: rec.collected,
        years_of_work: v.years_of_work,
        years_at_least: v.years_at_least,
        obligations: v.obligations.into_iter().map(|o| o.message).collect(),
    }
}

fn valid_person(id: &str) -> Result<String, ApiError> {
    let id = id.trim().to_uppercase();
    if caiji_base::ids::valid_resident_id(&id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request("证件号码应为有效的居民身份证号码", "Not a valid resident ID number"))
    }
}

pub(crate) async fn standing(State(s): State<Server>, h: HeaderMap, Path(id): Path<String>) -> Result<Json<Standing>, ApiError> {
    let a = account(&s, &h).await?;
    let id = valid_person(&id)?;
    let rec = {
        let id = id.clone();
        let a = a.clone();
        s.db.run(move |t| record(t, &id, "", &a)).await?
    };
    if !may_see_person(&a, &id, &rec) {
        return Err(ApiError::not_found("这个人的档案"));
    }
    Ok(Json(standing_of(&id, &rec)))
}

/// Sets or withdraws (`good_to: null`) a person's baseline: an authority of their region.
pub(crate) async fn set_baseline(State(s): State<Server>, h: HeaderMap, Path(id): Path<String>, Body(b): Body<Baseline>) -> Result<Json<Standing>, ApiError> {
    let a = account(&s, &h).await?;
    if a.kind != AccountKind::Authority {
        return Err(ApiError::forbidden());
    }
    let id = valid_person(&id)?;
    s.db.run(move |t| {
        let rec = record(t, &id, "", &a)?;
        if !reviews(&a, &rec) {
            return Err(ApiError::not_found("这个人的档案"));
        }
        put_baseline(t, &id, b.good_to, &a.login)?;
        Ok(Json(standing_of(&id, &record(t, &id, "", &a)?)))
    })
    .await
}

/// Stores a baseline (a year from 1980 to last year), or removes it.
pub(crate) fn put_baseline(t: &mut dyn Tx, person: &str, good_to: Option<u32>, by: &str) -> Result<(), ApiError> {
    let Some(y) = good_to else {
        t.exec("DELETE FROM baselines WHERE person = ?", vals![person])?;
        return Ok(());
    };
    let last = caiji_base::time::today().0 - 1;
    if !(1980..=last).contains(&y) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("年份应在 1980 到 {last} 年之间（今年尚未结束）"),
            format!("The year must be from 1980 to {last} (this year is not over)"),
        ));
    }
    // One statement both engines take, so two authorities at once cannot collide on the key.
    t.exec(
        "INSERT INTO baselines (person, good_to, set_by, updated) VALUES (?, ?, ?, ?)
         ON CONFLICT (person) DO UPDATE SET good_to = excluded.good_to, set_by = excluded.set_by, updated = excluded.updated",
        vals![person, y as i64, by, now_ms()],
    )?;
    Ok(())
}

impl Server {
    /// Sets a person's baseline on the server machine (the admin command: the online system's
    /// record imported).
    pub fn set_baseline(&self, person: &str, good_to: Option<u32>) -> Result<Standing, ApiError> {
        let id = valid_person(person)?;
        self.db.tx(|t| {
            put_baseline(t, &id, good_to, "ADMIN")?;
            Ok(standing_of(&id, &record(t, &id, "", &crate::access::administrator())?))
        })
    }
}
