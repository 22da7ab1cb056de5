//! A unit's staff roster from a spreadsheet: CSV (UTF-8 or the GBK that Excel writes on Chinese
//! Windows) or Excel (XLSX/XLS/ODS, read by calamine). Columns are found by their header
//! (Chinese or English names, any order); every row is checked like the forms check a person
//! (resident ID by GB 11643, sex and birth date against it, mobile, post from the 财会〔2018〕33号
//! list, months) and a bad row is reported by its line with every reason, while the good rows
//! go in, all in one transaction.
use crate::store::{Staff, Store};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_base::ids;
use caiji_forms::{self as forms, Forms};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// A roster column: the field it fills, the headers that name it, whether it must be there.
struct Column {
    field: &'static str,
    names: &'static [&'static str],
    required: bool,
}

const COLUMNS: &[Column] = &[
    Column { field: "name", names: &["姓名", "name"], required: true },
    Column { field: "id_type", names: &["证件类型", "id type", "id_type"], required: false },
    Column { field: "id_number", names: &["证件号码", "身份证号", "身份证号码", "公民身份号码", "id number", "id_number"], required: true },
    Column { field: "sex", names: &["性别", "sex"], required: false },
    Column { field: "birth", names: &["出生日期", "birth", "date of birth"], required: false },
    Column { field: "mobile", names: &["手机号码", "手机", "手机号", "联系电话", "mobile"], required: false },
    Column { field: "post", names: &["会计工作岗位", "岗位", "post"], required: false },
    Column { field: "appointed", names: &["聘任时间", "appointed"], required: false },
    Column { field: "first_work", names: &["首次从事会计工作时间", "参加会计工作时间", "first work", "first_work"], required: false },
];

/// The header row of a blank roster (for "download the template").
pub fn template_header() -> Vec<&'static str> {
    COLUMNS.iter().map(|c| c.names[0]).collect()
}

/// Writes a blank roster to fill in: CSV with a BOM (so that Excel reads the Chinese headers)
/// and CRLF line ends, atomically.
pub fn write_template(path: &Path) -> Result<()> {
    let mut text = String::from("\u{feff}");
    text.push_str(&template_header().join(","));
    text.push_str("\r\n");
    caiji_base::fsio::write_atomic(path, text.as_bytes())
}

/// One rejected row: its line in the file (the header is line 1), the name if there is one,
/// and every reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowProblem {
    pub line: usize,
    pub name: String,
    pub problems: Vec<Msg>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RosterReport {
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    /// People added to the roster.
    pub added: usize,
    /// People already there, updated.
    pub updated: usize,
    pub rejected: Vec<RowProblem>,
}

/// Reads the file's cells: a grid of trimmed texts, the first row the header.
pub fn read_cells(path: &Path) -> Result<Vec<Vec<String>>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_sheet(path),
        _ => read_csv(path),
    }
}

fn unreadable(path: &Path, zh: &str, en: &str) -> Error {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Error::invalid(format!("名单 {name} 无法读取：{zh}"), format!("The roster {name} cannot be read: {en}"))
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Excel on Chinese Windows saves CSV in GBK; anything not valid UTF-8 is read as GB18030.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut rd = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for r in rd.records() {
        let r = r.map_err(|e| {
            unreadable(
                path,
                &format!("第 {} 行格式有误", e.position().map_or(0, |p| p.line())),
                &format!("line {} is malformed", e.position().map_or(0, |p| p.line())),
            )
        })?;
        out.push(r.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(out)
}

fn read_sheet(path: &Path) -> Result<Vec<Vec<String>>> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(path).map_err(|_| unreadable(path, "不是有效的 Excel 文件", "not a valid Excel file"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(path, "没有工作表", "it has no sheet"))?
        .map_err(|_| unreadable(path, "第一个工作表已损坏", "the first sheet is damaged"))?;
    let cell = |c: &Data| -> String {
        match c {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            // ID numbers typed as numbers lose nothing up to 15 digits; whole numbers print
            // without ".0".
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => excel_date(d.as_f64()),
            Data::DateTimeIso(s) => s.chars().take(10).collect(),
            Data::DurationIso(s) => s.clone(),
            Data::Error(_) => String::new(),
        }
    };
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25_569; // 1899-12-30 → 1970-01-01
    let (y, m, d) = caiji_base::time::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The runs of digits in what was typed: `2020年3月` → [2020, 3].
fn numbers(v: &str) -> Vec<u32> {
    v.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect()
}

/// A month as the forms store it (`YYYY-MM`) from what people type: 2020-03, 2020/3,
/// 2020.03, 2020年3月, 202003, or a full date.
fn month_of(v: &str) -> Option<String> {
    let digits = numbers(v);
    let (y, m) = match digits.as_slice() {
        [ym] if (190_001..=210_012).contains(ym) => (ym / 100, ym % 100),
        [y, m, ..] => (*y, *m),
        _ => return None,
    };
    forms::parse_month(&format!("{y:04}-{m:02}")).map(|_| format!("{y:04}-{m:02}"))
}

/// A date (`YYYY-MM-DD`) from 1990-03-07, 1990/3/7, 1990年3月7日, 19900307.
fn date_of(v: &str) -> Option<String> {
    let digits = numbers(v);
    let (y, m, d) = match digits.as_slice() {
        [ymd] if *ymd > 19_000_000 => (ymd / 10_000, ymd / 100 % 100, ymd % 100),
        [y, m, d, ..] => (*y, *m, *d),
        _ => return None,
    };
    let s = format!("{y:04}-{m:02}-{d:02}");
    forms::parse_date(&s).map(|_| s)
}

/// A choice from its code or its Chinese or English name.
fn choice_of(forms: &Forms, list: &str, v: &str) -> Option<String> {
    let l = forms.choices.get(list)?;
    l.items.iter().find(|c| c.code == v || c.zh == v || c.en.eq_ignore_ascii_case(v)).map(|c| c.code.clone())
}

/// Checks the rows of a roster for `unit`: the staff to add and the rejected rows.
pub fn parse(forms: &Forms, unit: &str, cells: &[Vec<String>], today: (u32, u32, u32)) -> Result<(usize, Vec<Staff>, Vec<RowProblem>)> {
    let header = cells.first().ok_or_else(|| Error::invalid("名单是空的", "The roster is empty"))?;
    let norm = |s: &str| s.trim().trim_start_matches('*').trim().to_lowercase();
    let mut at: Vec<Option<usize>> = Vec::new();
    for c in COLUMNS {
        let i = header.iter().position(|h| c.names.iter().any(|n| norm(h) == norm(n)));
        if c.required && i.is_none() {
            let want: Vec<&str> = COLUMNS.iter().filter(|c| c.required).map(|c| c.names[0]).collect();
            return Err(Error::invalid(
                format!("名单第一行缺少“{}”列（必须有：{}）", c.names[0], want.join("、")),
                format!("The roster's first row has no \"{}\" column (needed: {})", c.names[1], want.join(", ")),
            ));
        }
        at.push(i);
    }
    let get = |row: &Vec<String>, field: &str| -> String {
        let k = COLUMNS.iter().position(|c| c.field == field).and_then(|k| at[k]);
        k.and_then(|i| row.get(i)).cloned().unwrap_or_default()
    };
    let mut rows = 0;
    let mut staff = Vec::new();
    let mut rejected = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in cells.iter().enumerate().skip(1) {
        if row.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows += 1;
        let mut bad: Vec<Msg> = Vec::new();
        let name = get(row, "name");
        if name.is_empty() {
            bad.push(Msg::new("缺少姓名", "no name"));
        } else if name.chars().count() > 50 {
            bad.push(Msg::new("姓名超过 50 个字", "the name is longer than 50 characters"));
        }
        let id_type = match get(row, "id_type") {
            t if t.is_empty() => "1".to_string(),
            t => choice_of(forms, "id_type", &t).unwrap_or_else(|| {
                bad.push(Msg::new(format!("证件类型“{t}”不在列表中"), format!("ID type \"{t}\" is not one of the choices")));
                "1".into()
            }),
        };
        let id = get(row, "id_number").to_uppercase();
        let facts = if id_type == "1" { ids::resident_id_facts(&id) } else { None };
        if id.is_empty() {
            bad.push(Msg::new("缺少证件号码", "no ID number"));
        } else if id_type == "1" && !ids::valid_resident_id(&id) {
            let why = if id.len() != 18 { format!("{} 位", id.chars().count()) } else { "校验码或出生日期不对".into() };
            let why_en = if id.len() != 18 { format!("{} characters", id.chars().count()) } else { "wrong check character or birth date".into() };
            bad.push(Msg::new(format!("身份证号码 {} 无效（{why}）", ids::mask_id(&id)), format!("resident ID {} is not valid ({why_en})", ids::mask_id(&id))));
        } else if !seen.insert(id.clone()) {
            bad.push(Msg::new(format!("证件号码 {} 与上面的行重复", ids::mask_id(&id)), format!("ID number {} repeats an earlier row", ids::mask_id(&id))));
        }
        let mut data = Map::new();
        data.insert("id_type".into(), json!(id_type));
        match (get(row, "sex"), facts) {
            (s, Some((_, male))) if s.is_empty() => {
                data.insert("sex".into(), json!(if male { "1" } else { "2" }));
            }
            (s, facts) if !s.is_empty() => match choice_of(forms, "sex", &s) {
                Some(code) => {
                    if facts.is_some_and(|(_, male)| male != (code == "1")) {
                        bad.push(Msg::new("性别与身份证号码不一致", "the sex differs from the ID number"));
                    }
                    data.insert("sex".into(), json!(code));
                }
                None => bad.push(Msg::new(format!("性别“{s}”应为男或女"), format!("sex \"{s}\" should be 男 or 女"))),
            },
            _ => {}
        }
        match (get(row, "birth"), facts) {
            (b, Some(((y, m, d), _))) if b.is_empty() => {
                data.insert("birth".into(), json!(format!("{y:04}-{m:02}-{d:02}")));
            }
            (b, facts) if !b.is_empty() => match date_of(&b) {
                Some(date) => {
                    if facts.is_some_and(|(birth, _)| forms::parse_date(&date) != Some(birth)) {
                        bad.push(Msg::new("出生日期与身份证号码不一致", "the birth date differs from the ID number"));
                    }
                    data.insert("birth".into(), json!(date));
                }
                None => bad.push(Msg::new(format!("出生日期“{b}”无效"), format!("birth date \"{b}\" is not a date"))),
            },
            _ => {}
        }
        let mobile = get(row, "mobile");
        if !mobile.is_empty() {
            if ids::valid_mobile(&mobile) {
                data.insert("mobile".into(), json!(mobile));
            } else {
                bad.push(Msg::new(format!("手机号码“{mobile}”应为 11 位"), format!("mobile \"{mobile}\" should be 11 digits starting with 1")));
            }
        }
        let post = get(row, "post");
        if !post.is_empty() {
            match choice_of(forms, "post", &post) {
                Some(code) => {
                    data.insert("post".into(), json!(code));
                }
                None => bad.push(Msg::new(format!("岗位“{post}”不是规定的会计工作岗位"), format!("post \"{post}\" is not one of the accounting posts"))),
            }
        }
        for (field, zh, en) in [("appointed", "聘任时间", "appointed"), ("first_work", "首次从事会计工作时间", "first accounting work")] {
            let v = get(row, field);
            if v.is_empty() {
                continue;
            }
            match month_of(&v) {
                Some(m) if forms::parse_month(&m).is_some_and(|ym| ym <= (today.0, today.1)) => {
                    data.insert(field.into(), json!(m));
                }
                Some(_) => bad.push(Msg::new(format!("{zh}“{v}”晚于本月"), format!("{en} \"{v}\" is after this month"))),
                None => bad.push(Msg::new(format!("{zh}“{v}”应为年月，如 2020-03"), format!("{en} \"{v}\" should be a month like 2020-03"))),
            }
        }
        if let (Some(a), Some(f)) = (data.get("appointed").and_then(Value::as_str), data.get("first_work").and_then(Value::as_str)) {
            if a < f {
                bad.push(Msg::new("聘任时间早于首次从事会计工作时间", "appointed before the first accounting work"));
            }
        }
        if bad.is_empty() {
            staff.push(Staff { unit: unit.to_string(), id_number: id, name, data: Value::Object(data) });
        } else {
            rejected.push(RowProblem { line: i + 1, name, problems: bad });
        }
    }
    Ok((rows, staff, rejected))
}

/// Imports a roster file into `unit`'s staff: the good rows in one transaction, the bad ones
/// reported. Nothing is written when the file cannot be read or lacks a needed column.
pub fn import(store: &Store, forms: &Forms, unit: &str, path: &Path) -> Result<RosterReport> {
    store.unit(unit)?;
    let cells = read_cells(path)?;
    let (rows, staff, rejected) = parse(forms, unit, &cells, caiji_base::time::today())?;
    let known: BTreeSet<String> = store.staff(unit)?.into_iter().map(|s| s.id_number).collect();
    let updated = staff.iter().filter(|s| known.contains(&s.id_number)).count();
    store.put_staff(&staff)?;
    Ok(RosterReport { rows, added: staff.len() - updated, updated, rejected })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_dates_as_people_type_them() {
        for (v, want) in
            [("2020-03", "2020-03"), ("2020/3", "2020-03"), ("2020.03", "2020-03"), ("2020年3月", "2020-03"), ("202003", "2020-03"), ("2020-03-15", "2020-03")]
        {
            assert_eq!(month_of(v).as_deref(), Some(want), "{v}");
        }
        for v in ["2020-13", "March 2020", "20", ""] {
            assert_eq!(month_of(v), None, "{v}");
        }
        assert_eq!(date_of("1990/3/7").as_deref(), Some("1990-03-07"));
        assert_eq!(date_of("19900307").as_deref(), Some("1990-03-07"));
        assert_eq!(date_of("1990年3月7日").as_deref(), Some("1990-03-07"));
        assert_eq!(date_of("1990-02-30"), None);
        assert_eq!(excel_date(32_939.0), "1990-03-07");
    }
}
