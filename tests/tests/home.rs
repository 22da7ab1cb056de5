//! 我的档案 on a real drafts store: a person's home page says what the guide says comes next
//! (after an entry filing, collection; a returned filing's reason first), where they are
//! managed, and a unit's page lists who still owes what.
use caiji_filing::desk::Desk;
use caiji_filing::store::{Staff, State, Store, Unit};
use caiji_forms::Forms;
use caiji_tests::resident_id;
use serde_json::{json, Value};

const USCC: &str = "91150102MA0N12345P";

fn entry(id: &str, name: &str) -> Value {
    json!({"unit": {"uscc": USCC, "name": "某某公司", "unit_type": "1"}, "authority": {"city": "1502", "county": "150203"},
           "person": {"id_type": "1", "id_number": id, "name": name, "sex": "1", "mobile": "13912345678"},
           "appointment": {"post": "01", "first_work": "2012-08", "appointed": "2019-01", "proof": "ab".repeat(32)}})
}

/// A fresh drafts store with the unit in 包头 昆都仑区.
fn unit_store() -> (tempfile::TempDir, Forms, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.put_unit(&Unit { uscc: USCC.into(), name: "包头某某有限公司".into(), region: "150203".into() }).unwrap();
    (dir, Forms::builtin().unwrap(), store)
}

#[test]
fn after_an_entry_filing_the_home_page_says_to_complete_collection() {
    let (_dir, forms, store) = unit_store();
    let desk = Desk::new(&store, &forms);
    let id = resident_id("150203", "19900307", 123);

    // Nobody chosen and nobody filing: the page asks whose record it is; a bad ID is refused.
    assert_eq!(desk.me().unwrap(), None);
    assert!(desk.set_me(Some("150203199003071230")).is_err());

    // Before anything is filed: the way in comes first.
    let h = desk.home(&id).unwrap();
    assert!(!h.registered && !h.collected);
    assert_eq!(h.next.first().map(|s| s.code), Some("entry"), "{:?}", h.next);
    assert!(h.next[0].message.zh.contains("本机没有你的入库备案或信息采集记录") && h.next[0].message.zh.contains("我从哪里进入"));

    // The unit files the entry. Finalized, it places the person; the step says how far it got.
    let e = desk.create("entry_unit", &entry(&id, "张三"), Some(USCC), None).unwrap();
    assert!(desk.problems(&store.get(&e.id).unwrap()).unwrap().is_empty());
    desk.finalize(&e.id).unwrap();
    let collect = |h: &caiji_filing::home::Home| h.next.iter().find(|s| s.code == "collect").cloned().expect("collection is next");
    let h = desk.home(&id).unwrap();
    assert!(h.registered && !h.collected);
    assert_eq!(h.authority.as_deref(), Some("150203"), "managed where the entry says");
    assert_eq!(h.first_work.as_deref(), Some("2012-08"));
    assert!(collect(&h).message.zh.starts_with("入库备案已定稿，尚未上报"), "{}", collect(&h).message.zh);
    for to in [State::Queued, State::Sent] {
        store.set_state(&e.id, to, None).unwrap();
    }
    assert!(collect(&desk.home(&id).unwrap()).message.zh.starts_with("入库备案已上报，等待审核"));
    store.set_state(&e.id, State::Accepted, None).unwrap();
    let h = desk.home(&id).unwrap();
    let step = collect(&h);
    assert!(step.message.zh.contains("已入库备案，请完成【会计人员信息采集】"), "{}", step.message.zh);
    assert_eq!(step.form.as_deref(), Some("collection"), "a button starts the collection form");
    assert_eq!(h.filings.len(), 1);
    // The person filing here (only through their unit) is found; chosen, they are "me".
    assert_eq!(desk.people().unwrap().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["张三"]);
    desk.set_me(Some(&id)).unwrap();
    assert_eq!(desk.me().unwrap().as_deref(), Some(id.as_str()));

    // A collection draft started: the step opens it, and it is not listed a second time.
    let c = desk.create("collection", &json!({"basic": {"id_type": "1", "id_number": id, "name": "张三"}}), None, None).unwrap();
    let h = desk.home(&id).unwrap();
    let step = collect(&h);
    assert_eq!((step.form.as_deref(), step.draft.as_deref()), (None, Some(c.id.as_str())));
    assert_eq!(h.next.iter().filter(|s| s.draft.as_deref() == Some(c.id.as_str())).count(), 1, "{:?}", h.next);

    // Returned by the authority: the reason comes first, once, and nothing else says to
    // finish or start the same collection.
    store.finalize(&c.id, &[]).unwrap();
    for (to, why) in [(State::Queued, None), (State::Sent, None), (State::Returned, Some("照片背景不是白色"))] {
        store.set_state(&c.id, to, why).unwrap();
    }
    let h = desk.home(&id).unwrap();
    assert_eq!(h.next[0].code, "returned");
    assert!(h.next[0].message.zh.contains("照片背景不是白色"), "{}", h.next[0].message.zh);
    assert_eq!(h.next.iter().filter(|s| s.draft.as_deref() == Some(c.id.as_str())).count(), 1, "{:?}", h.next);
    assert!(!h.next.iter().any(|s| s.code == "collect"), "{:?}", h.next);

    // Someone whose record the online system holds (a baseline): in the system, collected.
    let old = resident_id("150203", "19750101", 31);
    desk.set_baseline(&old, Some(2024)).unwrap();
    let h = desk.home(&old).unwrap();
    assert!(h.registered && h.collected);
    assert!(!h.next.iter().any(|s| s.code == "entry"), "never told they are not in the system: {:?}", h.next);
}

#[test]
fn a_units_page_lists_who_owes_what() {
    let (_dir, forms, store) = unit_store();
    let desk = Desk::new(&store, &forms);
    let (a, b) = (resident_id("150203", "19900307", 123), resident_id("150203", "19850512", 246));
    let staff = [(&a, "张三"), (&b, "李四")].map(|(id, name)| Staff { unit: USCC.into(), id_number: id.clone(), name: name.into(), data: json!({"sex": "1"}) });
    store.put_staff(&staff).unwrap();
    // 张三's entry is filed; 李四's is not started.
    let e = desk.create("entry_unit", &entry(&a, "张三"), Some(USCC), None).unwrap();
    desk.finalize(&e.id).unwrap();
    let staff = desk.unit_home(USCC).unwrap();
    let of = |n: &str| staff.iter().find(|s| s.name == n).unwrap();
    assert_eq!(staff.len(), 2);
    assert!(of("张三").entry.is_some() && of("李四").entry.is_none());
    assert!(of("张三").registered && !of("李四").registered, "李四 owes the entry");
    assert!(!of("张三").collected && !of("李四").collected, "collection is the person's, not on record here");
    // 张三 works since 2012 and nothing here says his CE or assessments of the years between:
    // not enough information, never a false 异动.
    assert_eq!(of("张三").status, caiji_forms::rules::Status::Unknown);
    // 李四 registered by his own entry (an exam passed here): the unit owes no entry for him.
    let q = json!({"person": {"id_type": "1", "id_number": b, "name": "李四", "sex": "1", "mobile": "13912345679"}});
    let d = desk.create("entry_qualified", &q, None, None).unwrap();
    store.finalize(&d.id, &[]).unwrap();
    let staff = desk.unit_home(USCC).unwrap();
    assert!(staff.iter().find(|s| s.name == "李四").unwrap().registered);
    // A newer draft does not hide the accepted entry.
    for to in [State::Queued, State::Sent, State::Accepted] {
        store.set_state(&e.id, to, None).unwrap();
    }
    desk.create("entry_unit", &entry(&a, "张三"), Some(USCC), None).unwrap();
    assert_eq!(desk.unit_home(USCC).unwrap().iter().find(|s| s.name == "张三").unwrap().entry, Some(State::Accepted));
}
