//! The filing desk on real SQLite files: every form as data, change filings that cannot alter
//! fixed fields, rosters from real CSV (UTF-8 and GBK) and Excel files with per-row errors, the
//! bulk annual assessment, a person's standing from their filings, and a unit's bundle carried
//! to a fresh machine.
use caiji_base::time::today;
use caiji_filing::bundle;
use caiji_filing::desk::Desk;
use caiji_filing::roster;
use caiji_filing::store::{State, Store, Unit};
use caiji_forms::rules::Status;
use caiji_forms::Forms;
use caiji_tests::resident_id;
use serde_json::json;
use std::path::Path;

const USCC: &str = "91150102MA0N12345P";

fn unit_store(dir: &Path) -> Store {
    let s = Store::open(dir).unwrap();
    s.put_unit(&Unit { uscc: USCC.into(), name: "呼和浩特某某有限公司".into(), region: "呼和浩特市新城区".into() }).unwrap();
    s
}

#[test]
fn every_form_loads_and_names_its_person() {
    let f = Forms::builtin().unwrap();
    let ids: Vec<&str> = f.forms.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["collection", "entry_qualified", "entry_unit", "change", "transfer_within", "transfer_out", "transfer_in", "assessment", "history", "ce"]);
    for form in &f.forms {
        assert!(form.person.is_some(), "{}", form.id);
        // An empty draft of every form reports its required fields, by path.
        let p = f.validate(form, &json!({}), today());
        assert!(p.iter().any(|p| p.code == "required"), "{}", form.id);
    }
    // Leaving the region needs the stamped workplace-change proof.
    let out = f.get("transfer_out").unwrap();
    let p = f.validate(out, &json!({}), today());
    assert!(p.iter().any(|p| p.path == "to.proof" && p.code == "required"));
    assert_eq!(out.field("to.proof").unwrap().spec.as_deref(), Some("nat-proof"));
}

#[test]
fn a_change_cannot_alter_name_id_or_first_work_date() {
    let dir = tempfile::tempdir().unwrap();
    let forms = Forms::builtin().unwrap();
    let store = unit_store(dir.path());
    let desk = Desk::new(&store, &forms);
    let id = resident_id("150102", "19900307", 123);
    let entry = desk
        .create(
            "entry_unit",
            &json!({"unit": {"uscc": USCC, "name": "某某公司", "unit_type": "1"}, "authority": {"city": "1501", "county": "150102"},
                    "person": {"id_type": "1", "id_number": id, "name": "张三", "sex": "1", "mobile": "13912345678"},
                    "appointment": {"post": "01", "first_work": "2012-08", "appointed": "2019-01", "proof": "ab".repeat(32)}}),
            Some(USCC),
            None,
        )
        .unwrap();
    assert_eq!(entry.person.as_deref(), Some(id.as_str()));
    assert!(entry.title.contains("张三") && !entry.title.contains(&id), "title masks the ID: {}", entry.title);
    desk.finalize(&entry.id).unwrap();
    // No collection on this computer is not none made (it may have been made online): the app
    // does not refuse a change for it; the server, holding the system's record, does (guide.rs).

    let change = desk.change_from(&entry.id).unwrap();
    assert_eq!(change.form, "change");
    assert_eq!(change.data["identity"]["first_work"], "2012-08");
    let mut data = change.data.clone();
    data["change"] = json!({"item": "contact", "mobile": "13800001111", "detail": "换了手机号"});
    assert!(desk.save(&change.id, &data).unwrap().problems.is_empty(), "a change of mobile is fine");

    data["identity"]["name"] = json!("张四");
    data["identity"]["first_work"] = json!("2010-01");
    let p = desk.save(&change.id, &data).unwrap().problems;
    let fixed: Vec<&str> = p.iter().filter(|p| p.code == "fixed").map(|p| p.path.as_str()).collect();
    assert_eq!(fixed, ["identity.name", "identity.first_work"]);
    assert!(p[0].message.zh.contains("不能变更") && p[0].message.zh.contains("张三"));
    assert!(desk.finalize(&change.id).is_err());
}

/// A roster of `n` staff as rows (header first), with a few bad rows at known lines.
fn roster_rows(n: u32) -> (Vec<Vec<String>>, Vec<(usize, &'static str)>) {
    let mut rows = vec![["姓名", "身份证号", "性别", "手机号码", "岗位", "聘任时间", "首次从事会计工作时间"].map(String::from).to_vec()];
    let mut bad = Vec::new();
    for i in 0..n {
        let id = resident_id("150102", &format!("19{:02}0{}1{}", 70 + i % 30, 1 + i % 9, i % 10), 100 + i);
        let male = (100 + i) % 2 == 1;
        let mut r =
            [format!("职工{i:03}"), id, (if male { "男" } else { "女" }).into(), format!("139{:08}", i), "出纳".into(), "2020-03".into(), "2015/7".into()];
        let line = rows.len() + 1;
        match i {
            17 => {
                r[1].replace_range(17..18, if r[1].ends_with('0') { "1" } else { "0" });
                bad.push((line, "身份证号码"));
            }
            58 => {
                r[3] = "1391234".into();
                bad.push((line, "手机号码"));
            }
            99 => {
                r[2] = (if male { "女" } else { "男" }).into();
                bad.push((line, "性别与身份证号码不一致"));
            }
            140 => {
                r[4] = "仓库管理".into();
                bad.push((line, "岗位"));
            }
            171 => {
                r[0] = String::new();
                bad.push((line, "缺少姓名"));
            }
            188 => {
                r[1] = rows[5][1].clone();
                bad.push((line, "重复"));
            }
            _ => {}
        }
        rows.push(r.to_vec());
    }
    (rows, bad)
}

fn check_report(r: &roster::RosterReport, bad: &[(usize, &str)], n: usize) {
    assert_eq!(r.rows, n);
    assert_eq!(r.added, n - bad.len());
    let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
    assert_eq!(lines, bad.iter().map(|b| b.0).collect::<Vec<_>>());
    for (got, (_, why)) in r.rejected.iter().zip(bad) {
        let text: String = got.problems.iter().map(|m| m.zh.clone()).collect::<Vec<_>>().join("；");
        assert!(text.contains(why), "line {}: {text}", got.line);
        assert!(!text.contains("15010219"), "IDs are masked in reasons: {text}");
    }
}

#[test]
fn a_roster_of_200_from_gbk_csv_and_excel_with_per_row_errors() {
    let forms = Forms::builtin().unwrap();
    let (rows, bad) = roster_rows(200);

    // CSV as Excel saves it on Chinese Windows: GBK, CRLF.
    let dir = tempfile::tempdir().unwrap();
    let store = unit_store(&dir.path().join("a"));
    let text: String = rows.iter().map(|r| r.join(",") + "\r\n").collect();
    let csv = dir.path().join("名单.csv");
    std::fs::write(&csv, encoding_rs::GBK.encode(&text).0).unwrap();
    let r = roster::import(&store, &forms, USCC, &csv).unwrap();
    check_report(&r, &bad, 200);
    let staff = store.staff(USCC).unwrap();
    assert_eq!(staff.len(), 194);
    let s0 = staff.iter().find(|s| s.name == "职工000").unwrap();
    assert_eq!((s0.data["post"].as_str(), s0.data["first_work"].as_str(), s0.data["sex"].as_str()), (Some("01"), Some("2015-07"), Some("2")));
    assert_eq!(s0.data["birth"], "1970-01-10", "the birth date comes from the ID when the roster has none");
    // Importing the fixed file again updates, never duplicates.
    let again = roster::import(&store, &forms, USCC, &csv).unwrap();
    assert_eq!((again.added, again.updated), (0, 194));

    // The same roster as a real Excel file; the ID column typed as text, months as dates.
    let store = unit_store(&dir.path().join("b"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in r.iter().enumerate() {
            ws.write_string(i as u32, j as u16, c).unwrap();
        }
    }
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 3, 1).unwrap();
    ws.write_datetime_with_format(1, 5, &d, &fmt).unwrap();
    let xlsx = dir.path().join("名单.xlsx");
    wb.save(&xlsx).unwrap();
    let r = roster::import(&store, &forms, USCC, &xlsx).unwrap();
    check_report(&r, &bad, 200);
    assert_eq!(store.staff(USCC).unwrap().iter().find(|s| s.name == "职工000").unwrap().data["appointed"], "2020-03");

    // A file without the ID column is refused whole, naming what is needed.
    let no_id = dir.path().join("缺列.csv");
    std::fs::write(&no_id, "姓名,手机\n张三,13912345678\n").unwrap();
    let e = roster::import(&store, &forms, USCC, &no_id).unwrap_err();
    assert!(e.message(caiji_base::Lang::Zh).contains("证件号码"), "{}", e.message(caiji_base::Lang::Zh));
    let junk = dir.path().join("坏的.xlsx");
    std::fs::write(&junk, b"not a zip").unwrap();
    assert!(roster::import(&store, &forms, USCC, &junk).unwrap_err().message(caiji_base::Lang::Zh).contains("不是有效的 Excel"));
}

#[test]
fn bulk_assessment_standing_and_a_unit_bundle_on_a_fresh_machine() {
    let forms = Forms::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = unit_store(&dir.path().join("a"));
    let desk = Desk::new(&store, &forms);
    let (rows, _) = roster_rows(12);
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, rows.iter().map(|r| r.join(",") + "\n").collect::<String>()).unwrap();
    roster::import(&store, &forms, USCC, &csv).unwrap();
    let year = today().0 - 1;

    let b = desk.bulk_assessment(USCC, year, "2", "王会计", &format!("{year}-12-20")).unwrap();
    assert_eq!((b.created.len(), b.existing), (12, 0));
    assert_eq!(desk.bulk_assessment(USCC, year, "2", "王会计", &format!("{year}-12-20")).unwrap().created.len(), 0, "a second run makes none");
    for id in &b.created {
        assert!(desk.checked(id).unwrap().problems.is_empty());
        desk.finalize(id).unwrap();
    }

    // One person: a collection draft from the roster, CE for the past years.
    let someone = store.staff(USCC).unwrap().remove(0);
    let c = desk.for_staff(USCC, &someone.id_number, "collection").unwrap();
    assert_eq!(c.data["work"][0]["uscc"], USCC);
    assert_eq!(c.data["basic"]["name"], someone.name.as_str());
    let mut d = c.data.clone();
    d["work"][0]["start"] = json!(format!("{}-03", year - 4));
    d["work"][0]["appointed"] = json!(format!("{}-03", year - 4));
    d["category"]["first_work"] = json!(format!("{}-03", year - 4));
    d["authority"] = json!({"province": "150000", "basis": "1"});
    store.autosave(&c.id, &c.title, &d).unwrap();
    store.finalize(&c.id, &[]).unwrap();
    let s = desk.standing(&someone.id_number).unwrap();
    // Work started year-4 (`year` is last year): CE and assessments owed from year-3; this
    // computer has no record of either up to last year (bar last year's assessment, the bulk
    // run): not enough information — never 异动 on no evidence (this said Changed before).
    assert_eq!(s.status, Status::Unknown, "{s:?}");
    let missing = s.missing.clone().unwrap().zh;
    assert!(missing.contains(&format!("{}–{} 年的继续教育", year - 3, year)), "{missing}");
    assert!(missing.contains(&format!("{}–{} 年的年度考评", year - 3, year - 1)), "{missing}");
    for y in year - 3..=year {
        let ce = desk
            .create(
                "ce",
                &json!({"person": {"id_number": someone.id_number, "name": someone.name, "year": y}, "courses": {"professional": 60, "general": 30}}),
                Some(USCC),
                None,
            )
            .unwrap();
        desk.finalize(&ce.id).unwrap();
    }
    // Assessed only last year (the bulk run): the two years before it are not known here, so
    // still no judgement (never 非在岗 on no evidence).
    let s = desk.standing(&someone.id_number).unwrap();
    assert_eq!(s.status, Status::Unknown);
    assert!(!s.missing.unwrap().zh.contains("继续教育"), "the CE years are on record now");
    for y in year - 3..=year - 1 {
        let g = json!({"person": {"id_number": someone.id_number, "name": someone.name, "uscc": USCC},
                       "grades": {"year": y, "morality": "1", "ability": "1", "diligence": "2", "performance": "1", "integrity": "1", "overall": "1", "assessor": "王会计", "date": format!("{y}-12-20")}});
        desk.finalize(&desk.create("assessment", &g, Some(USCC), None).unwrap().id).unwrap();
    }
    let s = desk.standing(&someone.id_number).unwrap();
    assert_eq!(s.status, Status::Active, "{:?}", s.missing);
    assert!(s.obligations.iter().any(|o| o.code == "ce") && s.obligations.iter().any(|o| o.code == "history"), "{:?}", s.obligations);
    // From March of year-4 to this month: 60 months or more, except in January (59).
    assert_eq!(s.years_of_work, Some(if today().1 >= 2 { 5 } else { 4 }));

    // The whole unit to a fresh machine: the unit, its roster and every draft.
    let ids: Vec<String> = store.of_unit(USCC).unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), 12 + 1 + 4 + 3);
    let file = dir.path().join("unit.caiji");
    bundle::export(&store, &ids, &file).unwrap();
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    let got = bundle::import(&fresh, &file).unwrap();
    assert_eq!(got.len(), 20);
    assert_eq!(fresh.units().unwrap()[0].name, "呼和浩特某某有限公司");
    assert_eq!(fresh.staff(USCC).unwrap(), store.staff(USCC).unwrap());
    assert_eq!(fresh.of_unit(USCC).unwrap().iter().filter(|d| d.state == State::Finalized).count(), 20);
    let desk2 = Desk::new(&fresh, &forms);
    assert_eq!(desk2.standing(&someone.id_number).unwrap().status, Status::Active);
}

#[test]
fn a_history_is_refused_once_declared_and_a_student_without_qualification() {
    let forms = Forms::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let desk = Desk::new(&store, &forms);
    let id = resident_id("150102", "19990307", 124);
    let p = json!({"person": {"id_number": id, "name": "李四"}, "periods": [{"start": "2021-01", "unit": "某某公司", "post": "01"}]});
    let h = desk.create("history", &p, None, None).unwrap();
    assert!(desk.checked(&h.id).unwrap().problems.is_empty());
    desk.finalize(&h.id).unwrap();
    store.set_state(&h.id, State::Queued, None).unwrap();
    let again = desk.create("history", &p, None, None).unwrap();
    let probs = desk.checked(&again.id).unwrap().problems;
    assert!(probs.iter().any(|p| p.code == "refused" && p.message.zh.contains("只能申报一次")), "{probs:?}");

    let student = desk.create("collection", &json!({"authority": {"basis": "4"}}), None, None).unwrap();
    let probs = desk.checked(&student.id).unwrap().problems;
    assert!(probs.iter().any(|p| p.path == "authority.basis" && p.message.zh.contains("在校学生")), "{probs:?}");
}

#[test]
fn a_unit_is_saved_with_its_credit_code_checked_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let forms = Forms::builtin().unwrap();
    let desk = Desk::new(&store, &forms);
    let units = desk.save_unit(&Unit { uscc: format!(" {} ", USCC.to_lowercase()), name: " 某某公司 ".into(), region: String::new() }).unwrap();
    assert_eq!((units[0].uscc.as_str(), units[0].name.as_str()), (USCC, "某某公司"));
    let bad = desk.save_unit(&Unit { uscc: "91150102MA0N12345Q".into(), name: "某某公司".into(), region: String::new() }).unwrap_err();
    assert!(bad.msg().zh.contains("GB 32100"), "{bad:?}");
    assert!(desk.save_unit(&Unit { uscc: USCC.into(), name: "  ".into(), region: String::new() }).is_err());
    // The roster template Excel opens with its Chinese headers: a BOM, CRLF.
    let t = dir.path().join("模板.csv");
    roster::write_template(&forms, &t).unwrap();
    let text = std::fs::read(&t).unwrap();
    assert!(text.starts_with("\u{feff}".as_bytes()) && text.ends_with(b"\r\n"));
    // Either template imported as it comes adds no one: its example row is passed over.
    let t2 = dir.path().join("模板.xlsx");
    roster::write_template(&forms, &t2).unwrap();
    for t in [&t, &t2] {
        let r = roster::import(&store, &forms, &units[0].uscc, t).unwrap();
        assert_eq!((r.rows, r.added, r.updated, r.rejected.len()), (0, 0, 0, 0), "{}", t.display());
    }
    assert!(store.staff(&units[0].uscc).unwrap().is_empty());
}

#[test]
fn a_stated_baseline_lets_the_rules_judge_the_years_after_it() {
    let forms = Forms::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let desk = Desk::new(&store, &forms);
    let last = today().0 - 1;
    // Working since ten years ago, one collection filing on this computer.
    let id = "150102199003071237";
    let data = json!({"basic": {"id_type": "1", "id_number": id, "name": "张三"},
                      "work": [{"start": format!("{}-03", last - 9), "appointed": format!("{}-03", last - 9)}],
                      "authority": {"province": "150000", "basis": "1"}});
    let c = desk.create("collection", &data, None, None).unwrap();
    store.finalize(&c.id, &[]).unwrap();
    let s = desk.standing(id).unwrap();
    assert_eq!((s.status, s.good_to), (Status::Unknown, None), "{s:?}");
    // "In good standing up to three years ago": the two years since have no assessment here —
    // the unit's filings, perhaps made elsewhere — so not 非在岗 but 信息不足, saying which.
    let s = desk.set_baseline(id, Some(last - 2)).unwrap();
    assert_eq!((s.status, s.good_to), (Status::Unknown, Some(last - 2)));
    assert!(s.missing.unwrap().zh.contains(&format!("{}–{last} 年的年度考评", last - 1)));
    // Four years ago, with no CE here since: the person files their own CE, so three years
    // running missed is 异动.
    assert_eq!(desk.set_baseline(id, Some(last - 3)).unwrap().status, Status::Changed);
    // Up to last year: in post.
    assert_eq!(desk.set_baseline(id, Some(last)).unwrap().status, Status::Active);
    // This year is not over; nor is any year before 1980 on file.
    for bad in [last + 1, 1979] {
        assert!(desk.set_baseline(id, Some(bad)).unwrap_err().msg().zh.contains("1980"), "{bad}");
    }
    assert_eq!(desk.baseline(id).unwrap(), Some(last), "a refused year changes nothing");
    // Withdrawn: unknown again.
    assert_eq!(desk.set_baseline(id, None).unwrap().status, Status::Unknown);
}
