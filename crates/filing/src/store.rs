//! The drafts store: filings drafted offline, kept safe in SQLite (WAL, foreign keys, schema
//! migrations) in the app's data folder, with their attachments stored by content hash beside
//! the database.
//!
//! Every change is committed as it is made (autosave), so a crash loses at most the change
//! being typed. A draft moves draft → finalized (only without errors) → queued → sent →
//! accepted | returned (with the reason) | failed; editing a finalized or returned draft makes
//! it a draft again. Revisions are kept: one per state change, and one per autosave at least a
//! minute after the last.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_base::time::now_ms;
use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The schema, one step per release that changed it. Never edit a step: add one.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE drafts (
            id TEXT PRIMARY KEY,
            form TEXT NOT NULL,
            form_version INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft','finalized','queued','sent','accepted','returned','failed')),
            reason TEXT,
            data TEXT NOT NULL,
            revision INTEGER NOT NULL DEFAULT 1,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL
        );
        CREATE INDEX drafts_updated ON drafts(updated);
        CREATE TABLE revisions (
            draft TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            state TEXT NOT NULL,
            data TEXT NOT NULL,
            saved INTEGER NOT NULL,
            PRIMARY KEY (draft, revision)
        );
        CREATE TABLE attachments (
            hash TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL,
            spec TEXT,
            added INTEGER NOT NULL
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started INTEGER NOT NULL,
            ended INTEGER
        );",
        ),
        // 2: the unit workspace (a unit, its staff roster) and drafts linked to a person (ID
        // number), a unit, and the registered record a change was made from.
        M::up(
            "CREATE TABLE units (
            uscc TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            region TEXT NOT NULL DEFAULT '',
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL
        );
        CREATE TABLE staff (
            unit TEXT NOT NULL REFERENCES units(uscc) ON DELETE CASCADE,
            id_number TEXT NOT NULL,
            name TEXT NOT NULL,
            data TEXT NOT NULL,
            added INTEGER NOT NULL,
            PRIMARY KEY (unit, id_number)
        );
        ALTER TABLE drafts ADD COLUMN unit TEXT REFERENCES units(uscc) ON DELETE SET NULL;
        ALTER TABLE drafts ADD COLUMN person TEXT;
        ALTER TABLE drafts ADD COLUMN origin TEXT;
        CREATE INDEX drafts_person ON drafts(person);
        CREATE INDEX drafts_unit ON drafts(unit);",
        ),
        // 3: the outbox (finalized filings waiting to be sent, with their retries), the server's
        // revision of each draft (an edit names it), and the sync client's settings.
        M::up(
            "ALTER TABLE drafts ADD COLUMN remote_revision INTEGER;
        CREATE TABLE outbox (
            draft TEXT PRIMARY KEY REFERENCES drafts(id) ON DELETE CASCADE,
            queued INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER NOT NULL,
            last_error TEXT
        );
        CREATE TABLE sync_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );",
        ),
        // 4: 自治区直属 is the 管理地区 `1500` (caiji_forms::record::DIRECT), no longer the
        // province's code.
        M::up("UPDATE units SET region = '1500' WHERE region = '150000';"),
    ])
}

impl std::str::FromStr for State {
    type Err = Error;
    /// A state this version does not know is an error (a database written by a newer version),
    /// never silently a draft.
    fn from_str(s: &str) -> Result<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            Error::invalid(format!("草稿状态“{s}”无法识别（由较新版本写入？）"), format!("Unknown draft state {s:?} (written by a newer version?)"))
        })
    }
}

impl rusqlite::types::FromSql for State {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<State> {
        v.as_str()?.parse().map_err(|e: Error| rusqlite::types::FromSqlError::Other(Box::new(std::io::Error::other(e.msg().en))))
    }
}

/// Where a draft is on its way to the online system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "DraftState")]
pub enum State {
    Draft,
    Finalized,
    Queued,
    Sent,
    Accepted,
    Returned,
    Failed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Finalized => "finalized",
            State::Queued => "queued",
            State::Sent => "sent",
            State::Accepted => "accepted",
            State::Returned => "returned",
            State::Failed => "failed",
        }
    }

    pub const ALL: [State; 7] = [State::Draft, State::Finalized, State::Queued, State::Sent, State::Accepted, State::Returned, State::Failed];

    /// The moves [`Store::set_state`] allows. Finalizing needs the form's verdict and is
    /// [`Store::finalize`]; editing, which makes a draft again, is [`Store::autosave`].
    pub fn can_go(self, to: State) -> bool {
        use State::*;
        matches!(
            (self, to),
            (Finalized, Queued)
                | (Finalized, Draft)
                | (Queued, Sent)
                | (Queued, Failed)
                | (Sent, Accepted)
                | (Sent, Returned)
                | (Sent, Failed)
                | (Failed, Queued)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub form: String,
    pub form_version: u32,
    pub title: String,
    pub state: State,
    /// Why it was returned or failed.
    pub reason: Option<String>,
    pub data: Value,
    pub revision: u32,
    /// Milliseconds since 1970.
    pub created: i64,
    pub updated: i64,
    /// The person's ID number (from the form's person fields).
    #[serde(default)]
    pub person: Option<String>,
    /// The unit (credit code) whose workspace it belongs to.
    #[serde(default)]
    pub unit: Option<String>,
    /// For a change: the registered values it was made from (fixed fields are checked against it).
    #[serde(default)]
    pub origin: Option<Value>,
    /// The server's revision of this filing once sent (an edit sent later replaces it).
    #[serde(default)]
    pub remote_revision: Option<i64>,
}

/// What a new draft is linked to.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub person: Option<String>,
    pub unit: Option<String>,
    pub origin: Option<Value>,
}

/// An employer whose finance office prepares its staff's filings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Unified social credit code (GB 32100).
    pub uscc: String,
    pub name: String,
    /// The authority's region (free text: 盟市、旗县区).
    #[serde(default)]
    pub region: String,
}

/// One person on a unit's roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub unit: String,
    pub id_number: String,
    pub name: String,
    /// The roster's other columns, by field id (sex, birth, mobile, post, appointed…).
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub revision: u32,
    pub state: State,
    pub data: Value,
    pub saved: i64,
}

/// What the last run left: whether it ended without closing the store, and the drafts changed
/// during it (to offer "recover your work?").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastRun {
    pub crashed: bool,
    pub changed: Vec<String>,
}

/// A new revision is kept for an autosave at least this long after the last one.
const REVISION_EVERY_MS: i64 = 60_000;

pub struct Store {
    conn: Connection,
    dir: PathBuf,
    session: Option<i64>,
}

fn db_error(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("草稿数据库出错：{e}"), format!("Drafts database error: {e}"))
}

impl Store {
    /// Opens (or creates) the store in `dir`: `drafts.sqlite` and `attachments/`. Brings the
    /// schema up to date in one transaction.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir.join("attachments")).map_err(|e| Error::io(dir, e))?;
        let mut conn = Connection::open(dir.join("drafts.sqlite")).map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
        // NORMAL in WAL mode: a committed change survives the app being killed (the WAL is in
        // the OS); only a power cut may lose the last moments.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_error)?;
        migrations().to_latest(&mut conn).map_err(db_error)?;
        Ok(Store { conn, dir: dir.to_path_buf(), session: None })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the database (the number of migration steps applied).
    pub fn schema_version(&self) -> Result<usize> {
        let v: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db_error)?;
        Ok(v as usize)
    }

    /// Marks the start of a run and tells what the last one left.
    pub fn begin_session(&mut self) -> Result<LastRun> {
        let last: Option<(i64, Option<i64>)> = self
            .conn
            .query_row("SELECT started, ended FROM sessions ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db_error)?;
        let out = match last {
            Some((started, None)) => {
                let mut st = self.conn.prepare("SELECT id FROM drafts WHERE updated >= ?1 ORDER BY updated DESC").map_err(db_error)?;
                let changed = st.query_map([started], |r| r.get(0)).map_err(db_error)?.collect::<std::result::Result<Vec<String>, _>>().map_err(db_error)?;
                LastRun { crashed: true, changed }
            }
            _ => LastRun { crashed: false, changed: Vec::new() },
        };
        self.conn.execute("INSERT INTO sessions (started) VALUES (?1)", [now_ms()]).map_err(db_error)?;
        self.session = Some(self.conn.last_insert_rowid());
        Ok(out)
    }

    /// Marks a clean end of the run (the app closing normally).
    pub fn end_session(&mut self) -> Result<()> {
        if let Some(id) = self.session.take() {
            self.conn.execute("UPDATE sessions SET ended = ?1 WHERE id = ?2", params![now_ms(), id]).map_err(db_error)?;
        }
        Ok(())
    }

    /// A new draft of `form` with `data`; its id is a fresh UUID (later the submission's).
    pub fn create(&self, form: &str, form_version: u32, title: &str, data: &Value) -> Result<Draft> {
        self.create_linked(form, form_version, title, data, &Links::default())
    }

    /// A new draft linked to a person, a unit, or the record a change starts from.
    pub fn create_linked(&self, form: &str, form_version: u32, title: &str, data: &Value, links: &Links) -> Result<Draft> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let text = data.to_string();
        let origin = links.origin.as_ref().map(Value::to_string);
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        tx.execute(
            "INSERT INTO drafts (id, form, form_version, title, data, created, updated, person, unit, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)",
            params![id, form, form_version, title, text, now, links.person, links.unit, origin],
        )
        .map_err(db_error)?;
        tx.execute("INSERT INTO revisions (draft, revision, state, data, saved) VALUES (?1, 1, 'draft', ?2, ?3)", params![id, text, now]).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        self.get(&id)
    }

    pub fn get(&self, id: &str) -> Result<Draft> {
        self.conn
            .query_row(&format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ?1"), [id], row_to_draft)
            .optional()
            .map_err(db_error)?
            .ok_or_else(|| not_found(id))
    }

    /// Every draft, the most recently changed first.
    pub fn list(&self) -> Result<Vec<Draft>> {
        self.drafts_where("1", [])
    }

    /// A person's drafts (by ID number), the most recently changed first.
    pub fn of_person(&self, id_number: &str) -> Result<Vec<Draft>> {
        self.drafts_where("person = ?1", [id_number])
    }

    /// A unit's drafts, the most recently changed first.
    pub fn of_unit(&self, uscc: &str) -> Result<Vec<Draft>> {
        self.drafts_where("unit = ?1", [uscc])
    }

    fn drafts_where<P: rusqlite::Params>(&self, cond: &str, p: P) -> Result<Vec<Draft>> {
        let mut st = self.conn.prepare(&format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE {cond} ORDER BY updated DESC")).map_err(db_error)?;
        let rows = st.query_map(p, row_to_draft).map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    /// Adds or renames a unit.
    pub fn put_unit(&self, u: &Unit) -> Result<()> {
        upsert_unit(&self.conn, u)
    }

    pub fn units(&self) -> Result<Vec<Unit>> {
        let mut st = self.conn.prepare("SELECT uscc, name, region FROM units ORDER BY name").map_err(db_error)?;
        let rows = st.query_map([], |r| Ok(Unit { uscc: r.get(0)?, name: r.get(1)?, region: r.get(2)? })).map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    pub fn unit(&self, uscc: &str) -> Result<Unit> {
        self.units()?
            .into_iter()
            .find(|u| u.uscc == uscc)
            .ok_or_else(|| Error::invalid(format!("没有统一社会信用代码为 {uscc} 的单位"), format!("No unit {uscc}")))
    }

    /// Adds or updates staff on a unit's roster, all or none.
    pub fn put_staff(&self, staff: &[Staff]) -> Result<()> {
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        upsert_staff(&tx, staff)?;
        tx.commit().map_err(db_error)
    }

    /// A unit's roster, by name.
    pub fn staff(&self, uscc: &str) -> Result<Vec<Staff>> {
        let mut st = self.conn.prepare("SELECT unit, id_number, name, data FROM staff WHERE unit = ?1 ORDER BY name, id_number").map_err(db_error)?;
        let rows = st
            .query_map([uscc], |r| {
                let data: String = r.get(3)?;
                Ok(Staff { unit: r.get(0)?, id_number: r.get(1)?, name: r.get(2)?, data: serde_json::from_str(&data).unwrap_or(Value::Null) })
            })
            .map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    /// Saves the draft's values now (every change in the editor). A finalized or returned
    /// draft becomes a draft again; one already on its way (queued, sent) or accepted cannot
    /// be edited.
    pub fn autosave(&self, id: &str, title: &str, data: &Value) -> Result<Draft> {
        self.autosave_as(id, title, None, data)
    }

    /// [`Store::autosave`], also re-linking the draft to the person whose ID number it now holds.
    pub fn autosave_as(&self, id: &str, title: &str, person: Option<&str>, data: &Value) -> Result<Draft> {
        let d = self.get(id)?;
        if matches!(d.state, State::Queued | State::Sent | State::Accepted) {
            return Err(Error::invalid(
                format!("此填报已{}，不能再修改", state_name(d.state).zh),
                format!("This filing is {}: it cannot be edited", state_name(d.state).en),
            ));
        }
        // Finalized is locked until it is opened for editing again (重新编辑): a save that slips
        // through never turns it back into a draft behind the person's back.
        if d.state == State::Finalized {
            return Err(Error::invalid("此填报已定稿：要修改请先点“重新编辑”", "This filing is finalized: choose \"Edit again\" to change it"));
        }
        let now = now_ms();
        let text = data.to_string();
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        let last_saved: i64 =
            tx.query_row("SELECT MAX(saved) FROM revisions WHERE draft = ?1", [id], |r| r.get::<_, Option<i64>>(0)).map_err(db_error)?.unwrap_or(0);
        let keep = d.state != State::Draft || now - last_saved >= REVISION_EVERY_MS;
        let revision = if keep { d.revision + 1 } else { d.revision };
        tx.execute(
            "UPDATE drafts SET data = ?2, title = ?3, state = 'draft', reason = NULL, revision = ?4, updated = ?5, person = COALESCE(?6, person) WHERE id = ?1",
            params![id, text, title, revision, now, person],
        )
        .map_err(db_error)?;
        if keep {
            tx.execute("INSERT INTO revisions (draft, revision, state, data, saved) VALUES (?1, ?2, 'draft', ?3, ?4)", params![id, revision, text, now])
                .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)?;
        self.get(id)
    }

    /// Moves a draft along the workflow; `reason` for returned and failed. Finalizing is
    /// [`Store::finalize`] (it needs the form's verdict).
    pub fn set_state(&self, id: &str, to: State, reason: Option<&str>) -> Result<Draft> {
        let d = self.get(id)?;
        if !d.state.can_go(to) {
            return Err(Error::invalid(
                format!("不能从“{}”改为“{}”", state_name(d.state).zh, state_name(to).zh),
                format!("Cannot go from {} to {}", state_name(d.state).en, state_name(to).en),
            ));
        }
        self.record_state(&d, to, reason)
    }

    /// Finalizes a draft when its form has no problems left (`problems` from
    /// [`caiji_forms::Forms::validate`]); else says how many remain.
    pub fn finalize(&self, id: &str, problems: &[caiji_forms::Problem]) -> Result<Draft> {
        let d = self.get(id)?;
        if d.state != State::Draft {
            return Err(Error::invalid(
                format!("只有草稿才能定稿（现在是“{}”）", state_name(d.state).zh),
                format!("Only a draft can be finalized (it is {})", state_name(d.state).en),
            ));
        }
        if !problems.is_empty() {
            return Err(Error::invalid(
                format!("还有 {} 处需要修改，改完才能定稿", problems.len()),
                format!("{} problems left: fix them to finalize", problems.len()),
            ));
        }
        self.record_state(&d, State::Finalized, None)
    }

    fn record_state(&self, d: &Draft, to: State, reason: Option<&str>) -> Result<Draft> {
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        self.record_state_in(&tx, d, to, reason)?;
        tx.commit().map_err(db_error)?;
        self.get(&d.id)
    }

    /// The state change and its revision, inside the caller's transaction.
    fn record_state_in(&self, tx: &Connection, d: &Draft, to: State, reason: Option<&str>) -> Result<Draft> {
        let now = now_ms();
        tx.execute("UPDATE drafts SET state = ?2, reason = ?3, revision = revision + 1, updated = ?4 WHERE id = ?1", params![d.id, to.as_str(), reason, now])
            .map_err(db_error)?;
        tx.execute(
            "INSERT INTO revisions (draft, revision, state, data, saved) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.id, d.revision + 1, to.as_str(), d.data.to_string(), now],
        )
        .map_err(db_error)?;
        Ok(Draft { state: to, reason: reason.map(str::to_string), revision: d.revision + 1, updated: now, ..d.clone() })
    }

    pub fn revisions(&self, id: &str) -> Result<Vec<Revision>> {
        let mut st = self.conn.prepare("SELECT revision, state, data, saved FROM revisions WHERE draft = ?1 ORDER BY revision").map_err(db_error)?;
        let rows = st
            .query_map([id], |r| {
                let data: String = r.get(2)?;
                Ok(Revision { revision: r.get(0)?, state: r.get(1)?, data: serde_json::from_str(&data).unwrap_or(Value::Null), saved: r.get(3)? })
            })
            .map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    /// Deletes a draft that has not been sent (its revisions go with it).
    pub fn delete(&self, id: &str) -> Result<()> {
        let d = self.get(id)?;
        if matches!(d.state, State::Queued | State::Sent) {
            return Err(Error::invalid("正在上报的填报不能删除", "A filing on its way cannot be deleted"));
        }
        self.conn.execute("DELETE FROM drafts WHERE id = ?1", [id]).map_err(db_error)?;
        // A conflict kept for it by the sync client goes with it.
        self.conn.execute("DELETE FROM sync_meta WHERE key = 'conflict:' || ?1", [id]).map_err(db_error)?;
        Ok(())
    }

    /// Stores an attachment's bytes by content hash (written atomically, once) and returns the
    /// hash a draft keeps: a draft never points to a person's original file.
    pub fn put_attachment(&self, bytes: &[u8], spec: Option<&str>) -> Result<String> {
        use sha2::Digest;
        let hash = format!("{:x}", sha2::Sha256::digest(bytes));
        let path = self.attachment_path(&hash);
        if !path.exists() {
            caiji_base::fsio::write_atomic(&path, bytes)?;
        }
        self.conn
            .execute("INSERT OR IGNORE INTO attachments (hash, bytes, spec, added) VALUES (?1, ?2, ?3, ?4)", params![hash, bytes.len() as i64, spec, now_ms()])
            .map_err(db_error)?;
        Ok(hash)
    }

    pub fn attachment_path(&self, hash: &str) -> PathBuf {
        self.dir.join("attachments").join(format!("{hash}.jpg"))
    }

    /// Puts a finalized draft in the outbox: queued, to be sent when the server is reachable.
    pub fn queue(&self, id: &str) -> Result<Draft> {
        let d = self.get(id)?;
        if !matches!(d.state, State::Finalized | State::Failed) {
            return Err(Error::invalid(
                format!("只有已定稿的填报才能上报（现在是“{}”）", state_name(d.state).zh),
                format!("Only a finalized filing can be sent (it is {})", state_name(d.state).en),
            ));
        }
        let now = now_ms();
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        tx.execute("INSERT OR REPLACE INTO outbox (draft, queued, attempts, next_at) VALUES (?1, ?2, 0, ?2)", params![id, now]).map_err(db_error)?;
        let d = self.record_state_in(&tx, &d, State::Queued, None)?;
        tx.commit().map_err(db_error)?;
        Ok(d)
    }

    /// Outbox entries due at `now`, the oldest first.
    pub fn due(&self, now: i64) -> Result<Vec<Outbox>> {
        self.outbox_where("next_at <= ?1", now)
    }

    /// Everything in the outbox.
    pub fn outbox(&self) -> Result<Vec<Outbox>> {
        self.outbox_where("?1 = ?1", 0)
    }

    fn outbox_where(&self, cond: &str, p: i64) -> Result<Vec<Outbox>> {
        let mut st =
            self.conn.prepare(&format!("SELECT draft, queued, attempts, next_at, last_error FROM outbox WHERE {cond} ORDER BY queued")).map_err(db_error)?;
        let rows = st
            .query_map([p], |r| Ok(Outbox { draft: r.get(0)?, queued: r.get(1)?, attempts: r.get(2)?, next_at: r.get(3)?, last_error: r.get(4)? }))
            .map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    /// A try that did not reach the server: stays queued, tried again at `next_at`.
    pub fn retry_later(&self, id: &str, error: &str, next_at: i64) -> Result<()> {
        self.conn
            .execute("UPDATE outbox SET attempts = attempts + 1, next_at = ?2, last_error = ?3 WHERE draft = ?1", params![id, next_at, error])
            .map_err(db_error)?;
        Ok(())
    }

    /// The server's receipt for a queued draft: stored with the state change, and only then is
    /// the outbox entry removed (one transaction).
    pub fn record_sent(&self, id: &str, remote_revision: i64) -> Result<Draft> {
        let d = self.get(id)?;
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        tx.execute("UPDATE drafts SET remote_revision = ?2 WHERE id = ?1", params![id, remote_revision]).map_err(db_error)?;
        let d = if d.state == State::Queued { self.record_state_in(&tx, &d, State::Sent, None)? } else { d };
        tx.execute("DELETE FROM outbox WHERE draft = ?1", [id]).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        self.get(&d.id)
    }

    /// The server refused a queued draft for good (it needs the person): failed, with why.
    pub fn record_failed(&self, id: &str, reason: &str) -> Result<Draft> {
        let d = self.get(id)?;
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        let d = self.record_state_in(&tx, &d, State::Failed, Some(reason))?;
        tx.execute("DELETE FROM outbox WHERE draft = ?1", [id]).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(d)
    }

    /// A review result pulled from the server for a sent draft (accepted, or returned with the
    /// reason); nothing for a draft edited here since.
    pub fn record_review(&self, id: &str, to: State, reason: Option<&str>, remote_revision: i64) -> Result<Option<Draft>> {
        let d = self.get(id)?;
        if d.state != State::Sent || d.remote_revision != Some(remote_revision) {
            return Ok(None);
        }
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        let d = self.record_state_in(&tx, &d, to, reason)?;
        tx.commit().map_err(db_error)?;
        Ok(Some(d))
    }

    /// Takes the server's copy of a filing (the authoritative record): it replaces this
    /// machine's (leaving the outbox), or is added when this machine has never seen it (a new
    /// computer, a cleared folder). `d` carries the id, form, title, person, data, state, reason,
    /// remote revision and, for a new one, the unit; the local revision history keeps what was
    /// here before.
    pub fn adopt(&self, d: &Draft) -> Result<Draft> {
        let now = now_ms();
        let text = d.data.to_string();
        let tx = self.conn.unchecked_transaction().map_err(db_error)?;
        let revision = match tx.query_row("SELECT revision FROM drafts WHERE id = ?1", [&d.id], |r| r.get::<_, u32>(0)).optional().map_err(db_error)? {
            Some(r) => {
                tx.execute(
                    "UPDATE drafts SET form = ?2, form_version = ?3, title = ?4, state = ?5, reason = ?6, data = ?7, revision = ?8, updated = ?9,
                     person = COALESCE(?10, person), remote_revision = ?11 WHERE id = ?1",
                    params![d.id, d.form, d.form_version, d.title, d.state.as_str(), d.reason, text, r + 1, now, d.person, d.remote_revision],
                )
                .map_err(db_error)?;
                tx.execute("DELETE FROM outbox WHERE draft = ?1", [&d.id]).map_err(db_error)?;
                r + 1
            }
            None => {
                tx.execute(
                    "INSERT INTO drafts (id, form, form_version, title, state, reason, data, revision, created, updated, person, unit, remote_revision)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9, ?10, ?11)",
                    params![d.id, d.form, d.form_version, d.title, d.state.as_str(), d.reason, text, now, d.person, d.unit, d.remote_revision],
                )
                .map_err(db_error)?;
                1
            }
        };
        tx.execute(
            "INSERT INTO revisions (draft, revision, state, data, saved) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.id, revision, d.state.as_str(), text, now],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        self.get(&d.id)
    }

    /// Sets the server revision an edit of this draft will replace (keeping this machine's
    /// version after a conflict).
    pub fn set_remote_revision(&self, id: &str, remote_revision: i64) -> Result<()> {
        self.conn.execute("UPDATE drafts SET remote_revision = ?2 WHERE id = ?1", params![id, remote_revision]).map_err(db_error)?;
        Ok(())
    }

    /// How many drafts are in each state.
    pub fn count_by_state(&self) -> Result<Vec<(State, usize)>> {
        let mut st = self.conn.prepare("SELECT state, COUNT(*) FROM drafts GROUP BY state").map_err(db_error)?;
        let rows = st.query_map([], |r| Ok((r.get::<_, State>(0)?, r.get::<_, i64>(1)? as usize))).map_err(db_error)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(db_error)
    }

    pub fn delete_meta(&self, key: &str) -> Result<()> {
        self.conn.execute("DELETE FROM sync_meta WHERE key = ?1", [key]).map_err(db_error)?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn.query_row("SELECT value FROM sync_meta WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(db_error)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute("INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?1, ?2)", params![key, value]).map_err(db_error)?;
        Ok(())
    }
}

/// A finalized draft waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outbox {
    pub draft: String,
    pub queued: i64,
    pub attempts: u32,
    pub next_at: i64,
    pub last_error: Option<String>,
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.end_session();
    }
}

/// Adds or renames a unit on `conn` (inside the caller's transaction, if any).
pub(crate) fn upsert_unit(conn: &Connection, u: &Unit) -> Result<()> {
    conn.execute(
        "INSERT INTO units (uscc, name, region, created, updated) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT(uscc) DO UPDATE SET name = ?2, region = ?3, updated = ?4",
        params![u.uscc, u.name, u.region, now_ms()],
    )
    .map_err(db_error)?;
    Ok(())
}

pub(crate) fn upsert_staff(conn: &Connection, staff: &[Staff]) -> Result<()> {
    let now = now_ms();
    for s in staff {
        conn.execute(
            "INSERT INTO staff (unit, id_number, name, data, added) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(unit, id_number) DO UPDATE SET name = ?3, data = ?4",
            params![s.unit, s.id_number, s.name, s.data.to_string(), now],
        )
        .map_err(db_error)?;
    }
    Ok(())
}

const DRAFT_COLUMNS: &str = "id, form, form_version, title, state, reason, data, revision, created, updated, person, unit, origin, remote_revision";

fn row_to_draft(r: &rusqlite::Row) -> rusqlite::Result<Draft> {
    let data: String = r.get(6)?;
    let origin: Option<String> = r.get(12)?;
    Ok(Draft {
        id: r.get(0)?,
        form: r.get(1)?,
        form_version: r.get(2)?,
        title: r.get(3)?,
        state: r.get(4)?,
        reason: r.get(5)?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        revision: r.get(7)?,
        created: r.get(8)?,
        updated: r.get(9)?,
        person: r.get(10)?,
        unit: r.get(11)?,
        origin: origin.and_then(|o| serde_json::from_str(&o).ok()),
        remote_revision: r.get(13)?,
    })
}

fn not_found(id: &str) -> Error {
    Error::invalid(format!("没有编号为 {id} 的草稿"), format!("No draft {id}"))
}

/// The state's name in both languages.
pub fn state_name(s: State) -> Msg {
    match s {
        State::Draft => Msg::new("草稿", "draft"),
        State::Finalized => Msg::new("已定稿", "finalized"),
        State::Queued => Msg::new("待上报", "queued"),
        State::Sent => Msg::new("已上报", "sent"),
        State::Accepted => Msg::new("已通过", "accepted"),
        State::Returned => Msg::new("已退回", "returned"),
        State::Failed => Msg::new("上报失败", "failed"),
    }
}
