//! The server's database, one SQL dialect for two engines: an embedded SQLite file by default,
//! PostgreSQL by configuration (`--database`). Statements are written once with `?`
//! placeholders; every unit of work runs in one transaction on a worker thread.
use crate::error::ApiError;
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    pub fn text(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(i) => i.to_string(),
            Val::Null => String::new(),
        }
    }
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Text(s) => s.parse().unwrap_or(0),
            Val::Null => 0,
        }
    }
    pub fn opt_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            v => Some(v.text()),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Self {
        Val::Text(s.clone())
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(o: Option<T>) -> Self {
        o.map(Into::into).unwrap_or(Val::Null)
    }
}

/// Binds values: `vals![a, b, c]`.
#[macro_export]
macro_rules! vals {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Val::from($v)),*] };
}

/// One transaction's statements.
pub trait Tx {
    fn exec(&mut self, sql: &str, p: &[Val]) -> Result<u64, ApiError>;
    fn rows(&mut self, sql: &str, p: &[Val]) -> Result<Vec<Vec<Val>>, ApiError>;
    fn row(&mut self, sql: &str, p: &[Val]) -> Result<Option<Vec<Val>>, ApiError> {
        Ok(self.rows(sql, p)?.into_iter().next())
    }
}

/// The schema, one step per release; each runs once, in order, recorded in `schema_steps`.
const SCHEMA: &[&str] = &[
    "CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('person', 'unit', 'authority')),
        login TEXT NOT NULL UNIQUE,
        password TEXT NOT NULL,
        name TEXT NOT NULL,
        region TEXT NOT NULL DEFAULT '',
        created BIGINT NOT NULL
    );
    CREATE TABLE sessions (
        token TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts(id),
        expires BIGINT NOT NULL
    );
    CREATE TABLE submissions (
        uuid TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts(id),
        person TEXT NOT NULL,
        unit TEXT,
        form TEXT NOT NULL,
        form_version BIGINT NOT NULL,
        revision BIGINT NOT NULL,
        digest TEXT NOT NULL,
        data TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('submitted', 'accepted', 'returned')),
        reason TEXT,
        region TEXT NOT NULL DEFAULT '',
        created BIGINT NOT NULL,
        updated BIGINT NOT NULL
    );
    CREATE INDEX submissions_person ON submissions(person);
    CREATE INDEX submissions_unit ON submissions(unit);
    CREATE INDEX submissions_updated ON submissions(updated);
    CREATE TABLE submission_revisions (
        uuid TEXT NOT NULL REFERENCES submissions(uuid),
        revision BIGINT NOT NULL,
        digest TEXT NOT NULL,
        data TEXT NOT NULL,
        saved BIGINT NOT NULL,
        PRIMARY KEY (uuid, revision)
    );
    CREATE TABLE blobs (
        hash TEXT PRIMARY KEY,
        size BIGINT NOT NULL,
        received BIGINT NOT NULL,
        complete BIGINT NOT NULL DEFAULT 0,
        updated BIGINT NOT NULL
    )",
    // Identity (codes.rs) and attachments owned by their uploaders (blobs.rs). Accounts made
    // before are claims like new ones; unfinished uploads start again.
    "ALTER TABLE accounts ADD COLUMN verified BIGINT NOT NULL DEFAULT 0;
    UPDATE accounts SET verified = 1 WHERE kind = 'authority';
    CREATE TABLE codes (
        hash TEXT PRIMARY KEY,
        login TEXT NOT NULL,
        purpose TEXT NOT NULL CHECK (purpose IN ('activate', 'reset')),
        issuer TEXT NOT NULL,
        created BIGINT NOT NULL,
        expires BIGINT NOT NULL,
        used BIGINT
    );
    CREATE INDEX codes_login ON codes(login);
    CREATE TABLE uploads (
        hash TEXT NOT NULL,
        account TEXT NOT NULL REFERENCES accounts(id),
        size BIGINT NOT NULL,
        received BIGINT NOT NULL,
        complete BIGINT NOT NULL DEFAULT 0,
        updated BIGINT NOT NULL,
        PRIMARY KEY (hash, account)
    );
    CREATE INDEX uploads_account ON uploads(account);
    CREATE INDEX submissions_account ON submissions(account);
    DELETE FROM blobs WHERE complete = 0",
    // Which files each submission names (a download or a reuse is allowed by this, never by a
    // text search of the data), and whether its account was proven when it filed.
    "ALTER TABLE submissions ADD COLUMN filed_verified BIGINT NOT NULL DEFAULT 0;
    CREATE TABLE submission_attachments (
        uuid TEXT NOT NULL REFERENCES submissions(uuid),
        hash TEXT NOT NULL,
        PRIMARY KEY (uuid, hash)
    );
    CREATE INDEX submission_attachments_hash ON submission_attachments(hash);
    CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // The 管理地区 as keys (`15`, `1501`, `150102`, `1500`; people.rs): a province stored as
    // `150000` becomes `15`, and filings stored without one go to the province. Baselines an
    // authority sets from the online system's record.
    "UPDATE submissions SET region = substr(region, 1, 2) WHERE length(region) = 6 AND region LIKE '__0000';
    UPDATE submissions SET region = '15' WHERE region = '';
    UPDATE accounts SET region = substr(region, 1, 2) WHERE kind = 'authority' AND length(region) = 6 AND region LIKE '__0000';
    UPDATE accounts SET region = substr(region, 1, 4) WHERE kind = 'authority' AND length(region) = 6 AND region LIKE '____00';
    CREATE INDEX submissions_region ON submissions(region);
    CREATE TABLE baselines (
        person TEXT PRIMARY KEY,
        good_to BIGINT NOT NULL,
        set_by TEXT NOT NULL,
        updated BIGINT NOT NULL
    )",
];

/// PostgreSQL connections kept open between requests: as many as may run at once, so a busy
/// server does not open and close connections on every burst (the gate below bounds the total).
const MAX_IDLE: usize = MAX_AT_ONCE;

pub enum Engine {
    Sqlite(Mutex<rusqlite::Connection>),
    /// Idle connections, reused; a new one is opened when none is idle.
    Postgres {
        config: String,
        idle: Mutex<Vec<postgres::Client>>,
    },
}

/// The database, shared by the handlers.
#[derive(Clone)]
pub struct Db(Arc<Engine>, Arc<tokio::sync::Semaphore>);

/// Units of work running at once: bounds the PostgreSQL connections (and, on SQLite, the
/// worker threads queueing for its one connection) however many requests arrive.
pub const MAX_AT_ONCE: usize = 32;

fn sql_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("database: {e}"))
}

/// An SQLite error; the database held by another program (a backup, the admin command) past
/// the short busy wait is 503 `busy` with `Retry-After`, said at once, not an internal error.
fn sqlite_error(e: rusqlite::Error) -> ApiError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => ApiError::busy(),
        _ => sql_error(e),
    }
}

/// How long a request waits for a database another program holds, before `busy`.
const SQLITE_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl Db {
    /// An SQLite file (WAL, foreign keys), created and brought up to date.
    pub fn sqlite(path: &Path) -> Result<Db, ApiError> {
        let c = rusqlite::Connection::open(path).map_err(sql_error)?;
        // People's personal data: readable by the server's own user only (with its WAL files).
        #[cfg(unix)]
        for f in [path.to_path_buf(), path.with_extension("sqlite-wal"), path.with_extension("sqlite-shm")] {
            use std::os::unix::fs::PermissionsExt;
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).map_err(sql_error)?;
            }
        }
        c.pragma_update(None, "journal_mode", "WAL").map_err(sql_error)?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(sql_error)?;
        c.pragma_update(None, "foreign_keys", "ON").map_err(sql_error)?;
        c.busy_timeout(SQLITE_BUSY_WAIT).map_err(sql_error)?;
        let db = Db(Arc::new(Engine::Sqlite(Mutex::new(c))), Arc::new(tokio::sync::Semaphore::new(MAX_AT_ONCE)));
        db.migrate()?;
        Ok(db)
    }

    /// A PostgreSQL database (`host=… port=… user=… dbname=…` or a `postgres://` URL), brought
    /// up to date.
    pub fn postgres(config: &str) -> Result<Db, ApiError> {
        let first = postgres::Client::connect(config, postgres::NoTls).map_err(sql_error)?;
        let db =
            Db(Arc::new(Engine::Postgres { config: config.to_string(), idle: Mutex::new(vec![first]) }), Arc::new(tokio::sync::Semaphore::new(MAX_AT_ONCE)));
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&self) -> Result<(), ApiError> {
        self.tx(|t| {
            t.exec("CREATE TABLE IF NOT EXISTS schema_steps (step BIGINT PRIMARY KEY, applied BIGINT NOT NULL)", &[])?;
            let done = t.row("SELECT COUNT(*) FROM schema_steps", &[])?.map(|r| r[0].int()).unwrap_or(0) as usize;
            for (i, step) in SCHEMA.iter().enumerate().skip(done) {
                for stmt in step.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    t.exec(stmt, &[])?;
                }
                t.exec("INSERT INTO schema_steps (step, applied) VALUES (?, ?)", vals![i as i64 + 1, crate::now_ms()])?;
            }
            Ok(())
        })
    }

    /// Runs `f` in one transaction (committed when it returns `Ok`).
    pub fn tx<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError>) -> Result<T, ApiError> {
        match &*self.0 {
            Engine::Sqlite(m) => {
                let mut c = m.lock().unwrap_or_else(|p| p.into_inner());
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sqlite_error)?;
                let mut w = SqliteTx(&tx);
                let out = f(&mut w)?;
                tx.commit().map_err(sqlite_error)?;
                Ok(out)
            }
            Engine::Postgres { config, idle } => {
                let taken = idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let mut c = match taken {
                    Some(c) if !c.is_closed() => c,
                    _ => postgres::Client::connect(config, postgres::NoTls).map_err(sql_error)?,
                };
                let out = {
                    let mut tx = c.transaction().map_err(sql_error)?;
                    let out = f(&mut PgTx(&mut tx))?;
                    tx.commit().map_err(sql_error)?;
                    out
                };
                // Keep a bounded number idle; a burst's extra connections are closed.
                let mut idle = idle.lock().unwrap_or_else(|p| p.into_inner());
                if idle.len() < MAX_IDLE {
                    idle.push(c);
                }
                Ok(out)
            }
        }
    }

    /// [`Db::tx`] on a worker thread.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
        let db = self.clone();
        // Waits for a turn rather than opening connection after connection.
        let _turn = self.1.acquire().await.map_err(|e| ApiError::internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || db.tx(f)).await.map_err(|e| ApiError::internal(e.to_string()))?
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

struct Bind<'a>(&'a Val);
impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Val::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl Tx for SqliteTx<'_> {
    fn exec(&mut self, sql: &str, p: &[Val]) -> Result<u64, ApiError> {
        let b: Vec<Bind> = p.iter().map(Bind).collect();
        self.0.execute(sql, rusqlite::params_from_iter(b.iter())).map(|n| n as u64).map_err(sqlite_error)
    }

    fn rows(&mut self, sql: &str, p: &[Val]) -> Result<Vec<Vec<Val>>, ApiError> {
        let b: Vec<Bind> = p.iter().map(Bind).collect();
        let mut st = self.0.prepare_cached(sql).map_err(sqlite_error)?;
        let n = st.column_count();
        let rows = st
            .query_map(rusqlite::params_from_iter(b.iter()), |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => Val::Null,
                            ValueRef::Integer(x) => Val::Int(x),
                            ValueRef::Real(x) => Val::Int(x as i64),
                            ValueRef::Text(t) | ValueRef::Blob(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<Val>>>()
            })
            .map_err(sqlite_error)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sqlite_error)
    }
}

struct PgTx<'a, 'b>(&'a mut postgres::Transaction<'b>);

/// A value for any parameter type (NULL included), as PostgreSQL asks for it.
#[derive(Debug)]
struct PgBind<'a>(&'a Val);

impl postgres::types::ToSql for PgBind<'_> {
    fn to_sql(&self, ty: &postgres::types::Type, out: &mut bytes::BytesMut) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self.0 {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) if *ty == Type::INT4 => (*i as i32).to_sql(ty, out),
            Val::Int(i) if *ty == Type::TEXT || *ty == Type::VARCHAR => i.to_string().to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Text(t) if *ty == Type::INT8 => t.parse::<i64>()?.to_sql(ty, out),
            Val::Text(t) => t.to_sql(ty, out),
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// `?` placeholders as PostgreSQL's `$1, $2…` (the statements here have no `?` in literals).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Two requests racing to create the same row: the loser is told to try again (the client does).
fn pg_error(e: postgres::Error) -> ApiError {
    if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
        return ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy", "服务器繁忙，请重试", "Busy: try again");
    }
    sql_error(e)
}

impl Tx for PgTx<'_, '_> {
    fn exec(&mut self, sql: &str, p: &[Val]) -> Result<u64, ApiError> {
        let b: Vec<PgBind> = p.iter().map(PgBind).collect();
        let r: Vec<&(dyn postgres::types::ToSql + Sync)> = b.iter().map(|x| x as &(dyn postgres::types::ToSql + Sync)).collect();
        self.0.execute(numbered(sql).as_str(), &r).map_err(pg_error)
    }

    fn rows(&mut self, sql: &str, p: &[Val]) -> Result<Vec<Vec<Val>>, ApiError> {
        use postgres::types::Type;
        let b: Vec<PgBind> = p.iter().map(PgBind).collect();
        let r: Vec<&(dyn postgres::types::ToSql + Sync)> = b.iter().map(|x| x as &(dyn postgres::types::ToSql + Sync)).collect();
        let rows = self.0.query(numbered(sql).as_str(), &r).map_err(pg_error)?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_().clone();
                        Ok(if ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i).map_err(sql_error)?.map(Val::Int).unwrap_or(Val::Null)
                        } else if ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i).map_err(sql_error)?.map(|x| Val::Int(x.into())).unwrap_or(Val::Null)
                        } else {
                            row.try_get::<_, Option<String>>(i).map_err(sql_error)?.map(Val::Text).unwrap_or(Val::Null)
                        })
                    })
                    .collect()
            })
            .collect()
    }
}
