//! The filing desk: the forms, the rules and the drafts store together, as the app and the
//! CLI use them. Creating a draft for a person or a unit's staff member (prefilled from the
//! roster), saving it (title and person kept in step with the values), its problems (the form's
//! checks, fixed fields against the registered record, and the rules the online system would
//! refuse on), finalizing, the annual assessment for a whole unit, and a person's standing:
//! status, this year's obligations and years of accounting work, from their filings.
use crate::store::{Draft, Links, State, Store, Unit};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_forms::record::{self, Filed, Record};
use caiji_forms::rules::{self, Region, Status};
use caiji_forms::{text_at, Filer, Form, Forms, Problem};
use serde::Serialize;
use serde_json::{json, Value};

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

/// The drafts store's meta key prefix of a baseline pulled from the server.
pub const SERVER_BASELINE: &str = "server_good_to:";

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
    /// The baseline the server holds (set by the person's authority from the online system's
    /// record), as last synced. The later of the two is what the rules count from.
    pub server_good_to: Option<u32>,
    pub obligations: Vec<rules::Obligation>,
    /// Whole years of accounting work from the declared history (or the collection's work history),
    /// with the later years the system fills in.
    pub years_of_work: Option<u32>,
    /// The years are a lower bound: a later year of the history no record here settles.
    pub years_at_least: bool,
    /// The years after the 履历's declaration, as the system fills them in.
    pub later_history: Vec<rules::HistoryYear>,
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
pub(crate) fn counts(d: &Draft) -> bool {
    matches!(d.state, State::Finalized | State::Queued | State::Sent | State::Accepted)
}

fn year_of(v: &str) -> Option<u32> {
    v.get(..4)?.parse().ok()
}

/// A unit's 管理地区 (a county `150102`, a city `1501`, 自治区直属 `1500`) as a form's
/// province, city and county fields.
fn authority_fields(region: &str) -> Value {
    let city = region.get(..4).unwrap_or("");
    let county = if region.len() == 6 { region } else { "" };
    json!({"province": "150000", "city": city, "county": county})
}

/// The record the drafts that count make (oldest first): a 履历 queued or further is declared.
pub fn record_from(drafts: &[Draft]) -> Record {
    let mut counted: Vec<&Draft> = drafts.iter().filter(|d| counts(d)).collect();
    counted.sort_by_key(|d| (d.created, d.updated));
    let filed: Vec<Filed> = counted
        .iter()
        .map(|d| Filed { form: &d.form, data: &d.data, declared: matches!(d.state, State::Queued | State::Sent | State::Accepted), when: d.updated })
        .collect();
    record::record_of(&filed)
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
        let data = f.with_defaults(data);
        self.store.create_linked(&f.id, f.version, &f.title_of(&data), &data, &links)
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
    /// against the registered record, who files the form, and the guide's rules against the
    /// person's record here ([`caiji_forms::record::guide_problems`], as the server runs them).
    pub fn problems(&self, d: &Draft) -> Result<Vec<Problem>> {
        let f = self.form(&d.form)?;
        let today = caiji_base::time::today();
        let mut out = self.forms.validate(f, &d.data, today);
        if let Some(o) = &d.origin {
            out.extend(self.forms.check_fixed(f, &d.data, o));
        }
        // A unit's form drafted outside a unit's workspace has no unit to file it.
        if f.by == Filer::Unit && d.unit.is_none() {
            out.extend(record::filer_refusal(f, Filer::Person).map(|message| Problem { path: String::new(), code: "wrong_filer", message }));
        }
        let (_, id) = f.person_of(&d.data);
        let rec = if id.is_empty() { Record::default() } else { self.record(&id, Some(&d.id))? };
        out.extend(record::guide_problems(f, &d.data, &rec, today.0));
        Ok(out)
    }

    /// A person's record on this computer: the drafts that count (but `except`) and the
    /// baseline they stated.
    pub fn record(&self, id_number: &str, except: Option<&str>) -> Result<Record> {
        let drafts: Vec<Draft> = self.store.of_person(id_number)?.into_iter().filter(|x| Some(x.id.as_str()) != except).collect();
        let mut rec = record_from(&drafts);
        rec.person.good_to = self.baseline(id_number)?.max(self.server_baseline(id_number)?);
        Ok(rec)
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
        // As registered (the unit's entry filing, else collection): never introduced by a change.
        let first_work = self.record(&id, None)?.first_work.unwrap_or_default();
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
                "authority": authority_fields(&u.region),
                "category": {"first_work": r("first_work")},
                "basic": {"id_type": r("id_type"), "id_number": s.id_number, "name": s.name, "sex": r("sex"), "birth": r("birth"), "mobile": r("mobile")},
                "work": [{"start": r("appointed"), "unit": u.name, "uscc": u.uscc, "post": r("post"), "appointed": r("appointed")}],
            }),
            "entry_unit" => json!({
                "unit": {"uscc": u.uscc, "name": u.name},
                "authority": authority_fields(&u.region),
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

    /// The baseline the server holds for a person, as last synced (sync's `pull_baseline`).
    pub fn server_baseline(&self, id_number: &str) -> Result<Option<u32>> {
        Ok(self.store.meta(&format!("{SERVER_BASELINE}{id_number}"))?.and_then(|v| v.parse().ok()))
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
        Ok(self.judged(id_number, &drafts)?.0)
    }

    /// The standing and the record it rests on (with the baselines), from the person's drafts
    /// read once by the caller.
    pub(crate) fn judged(&self, id_number: &str, drafts: &[Draft]) -> Result<(Standing, Record)> {
        let name = drafts.iter().find_map(|d| self.forms.get(&d.form).map(|f| f.person_of(&d.data).0).filter(|n| !n.is_empty())).unwrap_or_default();
        let (stated, server) = (self.baseline(id_number)?, self.server_baseline(id_number)?);
        let mut rec = record_from(drafts);
        rec.person.good_to = stated.max(server);
        let (year, month, _) = caiji_base::time::today();
        let v = rec.verdict((year, month));
        let standing = Standing {
            id_number: id_number.to_string(),
            name,
            year,
            region: rec.region,
            status: v.status,
            status_name: v.status_name,
            missing: v.missing,
            good_to: stated,
            server_good_to: server,
            obligations: v.obligations,
            years_of_work: v.years_of_work,
            years_at_least: v.years_at_least,
            later_history: v.later_history,
            counted: drafts.iter().filter(|d| counts(d)).count(),
        };
        Ok((standing, rec))
    }
}
