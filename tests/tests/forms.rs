//! The filing forms as data: a complete collection record passes, and each kind of mistake a
//! person makes is reported on its field, in Chinese and English.
use caiji_forms::{Forms, Problem};
use caiji_image::spec::Registry;
use serde_json::{json, Value};

const TODAY: (u32, u32, u32) = (2026, 11, 27);

/// A complete, valid collection record (an invented person with a valid ID number).
fn record() -> Value {
    json!({
        "authority": {"province": "150000", "city": "1501", "county": "150102", "basis": "1", "pledge": true},
        "category": {"category": "1", "first_work": "2012-07"}, "work": [{"start": "2012-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "unit_type": "1", "post": "01", "appointed": "2012-07"}],
        "basic": {
            "photo": "0b5e9c1d2a3f4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "id_type": "1", "id_number": "150102199003071237", "name": "张三",
            "sex": "1", "birth": "1990-03-07", "mobile": "13912345678", "email": "zhangsan@example.cn",
            "ethnicity": "02", "political": "13"
        },
        "education": [
            {"full_time": "1", "school": "内蒙古财经大学", "level": "21", "degree": "3", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}
        ],
        "work": [
            {"start": "2012-08", "end": "2018-12", "unit": "某某有限公司", "uscc": "91150102MA0N12345P", "unit_type": "1", "post": "01", "appointed": "2012-08"},
            {"start": "2019-01", "unit": "某某事业单位", "uscc": "52150000500000000Q", "unit_type": "3", "post": "10", "appointed": "2020-03"}
        ],
        "qualification": [
            {"level": "1", "type": "1", "how": "1", "date": "2013-10-20", "number": "Z2013150000123"}
        ]
    })
}

fn problems(v: &Value) -> Vec<Problem> {
    let forms = Forms::builtin().unwrap();
    let form = forms.get("collection").unwrap();
    forms.validate(form, v, TODAY)
}

/// Sets `path` (dots; numbers index arrays) in a copy of the record.
fn with(path: &str, value: Value) -> Value {
    let mut v = record();
    let mut at = &mut v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        at = match p.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*p],
        };
    }
    at[parts[parts.len() - 1]] = value;
    v
}

#[test]
fn a_complete_record_passes() {
    assert_eq!(problems(&record()), vec![]);
}

#[test]
fn each_mistake_is_reported_on_its_field() {
    let cases: Vec<(&str, Value, &str, &str, &str)> = vec![
        // (field, value, path reported, code, words of the Chinese message)
        ("basic.name", json!(""), "basic.name", "required", "请填写姓名"),
        ("basic.photo", json!("no-photo-here"), "basic.photo", "invalid", "用工具制作的文件"),
        ("basic.id_number", json!("150102199003071238"), "basic.id_number", "invalid", "GB 11643"),
        ("basic.id_number", json!("15010219900230123X"), "basic.id_number", "invalid", "出生日期须真实"),
        ("basic.birth", json!("1990-03-08"), "basic.birth", "rule", "出生日期与身份证号码"),
        ("basic.sex", json!("2"), "basic.sex", "rule", "第 17 位奇数为男"),
        ("basic.birth", json!("1990-02-30"), "basic.birth", "invalid", "有效日期"),
        ("basic.mobile", json!("12912345678"), "basic.mobile", "invalid", "应为 11 位数字"),
        ("basic.sex", json!(""), "basic.sex", "required", "请选择性别"),
        ("basic.email", json!("zhangsan@"), "basic.email", "invalid", "电子邮箱"),
        ("basic.ethnicity", json!("57"), "basic.ethnicity", "invalid", "不在列表中"),
        ("authority.pledge", Value::Null, "authority.pledge", "required", "承诺"),
        // Cascaded divisions: a city of another province, a county of another city, no such code.
        ("authority.city", json!("1301"), "authority.city", "invalid", "“石家庄市”不在所选的上一级地区内"),
        ("authority.county", json!("150202"), "authority.county", "invalid", "“东河区”不在所选的上一级地区内"),
        ("authority.county", json!("159999"), "authority.county", "invalid", "不在行政区划表中"),
        ("education.0.graduation", json!("2008-06"), "education.0.graduation", "rule", "毕业时间不能早于入学时间"),
        ("work.1.appointed", json!("2027-01"), "work.1.appointed", "invalid", "不能晚于本月"),
        ("work.0.end", json!("2011-01"), "work.0.end", "rule", "结束时间不能早于开始时间"),
        ("work.1.appointed", json!("2018-12"), "work.1.appointed", "rule", "聘任时间应在"),
        ("work.0.appointed", json!("2019-01"), "work.0.appointed", "rule", "聘任时间应在"),
        ("work.0.uscc", json!("91150102MA0N12345Q"), "work.0.uscc", "invalid", "GB 32100"),
        ("work.1.post", json!("12"), "work.1.post", "invalid", "不在列表中"),
        ("qualification.0.date", json!("2026-11-28"), "qualification.0.date", "invalid", "不能晚于今天"),
        ("basic.name", json!("名".repeat(51)), "basic.name", "invalid", "最多 50 个字"),
    ];
    for (field, value, path, code, words) in cases {
        let p = problems(&with(field, value.clone()));
        // Reported on its field, and nothing reported outside the entry it belongs to (an end
        // before the start also leaves the appointment outside the period: both are said).
        let hit = p.iter().find(|x| x.path == path && x.code == code).unwrap_or_else(|| panic!("{field} = {value}: {p:#?}"));
        let entry = &path[..path.rfind('.').unwrap()];
        assert!(p.iter().all(|x| x.path.starts_with(entry)) && p.len() <= 2, "{field} = {value}: {p:#?}");
        assert!(hit.message.zh.contains(words), "{field}: {}", hit.message.zh);
        assert!(!hit.message.en.is_empty() && hit.message.en.is_ascii(), "{field}: {}", hit.message.en);
    }
}

#[test]
fn edge_dates_and_other_id_types() {
    // Appointed in the month the period starts, or ends: inside. A current job has no end.
    assert_eq!(problems(&with("work.0.appointed", json!("2018-12"))), vec![]);
    assert_eq!(problems(&with("work.1.appointed", json!("2026-11"))), vec![]);
    // Enrolled and graduated the same month is allowed; a leap day birth is a real date.
    assert_eq!(problems(&with("education.0.graduation", json!("2008-09"))), vec![]);
    // A passport holder: no GB 11643 check, no birth or sex comparison.
    let mut v = with("basic.id_type", json!("4"));
    v["basic"]["id_number"] = json!("E12345678");
    v["basic"]["sex"] = json!("2");
    assert_eq!(problems(&v), vec![]);
    v["basic"]["id_number"] = json!("E1");
    assert_eq!(problems(&v)[0].path, "basic.id_number");
    // No education at all: the section needs one entry.
    let p = problems(&with("education", json!([])));
    assert_eq!((p[0].path.as_str(), p[0].code), ("education", "too_few"));
}

#[test]
fn forms_name_real_choice_lists_and_spec_profiles() {
    let forms = Forms::builtin().unwrap();
    let reg = Registry::builtin();
    for form in &forms.forms {
        for s in &form.sections {
            for f in &s.fields {
                if let Some(spec) = &f.spec {
                    assert!(reg.get(spec).is_ok(), "{}.{}: spec {spec}", s.id, f.id);
                }
            }
        }
    }
    // The national standards' lists are complete.
    assert_eq!(forms.choices["ethnicity"].items.len(), 58, "56 groups + other + foreign origin");
    assert_eq!(forms.choices["ethnicity"].items[1].zh, "蒙古族");
    // The division table as shipped (assets/forms/divisions.md): every province of the choice
    // list has its cities; Inner Mongolia's 12 cities and leagues.
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/forms/divisions.json")).unwrap();
    assert_eq!(format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&file)), "83b7536f853ad16beb4d37b92890a3fd7bb9d33d4f37e7c8885fb948749a9bc4");
    for p in &forms.choices["province"].items {
        let d = caiji_forms::find_division(&forms.divisions, p.code.trim_end_matches("0000")).unwrap();
        assert_eq!(d.name, p.zh);
        assert!(!d.children.is_empty());
    }
    let im = caiji_forms::find_division(&forms.divisions, "15").unwrap();
    assert_eq!(im.children.iter().filter(|c| c.code != "1500").count(), 12);
    // The guide's 自治区直属 beside them (Caiji's addition, not a division of the table), with
    // no 旗县 below it: a collection managed there names no county.
    let direct = caiji_forms::find_division(&forms.divisions, "1500").unwrap();
    assert_eq!((direct.name.as_str(), direct.children.len()), ("自治区直属", 0));
    assert!(im.children.iter().any(|c| c.name == "锡林郭勒盟"));
    assert_eq!(forms.choices["political"].items.len(), 13);
    assert_eq!(forms.choices["post"].items.len(), 11);
    assert_eq!(forms.choices["province"].items.len(), 31);
}

/// What changed between two versions, as a person reads it: choices and divisions by name, the
/// ID masked, a new photo said as such, a removed education entry against empty.
#[test]
fn a_diff_reads_as_the_form_does() {
    let forms = Forms::builtin().unwrap();
    let form = forms.get("collection").unwrap();
    let mut theirs = with("basic.sex", json!("2"));
    theirs["basic"]["id_number"] = json!("150102199003071245");
    theirs["basic"]["photo"] = json!("中文不是哈希值");
    theirs["authority"]["county"] = json!("150103");
    theirs["education"] = json!([]);
    let d = forms.diff(form, &record(), &theirs);
    let shown: Vec<(&str, &str, &str)> = d.iter().map(|c| (c.path.as_str(), c.mine.zh.as_str(), c.theirs.zh.as_str())).collect();
    assert_eq!(
        &shown[..5],
        [
            ("authority.county", "新城区", "回民区"),
            ("basic.photo", "附件 0b5e9c1d…", "附件 中文不是哈希值…"),
            ("basic.id_number", "150102********1237", "150102********1245"),
            ("basic.sex", "男", "女"),
            ("education.0.full_time", "全日制", "（空）"),
        ]
    );
    assert!(d.iter().all(|c| !c.mine.zh.contains("199003071237")), "no ID in full");
    assert_eq!(d[3].label.en, "Basic information · Sex");
    assert!(forms.diff(form, &record(), &record()).is_empty());
}
