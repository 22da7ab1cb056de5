//! A unit's staff roster from a spreadsheet: CSV (UTF-8 or the GBK that Excel writes on Chinese
//! Windows) or Excel (XLSX/XLS/ODS, read by calamine). Columns are found by their header
//! (Chinese or English names, any order); every row is checked like the forms check a person
//! (resident ID by GB 11643, sex and birth date against it, mobile, post from the 财会〔2018〕33号
//! list, months) and a bad row is reported by its line with every reason, while the good rows
//! go in, all in one transaction. An ID that Excel already turned into scientific notation and
//! a post off the list are said so that a clerk knows what to do. The blank roster to fill in
//! ([`write_template`]) is an Excel workbook that keeps IDs as text, or a CSV; its example row
//! (name starting 示例) is passed over on import.
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

/// A row whose name starts with this is the template's example: import passes over it, so a
/// template filled in below its example imports as it is.
pub const EXAMPLE_MARK: &str = "示例";

/// The template example's resident ID: made up, valid by GB 11643 (110101 1990-03-07, male).
const EXAMPLE_ID: &str = "110101199003071233";

/// Columns kept as text in the Excel template: Excel turns long digit runs into scientific
/// notation (an 18-digit ID into 1.50102E+17) and dates into serial numbers.
const TEXT_FIELDS: &[&str] = &["id_number", "birth", "mobile", "appointed", "first_work"];

/// Rows below the header that the template's drop-downs cover.
const TEMPLATE_ROWS: u32 = 5000;

/// A choice's Chinese name from its code (the code when the list lacks it).
fn choice_zh(forms: &Forms, list: &str, code: &str) -> String {
    forms.choices.get(list).and_then(|l| l.items.iter().find(|c| c.code == code)).map_or_else(|| code.to_string(), |c| c.zh.clone())
}

/// The Chinese names of a choice list, in its order.
fn choice_names<'a>(forms: &'a Forms, list: &str) -> Vec<&'a str> {
    forms.choices.get(list).map(|l| l.items.iter().map(|c| c.zh.as_str()).collect()).unwrap_or_default()
}

/// The template's example row, in the order of [`template_header`]: a made-up person whose
/// name starts with [`EXAMPLE_MARK`].
pub fn template_example(forms: &Forms) -> Vec<String> {
    let ((y, m, d), male) = ids::resident_id_facts(EXAMPLE_ID).unwrap_or(((1990, 3, 7), true));
    let post = forms.choices.get("post").and_then(|l| l.items.first()).map(|c| c.zh.clone()).unwrap_or_default();
    COLUMNS
        .iter()
        .map(|c| match c.field {
            "name" => format!("{EXAMPLE_MARK} 张三"),
            "id_type" => choice_zh(forms, "id_type", "1"),
            "id_number" => EXAMPLE_ID.to_string(),
            "sex" => choice_zh(forms, "sex", if male { "1" } else { "2" }),
            "birth" => format!("{y:04}-{m:02}-{d:02}"),
            "mobile" => "13800138000".to_string(),
            "post" => post.clone(),
            "appointed" => "2020-03".to_string(),
            "first_work" => "2015-07".to_string(),
            _ => String::new(),
        })
        .collect()
}

/// Writes a roster to fill in, atomically, by the file's extension:
/// - `.xlsx`: an Excel workbook with the header row (bold, frozen), the ID, mobile and date
///   columns formatted as text (so that Excel keeps 18-digit IDs whole), one example row and
///   drop-downs of the allowed posts, sexes and ID types (from the forms' choice lists);
/// - `.csv`: the header and the example row, with a BOM (so that Excel reads the Chinese) and
///   CRLF line ends.
pub fn write_template(forms: &Forms, path: &Path) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let bytes = match ext.as_str() {
        "xlsx" => template_xlsx(forms).map_err(|e| Error::invalid(format!("无法生成名单模板：{e}"), format!("The roster template could not be made: {e}")))?,
        "csv" => template_csv(forms)?,
        _ => return Err(Error::invalid("名单模板请保存为 .xlsx 或 .csv 文件", "Save the roster template as an .xlsx or .csv file")),
    };
    caiji_base::fsio::write_atomic(path, &bytes)
}

fn template_csv(forms: &Forms) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    let failed = |_| Error::invalid("无法生成名单模板", "The roster template could not be made");
    w.write_record(template_header()).map_err(failed)?;
    w.write_record(template_example(forms)).map_err(failed)?;
    w.into_inner().map_err(|_| Error::invalid("无法生成名单模板", "The roster template could not be made"))
}

fn template_xlsx(forms: &Forms) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook, Worksheet};
    let mut sheet = Worksheet::new();
    sheet.set_name("会计人员名单")?;
    // Lists too long for a drop-down written in place (Excel's 255 characters) go on a hidden
    // sheet, one column each.
    let mut lists = Worksheet::new();
    lists.set_name("lists")?;
    let mut long_lists = 0u16;
    let header = Format::new().set_bold();
    // Excel's built-in Text format ("@", number format 49): what "Format Cells → Text" sets.
    let text = Format::new().set_num_format_index(49);
    let example = Format::new().set_italic().set_font_color(Color::Gray);
    let example_text = example.clone().set_num_format_index(49);
    let row = template_example(forms);
    for (j, c) in COLUMNS.iter().enumerate() {
        let col = j as u16;
        let as_text = TEXT_FIELDS.contains(&c.field);
        let width = match c.field {
            "name" | "id_type" | "mobile" => 14.0,
            "id_number" => 22.0,
            "sex" => 6.0,
            "post" => 36.0,
            "first_work" => 24.0,
            _ => 12.0,
        };
        sheet.set_column_width(col, width)?;
        if as_text {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, c.names[0], &header)?;
        sheet.write_string_with_format(1, col, row.get(j).map_or("", String::as_str), if as_text { &example_text } else { &example })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (field, list, what) in [("post", "post", "会计工作岗位"), ("sex", "sex", "性别"), ("id_type", "id_type", "证件类型")] {
        let names = choice_names(forms, list);
        let Some(col) = COLUMNS.iter().position(|c| c.field == field) else { continue };
        if names.is_empty() {
            continue;
        }
        let rule = match DataValidation::new().allow_list_strings(&names) {
            Ok(rule) => rule,
            Err(_) => {
                for (i, name) in names.iter().enumerate() {
                    lists.write_string(i as u32, long_lists, *name)?;
                }
                let letter = rust_xlsxwriter::utility::column_number_to_name(long_lists);
                long_lists += 1;
                DataValidation::new().allow_list_formula(Formula::new(format!("=lists!${letter}$1:${letter}${}", names.len())))
            }
        };
        let rule =
            rule.set_error_title(format!("{what}不在列表中"))?.set_error_message(format!("请从下拉列表中选择{what}。Choose one from the drop-down list."))?;
        sheet.add_data_validation(1, col as u16, TEMPLATE_ROWS, col as u16, &rule)?;
    }
    let mut wb = Workbook::new();
    wb.push_worksheet(sheet);
    if long_lists > 0 {
        lists.set_hidden(true);
        wb.push_worksheet(lists);
    }
    wb.save_to_buffer()
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
            // without ".0". Longer ones Excel has already cut to 15 digits (an 18-digit ID
            // among them): they read as Excel shows them, 1.50102E+17, for the check to name.
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) if f.abs() >= 1e15 => excel_scientific(*f),
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

/// A number as Excel's General format shows a long one: six significant digits, 1.50102E+17.
fn excel_scientific(f: f64) -> String {
    let s = format!("{f:.5E}"); // 1.50102E17
    let (mantissa, exp) = s.split_once('E').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mantissa}E{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// Scientific notation, as Excel shows a long number or writes it to CSV: 1.50102E+17,
/// 1.50102e+17, 1E+17.
fn scientific(v: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some((mantissa, exp)) = v.split_once(['e', 'E']) else { return false };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    digits(int) && (frac.is_empty() || digits(frac)) && digits(exp.strip_prefix(['+', '-']).unwrap_or(exp))
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
        let name = get(row, "name");
        if name.starts_with(EXAMPLE_MARK) {
            continue; // the template's example
        }
        rows += 1;
        let mut bad: Vec<Msg> = Vec::new();
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
        let typed = get(row, "id_number");
        let id = typed.to_uppercase();
        let facts = if id_type == "1" { ids::resident_id_facts(&id) } else { None };
        if id.is_empty() {
            bad.push(Msg::new("缺少证件号码", "no ID number"));
        } else if id_type == "1" && scientific(&typed) {
            // Excel keeps 15 digits of a number: the ID is lost, only pasting it again as text helps.
            bad.push(Msg::new(
                format!("Excel 把身份证号变成了科学计数法（{typed}）：请把这一列设为“文本”格式，再重新粘贴身份证号"),
                format!("Excel turned this ID number into scientific notation ({typed}): set the column to Text and paste the ID numbers again"),
            ));
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
                bad.push(Msg::new(
                    format!("手机号码“{mobile}”应为 11 位数字，以 13–19 开头"),
                    format!("mobile \"{mobile}\" should be 11 digits starting with 13 to 19"),
                ));
            }
        }
        let post = get(row, "post");
        if !post.is_empty() {
            match choice_of(forms, "post", &post) {
                Some(code) => {
                    data.insert("post".into(), json!(code));
                }
                None => {
                    let (zh, en): (Vec<&str>, Vec<&str>) =
                        forms.choices.get("post").map(|l| l.items.iter().map(|c| (c.zh.as_str(), c.en.as_str())).unzip()).unwrap_or_default();
                    bad.push(Msg::new(
                        format!("岗位“{post}”不是规定的会计工作岗位，可填：{}", zh.join("、")),
                        format!("post \"{post}\" is not one of the accounting posts; use one of: {}", en.join(", ")),
                    ))
                }
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

    const TODAY: (u32, u32, u32) = (2025, 6, 1);

    /// One file of the template's workbook, as text.
    fn part(xlsx: &Path, name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    fn zh(problems: &[RowProblem]) -> Vec<String> {
        problems.iter().map(|p| p.problems.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("；")).collect()
    }

    #[test]
    fn the_excel_template_keeps_ids_as_text_offers_the_posts_and_imports_as_empty() {
        let forms = Forms::builtin().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("会计人员名单.xlsx");
        write_template(&forms, &path).unwrap();

        // Read back as the import reads it: the header and the example row, nothing else.
        let cells = read_cells(&path).unwrap();
        assert_eq!(cells.len(), 2, "{cells:?}");
        assert_eq!(cells[0], template_header());
        let example = template_example(&forms);
        assert_eq!(cells[1], example);
        assert_eq!(example[0], "示例 张三");
        assert!(ids::valid_resident_id(&example[2]), "the example's ID is valid: {}", example[2]);
        assert_eq!((example[3].as_str(), example[4].as_str(), example[6].as_str()), ("男", "1990-03-07", "出纳"));

        // The ID column (with the mobile and date columns) formatted as text, "@" (built-in 49).
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        let styles = part(&path, "xl/styles.xml");
        let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
        let xfs: Vec<&str> = cell_xfs.split("<xf ").skip(1).collect();
        let style_of_column = |field: &str| -> &str {
            let n = COLUMNS.iter().position(|c| c.field == field).unwrap() + 1;
            let col = &sheet[sheet.find(&format!("<col min=\"{n}\" max=\"{n}\"")).unwrap_or_else(|| panic!("no <col> for {field}: {sheet}"))..];
            let col = &col[..col.find("/>").unwrap()];
            let style: usize = col.split("style=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap();
            xfs[style]
        };
        for field in TEXT_FIELDS {
            assert!(style_of_column(field).contains("numFmtId=\"49\""), "{field}: {}", style_of_column(field));
        }
        // The header row frozen, bold.
        assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""), "{sheet}");
        assert!(styles.contains("<b/>"));
        // Drop-downs: the posts from the forms' list (not written out here), the sexes.
        let validations = &sheet[sheet.find("<dataValidations").unwrap()..sheet.find("</dataValidations>").unwrap()];
        assert_eq!(validations.matches("<dataValidation ").count(), 3, "{validations}");
        let posts = validations.split("<dataValidation ").find(|v| v.contains("稽核")).unwrap();
        for p in &forms.choices["post"].items {
            assert!(posts.contains(&p.zh), "{} missing: {posts}", p.zh);
        }
        assert!(posts.contains("type=\"list\"") && posts.contains("sqref=\"G2:G5001\""), "{posts}");
        assert!(validations.contains("男,女"), "{validations}");

        // Imported unchanged: the example row is passed over, nothing else is there.
        let (rows, staff, rejected) = parse(&forms, "u", &cells, TODAY).unwrap();
        assert_eq!((rows, staff.len(), rejected.len()), (0, 0, 0));
        // Filled in below the example: that row goes in.
        let mut filled = cells.clone();
        let mut row = example.clone();
        row[0] = "李四".into();
        filled.push(row);
        let (rows, staff, rejected) = parse(&forms, "u", &filled, TODAY).unwrap();
        assert_eq!((rows, staff.len()), (1, 1), "{rejected:?}");
        assert_eq!((staff[0].name.as_str(), staff[0].data["post"].as_str(), staff[0].data["sex"].as_str()), ("李四", Some("01"), Some("1")));
    }

    #[test]
    fn the_csv_template_has_the_same_example_row_and_other_names_are_refused() {
        let forms = Forms::builtin().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名单.CSV");
        write_template(&forms, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with("\u{feff}姓名,".as_bytes()) && bytes.ends_with(b"\r\n"), "{}", String::from_utf8_lossy(&bytes));
        let cells = read_cells(&path).unwrap();
        assert_eq!(cells, [template_header().iter().map(|h| h.to_string()).collect(), template_example(&forms)]);
        assert_eq!(parse(&forms, "u", &cells, TODAY).unwrap().0, 0);

        let e = write_template(&forms, &dir.path().join("名单.txt")).unwrap_err();
        assert!(e.msg().zh.contains(".xlsx 或 .csv"), "{e:?}");
        assert!(!dir.path().join("名单.txt").exists());
    }

    #[test]
    fn a_list_too_long_for_a_drop_down_goes_on_a_hidden_sheet() {
        let mut forms = Forms::builtin().unwrap();
        for c in &mut forms.choices.get_mut("post").unwrap().items {
            c.zh = format!("{}（一个很长很长的岗位名称说明）", c.zh);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        write_template(&forms, &path).unwrap();
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<formula1>lists!$A$1:$A$11</formula1>"), "{sheet}");
        assert!(part(&path, "xl/workbook.xml").contains("state=\"hidden\""));
        // The import still reads the first sheet.
        assert_eq!(read_cells(&path).unwrap()[0], template_header());
    }

    #[test]
    fn an_id_excel_made_scientific_and_an_unknown_post_say_what_to_do() {
        let forms = Forms::builtin().unwrap();
        let dir = tempfile::tempdir().unwrap();
        // As Excel saves a CSV after it showed the IDs in scientific notation, and as other
        // tools write it.
        let csv = dir.path().join("名单.csv");
        let good = EXAMPLE_ID;
        let text = format!("姓名,身份证号,岗位\r\n张三,1.50102E+17,出纳\r\n李四,1.50102e+17,出纳\r\n王五,{good},仓库管理\r\n赵六,1E+17,稽核\r\n");
        std::fs::write(&csv, encoding_rs::GBK.encode(&text).0).unwrap();
        let cells = read_cells(&csv).unwrap();
        let (rows, staff, rejected) = parse(&forms, "u", &cells, TODAY).unwrap();
        assert_eq!((rows, staff.len()), (4, 0));
        let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        let why = zh(&rejected);
        assert_eq!(why[0], "Excel 把身份证号变成了科学计数法（1.50102E+17）：请把这一列设为“文本”格式，再重新粘贴身份证号");
        assert!(why[1].contains("（1.50102e+17）"), "shown as typed: {}", why[1]);
        assert!(why[3].contains("（1E+17）"), "{}", why[3]);
        assert_eq!(
            rejected[0].problems[0].en,
            "Excel turned this ID number into scientific notation (1.50102E+17): set the column to Text and paste the ID numbers again"
        );
        // The unknown post: every allowed one, from the list.
        let all_zh: Vec<&str> = forms.choices["post"].items.iter().map(|c| c.zh.as_str()).collect();
        assert_eq!(why[2], format!("岗位“仓库管理”不是规定的会计工作岗位，可填：{}", all_zh.join("、")));
        assert!(why[2].starts_with("岗位“仓库管理”不是规定的会计工作岗位，可填：出纳、稽核、"));
        assert!(rejected[2].problems[0].en.starts_with("post \"仓库管理\" is not one of the accounting posts; use one of: Cashier, Auditing of accounts, "));

        // A real Excel file with the ID typed into a number cell (Excel keeps 15 digits).
        let xlsx = dir.path().join("名单.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (j, h) in ["姓名", "身份证号", "岗位"].iter().enumerate() {
            ws.write_string(0, j as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "张三").unwrap();
        ws.write_number(1, 1, 150_102_199_003_070_000.0).unwrap();
        ws.write_string(1, 2, "出纳").unwrap();
        // A 15-digit number is kept whole (and is then too short for a resident ID).
        ws.write_string(2, 0, "李四").unwrap();
        ws.write_number(2, 1, 150_102_900_307_123.0).unwrap();
        wb.save(&xlsx).unwrap();
        let cells = read_cells(&xlsx).unwrap();
        assert_eq!(cells[1][1], "1.50102E+17");
        assert_eq!(cells[2][1], "150102900307123");
        let (_, staff, rejected) = parse(&forms, "u", &cells, TODAY).unwrap();
        assert!(staff.is_empty());
        let why = zh(&rejected);
        assert_eq!(why[0], "Excel 把身份证号变成了科学计数法（1.50102E+17）：请把这一列设为“文本”格式，再重新粘贴身份证号");
        assert!(why[1].contains("15 位"), "{}", why[1]);
    }

    #[test]
    fn long_numbers_read_as_excel_shows_them() {
        assert_eq!(excel_scientific(150_102_199_003_070_000.0), "1.50102E+17");
        assert_eq!(excel_scientific(1e17), "1E+17");
        assert_eq!(excel_scientific(1.5e15), "1.5E+15");
        assert_eq!(excel_scientific(-2.25e20), "-2.25E+20");
        for v in ["1.50102E+17", "1.50102e+17", "1E+17", "1.5e17", "1.e+17", "2E-3"] {
            assert!(scientific(v), "{v}");
        }
        for v in ["150102199003071233", "E+17", "1.5E", "1.5E+", "15010219900307123X", "1.2.3E+4", "e5", ""] {
            assert!(!scientific(v), "{v}");
        }
    }
}
