//! The guide's management rules as a table of cases (../shared/seed; domain brief §3).
use caiji_forms::rules::*;
use std::collections::BTreeMap;

fn credits(p: f32, g: f32) -> Credits {
    Credits { professional: p, general: g }
}

/// Qualified in `q`, working since `w`, with this computer's records complete from then on (a
/// baseline before the first year owed); CE complete (Inner Mongolia) in every year from the
/// first owed one up to 2025 except `missed`; assessed every year since work started except
/// `unassessed`.
fn person(q: Option<u32>, w: Option<u32>, missed: &[u32], unassessed: &[u32]) -> Person {
    let from = [q, w].into_iter().flatten().min().map(|y| y + 1).unwrap_or(2100);
    let ce: BTreeMap<u32, Credits> = (from..=2025).filter(|y| !missed.contains(y)).map(|y| (y, credits(60.0, 30.0))).collect();
    let assessed = w.map(|w| (w + 1..=2025).filter(|y| !unassessed.contains(y)).collect()).unwrap_or_default();
    Person { qualified: q, started_work: w, student: false, ce, assessed, history_declared: false, good_to: Some(from - 1), complete: true }
}

#[test]
fn who_may_enter() {
    let student = Person { student: true, ..Person::default() };
    assert!(can_enter(&student).unwrap_err().zh.contains("在校学生"));
    assert!(can_enter(&Person { student: true, qualified: Some(2024), ..Person::default() }).is_ok());
    assert!(can_enter(&Person { started_work: Some(2020), ..Person::default() }).is_ok());
    assert!(can_enter(&Person::default()).is_err(), "neither qualified nor appointed");
}

#[test]
fn when_continuing_education_is_owed() {
    assert_eq!(ce_from(&person(Some(2015), Some(2016), &[], &[])), Some(2016), "the year after the qualification");
    // Working since 2012, qualified in 2020: owed from 2013 (a later qualification erases
    // nothing; this pinned 2021 before).
    assert_eq!(ce_from(&person(Some(2020), Some(2012), &[], &[])), Some(2013), "the year after work started, when earlier");
    assert_eq!(ce_from(&person(None, Some(2018), &[], &[])), Some(2019), "else the year after work started");
    assert_eq!(ce_from(&Person::default()), None);
    // Credits count only in their own year: a year before the first owed one is never missed.
    assert_eq!(ce_missed(&person(Some(2020), None, &[2022], &[]), 2025, Region::InnerMongolia), vec![2022]);
}

#[test]
fn what_completes_a_year() {
    let cases = [
        (credits(60.0, 30.0), Region::National, true),
        (credits(59.0, 31.0), Region::National, false), // professional under 2/3
        (credits(90.0, 0.0), Region::National, true),
        (credits(66.0, 34.0), Region::National, false), // 100 in all, 66 < 2/3
        (credits(60.0, 29.0), Region::National, false),
        (credits(60.0, 30.0), Region::InnerMongolia, true),
        (credits(90.0, 0.0), Region::InnerMongolia, false), // general ≥ 30 needed
        (credits(59.5, 40.0), Region::InnerMongolia, false),
    ];
    for (c, r, ok) in cases {
        assert_eq!(year_complete(c, r), ok, "{c:?} {r:?}");
    }
    // National equivalents, as professional credits.
    assert_eq!(Equivalent::ExamSubject.credits(), 90.0);
    assert_eq!(Equivalent::DegreeCourse.credits(), 90.0);
    assert_eq!(Equivalent::Conference { days: 3.0 }.credits(), 30.0);
    assert_eq!(Equivalent::Paper { first_author: true }.credits(), 30.0);
    assert_eq!(Equivalent::Paper { first_author: false }.credits(), 10.0);
    assert_eq!(Equivalent::Book { lead: false }.credits(), 60.0);
    assert_eq!(Equivalent::Research { lead: true }.credits(), 90.0);
}

#[test]
fn status_follows_missed_education_and_assessments() {
    let im = Region::InnerMongolia;
    let cases: [(&[u32], &[u32], Status); 8] = [
        (&[], &[], Status::Active),
        (&[2021, 2022], &[], Status::Active),
        (&[2021, 2022, 2023], &[], Status::Changed),       // 3 consecutive
        (&[2017, 2019, 2021, 2023], &[], Status::Changed), // 4 in all
        (&[2017, 2019, 2021], &[], Status::Active),        // 3 in all, never 3 running
        (&[], &[2024, 2025], Status::NonActive),           // the last 2 years without assessment
        (&[], &[2023, 2024], Status::Active),              // 2 running, then assessed again: back in post
        (&[], &[2021, 2023], Status::Active),              // 2, not running
    ];
    for (missed, unassessed, want) in cases {
        let p = person(Some(2015), Some(2014), missed, unassessed);
        assert_eq!(status(&p, 2026, im), want, "missed {missed:?}, unassessed {unassessed:?}");
    }
    // The current year is not over: missing its CE does not count yet.
    assert_eq!(status(&person(Some(2015), Some(2014), &[2024, 2025], &[]), 2026, im), Status::Active);
}

#[test]
fn no_record_is_no_alarm_and_a_baseline_lets_the_rules_speak() {
    let im = Region::InnerMongolia;
    // Working since 2005, qualified in 2008, one collection filing on this computer: nothing is
    // known of 2006–2025. Before, this showed 异动 (CE "missed" for 20 years).
    let p = Person { qualified: Some(2008), started_work: Some(2005), ..Person::default() };
    let j = judge(&p, 2026, im);
    assert_eq!(j.status, Status::Unknown);
    assert_eq!(j.unknown_ce, (2006..=2025).collect::<Vec<_>>());
    assert_eq!(j.unknown_assessment, (2006..=2025).collect::<Vec<_>>());
    assert!(ce_missed(&p, 2025, im).is_empty(), "unknown years are not missed");
    assert!(history_refusal(&p, 2026, im).is_none(), "nor a reason to refuse the history");
    // Some years on record, others not: still unknown, and the gaps are said.
    let mut partly = p.clone();
    partly.ce = (2006..=2025).filter(|y| *y != 2019).map(|y| (y, credits(60.0, 30.0))).collect();
    partly.assessed = (2006..=2025).collect();
    let j = judge(&partly, 2026, im);
    assert_eq!((j.status, j.unknown_ce.as_slice(), j.unknown_assessment.len()), (Status::Unknown, &[2019][..], 0));
    // A baseline "good to 2023", assessed since, no CE filings for 2024–2026: in 2026 two
    // years are missed (in post still), in 2027 three running (异动).
    let base = Person { good_to: Some(2023), assessed: vec![2024, 2025, 2026], ..p.clone() };
    assert_eq!(judge(&base, 2026, im), Judgement { status: Status::Active, unknown_ce: vec![], unknown_assessment: vec![], unknown_start: false });
    // Neither when work started nor when the qualification came: nothing can be counted, so
    // nothing is claimed (this said 在岗).
    let j = judge(&Person::default(), 2026, im);
    assert_eq!((j.status, j.unknown_start), (Status::Unknown, true));
    // A baseline speaks for the years before it, and the years after are counted from it.
    let stated = Person { good_to: Some(2023), ce: [2024, 2025].map(|y| (y, credits(60.0, 30.0))).into(), assessed: vec![2024, 2025], ..Person::default() };
    assert_eq!(status(&stated, 2026, im), Status::Active);
    // The server's record holds every assessment: none for two years is 非在岗. An app's does
    // not (the unit files them, perhaps elsewhere): 信息不足 with those years, never 非在岗.
    let server = Person { assessed: vec![], complete: true, ..stated.clone() };
    assert_eq!(status(&server, 2026, im), Status::NonActive);
    let j = judge(&Person { complete: false, ..server.clone() }, 2026, im);
    assert_eq!((j.status, j.unknown_assessment.as_slice()), (Status::Unknown, &[2024, 2025][..]));
    // One year unassessed changes nothing: in post, last year's owed.
    let one = Person { assessed: vec![2024], ..stated.clone() };
    assert_eq!(status(&one, 2026, im), Status::Active);
    assert_eq!(ce_missed(&base, 2025, im), [2024, 2025]);
    assert_eq!(status(&base, 2027, im), Status::Changed);
    // The same baseline, CE done, but no assessment for 2024 and 2025: 非在岗.
    let unassessed = Person { good_to: Some(2023), ce: [2024, 2025].map(|y| (y, credits(60.0, 30.0))).into(), complete: true, ..p.clone() };
    assert_eq!(status(&unassessed, 2026, im), Status::NonActive);
}

#[test]
fn this_years_obligations_and_refusals() {
    // Last year's assessment is owed from January (this year's cannot exist yet).
    let mut p = person(Some(2015), Some(2014), &[], &[2025]);
    p.ce.insert(2026, credits(40.0, 30.0));
    let o = obligations(&p, 2026, Region::InnerMongolia);
    let codes: Vec<_> = o.iter().map(|x| x.code).collect();
    assert_eq!(codes, ["ce", "assessment", "history"]);
    assert!(o[0].message.zh.contains("专业科目 20 学分、公需科目 0 学分"), "{}", o[0].message.zh);
    assert!(o[1].message.zh.starts_with("2025 年度考评"), "{}", o[1].message.zh);
    let o = obligations(&p, 2026, Region::National);
    assert!(o[0].message.zh.contains("还差 20 学分"), "{}", o[0].message.zh);
    // Declared, assessed and done: nothing owed.
    p.ce.insert(2026, credits(60.0, 30.0));
    p.assessed.push(2025);
    p.history_declared = true;
    assert!(obligations(&p, 2026, Region::InnerMongolia).is_empty());
    // The history: once, and only in post.
    assert!(history_refusal(&p, 2026, Region::InnerMongolia).unwrap().zh.contains("只能申报一次"));
    let lapsed = person(Some(2015), Some(2014), &[], &[2024, 2025]);
    assert!(history_refusal(&lapsed, 2026, Region::InnerMongolia).unwrap().zh.contains("在岗"));
    assert!(history_refusal(&person(Some(2015), Some(2014), &[], &[]), 2026, Region::InnerMongolia).is_none());
    // A non-active person still owes last year's assessment: it puts them back in post.
    assert!(obligations(&lapsed, 2026, Region::InnerMongolia).iter().any(|o| o.code == "assessment"));
    let mut back = lapsed.clone();
    back.assessed.push(2025);
    assert_eq!(status(&back, 2026, Region::InnerMongolia), Status::Active);
}

#[test]
fn years_of_accounting_work_from_the_history() {
    let now = (2026, 11);
    // 2012-08…2018-12 (77 months) then 2019-01 to date (95 months): 172 months = 14 years.
    assert_eq!(years_of_work(&[((2012, 8), Some((2018, 12))), ((2019, 1), None)], now), 14);
    // Overlapping jobs count once: 2010-01…2016-12 = 7 years.
    assert_eq!(years_of_work(&[((2010, 1), Some((2015, 12))), ((2014, 1), Some((2016, 12)))], now), 7);
    // A gap is not counted; an end before the start is ignored.
    assert_eq!(years_of_work(&[((2000, 1), Some((2000, 12))), ((2005, 1), Some((2005, 12))), ((2010, 5), Some((2009, 1)))], now), 2);
    assert_eq!(years_of_work(&[], now), 0);
}

/// The 履历 after its declaration, as the system fills it in (seed §4.5): each later year in
/// post or not by the assessments (two running unassessed → not in post), at the unit the
/// accepted transfers say; a year no record settles is unknown, not "not in post".
#[test]
fn later_history_years_follow_post_and_transfers() {
    let ce: BTreeMap<u32, Credits> = (2011..=2025).map(|y| (y, credits(60.0, 30.0))).collect();
    // The system's record (every assessment on it).
    let p = Person {
        started_work: Some(2010),
        ce,
        assessed: vec![2020, 2021, 2022],
        good_to: Some(2019),
        history_declared: true,
        complete: true,
        ..Person::default()
    };
    let h = later_history(&p, 2020, Some("A"), &[(2022, "B".into())], 2025, Region::InnerMongolia);
    let got: Vec<(u32, Option<bool>, Option<&str>)> = h.iter().map(|y| (y.year, y.in_post, y.unit.as_deref())).collect();
    assert_eq!(
        got,
        [
            (2021, Some(true), Some("A")),
            (2022, Some(true), Some("B")),
            (2023, Some(true), Some("B")),
            (2024, Some(false), Some("B")),
            (2025, Some(false), Some("B"))
        ]
    );
    // An app's record lacks the unit's assessments made elsewhere: not known out of post.
    let app = Person { complete: false, ..p.clone() };
    let h = later_history(&app, 2020, Some("A"), &[(2022, "B".into())], 2025, Region::InnerMongolia);
    assert_eq!(h.iter().map(|y| y.in_post).collect::<Vec<_>>(), [Some(true), Some(true), Some(true), None, None]);
    // Without a baseline or assessments here, the years are unknown.
    let bare = Person { started_work: Some(2010), history_declared: true, ..Person::default() };
    assert!(later_history(&bare, 2020, None, &[], 2023, Region::InnerMongolia).iter().all(|y| y.in_post.is_none()));
}

/// Who may enter through collection (seed §1–2), on the core every caller runs: a student needs
/// an accounting qualification (an audit one does not count); without a qualification or an
/// appointment only an accountant already on file in the old system may collect.
#[test]
fn who_may_collect() {
    use caiji_forms::record::{guide_problems, Record};
    let forms = caiji_forms::Forms::builtin().unwrap();
    let form = forms.get("collection").unwrap();
    let says = |data: serde_json::Value| guide_problems(form, &data, &Record::default(), 2026).first().map(|p| p.message.zh.clone()).unwrap_or_default();
    let audit = serde_json::json!([{"level": "2", "type": "3", "how": "1", "date": "2020-09-01", "number": "A1"}]);
    let student = serde_json::json!({"authority": {"basis": "4"}, "category": {"category": "3"}, "qualification": audit});
    assert!(says(student).contains("在校学生"), "an audit qualification does not let a student in");
    let none = serde_json::json!({"authority": {"basis": "3"}, "category": {"category": "3"}});
    assert!(says(none).contains("已在原系统登记"));
    let legacy = serde_json::json!({"authority": {"basis": "3"}, "category": {"category": "3", "legacy": true}});
    assert_eq!(says(legacy), "", "an existing accountant of the old system collects");
    // An audit title alone is not the guide's way in (an accounting qualification, or a unit's
    // appointment); a doctoral student without an accounting qualification is a student.
    let audit_only = serde_json::json!({"authority": {"basis": "3"}, "category": {"category": "5"}, "qualification": audit});
    assert!(says(audit_only).contains("已在原系统登记"));
    let doctoral = serde_json::json!({"authority": {"basis": "3"}, "category": {"category": "4"}, "qualification": audit});
    assert!(says(doctoral).contains("在校学生"));
    // Someone a unit's entry filing already put in the system completes the record.
    let entered = Record { registered: true, ..Record::default() };
    let after_entry = serde_json::json!({"authority": {"basis": "3"}, "category": {"category": "3"}});
    assert!(guide_problems(form, &after_entry, &entered, 2026).is_empty());
    // Another province's platform takes the national categories as they are.
    let elsewhere = serde_json::json!({"authority": {"province": "110000", "basis": "3"}, "category": {"category": "4"}, "qualification": audit});
    assert_eq!(says(elsewhere), "");
}

/// What is owed follows the record: no 履历 before collection (or a baseline); while 非在岗,
/// last year's assessment only where a unit is on record to file it.
#[test]
fn obligations_the_record_allows() {
    use caiji_forms::record::{record_of, Filed};
    let (year, month, _) = (2026, 6, ());
    let owed = |filed: &[(&str, serde_json::Value)], good_to: Option<u32>| {
        let list: Vec<Filed> = filed.iter().map(|(f, d)| Filed { form: f, data: d, declared: true, when: 0 }).collect();
        let mut r = record_of(&list);
        r.person.good_to = good_to;
        r.person.complete = true;
        let v = r.verdict((year, month));
        (v.status, v.obligations.iter().map(|o| o.code).collect::<Vec<_>>())
    };
    let entry = serde_json::json!({"unit": {"uscc": "91150102MA0N12345P"}, "appointment": {"first_work": "2015-07"}});
    assert!(!owed(&[("entry_unit", entry.clone())], Some(2023)).1.is_empty());
    let (_, codes) = owed(&[("entry_unit", entry.clone())], None);
    assert!(!codes.contains(&"history"), "not before collection: {codes:?}");
    let collected = serde_json::json!({"category": {"first_work": "2015-07"}, "work": [{"start": "2015-07", "uscc": "91150102MA0N12345P"}]});
    let (status, codes) = owed(&[("entry_unit", entry), ("collection", collected.clone())], Some(2023));
    assert_eq!(status, Status::NonActive);
    assert!(codes.contains(&"assessment"), "the unit's assessment is the way back: {codes:?}");
    let no_unit = serde_json::json!({"category": {"first_work": "2015-07"}, "work": [{"start": "2015-07"}]});
    let (status, codes) = owed(&[("collection", no_unit)], Some(2023));
    assert_eq!(status, Status::NonActive);
    assert!(!codes.contains(&"assessment"), "no unit on record to assess: {codes:?}");
}

/// Assessments are of years that are over; CE credits count in their own year, never a future one.
#[test]
fn an_assessment_is_of_a_year_over() {
    use caiji_forms::record::{guide_problems, Record};
    let forms = caiji_forms::Forms::builtin().unwrap();
    let says = |form: &str, data: serde_json::Value| {
        guide_problems(forms.get(form).unwrap(), &data, &Record::default(), 2026).first().map(|p| p.message.zh.clone()).unwrap_or_default()
    };
    assert!(says("assessment", serde_json::json!({"grades": {"year": 2026}})).contains("2026 年尚未结束"));
    assert_eq!(says("assessment", serde_json::json!({"grades": {"year": 2025}})), "");
    assert!(says("ce", serde_json::json!({"person": {"year": 2027}})).contains("不能填报 2026 年以后"));
    assert_eq!(says("ce", serde_json::json!({"person": {"year": 2026}})), "");
}
