//! The filing desk: the forms, the rules and the drafts store together, as the app and the
//! CLI use them. Creating a draft for a person or a unit's staff member (prefilled from the
//! roster), saving it (title and person kept in step with the values), its problems (the form's
//! checks, fixed fields against the registered record, and the rules the online system would
//! refuse on), finalizing, the annual assessment for a whole unit, and a person's standing:
//! status, this year's obligations and years of accounting work, from their filings.
use crate::store::{Draft, Links, State, Store, Unit};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_forms::rules::{self, Credits, Equivalent, Person, Region, Status};
use caiji_forms::{self as forms, text_at, Form, Forms, Problem};
use serde::Serialize;
use serde_json::{json, Map, Value};

pub struct Desk<'a> {
    pub store: &'a Store,
    pub forms: &'a Forms,
}

/// A draft with what is still wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub draft: Draft,
    pub problems: Vec<Problem>,
}

/// A person's standing this year, from their filings.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub id_number: String,
    pub name: String,
    pub year: u32,
    pub region: Region,
    pub status: Status,
    pub status_name: Msg,
    /// What a judgement lacks (`Unknown`): the years with no record here, and what to do.
    pub missing: Option<Msg>,
    /// The baseline the person stated: on file and in good standing up to this year.
    pub good_to: Option<u32>,
    pub obligations: Vec<rules::Obligation>,
    /// Whole years of accounting work from the declared history (or the collection's work history).
    pub years_of_work: Option<u32>,
    /// The filings it was judged from (finalized or further along).
    pub counted: usize,
}

/// What a bulk assessment did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bulk {
    /// Drafts made, one per staff member without one for the year.
    pub created: Vec<String>,
    /// Staff who had an assessment for the year already (left as they were).
    pub existing: usize,
}

fn unknown_form(id: &str) -> Error {
    Error::invalid(format!("没有表单 {id}"), format!("No form {id}"))
}

/// Filings that count as the person's record: finalized or further, not returned or failed.
fn counts(d: &Draft) -> bool {
    matches!(d.state, State::Finalized | State::Queued | State::Sent | State::Accepted)
}

fn year_of(v: &str) -> Option<u32> {
    v.get(..4)?.parse().ok()
}

/// The entries of a repeatable section.
fn entries<'v>(data: &'v Value, section: &str) -> Vec<&'v Map<String, Value>> {
    data.get(section).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_object).collect()).unwrap_or_default()
}

fn text(o: &Map<String, Value>, k: &str) -> String {
    o.get(k).map(forms::value_text).unwrap_or_default()
}

fn number(v: &Value, path: &str) -> f32 {
    text_at(v, path).parse().unwrap_or(0.0)
}

/// A CE equivalent's credits, from its kind in the `ce` form.
fn equivalent(o: &Map<String, Value>) -> Option<Equivalent> {
    let days: f32 = text(o, "days").parse().unwrap_or(1.0);
    Some(match text(o, "kind").as_str() {
        "exam_subject" => Equivalent::ExamSubject,
        "degree_course" => Equivalent::DegreeCourse,
        "conference" => Equivalent::Conference { days },
        "paper_first" => Equivalent::Paper { first_author: true },
        "paper_other" => Equivalent::Paper { first_author: false },
        "book_lead" => Equivalent::Book { lead: true },
        "book_other" => Equivalent::Book { lead: false },
        "research_lead" => Equivalent::Research { lead: true },
        "research_member" => Equivalent::Research { lead: false },
        _ => return None,
    })
}

/// One year's CE credits from a `ce` filing: courses, with the equivalents as professional.
pub fn ce_credits(data: &Value) -> Credits {
    let extra: f32 = entries(data, "equivalents").into_iter().filter_map(equivalent).map(Equivalent::credits).sum();
    Credits { professional: number(data, "courses.professional") + extra, general: number(data, "courses.general") }
}

/// What the rules need to know about a person, from their filings (only those that count).
pub fn person_of(drafts: &[Draft]) -> (Person, Region, Option<u32>) {
    let mut p = Person::default();
    let mut region = Region::InnerMongolia;
    let mut periods: Vec<rules::Period> = Vec::new();
    let mut history_periods = None;
    let earliest = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    for d in drafts.iter().filter(|d| counts(d)) {
        let v = &d.data;
        match d.form.as_str() {
            "collection" => {
                if !matches!(text_at(v, "authority.province").as_str(), "150000" | "") {
                    region = Region::National;
                }
                p.student |= text_at(v, "authority.basis") == "4";
                for q in entries(v, "qualification").into_iter().filter(|q| text(q, "type") == "1") {
                    p.qualified = earliest(p.qualified, year_of(&text(q, "date")));
                }
                for w in entries(v, "work") {
                    p.started_work = earliest(p.started_work, year_of(&text(w, "start")));
                    if let Some(s) = forms::parse_month(&text(w, "start")) {
                        periods.push((s, forms::parse_month(&text(w, "end"))));
                    }
                }
            }
            "entry_qualified" => p.qualified = earliest(p.qualified, year_of(&text_at(v, "qualification.date"))),
            "entry_unit" => p.started_work = earliest(p.started_work, year_of(&text_at(v, "appointment.first_work"))),
            "ce" => {
                if let Some(y) = year_of(&text_at(v, "person.year")) {
                    let c = ce_credits(v);
                    let e = p.ce.entry(y).or_default();
                    e.professional += c.professional;
                    e.general += c.general;
                }
            }
            "assessment" => p.assessed.extend(year_of(&text_at(v, "grades.year"))),
            "history" => {
                p.history_declared |= matches!(d.state, State::Queued | State::Sent | State::Accepted);
                let hp: Vec<_> = entries(v, "periods")
                    .into_iter()
                    .filter_map(|e| forms::parse_month(&text(e, "start")).map(|s| (s, forms::parse_month(&text(e, "end")))))
                    .collect();
                for (s, _) in &hp {
                    p.started_work = earliest(p.started_work, Some(s.0));
                }
                history_periods = Some(hp);
            }
            _ => {}
        }
    }
    let (y, m, _) = caiji_base::time::today();
    let work = history_periods.unwrap_or(periods);
    let years = (!work.is_empty()).then(|| rules::years_of_work(&work, (y, m)));
    (p, region, years)
}

pub fn status_name(s: Status) -> Msg {
    match s {
        Status::Active => Msg::new("在岗", "in post"),
        Status::NonActive => Msg::new("非在岗（连续两年未年度考评）", "not in post (two consecutive years unassessed)"),
        Status::Changed => Msg::new("异动（继续教育连续 3 年或累计 4 年未完成）", "changed status (CE missed 3 years running or 4 in all)"),
        Status::Unknown => Msg::new("信息不足，无法判断", "not enough information"),
    }
}

/// Years as people write a list of them: runs joined (`2006–2019、2021`).
fn years_text(years: &[u32], sep: &str) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &y in years {
        match runs.last_mut() {
            Some((_, b)) if *b + 1 == y => *b = y,
            _ => runs.push((y, y)),
        }
    }
    runs.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect::<Vec<_>>().join(sep)
}

/// What an `Unknown` judgement lacks, said so that the person knows what would settle it.
pub fn missing_text(j: &rules::Judgement) -> Option<Msg> {
    if j.status != Status::Unknown {
        return None;
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if j.unknown_start {
        zh.push("首次从事会计工作的年份或取得会计专业技术资格的年份".to_string());
        en.push("the year accounting work started or the qualification was obtained".to_string());
    }
    if !j.unknown_ce.is_empty() {
        zh.push(format!("{} 年的继续教育", years_text(&j.unknown_ce, "、")));
        en.push(format!("continuing education for {}", years_text(&j.unknown_ce, ", ")));
    }
    if !j.unknown_assessment.is_empty() {
        zh.push(format!("{} 年的年度考评", years_text(&j.unknown_assessment, "、")));
        en.push(format!("the assessments for {}", years_text(&j.unknown_assessment, ", ")));
    }
    Some(Msg::new(
        format!("本机没有以下记录：{}。不能判断在岗、非在岗或异动：请导入或同步已审核通过的填报，或在线上系统查看本人状态。", zh.join("；")),
        format!(
            "This computer has no record of {}: in post, not in post or changed status cannot be judged. Import or sync the accepted filings, or look up the standing in the online system.",
            en.join(" or ")
        ),
    ))
}

impl<'a> Desk<'a> {
    pub fn new(store: &'a Store, forms: &'a Forms) -> Self {
        Desk { store, forms }
    }

    pub fn form(&self, id: &str) -> Result<&'a Form> {
        self.forms.get(id).ok_or_else(|| unknown_form(id))
    }

    /// A new draft of `form` with `data`, in `unit`'s workspace if given.
    pub fn create(&self, form: &str, data: &Value, unit: Option<&str>, origin: Option<Value>) -> Result<Draft> {
        let f = self.form(form)?;
        let (_, id) = f.person_of(data);
        let links = Links { person: (!id.is_empty()).then_some(id), unit: unit.map(str::to_string), origin };
        self.store.create_linked(&f.id, f.version, &f.title_of(data), data, &links)
    }

    /// Saves the values (every keystroke) and says what is still wrong.
    pub fn save(&self, id: &str, data: &Value) -> Result<Checked> {
        let d = self.store.get(id)?;
        let f = self.form(&d.form)?;
        let (_, person) = f.person_of(data);
        let d = self.store.autosave_as(id, &f.title_of(data), (!person.is_empty()).then_some(person.as_str()), data)?;
        let problems = self.problems(&d)?;
        Ok(Checked { draft: d, problems })
    }

    pub fn checked(&self, id: &str) -> Result<Checked> {
        let d = self.store.get(id)?;
        let problems = self.problems(&d)?;
        Ok(Checked { draft: d, problems })
    }

    /// Everything the online system would refuse: the form's checks, fixed fields changed
    /// against the registered record, and the rules about who may file what.
    pub fn problems(&self, d: &Draft) -> Result<Vec<Problem>> {
        let f = self.form(&d.form)?;
        let today = caiji_base::time::today();
        let mut out = self.forms.validate(f, &d.data, today);
        if let Some(o) = &d.origin {
            out.extend(self.forms.check_fixed(f, &d.data, o));
        }
        match d.form.as_str() {
            "collection" => {
                // Students without a qualification cannot enter.
                let student = text_at(&d.data, "authority.basis") == "4";
                let qualified = !entries(&d.data, "qualification").is_empty();
                if student && !qualified {
                    let m = rules::can_enter(&Person { student: true, ..Person::default() }).err();
                    out.extend(m.map(|message| Problem { path: "authority.basis".into(), code: "refused", message }));
                }
            }
            "history" => {
                let (_, id) = f.person_of(&d.data);
                if !id.is_empty() {
                    let others: Vec<Draft> = self.store.of_person(&id)?.into_iter().filter(|x| x.id != d.id).collect();
                    let (p, region, _) = person_of(&others);
                    if let Some(message) = rules::history_refusal(&p, today.0, region) {
                        out.push(Problem { path: "person.id_number".into(), code: "refused", message });
                    }
                }
            }
            _ => {}
        }
        Ok(out)
    }

    /// Finalizes a draft with no problems left.
    pub fn finalize(&self, id: &str) -> Result<Draft> {
        let d = self.store.get(id)?;
        let problems = self.problems(&d)?;
        self.store.finalize(id, &problems)
    }

    /// A change filing for the person of `record` (a registered filing): their fixed fields
    /// carried over and held to what was registered.
    pub fn change_from(&self, record: &str) -> Result<Draft> {
        let r = self.store.get(record)?;
        let f = self.form(&r.form)?;
        let (name, id) = f.person_of(&r.data);
        if id.is_empty() {
            return Err(Error::invalid("这份填报没有证件号码，不能据此变更", "This filing has no ID number to base a change on"));
        }
        let id_type = ["basic.id_type", "person.id_type"].iter().map(|p| text_at(&r.data, p)).find(|t| !t.is_empty()).unwrap_or_else(|| "1".into());
        let first_work = {
            let from_entry = text_at(&r.data, "appointment.first_work");
            let mut starts: Vec<String> = entries(&r.data, "work").into_iter().map(|w| text(w, "start")).filter(|s| !s.is_empty()).collect();
            starts.sort();
            if from_entry.is_empty() {
                starts.first().cloned().unwrap_or_default()
            } else {
                from_entry
            }
        };
        let identity = json!({"identity": {"id_type": id_type, "id_number": id, "name": name, "first_work": first_work}});
        self.create("change", &identity, r.unit.as_deref(), Some(identity.clone()))
    }

    /// A draft of `form` for a staff member of `unit`, prefilled from the roster and the unit.
    pub fn for_staff(&self, unit: &str, id_number: &str, form: &str) -> Result<Draft> {
        let u = self.store.unit(unit)?;
        let s = self
            .store
            .staff(unit)?
            .into_iter()
            .find(|s| s.id_number == id_number)
            .ok_or_else(|| Error::invalid("名单中没有这个人", "This person is not on the roster"))?;
        let r = |k: &str| s.data.get(k).cloned().unwrap_or(Value::Null);
        let data = match form {
            "collection" => json!({
                "basic": {"id_type": r("id_type"), "id_number": s.id_number, "name": s.name, "sex": r("sex"), "birth": r("birth"), "mobile": r("mobile")},
                "work": [{"start": r("appointed"), "unit": u.name, "uscc": u.uscc, "post": r("post"), "appointed": r("appointed")}],
            }),
            "entry_unit" => json!({
                "unit": {"uscc": u.uscc, "name": u.name},
                "person": {"id_type": r("id_type"), "id_number": s.id_number, "name": s.name, "sex": r("sex"), "mobile": r("mobile")},
                "appointment": {"post": r("post"), "first_work": r("first_work"), "appointed": r("appointed")},
            }),
            "assessment" => {
                json!({"person": {"id_number": s.id_number, "name": s.name, "uscc": u.uscc}, "grades": {"year": caiji_base::time::today().0 - 1}})
            }
            other => {
                let f = self.form(other)?;
                let mut v = json!({});
                if let Some(k) = &f.person {
                    for (path, val) in [(&k.name, json!(s.name)), (&k.id_number, json!(s.id_number))] {
                        let (sec, field) = path.split_once('.').unwrap_or((path, ""));
                        v[sec][field] = val;
                    }
                }
                v
            }
        };
        self.create(form, &data, Some(unit), None)
    }

    /// Adds or renames a unit: the credit code normalised (trimmed, upper-case) and checked
    /// (GB 32100), a name required. Returns every unit.
    pub fn save_unit(&self, unit: &Unit) -> Result<Vec<Unit>> {
        let u = Unit { uscc: unit.uscc.trim().to_uppercase(), name: unit.name.trim().to_string(), region: unit.region.trim().to_string() };
        if !caiji_base::ids::valid_uscc(&u.uscc) {
            return Err(Error::invalid(
                "统一社会信用代码无效（18 位，末位校验码按 GB 32100 计算）",
                "Not a valid unified social credit code (18 characters, GB 32100 check character)",
            ));
        }
        if u.name.is_empty() {
            return Err(Error::invalid("请填写单位名称", "The unit's name is required"));
        }
        self.store.put_unit(&u)?;
        self.store.units()
    }

    /// Finalizes every draft of the unit (of `form`, or any) that has no problems; returns how
    /// many.
    pub fn finalize_ready(&self, unit: &str, form: Option<&str>) -> Result<usize> {
        let mut n = 0;
        for d in self.store.of_unit(unit)? {
            if d.state == State::Draft && form.is_none_or(|f| f == d.form) && self.problems(&d)?.is_empty() {
                self.store.finalize(&d.id, &[])?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The annual assessment of `year` for every staff member of `unit` who has none yet, each
    /// graded `grade` on the five aspects and overall (to be adjusted one by one), recorded by
    /// `assessor` on `date`.
    pub fn bulk_assessment(&self, unit: &str, year: u32, grade: &str, assessor: &str, date: &str) -> Result<Bulk> {
        let u = self.store.unit(unit)?;
        let have: Vec<String> = self
            .store
            .of_unit(unit)?
            .into_iter()
            .filter(|d| d.form == "assessment" && year_of(&text_at(&d.data, "grades.year")) == Some(year))
            .filter_map(|d| d.person)
            .collect();
        let mut out = Bulk { created: Vec::new(), existing: 0 };
        for s in self.store.staff(unit)? {
            if have.contains(&s.id_number) {
                out.existing += 1;
                continue;
            }
            let g = json!(grade);
            let data = json!({
                "person": {"id_number": s.id_number, "name": s.name, "uscc": u.uscc},
                "grades": {"year": year, "morality": g, "ability": g, "diligence": g, "performance": g, "integrity": g, "overall": g, "assessor": assessor, "date": date},
            });
            out.created.push(self.create("assessment", &data, Some(unit), None)?.id);
        }
        Ok(out)
    }

    /// The baseline a person stated: "on file and in good standing up to this year" (as the
    /// online system shows it), after which the filings here are the record.
    pub fn baseline(&self, id_number: &str) -> Result<Option<u32>> {
        Ok(self.store.meta(&format!("good_to:{id_number}"))?.and_then(|v| v.parse().ok()))
    }

    /// States (or, with `None`, withdraws) a person's baseline: a year from 1980 to last year
    /// (this year is not over, and cannot be on file as complete yet).
    pub fn set_baseline(&self, id_number: &str, year: Option<u32>) -> Result<Standing> {
        let key = format!("good_to:{id_number}");
        match year {
            None => self.store.delete_meta(&key)?,
            Some(y) => {
                let last = caiji_base::time::today().0 - 1;
                if !(1980..=last).contains(&y) {
                    return Err(caiji_base::Error::invalid(
                        format!("年份应在 1980 到 {last} 年之间（今年尚未结束）"),
                        format!("The year must be from 1980 to {last} (this year is not over)"),
                    ));
                }
                self.store.set_meta(&key, &y.to_string())?;
            }
        }
        self.standing(id_number)
    }

    /// A person's status and this year's obligations, from their filings that count.
    pub fn standing(&self, id_number: &str) -> Result<Standing> {
        let drafts = self.store.of_person(id_number)?;
        let name = drafts.iter().find_map(|d| self.forms.get(&d.form).map(|f| f.person_of(&d.data).0).filter(|n| !n.is_empty())).unwrap_or_default();
        let (mut p, region, years) = person_of(&drafts);
        p.good_to = self.baseline(id_number)?;
        let year = caiji_base::time::today().0;
        let judged = rules::judge(&p, year, region);
        let status = judged.status;
        Ok(Standing {
            id_number: id_number.to_string(),
            name,
            year,
            region,
            status,
            status_name: status_name(status),
            missing: missing_text(&judged),
            good_to: p.good_to,
            obligations: rules::obligations(&p, year, region),
            years_of_work: years,
            counted: drafts.iter().filter(|d| counts(d)).count(),
        })
    }
}

#[cfg(test)]
mod years {
    #[test]
    fn years_are_listed_as_runs() {
        assert_eq!(super::years_text(&[2006, 2007, 2008, 2010, 2012, 2013], "、"), "2006–2008、2010、2012–2013");
        assert_eq!(super::years_text(&[], "、"), "");
    }
}
