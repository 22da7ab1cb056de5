//! The filing forms as data (`assets/forms/*.toml`): sections of typed fields (some
//! repeatable), choice lists from the national standards (`assets/forms/choices.toml`) and
//! cross-field rules, and the validation every form gets, with messages in Chinese and English.
//!
//! A form's values are JSON: an object per section, an array of objects for a repeatable one:
//! `{"basic": {"name": "张三", …}, "education": [{"school": …}, …]}`. Problems name the field
//! by path: `basic.id_number`, `education.1.graduation`.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_base::ids;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub mod record;
pub mod rules;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub schema: u32,
    pub id: String,
    pub version: u32,
    pub title: Msg,
    #[serde(default)]
    pub help: Option<Msg>,
    /// Who files it: the person, or their unit for them.
    #[serde(default)]
    pub by: Filer,
    /// Where the person's name and ID number are (`section.field`): a draft's title and the
    /// person it belongs to.
    #[serde(default)]
    pub person: Option<PersonKeys>,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub rules: Vec<CrossRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filer {
    #[default]
    Person,
    Unit,
    /// Either the person or their unit.
    Either,
}

impl Filer {
    /// May an account of kind `who` (a person or a unit) file a form filed by `self`?
    pub fn allows(self, who: Filer) -> bool {
        self == Filer::Either || self == who
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonKeys {
    pub name: String,
    pub id_number: String,
}

impl Form {
    /// The person a draft of this form is about: (name, ID number), trimmed, maybe empty.
    pub fn person_of(&self, values: &Value) -> (String, String) {
        match &self.person {
            Some(k) => (text_at(values, &k.name), text_at(values, &k.id_number).to_uppercase()),
            None => Default::default(),
        }
    }

    /// A draft's title: the form and the person, the ID number masked.
    pub fn title_of(&self, values: &Value) -> String {
        let (name, id) = self.person_of(values);
        let who = [name, ids::mask_id(&id)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        if who.is_empty() {
            self.title.zh.clone()
        } else {
            format!("{} · {who}", self.title.zh)
        }
    }

    /// A new draft's values: `data` with each field's default where it has none.
    pub fn with_defaults(&self, data: &Value) -> Value {
        let mut v = data.clone();
        if !v.is_object() {
            v = Value::Object(Map::new());
        }
        for s in self.sections.iter().filter(|s| s.repeat.is_none()) {
            for f in &s.fields {
                if let Some(d) = &f.default {
                    let sec = v.as_object_mut().and_then(|o| o.entry(s.id.clone()).or_insert_with(|| Value::Object(Map::new())).as_object_mut());
                    if let Some(sec) = sec {
                        if sec.get(&f.id).is_none_or(|x| value_text(x).is_empty()) {
                            sec.insert(f.id.clone(), Value::String(d.clone()));
                        }
                    }
                }
            }
        }
        v
    }

    /// A field by its `section.field` path.
    pub fn field(&self, path: &str) -> Option<&Field> {
        let (s, f) = path.split_once('.')?;
        self.sections.iter().find(|x| x.id == s)?.fields.iter().find(|x| x.id == f)
    }
}

/// The text at `section.field` of a non-repeatable section.
pub fn text_at(values: &Value, path: &str) -> String {
    let (s, f) = path.split_once('.').unwrap_or((path, ""));
    values.get(s).and_then(|o| o.get(f)).map(value_text).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: Msg,
    #[serde(default)]
    pub help: Option<Msg>,
    /// A repeatable section (education, work history…): how many entries.
    #[serde(default)]
    pub repeat: Option<Repeat>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub min: usize,
    pub max: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub label: Msg,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Choice fields: the list in choices.toml.
    #[serde(default)]
    pub choices: Option<String>,
    /// Text fields: the longest value, in characters.
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Number fields: the range.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// ID number fields: the field (same section) holding the ID type; the resident ID
    /// (code "1") is checked by GB 11643, the others by their shape.
    #[serde(default)]
    pub id_type_field: Option<String>,
    /// Attachment fields: the spec profile the file is prepared to.
    #[serde(default)]
    pub spec: Option<String>,
    /// Dates: may not be later than today.
    #[serde(default)]
    pub past: bool,
    /// Cannot be changed once the person is registered (name, ID number, first work date).
    #[serde(default)]
    pub fixed: bool,
    /// Division fields: the field (same section) holding the level above (a city's province,
    /// a county's city).
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub help: Option<Msg>,
    /// The value a new draft starts with (a choice's code): Inner Mongolia for its own forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM`.
    Month,
    Choice,
    IdNumber,
    /// Unified social credit code (GB 32100).
    Uscc,
    Mobile,
    Email,
    Number,
    Bool,
    /// A file made with the photo or scan tool, kept by content hash.
    Attachment,
    /// A city or county code (`assets/forms/divisions.json`) inside its `parent` field's division.
    Division,
}

/// One administrative division and the ones below it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Division>,
}

/// The division `code` names, if any (2 digits: province, 4: city, 6: county).
pub fn find_division<'d>(tree: &'d [Division], code: &str) -> Option<&'d Division> {
    let d = tree.iter().find(|d| code.starts_with(&d.code))?;
    if d.code == code {
        Some(d)
    } else {
        find_division(&d.children, code)
    }
}

/// A rule across fields. Paths are `section.field`; inside a repeatable section the rule is
/// applied to each entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossRule {
    pub kind: RuleKind,
    pub fields: Vec<String>,
    pub message: Msg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// fields[0] ≤ fields[1] (dates or months; an empty end means "to date").
    NotAfter,
    /// fields[0] within [fields[1], fields[2]] (an empty end means "to date").
    Within,
    /// A resident ID (fields[0]) agrees with the birth date (fields[1]).
    IdBirth,
    /// A resident ID (fields[0]) agrees with the sex (fields[1]: "1" male, "2" female).
    IdSex,
}

/// One entry of a choice list: the code stored, the names shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceList {
    pub source: String,
    pub items: Vec<Choice>,
}

/// One field that differs between two versions of a filing, as shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Change {
    pub path: String,
    pub label: Msg,
    pub mine: Msg,
    pub theirs: Msg,
}

/// Something wrong with a form's values, on the field it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub path: String,
    pub code: &'static str,
    pub message: Msg,
}

const CHOICES: &str = include_str!("../../../assets/forms/choices.toml");
const DIVISIONS: &str = include_str!("../../../assets/forms/divisions.json");
const FORMS: &[(&str, &str)] = &[
    ("collection", include_str!("../../../assets/forms/collection.toml")),
    ("entry_qualified", include_str!("../../../assets/forms/entry_qualified.toml")),
    ("entry_unit", include_str!("../../../assets/forms/entry_unit.toml")),
    ("change", include_str!("../../../assets/forms/change.toml")),
    ("transfer_within", include_str!("../../../assets/forms/transfer_within.toml")),
    ("transfer_out", include_str!("../../../assets/forms/transfer_out.toml")),
    ("transfer_in", include_str!("../../../assets/forms/transfer_in.toml")),
    ("assessment", include_str!("../../../assets/forms/assessment.toml")),
    ("history", include_str!("../../../assets/forms/history.toml")),
    ("ce", include_str!("../../../assets/forms/ce.toml")),
];

/// The built-in forms and the choice lists they use.
#[derive(Debug, Clone)]
pub struct Forms {
    pub forms: Vec<Form>,
    pub choices: BTreeMap<String, ChoiceList>,
    /// Provinces → cities → counties (see `assets/forms/divisions.md`).
    pub divisions: Vec<Division>,
}

impl Forms {
    /// The forms shipped in `assets/forms` (embedded), checked against their choice lists.
    pub fn builtin() -> Result<Forms> {
        let choices: BTreeMap<String, ChoiceList> = toml::from_str(CHOICES).map_err(|e| bad_file("choices.toml", CHOICES, &e))?;
        let mut forms = Vec::new();
        for (name, text) in FORMS {
            let form: Form = toml::from_str(text).map_err(|e| bad_file(&format!("{name}.toml"), text, &e))?;
            check_form(&form, &choices)?;
            forms.push(form);
        }
        let mut divisions: Vec<Division> = serde_json::from_str(DIVISIONS).map_err(|e| Error::SpecInvalid {
            file: "forms/divisions.json".into(),
            line: e.line(),
            detail: Msg::new(e.to_string(), e.to_string()),
        })?;
        // The guide's 管理地区 beside the 盟市: 自治区直属 (units directly under the region, managed
        // by 内蒙古自治区会计学会), chosen as a city with no county below it (divisions.md).
        if let Some(im) = divisions.iter_mut().find(|d| d.code == record::INNER_MONGOLIA) {
            im.children.insert(0, Division { code: record::DIRECT.into(), name: "自治区直属".into(), children: Vec::new() });
        }
        Ok(Forms { forms, choices, divisions })
    }

    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    /// Every problem with `values` for `form`, in the form's order.
    pub fn validate(&self, form: &Form, values: &Value, today: (u32, u32, u32)) -> Vec<Problem> {
        let empty = Map::new();
        let root = values.as_object().unwrap_or(&empty);
        let mut out = Vec::new();
        for s in &form.sections {
            let v = root.get(&s.id);
            match s.repeat {
                Some(r) => {
                    let items: Vec<&Value> = v.and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
                    if items.len() < r.min {
                        out.push(Problem {
                            path: s.id.clone(),
                            code: "too_few",
                            message: Msg::new(format!("{}至少要填 {} 条", s.title.zh, r.min), format!("{}: at least {} entries", s.title.en, r.min)),
                        });
                    }
                    if items.len() > r.max {
                        out.push(Problem {
                            path: s.id.clone(),
                            code: "too_many",
                            message: Msg::new(format!("{}最多 {} 条", s.title.zh, r.max), format!("{}: at most {} entries", s.title.en, r.max)),
                        });
                    }
                    for (i, item) in items.iter().enumerate() {
                        let obj = item.as_object().unwrap_or(&empty);
                        self.fields(s, obj, &format!("{}.{i}", s.id), today, &mut out);
                        rules(form, s, obj, &format!("{}.{i}", s.id), &mut out);
                    }
                }
                None => {
                    let obj = v.and_then(Value::as_object).unwrap_or(&empty);
                    self.fields(s, obj, &s.id, today, &mut out);
                    rules(form, s, obj, &s.id, &mut out);
                }
            }
        }
        // What the form does not have is not kept: a section it does not know is a problem.
        for k in root.keys().filter(|k| !form.sections.iter().any(|s| &s.id == *k)) {
            out.push(Problem {
                path: k.clone(),
                code: "unknown_section",
                message: Msg::new(format!("表中没有“{k}”这一部分"), format!("The form has no section \"{k}\"")),
            });
        }
        out
    }

    /// What differs between two versions of a filing, field by field in the form's order
    /// (entries of repeatable sections by number): to show a user what changed on the server.
    pub fn diff(&self, form: &Form, mine: &Value, theirs: &Value) -> Vec<Change> {
        let mut out = Vec::new();
        for s in &form.sections {
            let entries: Vec<(String, String, Msg)> = match s.repeat {
                Some(_) => {
                    let n = |v: &Value| v.get(&s.id).and_then(Value::as_array).map_or(0, Vec::len);
                    (0..n(mine).max(n(theirs)))
                        .map(|i| {
                            (
                                format!("{}.{i}", s.id),
                                format!("/{}/{i}", s.id),
                                Msg::new(format!("{} 第 {} 条", s.title.zh, i + 1), format!("{} #{}", s.title.en, i + 1)),
                            )
                        })
                        .collect()
                }
                None => vec![(s.id.clone(), format!("/{}", s.id), s.title.clone())],
            };
            for (path, pointer, title) in entries {
                for f in &s.fields {
                    let at = |v: &Value| v.pointer(&format!("{pointer}/{}", f.id)).map(value_text).unwrap_or_default();
                    let (a, b) = (at(mine), at(theirs));
                    if a != b {
                        out.push(Change {
                            path: format!("{path}.{}", f.id),
                            label: Msg::new(format!("{} · {}", title.zh, f.label.zh), format!("{} · {}", title.en, f.label.en)),
                            mine: self.display(f, &a),
                            theirs: self.display(f, &b),
                        });
                    }
                }
            }
        }
        out
    }

    /// A value as a person reads it: a choice by its name, an attachment as such, an ID masked.
    fn display(&self, f: &Field, v: &str) -> Msg {
        if v.is_empty() {
            return Msg::new("（空）", "(empty)");
        }
        match f.kind {
            FieldKind::Choice => match f.choices.as_ref().and_then(|c| self.choices.get(c)).and_then(|l| l.items.iter().find(|c| c.code == v)) {
                Some(c) => Msg::new(c.zh.clone(), c.en.clone()),
                None => Msg::new(v, v),
            },
            FieldKind::Division => match find_division(&self.divisions, v) {
                Some(d) => Msg::new(d.name.clone(), d.name.clone()),
                None => Msg::new(v, v),
            },
            FieldKind::Attachment => {
                let short: String = v.chars().take(8).collect();
                Msg::new(format!("附件 {short}…"), format!("file {short}…"))
            }
            _ => {
                let t = shown(f, v);
                Msg::new(t.clone(), t)
            }
        }
    }

    /// Fixed fields (name, ID number, first work date…) changed against the registered record
    /// the draft was made from. Fields the record left empty may be filled.
    pub fn check_fixed(&self, form: &Form, values: &Value, original: &Value) -> Vec<Problem> {
        let mut out = Vec::new();
        for s in form.sections.iter().filter(|s| s.repeat.is_none()) {
            for f in s.fields.iter().filter(|f| f.fixed) {
                let path = format!("{}.{}", s.id, f.id);
                let was = text_at(original, &path);
                if !was.is_empty() && !text_at(values, &path).eq_ignore_ascii_case(&was) {
                    out.push(Problem {
                        path,
                        code: "fixed",
                        message: Msg::new(
                            format!("{}登记后不能变更（登记为“{}”）", f.label.zh, shown(f, &was)),
                            format!("{} cannot change once registered (registered: \"{}\")", f.label.en, shown(f, &was)),
                        ),
                    });
                }
            }
        }
        out
    }

    fn fields(&self, s: &Section, obj: &Map<String, Value>, prefix: &str, today: (u32, u32, u32), out: &mut Vec<Problem>) {
        for f in &s.fields {
            let path = format!("{prefix}.{}", f.id);
            let text = obj.get(&f.id).map(value_text).unwrap_or_default();
            // A division with nothing below it (自治区直属, a city without counties) is chosen
            // whole: the level below is not asked for.
            let whole = f.kind == FieldKind::Division
                && f.parent
                    .as_ref()
                    .and_then(|p| obj.get(p))
                    .map(value_text)
                    .and_then(|p| find_division(&self.divisions, &p))
                    .is_some_and(|d| d.children.is_empty());
            if text.is_empty() {
                if f.required && !whole {
                    // Said as the field is answered: a choice is chosen, a box ticked, a file made.
                    let verb = match f.kind {
                        FieldKind::Choice | FieldKind::Division => "请选择",
                        FieldKind::Bool => "请勾选",
                        FieldKind::Attachment => "请制作并放入",
                        _ => "请填写",
                    };
                    out.push(Problem { path, code: "required", message: Msg::new(format!("{verb}{}", f.label.zh), format!("{} is required", f.label.en)) });
                }
                continue;
            }
            // The field a value depends on: an ID's type, a division's parent.
            let other = f.id_type_field.as_ref().or(f.parent.as_ref()).and_then(|t| obj.get(t)).map(value_text);
            if let Some((code, message)) = self.check_value(f, &text, other.as_deref(), today) {
                out.push(Problem { path, code, message });
            }
        }
    }

    /// What is wrong with one non-empty value, if anything. `dep` is the value of the field it
    /// depends on (an ID number's type, a division's parent).
    fn check_value(&self, f: &Field, v: &str, dep: Option<&str>, today: (u32, u32, u32)) -> Option<(&'static str, Msg)> {
        let l = &f.label;
        let bad = |zh: String, en: String| Some(("invalid", Msg::new(zh, en)));
        match f.kind {
            FieldKind::Text => match f.max_len {
                Some(m) if v.chars().count() > m => bad(format!("{}最多 {m} 个字", l.zh), format!("{}: at most {m} characters", l.en)),
                _ => None,
            },
            FieldKind::Date => match parse_date(v) {
                None => bad(format!("{}应为有效日期，格式 2020-01-31", l.zh), format!("{}: a real date as 2020-01-31", l.en)),
                Some(d) if f.past && d > today => bad(format!("{}不能晚于今天", l.zh), format!("{} cannot be later than today", l.en)),
                _ => None,
            },
            FieldKind::Month => match parse_month(v) {
                None => bad(format!("{}应为年月，格式 2020-01", l.zh), format!("{}: a month as 2020-01", l.en)),
                Some(m) if f.past && m > (today.0, today.1) => bad(format!("{}不能晚于本月", l.zh), format!("{} cannot be later than this month", l.en)),
                _ => None,
            },
            FieldKind::Choice => {
                let list = f.choices.as_ref().and_then(|c| self.choices.get(c));
                match list {
                    Some(list) if list.items.iter().any(|c| c.code == v) => None,
                    _ => bad(format!("{}的选项“{v}”不在列表中", l.zh), format!("{}: \"{v}\" is not one of the choices", l.en)),
                }
            }
            FieldKind::IdNumber if dep.unwrap_or("1") == "1" => {
                if ids::valid_resident_id(v) {
                    None
                } else {
                    bad(
                        format!("{}不是有效的居民身份证号码（18 位，末位校验码按 GB 11643 计算，出生日期须真实）", l.zh),
                        format!("{} is not a valid resident ID number (18 characters, GB 11643 check character, a real birth date)", l.en),
                    )
                }
            }
            FieldKind::IdNumber => {
                let ok = (5..=20).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '(' || c == ')');
                if ok {
                    None
                } else {
                    bad(format!("{}应为 5–20 位字母或数字", l.zh), format!("{}: 5–20 letters or digits", l.en))
                }
            }
            FieldKind::Uscc => {
                if ids::valid_uscc(v) {
                    None
                } else {
                    bad(
                        format!("{}不是有效的统一社会信用代码（18 位，末位校验码按 GB 32100 计算）", l.zh),
                        format!("{} is not a valid unified social credit code (18 characters, GB 32100 check character)", l.en),
                    )
                }
            }
            FieldKind::Mobile => (!ids::valid_mobile(v))
                .then(|| ("invalid", Msg::new(format!("{}应为 11 位数字，以 13–19 开头", l.zh), format!("{}: 11 digits starting with 13 to 19", l.en)))),
            FieldKind::Email => {
                (!ids::valid_email(v)).then(|| ("invalid", Msg::new(format!("{}不是有效的电子邮箱", l.zh), format!("{} is not a valid e-mail address", l.en))))
            }
            FieldKind::Number => match v.parse::<f64>() {
                Err(_) => bad(format!("{}应为数字", l.zh), format!("{}: a number", l.en)),
                Ok(n) if f.min.is_some_and(|m| n < m) || f.max.is_some_and(|m| n > m) => bad(
                    format!("{}应在 {}–{} 之间", l.zh, fmt_num(f.min), fmt_num(f.max)),
                    format!("{}: between {} and {}", l.en, fmt_num(f.min), fmt_num(f.max)),
                ),
                _ => None,
            },
            FieldKind::Bool => (!matches!(v, "true" | "false")).then(|| ("invalid", Msg::new(format!("{}应为是或否", l.zh), format!("{}: yes or no", l.en)))),
            // A file made with the photo or scan tool, named by its SHA-256: nothing else (a URL,
            // a note) may stand in a slot.
            FieldKind::Attachment => (!(v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())))
                .then(|| ("invalid", Msg::new(format!("{}应为用工具制作的文件", l.zh), format!("{}: a file made with the tool", l.en)))),
            FieldKind::Division => {
                // A province choice is stored as `150000`; its division code is `15`.
                let parent = dep.map(|p| p.strip_suffix("0000").unwrap_or(p).to_string()).unwrap_or_default();
                match find_division(&self.divisions, v) {
                    Some(_) if !parent.is_empty() && v.starts_with(&parent) && v.len() == parent.len() + 2 => None,
                    Some(d) => bad(format!("{}“{}”不在所选的上一级地区内", l.zh, d.name), format!("{}: {v} is not inside the region chosen above", l.en)),
                    None => bad(format!("{}的代码“{v}”不在行政区划表中", l.zh), format!("{}: \"{v}\" is not a known division code", l.en)),
                }
            }
        }
    }
}

/// A value as a message may show it: ID numbers masked.
fn shown(f: &Field, v: &str) -> String {
    if f.kind == FieldKind::IdNumber {
        ids::mask_id(v)
    } else {
        v.to_string()
    }
}

fn fmt_num(n: Option<f64>) -> String {
    n.map(|x| x.to_string()).unwrap_or_else(|| "…".into())
}

/// The cross-field rules about this section, on one entry (or the section's object).
fn rules(form: &Form, s: &Section, obj: &Map<String, Value>, prefix: &str, out: &mut Vec<Problem>) {
    for r in &form.rules {
        // Rules name `section.field`; only those wholly inside this section apply here.
        let Some(names) = r.fields.iter().map(|p| p.strip_prefix(&format!("{}.", s.id))).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let val = |i: usize| obj.get(names[i]).map(value_text).unwrap_or_default();
        let (a, b) = (val(0), val(1));
        let broken = match r.kind {
            RuleKind::NotAfter => !a.is_empty() && !b.is_empty() && cmp_key(&a) > cmp_key(&b),
            RuleKind::Within => {
                let c = val(2);
                !a.is_empty() && ((!b.is_empty() && cmp_key(&a) < cmp_key(&b)) || (!c.is_empty() && cmp_key(&a) > cmp_key(&c)))
            }
            RuleKind::IdBirth => match (ids::resident_id_facts(&a), parse_date(&b)) {
                (Some((birth, _)), Some(d)) => birth != d,
                _ => false,
            },
            RuleKind::IdSex => match ids::resident_id_facts(&a) {
                Some((_, male)) if b == "1" || b == "2" => male != (b == "1"),
                _ => false,
            },
        };
        if broken {
            // On the field a person would correct: the later date, the date outside its period,
            // the birth date or sex that disagrees with the ID.
            let on = if r.kind == RuleKind::Within { names[0] } else { names[1] };
            out.push(Problem { path: format!("{prefix}.{on}"), code: "rule", message: r.message.clone() });
        }
    }
}

/// Dates and months compare on `YYYY-MM(-DD)`; a month is the start of that month.
fn cmp_key(v: &str) -> (u32, u32, u32) {
    parse_date(v).or_else(|| parse_month(v).map(|(y, m)| (y, m, 1))).unwrap_or((0, 0, 0))
}

/// A value as the text the checks read (trimmed; null is empty).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

pub fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let (y, rest) = s.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    (y >= 1900 && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

pub fn parse_month(s: &str) -> Option<(u32, u32)> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (y >= 1900 && (1..=12).contains(&m)).then_some((y, m))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize]
}

fn bad_file(name: &str, text: &str, e: &toml::de::Error) -> Error {
    let line = e.span().map(|s| caiji_base::text::line_of(text, s.start)).unwrap_or(1);
    Error::SpecInvalid { file: format!("forms/{name}"), line, detail: Msg::new(format!("格式有误：{}", e.message()), e.message().to_string()) }
}

/// A form must name existing choice lists and fields, and its ids must be unique.
fn check_form(form: &Form, choices: &BTreeMap<String, ChoiceList>) -> Result<()> {
    let fail = |zh: String, en: String| Err(Error::SpecInvalid { file: format!("forms/{}.toml", form.id), line: 0, detail: Msg::new(zh, en) });
    let mut seen = std::collections::BTreeSet::new();
    for s in &form.sections {
        for f in &s.fields {
            let path = format!("{}.{}", s.id, f.id);
            if !seen.insert(path.clone()) {
                return fail(format!("字段 {path} 重复"), format!("field {path} appears twice"));
            }
            match (f.kind, &f.choices) {
                (FieldKind::Choice, Some(c)) if choices.contains_key(c) => {}
                (FieldKind::Choice, c) => return fail(format!("字段 {path} 的选项表 {c:?} 不存在"), format!("field {path}: no choice list {c:?}")),
                _ => {}
            }
            if let Some(d) = &f.default {
                let known = f.choices.as_ref().and_then(|c| choices.get(c)).is_some_and(|l| l.items.iter().any(|c| &c.code == d));
                if !known {
                    return fail(format!("字段 {path} 的默认值 {d} 不在选项中"), format!("field {path}: default {d} is not one of its choices"));
                }
            }
            if f.kind == FieldKind::Attachment && f.spec.is_none() {
                return fail(format!("附件 {path} 没有指定规格"), format!("attachment {path} names no spec"));
            }
            if f.kind == FieldKind::Division && !f.parent.as_ref().is_some_and(|p| s.fields.iter().any(|x| &x.id == p)) {
                return fail(format!("地区字段 {path} 没有指定上一级字段"), format!("division field {path} names no parent field"));
            }
        }
    }
    if let Some(k) = &form.person {
        if !seen.contains(&k.name) || !seen.contains(&k.id_number) {
            return fail(format!("表单的人员字段 {} / {} 不存在", k.name, k.id_number), format!("person fields {} / {} do not exist", k.name, k.id_number));
        }
    }
    for r in &form.rules {
        let want = match r.kind {
            RuleKind::Within => 3,
            _ => 2,
        };
        let sections: std::collections::BTreeSet<_> = r.fields.iter().filter_map(|p| p.split_once('.').map(|x| x.0)).collect();
        if r.fields.len() != want || r.fields.iter().any(|p| !seen.contains(p)) || sections.len() != 1 {
            return fail(format!("规则 {:?} 的字段 {:?} 有误", r.kind, r.fields), format!("rule {:?}: bad fields {:?}", r.kind, r.fields));
        }
    }
    Ok(())
}

/// Attachment hashes a draft refers to: string values that are 64 hex digits naming a file
/// in the store.
pub fn attachment_hashes(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| attachment_hashes(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| attachment_hashes(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(caiji_base::time::civil_from_days(0), (1970, 1, 1));
        assert_eq!(caiji_base::time::civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(caiji_base::time::civil_from_days(20_784), (2026, 11, 27));
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        for bad in ["1900-02-29", "2023-02-29", "2024-13-01", "2024-04-31", "2024-4-01", "24-04-01", "2024/04/01", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_month("2024-12"), Some((2024, 12)));
        assert_eq!(parse_month("2024-00"), None);
    }
}
