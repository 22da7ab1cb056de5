//! Attachments: people's photos, diplomas and proofs, uploaded by content hash in resumable,
//! checksummed chunks (`PUT /blobs/{hash}?offset=&size=`).
//!
//! Every upload belongs to the account making it (`uploads`, one row per file and account, its
//! part file `<hash>.<account>.part`): another account cannot append to it, block it by
//! claiming the hash first with another size, or learn from `GET /blobs/{hash}` that someone
//! else has the file. A finished file is kept once (`blobs`, the file `<hash>`) whoever else
//! uploads the same bytes; each uploader proves it has them by sending them all. A filing may
//! name only files its account uploaded, or that a filing it may already see names; a file's
//! bytes go only to an account that may see a filing naming it (`submission_attachments`, filled
//! from the filing's attachment slots: text elsewhere in a filing that happens to hold a hash
//! names nothing). Each account holds at most its quota (finished and unfinished uploads
//! together; an unproven account little). The sweep and a finishing upload of the same file are
//! kept apart (a file being finished is never removed under it).
use crate::access::{account, may_see, sha_hex, visible, Server, RECEIPT_COLUMNS};
use crate::db::{Tx, Val};
use crate::error::ApiError as E;
use crate::error::ApiError;
use crate::wire::Params;
use crate::{now_ms, vals};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use caiji_protocol::{Account, AccountKind, BlobStatus, ChunkQuery, OffsetDetails, QuotaDetails, MAX_BLOB};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};

/// What an account may hold by default: an unproven one (enough for one person's filings), a
/// proven person's photos and proofs, a proven unit's for its staff.
pub const UNVERIFIED_QUOTA: i64 = 20 << 20;
pub const PERSON_QUOTA: i64 = 200 << 20;
pub const UNIT_QUOTA: i64 = 10 << 30;

/// Opening options for a file only the server's own user may read (0600 on Unix): attachments
/// are people's photos and diplomas.
pub(crate) fn private_file() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::internal(e.to_string())
}

/// A file's SHA-256, read in pieces (a 20 MB attachment is not held in memory to be hashed).
fn file_sha(path: &FsPath) -> std::io::Result<String> {
    let mut h = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut h)?;
    Ok(format!("{:x}", h.finalize()))
}

fn part_of(dir: &FsPath, hash: &str, account: &str) -> PathBuf {
    dir.join(format!("{hash}.{account}.part"))
}

/// Removes part files of the old layout (`<hash>.part`, shared by every uploader): their
/// uploads start again, each now its uploader's own.
pub(crate) fn drop_shared_parts(dir: &FsPath) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.strip_suffix(".part").is_some_and(|h| h.len() == 64 && !h.contains('.')) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

pub(crate) fn check_hash(h: &str) -> Result<String, ApiError> {
    let h = h.to_lowercase();
    if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(h)
    } else {
        Err(ApiError::bad_request("附件应以 SHA-256 标识", "Attachments are named by their SHA-256"))
    }
}

impl Server {
    /// What `a` may hold, in bytes.
    fn quota_of(&self, a: &Account) -> i64 {
        match (a.kind, a.verified) {
            (_, false) => self.quota_unverified,
            (AccountKind::Unit, true) => self.quota_unit,
            _ => self.quota_person,
        }
    }

    /// Removes uploads no submission names that have not been touched for `older_than_ms`
    /// (abandoned, or replaced by a new photo): their rows, part files, and the files no one
    /// else's upload keeps. Returns (uploads removed, bytes freed).
    pub fn sweep(&self, older_than_ms: i64) -> Result<(usize, u64), ApiError> {
        let cutoff = now_ms() - older_than_ms;
        let (parts, files, removed) = self.db.tx(move |t| {
            let old = t.rows("SELECT hash, account, received, complete FROM uploads WHERE updated < ?", vals![cutoff])?;
            if old.is_empty() {
                return Ok((Vec::new(), Vec::new(), 0));
            }
            // Every attachment any revision of any submission names.
            let mut used = Vec::new();
            for r in t.rows("SELECT data FROM submission_revisions", &[])? {
                caiji_forms::attachment_hashes(&serde_json::from_str(&r[0].text()).unwrap_or(Value::Null), &mut used);
            }
            let used: std::collections::HashSet<String> = used.into_iter().map(|h| h.to_lowercase()).collect();
            let (mut parts, mut files, mut removed) = (Vec::new(), Vec::new(), 0);
            for r in old.into_iter().filter(|r| !used.contains(&r[0].text())) {
                let (hash, account) = (r[0].text(), r[1].text());
                t.exec("DELETE FROM uploads WHERE hash = ? AND account = ?", vals![&hash, &account])?;
                removed += 1;
                if r[3].int() == 0 {
                    parts.push((hash.clone(), account, r[2].int() as u64));
                }
                if t.row("SELECT hash FROM uploads WHERE hash = ?", vals![&hash])?.is_none() {
                    if let Some(b) = t.row("SELECT size FROM blobs WHERE hash = ?", vals![&hash])? {
                        t.exec("DELETE FROM blobs WHERE hash = ?", vals![&hash])?;
                        files.push((hash, b[0].int() as u64));
                    }
                }
            }
            Ok((parts, files, removed))
        })?;
        for (hash, account, _) in &parts {
            let _ = std::fs::remove_file(part_of(&self.blobs, hash, account));
        }
        // A file is removed only if no upload finished it since the rows went (a finished upload
        // puts a fresh file in place, under the same lock).
        let cutoff_time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(cutoff.max(0) as u64);
        let mut freed: u64 = parts.iter().map(|p| p.2).sum();
        for (hash, size) in &files {
            let _held = self.files.lock().unwrap_or_else(|p| p.into_inner());
            let path = self.blobs.join(hash);
            if std::fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|m| m < cutoff_time) && std::fs::remove_file(&path).is_ok() {
                freed += size;
            }
        }
        Ok((removed, freed))
    }
}

/// Records the files a submission's current revision names (lower-case hashes).
pub(crate) fn name_attachments(t: &mut dyn Tx, uuid: &str, hashes: &[String]) -> Result<(), E> {
    t.exec("DELETE FROM submission_attachments WHERE uuid = ?", vals![uuid])?;
    let unique: std::collections::BTreeSet<&String> = hashes.iter().collect();
    for h in unique {
        t.exec("INSERT INTO submission_attachments (uuid, hash) VALUES (?, ?)", vals![uuid, h])?;
    }
    Ok(())
}

/// Fills `submission_attachments` for submissions stored before it existed, once.
pub(crate) fn index_attachments(t: &mut dyn Tx) -> Result<(), E> {
    if t.row("SELECT value FROM server_meta WHERE key = 'attachments_indexed'", &[])?.is_some() {
        return Ok(());
    }
    for r in t.rows("SELECT uuid, data FROM submissions", &[])? {
        let mut hashes = Vec::new();
        caiji_forms::attachment_hashes(&serde_json::from_str(&r[1].text()).unwrap_or(Value::Null), &mut hashes);
        hashes.iter_mut().for_each(|h| *h = h.to_lowercase());
        name_attachments(t, &r[0].text(), &hashes)?;
    }
    t.exec("INSERT INTO server_meta (key, value) VALUES ('attachments_indexed', '1')", &[])?;
    Ok(())
}

/// The attachments among `hashes` that `a` may not name in a filing: neither uploaded whole by
/// it nor named by a filing it may already see.
pub(crate) fn unavailable(t: &mut dyn Tx, a: &Account, hashes: &[String]) -> Result<Vec<String>, ApiError> {
    let mut missing = Vec::new();
    for h in hashes {
        let own = t.row("SELECT hash FROM uploads WHERE hash = ? AND account = ? AND complete = 1", vals![h, &a.id])?.is_some();
        if !own && !seen_in_filing(t, a, h)? {
            missing.push(h.clone());
        }
    }
    Ok(missing)
}

/// Does a filing `a` may see name `hash` in an attachment slot?
fn seen_in_filing(t: &mut dyn Tx, a: &Account, hash: &str) -> Result<bool, ApiError> {
    let (cond, who) = visible(a);
    let sql = format!("SELECT {RECEIPT_COLUMNS} FROM submissions WHERE uuid IN (SELECT uuid FROM submission_attachments WHERE hash = ?) AND {cond}");
    Ok(t.rows(&sql, &[vec![Val::from(hash)], who].concat())?.iter().any(|r| may_see(a, r)))
}

/// `GET /blobs/{hash}`: how much of this file the signed-in account has uploaded (not found:
/// nothing yet, whoever else may have it).
pub async fn status(State(s): State<Server>, h: HeaderMap, Path(hash): Path<String>) -> Result<Json<BlobStatus>, ApiError> {
    let a = account(&s, &h).await?;
    let hash = check_hash(&hash)?;
    let k = hash.clone();
    let row = s.db.run(move |t| t.row("SELECT size, received, complete FROM uploads WHERE hash = ? AND account = ?", vals![k, &a.id])).await?;
    let r = row.ok_or_else(|| ApiError::not_found("这个附件"))?;
    Ok(Json(BlobStatus { hash, size: r[0].int(), received: r[1].int(), complete: r[2].int() == 1 }))
}

/// `GET /blobs/{hash}/content`: an attachment's bytes, for an account that may see a filing
/// naming it; anyone else's (or an unfinished upload) is not found. Streamed from the file: a
/// thousand downloads of a 20 MB diploma at once hold a few KB each, not 20 GB.
pub async fn content(
    State(s): State<Server>,
    h: HeaderMap,
    Path(hash): Path<String>,
) -> Result<([(axum::http::header::HeaderName, &'static str); 1], axum::body::Body), ApiError> {
    let a = account(&s, &h).await?;
    let hash = check_hash(&hash)?;
    let k = hash.clone();
    if !s.db.run(move |t| seen_in_filing(t, &a, &k)).await? {
        return Err(ApiError::not_found("这个附件"));
    }
    let file = tokio::fs::File::open(s.blobs.join(&hash)).await.map_err(|_| ApiError::not_found("这个附件"))?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], body))
}

/// `PUT /blobs/{hash}?offset=&size=`: appends a chunk at `offset` of the account's upload of a
/// file of `size` bytes. The chunk's SHA-256 comes in `x-chunk-sha256`; the whole file is
/// checked against its hash when the last chunk arrives. A chunk at the wrong offset gets 409
/// with how much the server has (the client resumes there); a new upload past the account's
/// quota gets 413 `quota`.
pub async fn put(
    State(s): State<Server>,
    h: HeaderMap,
    Path(hash): Path<String>,
    Params(q): Params<ChunkQuery>,
    body: Bytes,
) -> Result<Json<BlobStatus>, ApiError> {
    let a = account(&s, &h).await?;
    let hash = check_hash(&hash)?;
    if q.size <= 0 || q.size > MAX_BLOB {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "附件过大（最大 20 MB）", "Attachment too large (20 MB at most)"));
    }
    let want = h.get(caiji_protocol::CHUNK_SHA256).and_then(|v| v.to_str().ok()).unwrap_or("").to_lowercase();
    if want != sha_hex(&body) {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "chunk_checksum", "分块校验不符，请重传", "The chunk fails its checksum: send it again"));
    }
    let (dir, quota, files) = (s.blobs.clone(), s.quota_of(&a), s.files.clone());
    s.db.run(move |t| {
        let now = now_ms();
        let part = part_of(&dir, &hash, &a.id);
        let row = t.row("SELECT size, received, complete FROM uploads WHERE hash = ? AND account = ?", vals![&hash, &a.id])?;
        let (size, received, complete) = match row {
            Some(r) => (r[0].int(), r[1].int(), r[2].int() == 1),
            None => {
                // The account's row held for this transaction: uploads started at once by the
                // same account are counted one after the other (PostgreSQL runs them together).
                t.exec("UPDATE accounts SET id = id WHERE id = ?", vals![&a.id])?;
                let used =
                    t.row("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM uploads WHERE account = ?", vals![&a.id])?.map(|r| r[0].int()).unwrap_or(0);
                if used + q.size > quota {
                    let mb = |b: i64| format!("{:.1} MB", b as f64 / 1048576.0);
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "quota",
                        format!("账号的附件空间已用 {}，上限 {}：请先删去不用的附件或联系审核机构", mb(used), mb(quota)),
                        format!("The account holds {} of attachments, {} at most: remove unused ones or ask the reviewing authority", mb(used), mb(quota)),
                    )
                    .with(json!(QuotaDetails { used, quota })));
                }
                t.exec("INSERT INTO uploads (hash, account, size, received, complete, updated) VALUES (?, ?, ?, 0, 0, ?)", vals![&hash, &a.id, q.size, now])?;
                let _ = std::fs::remove_file(&part);
                (q.size, 0, false)
            }
        };
        let status = |received: i64, complete: bool| Json(BlobStatus { hash: hash.clone(), size, received, complete });
        if complete {
            return Ok(Ok(status(size, true)));
        }
        let done = dir.join(&hash);
        // The part file is gone (killed after the last chunk was checked and moved into place,
        // before that was recorded; or swept): this upload starts again at 0. Never finished
        // from someone else's file: the bytes are the proof.
        if received > 0 && !part.exists() {
            t.exec("UPDATE uploads SET received = 0, updated = ? WHERE hash = ? AND account = ?", vals![now, &hash, &a.id])?;
            return Ok(Err(ApiError::new(StatusCode::CONFLICT, "offset", "服务器已收到 0 字节，请从头上传", "The server has 0 bytes: start the upload again")
                .with(json!(OffsetDetails { received: 0, size }))));
        }
        if q.offset != received || q.size != size || received + body.len() as i64 > size {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "offset",
                format!("服务器已收到 {received} 字节，请从那里继续"),
                format!("The server has {received} bytes: continue from there"),
            )
            .with(json!(OffsetDetails { received, size })));
        }
        {
            use std::io::Write;
            let mut f = private_file().create(true).append(true).open(&part).map_err(io)?;
            // A crash after an earlier append left more on disk than recorded: cut it back.
            f.set_len(received as u64).map_err(io)?;
            f.write_all(&body).map_err(io)?;
            f.sync_data().map_err(io)?;
        }
        let received = received + body.len() as i64;
        if received < size {
            t.exec("UPDATE uploads SET received = ?, updated = ? WHERE hash = ? AND account = ?", vals![received, now, &hash, &a.id])?;
            return Ok(Ok(status(received, false)));
        }
        if file_sha(&part).map_err(io)? != hash {
            // Started over: the part file and the row go together (this is committed, and the
            // refusal comes after), so the next upload starts at 0 instead of after zeros.
            let _ = std::fs::remove_file(&part);
            t.exec("DELETE FROM uploads WHERE hash = ? AND account = ?", vals![&hash, &a.id])?;
            return Ok(Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "blob_checksum",
                "附件整体校验不符，请重新上传",
                "The attachment fails its checksum: upload it again",
            )));
        }
        // Put in place (the same bytes uploaded before are replaced by themselves: kept once), a
        // fresh file the sweep leaves alone.
        {
            let _held = files.lock().unwrap_or_else(|p| p.into_inner());
            std::fs::rename(&part, &done).map_err(io)?;
        }
        finish(t, &hash, size, now, &a.id)?;
        Ok(Ok(status(size, true)))
    })
    .await?
}

/// Records a finished upload, and the file if it is the first of these bytes.
fn finish(t: &mut dyn Tx, hash: &str, size: i64, now: i64, account: &str) -> Result<(), ApiError> {
    t.exec("UPDATE uploads SET received = size, complete = 1, updated = ? WHERE hash = ? AND account = ?", vals![now, hash, account])?;
    if t.row("SELECT hash FROM blobs WHERE hash = ?", vals![hash])?.is_none() {
        t.exec("INSERT INTO blobs (hash, size, received, complete, updated) VALUES (?, ?, ?, 1, ?)", vals![hash, size, size, now])?;
    }
    Ok(())
}
