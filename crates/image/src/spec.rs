//! Spec profiles: what a portal accepts, as data (`assets/specs/*.toml`), with provenance.
//! Built-in profiles are embedded at build time; a user folder may add or override them.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/specs_embedded.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Photo,
    Document,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    #[default]
    Colour,
    Grey,
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Background {
    White,
    Blue,
    Red,
}

impl Background {
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Background::White => [255, 255, 255],
            Background::Blue => [67, 142, 219],
            Background::Red => [255, 0, 0],
        }
    }
    pub fn name(self) -> Msg {
        match self {
            Background::White => Msg::new("白色", "white"),
            Background::Blue => Msg::new("蓝色", "blue"),
            Background::Red => Msg::new("红色", "red"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelRuleKind {
    /// Exactly width × height.
    Exact,
    /// At least width × height; exported at `export`.
    Min,
    /// No pixel rule; `export` (if any) is the preferred size.
    Any,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pixels {
    pub rule: PixelRuleKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Size written for `min` and `any` rules (photos).
    pub export: Option<[u32; 2]>,
    /// Documents: pixels may be reduced to fit the size window.
    #[serde(default)]
    pub downscale: bool,
    /// Documents: never reduce a page's long side below this many pixels.
    pub legible_long_side: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bytes {
    /// Inclusive lower bound in bytes.
    pub min: Option<u64>,
    /// Inclusive upper bound in bytes.
    pub max: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    Stacked,
    SideBySide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageOrientation {
    Landscape,
    Portrait,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pages {
    pub min: u32,
    pub max: u32,
    pub layout: Layout,
    pub page_orientation: PageOrientation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Confirmed,
    ThirdParty,
    Unconfirmed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub source: String,
    /// NAT, IM, PROV-xx
    pub region: String,
    pub confidence: Confidence,
    pub date: String,
    pub notes: Option<Msg>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub schema: u32,
    pub id: String,
    pub version: u32,
    pub kind: Kind,
    pub title: Msg,
    pub formats: Vec<Format>,
    pub dpi: Option<u16>,
    #[serde(default)]
    pub colour: Colour,
    #[serde(default)]
    pub background: Vec<Background>,
    #[serde(default)]
    pub upscale: bool,
    pub pixels: Pixels,
    #[serde(default)]
    pub bytes: Bytes,
    pub pages: Option<Pages>,
    /// Photos: where the head goes (face-aware framing and checks).
    #[serde(default)]
    pub head: Option<HeadRules>,
    pub provenance: Provenance,
}

/// Where a profile came from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase", tag = "origin", content = "path")]
pub enum Origin {
    Builtin,
    User(PathBuf),
}

impl Spec {
    /// The pixel size an output is written at, when the rule fixes it (photos).
    pub fn export_size(&self) -> Option<(u32, u32)> {
        let p = &self.pixels;
        match p.rule {
            PixelRuleKind::Exact => Some((p.width?, p.height?)),
            PixelRuleKind::Min | PixelRuleKind::Any => p.export.map(|[w, h]| (w, h)).or_else(|| Some((p.width?, p.height?))),
        }
    }

    /// The smallest pixels the rule accepts.
    pub fn min_size(&self) -> Option<(u32, u32)> {
        match self.pixels.rule {
            PixelRuleKind::Exact | PixelRuleKind::Min => Some((self.pixels.width?, self.pixels.height?)),
            PixelRuleKind::Any => None,
        }
    }

    /// The profile as a TOML file (what the app writes when a user saves an edit).
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("# Caiji spec profile \"{}\", version {}. Sizes in bytes.\n{body}", self.id, self.version)
    }

    pub fn grey_allowed(&self) -> bool {
        self.colour != Colour::Colour
    }

    /// Semantic checks beyond the TOML shape: returns (key, problem) pairs.
    fn problems(&self) -> Vec<(&'static str, Msg)> {
        let mut v = Vec::new();
        if self.schema != 1 {
            v.push(("schema", Msg::new(format!("不支持 schema {}（应为 1）", self.schema), format!("schema {} is not supported (1)", self.schema))));
        }
        if self.id.is_empty() || !self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            v.push(("id", Msg::new("编号只能由字母、数字、“-”或“_”组成", "id must be letters, digits, '-' or '_'")));
        } else if caiji_base::fsio::windows_device(&self.id) {
            // Saved as `<id>.toml`: Windows would open a device, not a file.
            v.push((
                "id",
                Msg::new(
                    "编号不能是 Windows 的设备名（CON、PRN、AUX、NUL、COM1–COM9、LPT1–LPT9）",
                    "id cannot be a Windows device name (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9)",
                ),
            ));
        }
        if self.formats.is_empty() {
            v.push(("formats", Msg::new("至少需要一种文件格式", "at least one format is needed")));
        }
        let p = &self.pixels;
        match p.rule {
            PixelRuleKind::Exact | PixelRuleKind::Min => {
                if p.width.unwrap_or(0) == 0 || p.height.unwrap_or(0) == 0 {
                    v.push(("pixels.rule", Msg::new("“正好”和“至少”规则需要填写宽和高（大于 0）", "exact and min rules need width and height (> 0)")));
                }
            }
            PixelRuleKind::Any => {}
        }
        if let (PixelRuleKind::Min, Some([ew, eh]), Some(w), Some(h)) = (p.rule, p.export, p.width, p.height) {
            if ew < w || eh < h {
                v.push((
                    "pixels.export",
                    Msg::new(format!("输出尺寸 {ew}×{eh} 小于最小尺寸 {w}×{h}"), format!("export {ew}x{eh} is below the minimum {w}x{h}")),
                ));
            }
        }
        if let Some([ew, eh]) = p.export {
            if ew == 0 || eh == 0 || ew > 20000 || eh > 20000 {
                v.push(("pixels.export", Msg::new("输出尺寸应在 1 到 20000 像素之间", "export size must be between 1 and 20000")));
            }
        }
        if self.kind == Kind::Photo && self.export_size().is_none() {
            v.push(("pixels", Msg::new("证件照规格需要输出尺寸（宽高或输出宽高）", "a photo spec needs an export size (width/height or export)")));
        }
        if let (Some(a), Some(b)) = (self.bytes.min, self.bytes.max) {
            if a >= b {
                v.push(("bytes.min", Msg::new(format!("最小 {a} 字节必须小于最大 {b} 字节"), format!("bytes.min {a} must be below bytes.max {b}"))));
            } else if b - a < 64 {
                v.push(("bytes.min", Msg::new("大小范围至少要有 64 字节宽", "the size window must be at least 64 bytes wide")));
            }
        }
        if let Some(m) = self.bytes.max {
            if m < 2048 {
                v.push(("bytes.max", Msg::new("最大值低于 2 KB，放不下可用的 JPEG", "bytes.max below 2 KB cannot hold a JPEG of any use")));
            }
        }
        if let Some(hd) = &self.head {
            let band = |b: [f32; 2]| b[0] >= 0.0 && b[0] <= b[1] && b[1] <= 1.0;
            if !band(hd.height) || !band(hd.top) || hd.height[1] + hd.top[0] > 1.0 {
                v.push((
                    "head",
                    Msg::new(
                        "头部规则的范围应为 0 到 1 之间的 [最小, 最大]，且头高加上方留白不超过 1",
                        "head bands must be [min, max] within 0..1, and head height plus top margin at most 1",
                    ),
                ));
            } else if !(0.0..=0.5).contains(&hd.centre) || !(0.0..=45.0).contains(&hd.roll) {
                v.push(("head", Msg::new("居中容差应在 0–0.5 之间，倾斜角应在 0–45° 之间", "centre must be within 0..0.5 and roll within 0..45 degrees")));
            }
        }
        if let Some(pg) = &self.pages {
            if pg.min == 0 || pg.min > pg.max || pg.max > 32 {
                v.push(("pages", Msg::new("页数需满足 1 ≤ 最少 ≤ 最多 ≤ 32", "pages need 1 <= min <= max <= 32")));
            }
        }
        v
    }
}

/// A profile that could not be loaded: reported, never fatal.
#[derive(Debug, Clone, Serialize)]
pub struct SpecProblem {
    pub file: PathBuf,
    pub line: usize,
    /// The setting at fault, for semantic problems (`bytes.min`, `pixels.export`, …).
    pub key: Option<String>,
    /// What is wrong, in both languages (TOML syntax errors come from the parser in English).
    pub detail: Msg,
}

impl SpecProblem {
    pub fn to_error(&self) -> Error {
        Error::SpecInvalid { file: self.file.display().to_string(), line: self.line, detail: self.detail.clone() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecEntry {
    pub spec: Spec,
    pub origin: Origin,
    /// A user profile that replaces a built-in one of the same id.
    pub overrides_builtin: bool,
}

/// Every profile the user can choose, built-in and from the user folder.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: BTreeMap<String, SpecEntry>,
    pub problems: Vec<SpecProblem>,
}

/// Parses one profile; errors carry the 1-based line.
pub fn parse_spec(text: &str, file: &Path) -> std::result::Result<Spec, SpecProblem> {
    let problem = |line, key: Option<&str>, detail: Msg| SpecProblem { file: file.to_path_buf(), line, key: key.map(String::from), detail };
    let spec: Spec = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| caiji_base::text::line_of(text, s.start)).unwrap_or(1);
        let m = e.message().trim();
        problem(line, None, Msg::new(format!("格式有误：{m}"), m))
    })?;
    if let Some((key, detail)) = spec.problems().into_iter().next() {
        // Point at the line that sets the key, or the top of the file.
        let leaf = key.rsplit('.').next().unwrap_or(key);
        let line = text
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with(leaf) && l[leaf.len()..].trim_start().starts_with('=')
            })
            .map(|i| i + 1)
            .unwrap_or(1);
        return Err(problem(line, Some(key), detail));
    }
    Ok(spec)
}

impl Registry {
    /// Built-in profiles only.
    pub fn builtin() -> Registry {
        let mut r = Registry::default();
        for (name, text) in BUILTIN_SPECS {
            match parse_spec(text, Path::new(name)) {
                Ok(spec) => {
                    r.entries.insert(spec.id.clone(), SpecEntry { spec, origin: Origin::Builtin, overrides_builtin: false });
                }
                // A broken built-in is a bug, caught by the tests; still never crash.
                Err(p) => r.problems.push(p),
            }
        }
        r
    }

    /// Built-in profiles plus every `*.toml` in `user_dir` (a missing folder is fine).
    pub fn load(user_dir: Option<&Path>) -> Registry {
        let mut r = Registry::builtin();
        if let Some(dir) = user_dir {
            r.add_dir(dir);
        }
        r
    }

    pub fn add_dir(&mut self, dir: &Path) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<PathBuf> =
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml"))).collect();
        files.sort();
        for f in files {
            if let Err(p) = self.add_file(&f) {
                self.problems.push(p);
            }
        }
    }

    /// Adds (or overrides with) one user profile file.
    pub fn add_file(&mut self, path: &Path) -> std::result::Result<&SpecEntry, SpecProblem> {
        let text = std::fs::read_to_string(path).map_err(|e| SpecProblem {
            file: path.to_path_buf(),
            line: 1,
            key: None,
            detail: Msg::new(format!("无法读取：{e}"), e.to_string()),
        })?;
        let spec = parse_spec(&text, path)?;
        let overrides_builtin = self.entries.get(&spec.id).is_some_and(|e| matches!(e.origin, Origin::Builtin) || e.overrides_builtin);
        let id = spec.id.clone();
        self.entries.insert(id.clone(), SpecEntry { spec, origin: Origin::User(path.to_path_buf()), overrides_builtin });
        Ok(&self.entries[&id])
    }

    /// Where a user profile with this id is kept: the file that already holds it, or
    /// `<id>.toml` in `dir`.
    fn user_path(&self, dir: &Path, id: &str) -> PathBuf {
        match self.entries.get(id).map(|e| &e.origin) {
            Some(Origin::User(p)) => p.clone(),
            _ => dir.join(format!("{id}.toml")),
        }
    }

    /// Saves a profile the user made or edited into `dir` (as `<id>.toml`, or over the file
    /// that already holds that id), atomically, after the same checks a loaded file gets.
    pub fn save_user(&mut self, dir: &Path, spec: &Spec) -> Result<&SpecEntry> {
        let text = spec.to_toml();
        let path = self.user_path(dir, &spec.id);
        parse_spec(&text, &path).map_err(|p| p.to_error())?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        caiji_base::fsio::write_atomic(&path, text.as_bytes())?;
        self.add_file(&path).map_err(|p| p.to_error())
    }

    /// Copies a profile file into `dir` after checking it; a broken file is refused with its
    /// line, and nothing is written.
    pub fn import_file(&mut self, dir: &Path, from: &Path) -> Result<&SpecEntry> {
        let text = std::fs::read_to_string(from).map_err(|e| Error::io(from, e))?;
        let spec = parse_spec(&text, from).map_err(|p| p.to_error())?;
        let path = self.user_path(dir, &spec.id);
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        caiji_base::fsio::write_atomic(&path, text.as_bytes())?;
        self.add_file(&path).map_err(|p| p.to_error())
    }

    /// Deletes a user profile's file (a built-in one it overrode comes back). Built-in
    /// profiles cannot be deleted.
    pub fn delete_user(&mut self, dir: &Path, id: &str) -> Result<()> {
        match self.entries.get(id).map(|e| &e.origin) {
            Some(Origin::User(p)) => {
                std::fs::remove_file(p).map_err(|e| Error::io(p, e))?;
                *self = Registry::load(Some(dir));
                Ok(())
            }
            Some(Origin::Builtin) => Err(Error::invalid(
                format!("“{id}”是内置规格，不能删除（可复制后修改）"),
                format!("“{id}” is built in and cannot be deleted (duplicate it to change it)"),
            )),
            None => Err(Error::UnknownSpec { id: id.to_string() }),
        }
    }

    /// The profile as a file's text: a built-in profile's own file (with its comments), a
    /// user profile's file, or failing that the profile written out.
    pub fn source_text(&self, id: &str) -> Result<String> {
        let e = self.entries.get(id).ok_or_else(|| Error::UnknownSpec { id: id.to_string() })?;
        Ok(match &e.origin {
            Origin::Builtin => BUILTIN_SPECS
                .iter()
                .find(|(_, t)| parse_spec(t, Path::new("")).is_ok_and(|s| s.id == id))
                .map(|(_, t)| t.to_string())
                .unwrap_or_else(|| e.spec.to_toml()),
            Origin::User(p) => std::fs::read_to_string(p).unwrap_or_else(|_| e.spec.to_toml()),
        })
    }

    pub fn get(&self, id: &str) -> Result<&Spec> {
        self.entries.get(id).map(|e| &e.spec).ok_or_else(|| Error::UnknownSpec { id: id.to_string() })
    }

    pub fn entry(&self, id: &str) -> Option<&SpecEntry> {
        self.entries.get(id)
    }

    pub fn entries(&self) -> impl Iterator<Item = &SpecEntry> {
        self.entries.values()
    }
}

/// A photo spec's head rules, as shares of the photo's height and width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadRules {
    /// Head height, crown (top of the hair) to chin, as a share of the photo height: [min, max].
    pub height: [f32; 2],
    /// Space above the crown, as a share of the photo height: [min, max].
    pub top: [f32; 2],
    /// Largest offset of the face's centre line from the photo's middle, as a share of its width.
    pub centre: f32,
    /// Largest tilt of the eye line, in degrees.
    pub roll: f32,
}

impl HeadRules {
    pub(crate) fn target_height(&self) -> f32 {
        (self.height[0] + self.height[1]) / 2.0
    }
    pub(crate) fn target_top(&self) -> f32 {
        (self.top[0] + self.top[1]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_loads() {
        let r = Registry::builtin();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        for id in [
            "nat-photo",
            "nat-idcard",
            "nat-proof",
            "exam-photo",
            "im-legacy-photo",
            "im-legacy-scan",
            "hb-photo",
            "sc-photo",
            "sc-proof",
            "cq-photo",
            "cq-idcard",
            "ah-photo",
            "ah-proof",
            "sh-attachment",
            "ga461",
        ] {
            assert!(r.get(id).is_ok(), "{id} missing");
        }
        assert_eq!(r.get("im-legacy-photo").unwrap().provenance.confidence, Confidence::Unconfirmed);
        assert_eq!(r.get("ga461").unwrap().export_size(), Some((358, 441)));
        assert_eq!(r.get("nat-photo").unwrap().export_size(), Some((295, 413)));
    }

    #[test]
    fn broken_profile_reports_its_line() {
        let text = "schema = 1\nid = \"x\"\nversion = 1\nkind = \"photo\"\nformats = [\"jpeg\"\n";
        let e = parse_spec(text, Path::new("x.toml")).unwrap_err();
        assert!(e.line >= 5, "{e:?}");
        let good = std::str::from_utf8(BUILTIN_SPECS.iter().find(|(n, _)| *n == "ga461.toml").unwrap().1.as_bytes()).unwrap();
        let bad = good.replace("max = 20000", "max = 10000");
        let e = parse_spec(&bad, Path::new("y.toml")).unwrap_err();
        let want = bad.lines().position(|l| l.starts_with("min =")).unwrap() + 1;
        assert_eq!(e.line, want, "{e:?}");
        let e = parse_spec(&good.replace("kind = \"photo\"", "kind = \"poster\""), Path::new("z.toml")).unwrap_err();
        assert!(e.detail.en.contains("poster") || e.detail.en.contains("variant"), "{e:?}");
        // Saved as `<id>.toml`, a device name would be no file on Windows.
        for id in ["con", "NUL", "com1", "Lpt9"] {
            let e = parse_spec(&good.replace("id = \"ga461\"", &format!("id = \"{id}\"")), Path::new("d.toml")).unwrap_err();
            assert!(e.detail.zh.contains("设备名"), "{id}: {e:?}");
        }
        assert!(parse_spec(&good.replace("id = \"ga461\"", "id = \"console\""), Path::new("d.toml")).is_ok());
    }

    #[test]
    fn user_profiles_save_import_export_and_delete() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("specs");
        let mut r = Registry::load(Some(&dir));
        // Duplicate a built-in profile, change it, save it: it is checked, written, loaded.
        let mut s = r.get("nat-photo").unwrap().clone();
        s.id = "my-photo".into();
        s.bytes.max = Some(30000);
        let e = r.save_user(&dir, &s).unwrap();
        assert!(!e.overrides_builtin);
        assert_eq!(r.get("my-photo").unwrap(), &s);
        assert_eq!(Registry::load(Some(&dir)).get("my-photo").unwrap(), &s, "survives a restart");
        // A broken edit is refused with the setting at fault, and the file is left alone.
        let mut bad = s.clone();
        bad.bytes.min = Some(40000);
        let err = r.save_user(&dir, &bad).unwrap_err();
        assert_eq!(err.code(), "spec_invalid");
        assert_eq!(r.get("my-photo").unwrap().bytes.min, Some(10240));
        let p = parse_spec(&bad.to_toml(), Path::new("x")).unwrap_err();
        assert_eq!(p.key.as_deref(), Some("bytes.min"));
        assert_eq!(p.detail.zh, "最小 40000 字节必须小于最大 30000 字节");
        // Export gives the file's text; a built-in one keeps its comments.
        assert!(r.source_text("nat-photo").unwrap().contains("stricter of 1000 and 1024"));
        let out = t.path().join("exported.toml");
        std::fs::write(&out, r.source_text("my-photo").unwrap().replace("id = \"my-photo\"", "id = \"their-photo\"")).unwrap();
        // Import checks first; a broken file writes nothing.
        r.import_file(&dir, &out).unwrap();
        assert!(dir.join("their-photo.toml").is_file());
        std::fs::write(&out, "schema = 1\nid = \"oops\"\n").unwrap();
        assert_eq!(r.import_file(&dir, &out).unwrap_err().code(), "spec_invalid");
        assert!(!dir.join("oops.toml").exists());
        // Deleting an override brings the built-in back; built-ins cannot be deleted.
        let mut o = r.get("nat-photo").unwrap().clone();
        o.bytes.max = Some(50000);
        assert!(r.save_user(&dir, &o).unwrap().overrides_builtin);
        r.delete_user(&dir, "nat-photo").unwrap();
        assert_eq!(r.get("nat-photo").unwrap().bytes.max, None);
        assert_eq!(r.delete_user(&dir, "nat-photo").unwrap_err().code(), "invalid");
        r.delete_user(&dir, "my-photo").unwrap();
        assert!(r.get("my-photo").is_err() && r.get("their-photo").is_ok());
    }
}
