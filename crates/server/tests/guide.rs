//! The guide's rules, roles and routing over HTTP against the real server (SQLite on
//! 127.0.0.1): who files each form, which reviewer sees each filing (管理地区 down to 盟市, 旗县
//! and 自治区直属; a transfer moves the person), and the refusals the server makes on the
//! person's record — with the words the app shows, from the same function
//! (`caiji_forms::record`). Issue "The guide's rules, roles and routing, the same on both ends".
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use caiji_forms::record::{self, Filed};
use caiji_forms::rules;
use caiji_forms::Forms;
use caiji_server::api::{AccountKind, Decision};
use common::{start, Api};
use serde_json::{json, Value};

const PW: &str = "guide-pass-1";
/// A unit in 呼和浩特 新城区, one in 包头 昆都仑区, one directly under the region.
const UNIT: &str = "91150102MA0N12345P";
const BAOTOU_UNIT: &str = "91150203MA0N567852";
const OTHER_UNIT: &str = "91150000MA0N99995D";
const ZHANG: &str = "150102199003071237";
const LI: &str = "150102198501010010";
const WANG: &str = "150203198805120034";
const ZHAO: &str = "150102199501010023";
const SUN: &str = "150102197503010036";
const STUDENT: &str = "150102200006010013";
const QIAN: &str = "150102199202020037";

fn year() -> u32 {
    caiji_base::time::today().0
}

/// Today as a form's date (never in the future, whatever the day the tests run).
fn today() -> String {
    let (y, m, d) = caiji_base::time::today();
    format!("{y}-{m:02}-{d:02}")
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn birth(id: &str) -> String {
    format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14])
}

fn sex(id: &str) -> &'static str {
    if (id.as_bytes()[16] - b'0') % 2 == 1 {
        "1"
    } else {
        "2"
    }
}

/// A collection: managed in `city`/`county` (county empty for 自治区直属), working at `uscc`
/// since `since` (none: qualified, not working), a student when `student`.
fn collection(id: &str, photo: &str, city: &str, county: &str, work: Option<(&str, &str)>, student: bool) -> Value {
    let mut data = json!({
        "authority": {"province": "150000", "city": city, "county": county, "basis": if student { "4" } else { "1" }, "pledge": true},
        "category": {"category": if work.is_some() { "1" } else { "2" }},
        "basic": {"photo": photo, "id_type": "1", "id_number": id, "name": "某某", "sex": sex(id), "birth": birth(id), "mobile": "13912345678"},
        "education": [{"full_time": "1", "school": "内蒙古财经大学", "level": "21", "major": "会计学", "start": "2008-09", "graduation": "2012-07"}],
    });
    match work {
        Some((uscc, since)) => {
            data["category"]["first_work"] = json!(since);
            data["work"] = json!([{"start": since, "unit": "某某公司", "uscc": uscc, "unit_type": "1", "post": "01", "appointed": since}]);
        }
        None if !student => {
            data["qualification"] = json!([{"level": "1", "type": "1", "how": "1", "date": "2018-09-01", "number": "Z2018001"}]);
        }
        None => {}
    }
    json!({"form": "collection", "form_version": 3, "data": data})
}

fn entry_unit(unit: &str, id: &str, proof: &str, first_work: &str) -> Value {
    json!({"form": "entry_unit", "form_version": 2, "data": {
        "unit": {"uscc": unit, "name": "某某公司", "unit_type": "1"},
        "authority": {"province": "150000", "city": "1501", "county": "150102"},
        "person": {"id_type": "1", "id_number": id, "name": "某某", "sex": sex(id), "mobile": "13800001111"},
        "appointment": {"post": "01", "first_work": first_work, "appointed": first_work, "proof": proof}}})
}

fn change(id: &str, first_work: &str) -> Value {
    json!({"form": "change", "form_version": 1, "data": {
        "identity": {"id_type": "1", "id_number": id, "name": "某某", "first_work": first_work},
        "change": {"item": "contact", "mobile": "13900001111", "detail": "换了手机号"}}})
}

fn transfer(id: &str, city: &str, county: &str, to_uscc: &str) -> Value {
    json!({"form": "transfer_within", "form_version": 2, "data": {
        "person": {"id_number": id, "name": "某某", "mobile": "13900001111"},
        "from": {"unit": "某某公司", "uscc": UNIT, "authority": "呼和浩特市新城区", "left": "2025-06"},
        "to": {"province": "150000", "city": city, "county": county, "unit": "新公司", "uscc": to_uscc, "post": "01", "joined": "2025-07"}}})
}

fn assessment(unit: &str, id: &str, y: u32) -> Value {
    let g = "2";
    json!({"form": "assessment", "form_version": 1, "data": {
        "person": {"id_number": id, "name": "某某", "uscc": unit},
        "grades": {"year": y, "morality": g, "ability": g, "diligence": g, "performance": g, "integrity": g, "overall": g, "assessor": "王会计", "date": today()}}})
}

fn history(id: &str) -> Value {
    json!({"form": "history", "form_version": 1, "data": {
        "person": {"id_number": id, "name": "某某"},
        "periods": [{"start": "2012-07", "unit": "某某公司", "uscc": UNIT, "post": "01"}]}})
}

fn ce(id: &str, y: u32) -> Value {
    json!({"form": "ce", "form_version": 1, "data": {
        "person": {"id_number": id, "name": "某某", "year": y},
        "courses": {"professional": 60, "general": 30}}})
}

struct World {
    api: Api,
    server: caiji_server::Server,
    _dir: tempfile::TempDir,
    n: std::cell::Cell<u32>,
    tokens: std::cell::RefCell<std::collections::HashMap<String, String>>,
}

impl World {
    fn new() -> World {
        let (api, server, dir) = start();
        for (login, region) in [("HOHHOT", "150100"), ("XINCHENG", "150102"), ("BAOTOU", "150200"), ("DIRECT", "1500"), ("PROVINCE", "150000")] {
            server.add_account(AccountKind::Authority, login, PW, login, region).unwrap();
        }
        for u in [UNIT, BAOTOU_UNIT, OTHER_UNIT] {
            server.add_account(AccountKind::Unit, u, PW, "某某公司", "").unwrap();
        }
        for p in [ZHANG, LI, WANG, ZHAO, SUN, STUDENT] {
            server.add_account(AccountKind::Person, p, PW, "某某", "").unwrap();
        }
        World { api, server, _dir: dir, n: std::cell::Cell::new(0), tokens: Default::default() }
    }

    /// A session of `login` (signed in once).
    fn token(&self, login: &str) -> String {
        self.tokens.borrow_mut().entry(login.to_string()).or_insert_with(|| self.api.token(login, PW)).clone()
    }

    /// Files `body` from `login` (a new filing): (status, body, uuid).
    fn file(&self, login: &str, body: &Value) -> (u16, Value, String) {
        self.n.set(self.n.get() + 1);
        let id = uuid(self.n.get());
        let (st, v) = self.api.call("PUT", &format!("/api/v1/submissions/{id}"), &self.token(login), Some(body.clone()));
        (st, v, id)
    }

    /// Files and has it accepted (the admin command).
    fn accepted(&self, login: &str, body: &Value) -> String {
        let (st, v, id) = self.file(login, body);
        assert_eq!(st, 201, "{v}");
        self.server.decide(&id, Decision::Accept, None).unwrap();
        id
    }

    fn photo(&self, login: &str) -> String {
        self.api.upload(&self.token(login), format!("photo of {login}").as_bytes())
    }

    /// The forms in an authority's review queue, with whose filing each is (masked ID's last 4).
    fn queue(&self, authority: &str) -> Vec<String> {
        let (st, v) = self.api.call("GET", "/api/v1/review", &self.token(authority), None);
        assert_eq!(st, 200, "{v}");
        let mut out: Vec<String> =
            v.as_array().unwrap().iter().map(|r| format!("{} {}", r["form"].as_str().unwrap(), &r["person"].as_str().unwrap()[14..])).collect();
        out.sort();
        out
    }

    fn standing(&self, who: &str, person: &str) -> (u16, Value) {
        self.api.call("GET", &format!("/api/v1/people/{person}/standing"), &self.token(who), None)
    }
}

#[test]
fn each_form_is_filed_by_whom_the_guide_says() {
    let w = World::new();
    let proof = w.photo(UNIT);
    // A person cannot enter themself as appointed, nor assess themself.
    let own_proof = w.photo(ZHANG);
    for body in [entry_unit(UNIT, ZHANG, &own_proof, "2012-07"), assessment(UNIT, ZHANG, year() - 1)] {
        let (st, v, _) = w.file(ZHANG, &body);
        assert_eq!((st, v["code"].as_str()), (403, Some("wrong_filer")), "{v}");
        assert!(v["message"]["zh"].as_str().unwrap().contains("由单位"), "{v}");
    }
    // The unit files both.
    assert_eq!(w.file(UNIT, &entry_unit(UNIT, ZHANG, &proof, "2012-07")).0, 201);
    assert_eq!(w.file(UNIT, &assessment(UNIT, ZHANG, year() - 1)).0, 201);
    // A unit does not file a person's own forms for them, nor for another unit's staff.
    let (st, v, _) = w.file(UNIT, &collection(ZHANG, &proof, "1501", "150102", Some((UNIT, "2012-07")), false));
    assert_eq!((st, v["code"].as_str()), (403, Some("wrong_filer")), "{v}");
    assert!(v["message"]["zh"].as_str().unwrap().contains("本人填报"), "{v}");
    let (st, v, _) = w.file(UNIT, &assessment(OTHER_UNIT, ZHANG, year() - 1));
    assert_eq!((st, v["code"].as_str()), (403, Some("not_yours")), "{v}");
}

#[test]
fn filings_reach_the_reviewers_of_the_persons_region_and_a_transfer_moves_the_person() {
    let w = World::new();
    // 张三 is managed in 呼和浩特 新城区 and works at UNIT.
    let photo = w.photo(ZHANG);
    w.accepted(ZHANG, &collection(ZHANG, &photo, "1501", "150102", Some((UNIT, "2012-07")), false));
    assert_eq!(w.file(ZHANG, &change(ZHANG, "2012-07")).0, 201);
    assert_eq!(w.file(UNIT, &assessment(UNIT, ZHANG, year() - 1)).0, 201);
    // A move inside 呼和浩特 (to 赛罕区): reviewed there.
    assert_eq!(w.file(ZHANG, &transfer(ZHANG, "1501", "150105", OTHER_UNIT)).0, 201);
    let hohhot = ["assessment 1237", "change 1237", "transfer_within 1237"];
    assert_eq!(w.queue("HOHHOT"), hohhot);
    assert_eq!(w.queue("PROVINCE"), hohhot, "the province sees its cities");
    assert!(w.queue("BAOTOU").is_empty(), "包头 sees nothing of 呼和浩特's");
    assert!(w.queue("DIRECT").is_empty());
    assert_eq!(w.queue("XINCHENG"), ["assessment 1237", "change 1237"], "the 旗县 sees what is its own, not 赛罕区's move");

    // The unit sees what its staff member filed naming it, not only its own filing.
    let (_, mine) = w.api.call("GET", "/api/v1/submissions", &w.token(UNIT), None);
    let mut forms: Vec<&str> = mine.as_array().unwrap().iter().map(|r| r["form"].as_str().unwrap()).collect();
    forms.sort();
    assert_eq!(forms, ["assessment", "change", "collection"]);
    // Seeing is not vouching: 张三 named the unit, the unit filed nothing accepted about him.
    let code = |who: &str, login: &str| w.api.call("POST", "/api/v1/codes", &w.token(who), Some(json!({"login": login, "purpose": "reset"})));
    let (st, v) = code(UNIT, ZHANG);
    assert_eq!((st, v["code"].as_str()), (403, Some("not_yours")), "{v}");
    // An authority vouches for the people and units of its region, down to the 盟市.
    assert_eq!(code("HOHHOT", ZHANG).0, 201);
    assert_eq!(code("HOHHOT", UNIT).0, 201, "a unit registered in 新城区");
    assert_eq!(code("BAOTOU", ZHANG).0, 403);
    assert_eq!(code("BAOTOU", UNIT).0, 403);

    // 李四 works directly under the region: 自治区直属, no 旗县.
    let photo = w.photo(LI);
    assert_eq!(w.file(LI, &collection(LI, &photo, "1500", "", Some((OTHER_UNIT, "2010-07")), false)).0, 201);
    assert_eq!(w.queue("DIRECT"), ["collection 0010"]);
    assert!(!w.queue("HOHHOT").contains(&"collection 0010".to_string()));
    // Sent with the collection, before its review: CE goes where the collection places 李四.
    assert_eq!(w.file(LI, &ce(LI, year() - 1)).0, 201);
    assert_eq!(w.queue("DIRECT"), ["ce 0010", "collection 0010"]);
    assert!(w.queue("PROVINCE").iter().all(|f| !f.ends_with("0010") || w.queue("DIRECT").contains(f)));

    // 王五 moves from 呼和浩特 to 包头: 包头 reviews the move; once accepted, 王五's later
    // filings go to 包头 and the new unit sees them, the old one no longer.
    let photo = w.photo(WANG);
    w.accepted(WANG, &collection(WANG, &photo, "1501", "150102", Some((UNIT, "2012-07")), false));
    let (st, _, moved) = w.file(WANG, &transfer(WANG, "1502", "150203", BAOTOU_UNIT));
    assert_eq!(st, 201);
    assert_eq!(w.queue("BAOTOU"), ["transfer_within 0034"]);
    assert!(!w.queue("HOHHOT").iter().any(|f| f.ends_with("0034")));
    w.server.decide(&moved, Decision::Accept, None).unwrap();
    assert_eq!(w.file(WANG, &ce(WANG, year() - 1)).0, 201);
    assert_eq!(w.queue("BAOTOU"), ["ce 0034"]);
    let sees = |unit: &str| {
        let (_, v) = w.api.call("GET", "/api/v1/submissions", &w.token(unit), None);
        v.as_array().unwrap().iter().any(|r| r["form"] == "ce")
    };
    assert!(sees(BAOTOU_UNIT) && !sees(UNIT));
    let (st, s) = w.standing("BAOTOU", WANG);
    assert_eq!((st, s["authority"].as_str()), (200, Some("150203")), "{s}");
    assert_eq!(w.standing("HOHHOT", WANG).0, 404, "no longer 呼和浩特's");

    // 赵六 enters through his unit's filing in 新城区: his later filings are 呼和浩特's (the entry
    // once left the record without a region, and they went to the province alone).
    let proof = w.photo(UNIT);
    w.accepted(UNIT, &entry_unit(UNIT, ZHAO, &proof, "2016-03"));
    assert_eq!(w.file(ZHAO, &ce(ZHAO, year() - 1)).0, 201);
    assert!(w.queue("HOHHOT").contains(&"ce 0023".to_string()), "{:?}", w.queue("HOHHOT"));
    let (st, s) = w.standing("HOHHOT", ZHAO);
    assert_eq!((st, s["authority"].as_str()), (200, Some("150102")), "{s}");

    // 孙 files CE before anything places him: the province holds it; once his collection in
    // 新城区 is accepted, it moves to 新城区's reviewer. The unit's assessment of someone whose
    // unit entry waits for review goes where that entry places him.
    assert_eq!(w.file(SUN, &ce(SUN, year() - 1)).0, 201);
    assert!(!w.queue("XINCHENG").contains(&"ce 0036".to_string()));
    let photo = w.photo(SUN);
    w.accepted(SUN, &collection(SUN, &photo, "1501", "150102", Some((UNIT, "2000-07")), false));
    assert!(w.queue("XINCHENG").contains(&"ce 0036".to_string()), "{:?}", w.queue("XINCHENG"));
    let proof = w.photo(UNIT);
    assert_eq!(w.file(UNIT, &entry_unit(UNIT, STUDENT, &proof, "2024-03")).0, 201);
    assert_eq!(w.file(UNIT, &assessment(UNIT, STUDENT, year() - 1)).0, 201);
    let x = w.queue("XINCHENG");
    assert!(x.contains(&"entry_unit 0013".to_string()) && x.contains(&"assessment 0013".to_string()), "{x:?}");

    // Nobody else steers someone's filings: a unit in 包头 files an entry for 周 (placed
    // nowhere yet) naming 包头; 周's own CE does not go there.
    const ZHOU: &str = "150102198807070016";
    w.server.add_account(AccountKind::Person, ZHOU, PW, "周", "").unwrap();
    let proof = w.photo(BAOTOU_UNIT);
    let mut steer = entry_unit(BAOTOU_UNIT, ZHOU, &proof, "2012-07");
    steer["data"]["authority"] = json!({"province": "150000", "city": "1502", "county": "150203"});
    assert_eq!(w.file(BAOTOU_UNIT, &steer).0, 201);
    assert_eq!(w.file(ZHOU, &ce(ZHOU, year() - 1)).0, 201);
    assert!(!w.queue("BAOTOU").contains(&"ce 0016".to_string()), "{:?}", w.queue("BAOTOU"));
    // 周's own collection in 新城区 takes the CE there; returned, it goes back to the province.
    let photo = w.photo(ZHOU);
    let (st, _, collected) = w.file(ZHOU, &collection(ZHOU, &photo, "1501", "150102", Some((UNIT, "2012-07")), false));
    assert_eq!(st, 201);
    assert_eq!(w.file(ZHOU, &ce(ZHOU, year() - 2)).0, 201);
    assert!(w.queue("XINCHENG").contains(&"ce 0016".to_string()));
    w.server.decide(&collected, Decision::Accept, None).unwrap();
    let both = w.queue("XINCHENG").iter().filter(|f| *f == "ce 0016").count();
    assert_eq!(both, 2, "accepted: both CE filings are 新城区's");
    assert!(!w.queue("BAOTOU").contains(&"ce 0016".to_string()));
}

/// What the app says about the same filing on the same record: the server's words must be these.
fn app_says(form: &str, body: &Value, filed: &[Value], good_to: Option<u32>) -> String {
    let forms = Forms::builtin().unwrap();
    let list: Vec<Filed> =
        filed.iter().map(|b| Filed { form: b["form"].as_str().unwrap(), data: &b["data"], declared: true, when: caiji_base::time::now_ms() }).collect();
    let mut rec = record::record_of(&list);
    rec.person.good_to = good_to;
    // The record as the server holds it: every assessment filed is on it.
    rec.person.complete = true;
    let p = record::guide_problems(forms.get(form).unwrap(), &body["data"], &rec, year());
    p.first().map(|p| p.message.zh.clone()).unwrap_or_default()
}

fn refused(w: &World, login: &str, body: &Value, says: &str, app: &str) {
    let (st, v, _) = w.file(login, body);
    assert_eq!((st, v["code"].as_str()), (422, Some("refused")), "{v}");
    let zh = v["message"]["zh"].as_str().unwrap();
    assert!(zh.contains(says), "{zh}");
    assert_eq!(zh, app, "the app says the same");
}

#[test]
fn the_server_refuses_what_the_guide_refuses_in_the_apps_words() {
    let w = World::new();
    let y = year();
    // A second 履历: declared once (the first is waiting for review).
    let photo = w.photo(ZHANG);
    let c = collection(ZHANG, &photo, "1501", "150102", Some((UNIT, "2012-07")), false);
    w.accepted(ZHANG, &c);
    assert_eq!(w.file(ZHANG, &history(ZHANG)).0, 201);
    let app = app_says("history", &history(ZHANG), &[c.clone(), history(ZHANG)], None);
    refused(&w, ZHANG, &history(ZHANG), "只能申报一次", &app);

    // A 履历 while 非在岗: on file in good standing to three years ago (the authority's
    // baseline), CE done since, but no assessment for two years.
    let photo = w.photo(SUN);
    let c = collection(SUN, &photo, "1501", "150102", Some((UNIT, "2000-07")), false);
    w.accepted(SUN, &c);
    let (st, s) = w.standing(SUN, SUN);
    assert_eq!((st, s["status"].as_str()), (200, Some("unknown")), "one collection since 2000 is no evidence of anything: {s}");
    let (st, _) = w.api.call("PUT", &format!("/api/v1/people/{SUN}/baseline"), &w.token("BAOTOU"), Some(json!({"good_to": y - 3})));
    assert_eq!(st, 404, "包头 does not manage 孙");
    let (st, _) = w.api.call("PUT", &format!("/api/v1/people/{SUN}/baseline"), &w.token(SUN), Some(json!({"good_to": y - 3})));
    assert_eq!(st, 403, "a person does not set their own baseline on the server");
    let (st, s) = w.api.call("PUT", &format!("/api/v1/people/{SUN}/baseline"), &w.token("HOHHOT"), Some(json!({"good_to": y - 3})));
    assert_eq!(st, 200, "{s}");
    let mut filed = vec![c];
    for cy in [y - 2, y - 1] {
        w.accepted(SUN, &ce(SUN, cy));
        filed.push(ce(SUN, cy));
    }
    let (_, s) = w.standing(SUN, SUN);
    assert_eq!(s["status"].as_str(), Some("non_active"), "{s}");
    assert_eq!(w.standing(ZHANG, SUN).0, 404, "another person does not see 孙's standing");
    assert_eq!(w.standing("BAOTOU", SUN).0, 404, "nor another region's authority");
    let app = app_says("history", &history(SUN), &filed, Some(y - 3));
    refused(&w, SUN, &history(SUN), "只有在岗人员", &app);
    // Assessed last year by the unit: in post again, and the 履历 goes in.
    w.accepted(UNIT, &assessment(UNIT, SUN, y - 1));
    let (_, s) = w.standing(SUN, SUN);
    assert_eq!(s["status"].as_str(), Some("active"), "{s}");
    assert_eq!(w.file(SUN, &history(SUN)).0, 201);

    // Someone who only claims an ID learns nothing of its record from a refusal and cannot use
    // up its one 履历: a unit entered 钱 (2015-07); a stranger registers 钱's ID first.
    let proof = w.photo(UNIT);
    w.accepted(UNIT, &entry_unit(UNIT, QIAN, &proof, "2015-07"));
    let (st, _, _) = w.api.post("/api/v1/register", json!({"kind": "person", "login": QIAN, "name": "钱", "password": "stranger-pass-1"}));
    assert_eq!(st, 201);
    w.tokens.borrow_mut().insert(QIAN.into(), w.api.token(QIAN, "stranger-pass-1"));
    let (st, v, _) = w.file(QIAN, &change(QIAN, "1999-01"));
    assert_eq!(st, 422, "{v}");
    assert!(!v.to_string().contains("2015-07"), "judged on the stranger's own filings: no registered date to leak: {v}");
    // The stranger's collection slips through review; its 履历 goes in on its own record.
    let photo = w.photo(QIAN);
    w.accepted(QIAN, &collection(QIAN, &photo, "1501", "150102", None, false));
    let (st, v, _) = w.file(QIAN, &change(QIAN, "1999-01"));
    assert_eq!(st, 422, "{v}");
    assert!(!v.to_string().contains("2015-07"), "{v}");
    assert_eq!(w.file(QIAN, &history(QIAN)).0, 201);
    assert_eq!(w.standing(QIAN, QIAN).0, 404, "a claim is shown no standing");
    // The real 钱 takes the account back with a reset code from the authority and declares.
    let code = w.server.issue_code(QIAN, caiji_protocol::CodePurpose::Reset).unwrap();
    let (st, _, _) = w.api.post("/api/v1/reset", json!({"login": QIAN, "code": code.code, "password": "qian-real-pass-1"}));
    assert_eq!(st, 204);
    w.tokens.borrow_mut().insert(QIAN.into(), w.api.token(QIAN, "qian-real-pass-1"));
    assert_eq!(w.file(QIAN, &history(QIAN)).0, 201, "the stranger's pending 履历 used up nothing");
    let moved = change(QIAN, "1999-01");
    let (st, v, _) = w.file(QIAN, &moved);
    assert_eq!((st, v["code"].as_str()), (422, Some("refused")), "proven, the record is theirs to be told: {v}");

    // A student without a qualification does not enter.
    let photo = w.photo(STUDENT);
    let c = collection(STUDENT, &photo, "1501", "150102", None, true);
    refused(&w, STUDENT, &c, "在校学生", &app_says("collection", &c, &[], None));

    // The first accounting-work date, as the unit's entry filing set it, is not changed…
    let proof = w.photo(UNIT);
    let e = entry_unit(UNIT, ZHAO, &proof, "2015-07");
    w.accepted(UNIT, &e);
    // Daily management comes after collection: no change before it.
    let early = change(ZHAO, "2015-07");
    refused(&w, ZHAO, &early, "完成会计人员信息采集、进入系统后", &app_says("change", &early, std::slice::from_ref(&e), None));
    let photo = w.photo(ZHAO);
    let c = collection(ZHAO, &photo, "1501", "150102", Some((UNIT, "2015-07")), false);
    w.accepted(ZHAO, &c);
    let moved = change(ZHAO, "2016-01");
    refused(&w, ZHAO, &moved, "不提供信息变更", &app_says("change", &moved, &[e, c], None));
    assert_eq!(w.file(ZHAO, &change(ZHAO, "2015-07")).0, 201, "unchanged, the change goes in");
    // …nor introduced where the record has none.
    let photo = w.photo(LI);
    let c = collection(LI, &photo, "1501", "150102", None, false);
    w.accepted(LI, &c);
    let added = change(LI, "2011-03");
    refused(&w, LI, &added, "不能通过信息变更补填", &app_says("change", &added, &[c], None));
}

/// One of the guide's cases: a person's filings (a collection working since `since`, perhaps
/// a qualification, CE and assessments by year) and a baseline, and what the guide says.
struct Case {
    who: &'static str,
    what: &'static str,
    since: &'static str,
    qualified: Option<&'static str>,
    good_to: Option<u32>,
    ce: Vec<u32>,
    assessed: Vec<u32>,
    status: &'static str,
    /// Said in what the judgement lacks or in what is owed.
    says: String,
}

/// The verdict as (status, what is missing, what is owed), from a standing's JSON.
fn verdict_of(v: &Value) -> (String, String, Vec<String>) {
    let zh = |m: &Value| m["zh"].as_str().unwrap_or_default().to_string();
    let owed = v["obligations"].as_array().unwrap().iter().map(|o| zh(o.get("message").unwrap_or(o))).collect();
    (v["status"].as_str().unwrap().to_string(), zh(&v["missing"]), owed)
}

/// The guide's cases as a table, each judged by the core (as the app's desk and `caiji drafts
/// standing` judge a record: `Record::verdict`) and by the real server over HTTP after the same
/// filings were accepted and the baseline set by the person's authority: both must give the
/// guide's verdict, in the same words.
#[test]
fn the_guides_cases_get_one_verdict_from_the_core_and_the_server() {
    let w = World::new();
    let y = year();
    let no = Vec::new;
    let cases = [
        Case {
            who: ZHANG,
            what: "an accountant since 2005 with one collection filing: no alarm",
            since: "2005-07",
            qualified: None,
            good_to: None,
            ce: no(),
            assessed: no(),
            status: "unknown",
            says: format!("2006–{} 年的继续教育", y - 1),
        },
        Case {
            who: LI,
            what: "good to 3 years ago, assessed since, no CE for 2 years: still in post",
            since: "2005-07",
            qualified: None,
            good_to: Some(y - 3),
            ce: no(),
            assessed: vec![y - 2, y - 1],
            status: "active",
            says: format!("{y} 年继续教育还差"),
        },
        Case {
            who: WANG,
            what: "good to 4 years ago, no CE for 3 years running: 异动",
            since: "2005-07",
            qualified: None,
            good_to: Some(y - 4),
            ce: no(),
            assessed: vec![y - 3, y - 2, y - 1],
            status: "changed",
            says: String::new(),
        },
        Case {
            who: QIAN,
            what: "CE missed 4 years in all, never 3 running: 异动",
            since: "2005-07",
            qualified: None,
            good_to: Some(y - 9),
            ce: vec![y - 7, y - 5, y - 3, y - 1],
            assessed: (y - 8..y).collect(),
            status: "changed",
            says: String::new(),
        },
        Case {
            who: SUN,
            what: "CE done, two years unassessed: 非在岗",
            since: "2000-07",
            qualified: None,
            good_to: Some(y - 3),
            ce: vec![y - 2, y - 1],
            assessed: no(),
            status: "non_active",
            says: String::new(),
        },
        Case {
            who: ZHAO,
            what: "working since 2012, qualified in 2020: CE owed from 2013",
            since: "2012-07",
            qualified: Some("2020-09-01"),
            good_to: None,
            ce: no(),
            assessed: no(),
            status: "unknown",
            says: format!("2013–{} 年的继续教育", y - 1),
        },
        Case {
            who: "150102198807070016",
            what: "all known, last year unassessed: in post, the assessment owed from January",
            since: "2010-07",
            qualified: None,
            good_to: Some(y - 2),
            ce: vec![y - 1],
            assessed: no(),
            status: "active",
            says: format!("{} 年度考评", y - 1),
        },
        Case {
            who: "150102197911110028",
            what: "all known and done: in post, this year's CE and the 履历 owed",
            since: "2010-07",
            qualified: None,
            good_to: Some(y - 2),
            ce: vec![y - 1],
            assessed: vec![y - 1],
            status: "active",
            says: "申报会计工作履历".into(),
        },
    ];
    for c in &cases {
        // (The World's people have their accounts already.)
        w.server.add_account(AccountKind::Person, c.who, PW, "某某", "").ok();
        let photo = w.photo(c.who);
        let mut first = collection(c.who, &photo, "1501", "150102", Some((UNIT, c.since)), false);
        if let Some(q) = c.qualified {
            first["data"]["qualification"] = json!([{"level": "1", "type": "1", "how": "1", "date": q, "number": "Z0001"}]);
        }
        let mut filed = vec![(c.who, first)];
        filed.extend(c.ce.iter().map(|cy| (c.who, ce(c.who, *cy))));
        filed.extend(c.assessed.iter().map(|ay| (UNIT, assessment(UNIT, c.who, *ay))));
        for (by, body) in &filed {
            w.accepted(by, body);
        }
        if let Some(g) = c.good_to {
            let (st, v) = w.api.call("PUT", &format!("/api/v1/people/{}/baseline", c.who), &w.token("HOHHOT"), Some(json!({"good_to": g})));
            assert_eq!(st, 200, "{}: {v}", c.what);
        }
        let (st, server) = w.standing(c.who, c.who);
        assert_eq!(st, 200, "{}: {server}", c.what);

        let list: Vec<Filed> = filed.iter().map(|(_, b)| Filed { form: b["form"].as_str().unwrap(), data: &b["data"], declared: true, when: 0 }).collect();
        let mut rec = record::record_of(&list);
        rec.person.good_to = c.good_to;
        let (year, month, _) = caiji_base::time::today();
        // The app, whose record lacks the unit's filings made elsewhere, never says 非在岗 from
        // their absence: 信息不足 with the years.
        let app = rec.verdict((year, month));
        if c.status == "non_active" {
            assert_eq!(app.status, rules::Status::Unknown, "{}", c.what);
            assert!(app.missing.as_ref().unwrap().zh.contains("年度考评"), "{}", c.what);
        }
        // The server's record holds every assessment filed: the core on that record.
        rec.person.complete = true;
        let core = serde_json::to_value(rec.verdict((year, month))).unwrap();

        let (status, missing, owed) = verdict_of(&core);
        assert_eq!(status, c.status, "{}: {core}", c.what);
        assert!(c.says.is_empty() || missing.contains(&c.says) || owed.iter().any(|o| o.contains(&c.says)), "{}: {core}", c.what);
        assert_eq!(verdict_of(&server), (status, missing, owed), "{}: the server says what the core says", c.what);
    }
}
