//! Export and import bundles: drafts with their attachments in one file, to carry on a USB
//! stick between machines (a person's, or a unit's staff).
//!
//! A bundle is a tar file (`.caiji`): `manifest.json` (format, schema versions, every file's
//! SHA-256), `drafts/<id>.json` (the draft as stored), `attachments/<hash>.jpg` and, for drafts
//! of a unit's workspace, `units/<credit code>.json` (the unit and its roster). Importing
//! checks every checksum before touching anything, writes the attachments first (atomically,
//! by hash) and the drafts in one transaction, and never overwrites newer local data: a draft
//! changed here since the bundle was made is kept and reported.
use crate::store::{Draft, Staff, Store, Unit};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

const FORMAT: &str = "caiji-bundle";
/// The bundle layout's version; a newer one is refused with a clear message.
/// 2: units and rosters.
pub const BUNDLE_SCHEMA: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub schema: u32,
    /// The drafts database schema the drafts were written with.
    pub db_schema: usize,
    pub app_version: String,
    /// Milliseconds since 1970.
    pub created: i64,
    pub drafts: Vec<String>,
    /// Units (credit codes) whose workspace the drafts belong to.
    #[serde(default)]
    pub units: Vec<String>,
    /// SHA-256 of every other file in the bundle, by its path.
    pub files: BTreeMap<String, String>,
}

/// What an import did with each draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// New here.
    Added,
    /// Newer in the bundle: replaced (the old values stay in the revisions).
    Updated,
    /// The same as here.
    Unchanged,
    /// Changed here since the bundle was made: kept, the bundle's copy not applied.
    KeptLocal,
}

/// A unit and its roster, as a bundle carries them.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UnitFile {
    unit: Unit,
    staff: Vec<Staff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub id: String,
    pub title: String,
    pub outcome: Outcome,
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::invalid(e.to_string(), e.to_string()))
}

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn bad_bundle(zh: impl Into<String>, en: impl Into<String>) -> Error {
    let (zh, en) = (zh.into(), en.into());
    Error::invalid(format!("导入文件有问题：{zh}"), format!("The bundle cannot be imported: {en}"))
}

/// Writes the drafts `ids` and their attachments to `out` (atomically).
pub fn export(store: &Store, ids: &[String], out: &Path) -> Result<Manifest> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut units: Vec<String> = Vec::new();
    for id in ids {
        let d = store.get(id)?;
        files.push((format!("drafts/{id}.json"), json(&d)?));
        if let Some(u) = d.unit.as_ref().filter(|u| !units.contains(u)) {
            let file = UnitFile { unit: store.unit(u)?, staff: store.staff(u)? };
            files.push((format!("units/{u}.json"), json(&file)?));
            units.push(u.clone());
        }
        let mut hashes = Vec::new();
        caiji_forms::attachment_hashes(&d.data, &mut hashes);
        for h in hashes {
            let p = store.attachment_path(&h);
            if p.exists() && !files.iter().any(|(n, _)| n.ends_with(&format!("{h}.jpg"))) {
                files.push((format!("attachments/{h}.jpg"), std::fs::read(&p).map_err(|e| Error::io(&p, e))?));
            }
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        schema: BUNDLE_SCHEMA,
        db_schema: store.schema_version()?,
        app_version: env!("CARGO_PKG_VERSION").into(),
        created: caiji_base::time::now_ms(),
        drafts: ids.to_vec(),
        units,
        files: files.iter().map(|(n, b)| (n.clone(), sha(b))).collect(),
    };
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime((manifest.created / 1000) as u64);
        h.set_cksum();
        tar.append_data(&mut h, name, bytes).map_err(|e| Error::io(out, e))
    };
    add("manifest.json", &json(&manifest)?)?;
    for (n, b) in &files {
        add(n, b)?;
    }
    let bytes = tar.into_inner().map_err(|e| Error::io(out, e))?;
    caiji_base::fsio::write_atomic(out, &bytes)?;
    Ok(manifest)
}

/// Reads a bundle, checks it whole, then imports it. Nothing is written when anything in the
/// file is wrong.
pub fn import(store: &Store, path: &Path) -> Result<Vec<Imported>> {
    import_with_progress(store, path, &mut |_| {})
}

/// How far an import has come: attachments are written first (each on its own; writing one
/// twice is harmless), then the units and drafts in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "lowercase")]
pub enum Progress {
    Attachments {
        done: usize,
        total: usize,
    },
    /// Inside the transaction: none of these drafts is visible until the last one is in.
    Drafts {
        done: usize,
        total: usize,
    },
}

/// [`import`], telling `on_progress` after each attachment and each draft.
pub fn import_with_progress(store: &Store, path: &Path, on_progress: &mut dyn FnMut(Progress)) -> Result<Vec<Imported>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut archive = tar::Archive::new(file);
    for e in archive.entries().map_err(|_| bad_bundle("不是采集助手的导出文件", "not a Caiji bundle"))? {
        let mut e = e.map_err(|_| bad_bundle("文件已损坏或不完整", "the file is damaged or incomplete"))?;
        let name = e.path().map_err(|_| bad_bundle("文件名无效", "a bad file name"))?.to_string_lossy().into_owned();
        let mut b = Vec::new();
        e.read_to_end(&mut b).map_err(|_| bad_bundle("文件已损坏或不完整", "the file is damaged or incomplete"))?;
        entries.insert(name, b);
    }
    let manifest: Manifest = entries
        .get("manifest.json")
        .and_then(|b| serde_json::from_slice(b).ok())
        .filter(|m: &Manifest| m.format == FORMAT)
        .ok_or_else(|| bad_bundle("不是采集助手的导出文件（缺少清单）", "not a Caiji bundle (no manifest)"))?;
    if manifest.schema > BUNDLE_SCHEMA || manifest.db_schema > store.schema_version()? {
        return Err(bad_bundle(
            format!("由较新版本（{}）导出，请先升级本软件", manifest.app_version),
            format!("made by a newer version ({}): update this app first", manifest.app_version),
        ));
    }
    for (name, want) in &manifest.files {
        match entries.get(name) {
            Some(b) if &sha(b) == want => {}
            Some(_) => return Err(bad_bundle(format!("{name} 校验不符（文件被改动或损坏）"), format!("{name} fails its checksum (changed or damaged)"))),
            None => return Err(bad_bundle(format!("缺少 {name}"), format!("{name} is missing"))),
        }
    }
    let mut drafts = Vec::new();
    for id in &manifest.drafts {
        let name = format!("drafts/{id}.json");
        if !manifest.files.contains_key(&name) {
            return Err(bad_bundle(format!("缺少 {name}"), format!("{name} is missing")));
        }
        let c: Draft = serde_json::from_slice(&entries[&name]).map_err(|_| bad_bundle(format!("{name} 内容无效"), format!("{name} is not valid")))?;
        drafts.push(c);
    }
    let mut units = Vec::new();
    for u in &manifest.units {
        let name = format!("units/{u}.json");
        if !manifest.files.contains_key(&name) {
            return Err(bad_bundle(format!("缺少 {name}"), format!("{name} is missing")));
        }
        let f: UnitFile = serde_json::from_slice(&entries[&name]).map_err(|_| bad_bundle(format!("{name} 内容无效"), format!("{name} is not valid")))?;
        units.push(f);
    }
    // Attachments first: by hash, so writing one twice is harmless.
    let attachments: Vec<&Vec<u8>> = entries
        .iter()
        .filter(|(name, bytes)| {
            name.strip_prefix("attachments/").and_then(|n| n.strip_suffix(".jpg")).is_some_and(|h| manifest.files.contains_key(*name) && sha(bytes) == h)
        })
        .map(|(_, bytes)| bytes)
        .collect();
    for (i, bytes) in attachments.iter().enumerate() {
        store.put_attachment(bytes, None)?;
        on_progress(Progress::Attachments { done: i + 1, total: attachments.len() });
    }
    apply(store, &units, &drafts, on_progress)
}

/// Adds or updates the units, their rosters and the drafts in one transaction (a kill halfway
/// leaves the store as it was). A unit's name and roster entries are merged, never removed.
fn apply(store: &Store, units: &[UnitFile], drafts: &[Draft], on_progress: &mut dyn FnMut(Progress)) -> Result<Vec<Imported>> {
    let db = |e: rusqlite::Error| Error::invalid(format!("草稿数据库出错：{e}"), format!("Drafts database error: {e}"));
    let conn = store.connection();
    let tx = conn.unchecked_transaction().map_err(db)?;
    for f in units {
        crate::store::upsert_unit(&tx, &f.unit)?;
        crate::store::upsert_staff(&tx, &f.staff)?;
    }
    let mut out = Vec::new();
    let now = caiji_base::time::now_ms();
    for (i, d) in drafts.iter().enumerate() {
        let local = store.get(&d.id).ok();
        let outcome = match &local {
            None => Outcome::Added,
            Some(l) if l.data == d.data && l.state == d.state && l.title == d.title => Outcome::Unchanged,
            Some(l) if l.updated > d.updated => Outcome::KeptLocal,
            Some(_) => Outcome::Updated,
        };
        let text = d.data.to_string();
        let revision = match (&local, outcome) {
            (None, _) => {
                tx.execute(
                    "INSERT INTO drafts (id, form, form_version, title, state, reason, data, revision, created, updated, person, unit, origin, remote_revision)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                    rusqlite::params![
                        d.id,
                        d.form,
                        d.form_version,
                        d.title,
                        d.state.as_str(),
                        d.reason,
                        text,
                        d.revision,
                        d.created,
                        d.updated,
                        d.person,
                        d.unit,
                        d.origin.as_ref().map(|o| o.to_string()),
                        d.remote_revision
                    ],
                )
                .map_err(db)?;
                Some(d.revision)
            }
            (Some(l), Outcome::Updated) => {
                // The copy being replaced stays in the revisions.
                tx.execute(
                    "INSERT OR REPLACE INTO revisions (draft, revision, state, data, saved) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![l.id, l.revision, l.state.as_str(), l.data.to_string(), l.updated],
                )
                .map_err(db)?;
                let r = l.revision.max(d.revision) + 1;
                tx.execute(
                    "UPDATE drafts SET title = ?2, state = ?3, reason = ?4, data = ?5, revision = ?6, updated = ?7, person = COALESCE(?8, person) WHERE id = ?1",
                    rusqlite::params![d.id, d.title, d.state.as_str(), d.reason, text, r, now.max(d.updated), d.person],
                )
                .map_err(db)?;
                Some(r)
            }
            _ => None,
        };
        if let Some(r) = revision {
            tx.execute(
                "INSERT OR REPLACE INTO revisions (draft, revision, state, data, saved) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![d.id, r, d.state.as_str(), text, now],
            )
            .map_err(db)?;
        }
        out.push(Imported { id: d.id.clone(), title: d.title.clone(), outcome });
        on_progress(Progress::Drafts { done: i + 1, total: drafts.len() });
    }
    tx.commit().map_err(db)?;
    Ok(out)
}

/// The outcome's words for reports.
pub fn outcome_name(o: Outcome) -> Msg {
    match o {
        Outcome::Added => Msg::new("已导入", "added"),
        Outcome::Updated => Msg::new("已更新为导入的较新版本", "updated to the newer copy"),
        Outcome::Unchanged => Msg::new("相同，未改动", "the same, unchanged"),
        Outcome::KeptLocal => Msg::new("本机的较新，保留本机版本", "newer here: kept this machine's copy"),
    }
}
