//! A person's record, as the guide's rules read it, and the guide's checks of a new filing
//! against it: one module that the app (its drafts), the CLI (`caiji drafts validate`) and the
//! server (its accepted filings) all run, so that the three give the same verdict in the same
//! words.
//!
//! The record is built from the filings that count (the app: finalized and further; the
//! server: accepted) plus a baseline; what it cannot know it leaves unknown (rules.rs).
use crate::rules::{self, Credits, Equivalent, Person, Region, Status};
use crate::{parse_month, text_at, value_text, Filer, Form, Problem};
use caiji_base::i18n::Msg;
use serde::Serialize;
use serde_json::{Map, Value};

/// One filing on a person's record, oldest first.
#[derive(Debug, Clone, Copy)]
pub struct Filed<'a> {
    pub form: &'a str,
    pub data: &'a Value,
    /// Sent to the authority (the app: queued, sent or accepted; the server: submitted or
    /// accepted): a 履历 sent so is declared, and cannot be declared again.
    pub declared: bool,
    /// When it was filed (ms since 1970): the year a 履历 was declared in.
    pub when: i64,
}

/// What the record shows of a person.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    /// What the rules need (status, obligations).
    pub person: Person,
    /// Whose CE rule applies.
    pub region: Region,
    /// The first accounting-work month (`YYYY-MM`) as registered: by the unit's entry filing,
    /// else by collection. Never changed or introduced by 信息变更.
    pub first_work: Option<String>,
    /// An entry filing or a collection is on the record: the person is registered.
    pub registered: bool,
    /// Collection is on the record.
    pub collected: bool,
    /// The 管理地区 the person is managed in ([`region_key`]): from the collection or entry,
    /// moved by each transfer.
    pub authority: Option<String>,
    /// The unit the person works for now (its credit code), as the record names it.
    pub unit: Option<String>,
    /// The declared history's periods (or, before one is declared, the collection's work history).
    pub periods: Vec<rules::Period>,
    /// The year the 履历 was declared in, and the unit then: later years are the system's.
    pub declared_in: Option<u32>,
    pub declared_unit: Option<String>,
    /// Accepted moves: the year of arrival and the new unit, oldest first.
    pub moves: Vec<(u32, String)>,
}

fn year_of(v: &str) -> Option<u32> {
    v.get(..4)?.parse().ok()
}

/// The entries of a repeatable section.
pub fn entries<'v>(data: &'v Value, section: &str) -> Vec<&'v Map<String, Value>> {
    data.get(section).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_object).collect()).unwrap_or_default()
}

fn text(o: &Map<String, Value>, k: &str) -> String {
    o.get(k).map(value_text).unwrap_or_default()
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

/// A division code as a 管理地区 key: a province choice (`150000`) as `15`, a city as `1501`,
/// a county as `150102`, 自治区直属 as `1500`. An authority of key K reviews what is managed
/// in a key starting with K.
pub fn region_key(code: &str) -> String {
    let c = code.trim();
    if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(p) = c.strip_suffix("0000") {
            return p.to_string();
        }
        if let Some(p) = c.strip_suffix("00") {
            return p.to_string();
        }
    }
    c.to_string()
}

/// The 管理地区 a section names (`province`, `city`, `county`): the finest level chosen.
pub fn authority_in(data: &Value, section: &str) -> Option<String> {
    ["county", "city", "province"].iter().map(|f| text_at(data, &format!("{section}.{f}"))).find(|v| !v.is_empty()).map(|v| region_key(&v))
}

/// Inner Mongolia's province key.
pub const INNER_MONGOLIA: &str = "15";
/// 自治区直属: units directly under the region, managed by 内蒙古自治区会计学会.
pub const DIRECT: &str = "1500";

fn earliest(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The current (open-ended, else latest) entry of a repeatable work section's credit codes.
fn current_uscc(data: &Value, section: &str) -> Option<String> {
    let mut e = entries(data, section);
    e.sort_by_key(|w| (text(w, "end").is_empty(), text(w, "start")));
    e.last().map(|w| text(w, "uscc").to_uppercase()).filter(|u| !u.is_empty())
}

/// The record the filings make, oldest first.
pub fn record_of(filings: &[Filed]) -> Record {
    let mut r = Record { region: Region::InnerMongolia, ..Record::default() };
    let p = &mut r.person;
    let mut collection_periods: Vec<rules::Period> = Vec::new();
    for f in filings {
        let v = f.data;
        match f.form {
            "collection" => {
                // The 管理地区 is chosen at the first collection; later only a transfer moves it.
                if !r.collected {
                    r.authority = authority_in(v, "authority").or(r.authority.take());
                    if !matches!(text_at(v, "authority.province").as_str(), "150000" | "") {
                        r.region = Region::National;
                    }
                }
                r.registered = true;
                r.collected = true;
                p.student |= student(v);
                for q in entries(v, "qualification").into_iter().filter(|q| text(q, "type") == "1") {
                    p.qualified = earliest(p.qualified, year_of(&text(q, "date")));
                }
                let fw = text_at(v, "category.first_work");
                if !fw.is_empty() {
                    r.first_work.get_or_insert(fw.clone());
                    p.started_work = earliest(p.started_work, year_of(&fw));
                }
                for w in entries(v, "work") {
                    p.started_work = earliest(p.started_work, year_of(&text(w, "start")));
                    if let Some(s) = parse_month(&text(w, "start")) {
                        collection_periods.push((s, parse_month(&text(w, "end"))));
                    }
                }
                r.unit = current_uscc(v, "work").or(r.unit.take());
            }
            "entry_qualified" => {
                if !r.registered {
                    r.authority = authority_in(v, "authority").or(r.authority.take());
                }
                r.registered = true;
                p.qualified = earliest(p.qualified, year_of(&text_at(v, "qualification.date")));
            }
            "entry_unit" => {
                let fw = text_at(v, "appointment.first_work");
                p.started_work = earliest(p.started_work, year_of(&fw));
                // Set once, by the first registration that states it (the unit's letter).
                if !fw.is_empty() {
                    r.first_work.get_or_insert(fw);
                }
                if !r.registered {
                    r.authority = authority_in(v, "authority").or(r.authority.take());
                }
                r.registered = true;
                r.unit = Some(text_at(v, "unit.uscc").to_uppercase()).filter(|u| !u.is_empty()).or(r.unit.take());
            }
            "transfer_within" | "transfer_in" => {
                r.authority = authority_in(v, "to").or(r.authority.take());
                if let Some(y) = year_of(&text_at(v, "to.joined")) {
                    r.moves.push((y, text_at(v, "to.uscc").to_uppercase()));
                }
                r.unit = Some(text_at(v, "to.uscc").to_uppercase()).filter(|u| !u.is_empty()).or(r.unit.take());
            }
            "transfer_out" => {
                r.authority = Some(region_key(&text_at(v, "to.province"))).filter(|k| !k.is_empty());
                r.unit = None;
            }
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
                p.history_declared |= f.declared;
                let hp: Vec<_> =
                    entries(v, "periods").into_iter().filter_map(|e| parse_month(&text(e, "start")).map(|s| (s, parse_month(&text(e, "end"))))).collect();
                for (s, _) in &hp {
                    p.started_work = earliest(p.started_work, Some(s.0));
                }
                r.unit = current_uscc(v, "periods").or(r.unit.take());
                r.periods = hp;
                if f.declared {
                    // In China's time, as the rest of the app dates things.
                    r.declared_in = Some(caiji_base::time::civil_from_days((f.when / 1000 + 8 * 3600).div_euclid(86_400)).0);
                    r.declared_unit = r.unit.clone();
                }
            }
            _ => {}
        }
    }
    r.moves.sort_by_key(|m| m.0);
    if r.periods.is_empty() {
        r.periods = collection_periods;
    }
    r
}

/// Where a record stands in a year and what it rests on: the one judgement that the app's
/// standing box, `caiji drafts standing` and the server's `GET /people/{id}/standing` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub year: u32,
    pub status: Status,
    pub status_name: Msg,
    /// What an `Unknown` judgement lacks, and what would settle it.
    pub missing: Option<Msg>,
    /// What is owed this year.
    pub obligations: Vec<rules::Obligation>,
    /// Whole years of accounting work (see [`Record::years_of_work`]).
    pub years_of_work: Option<u32>,
    /// The years are a lower bound: a later year of the 履历 no record here settles.
    pub years_at_least: bool,
    /// The years after the 履历's declaration, as the system fills them in.
    pub later_history: Vec<rules::HistoryYear>,
}

impl Record {
    /// The record's verdict on `today` (`(year, month)`, China's calendar).
    pub fn verdict(&self, today: (u32, u32)) -> Verdict {
        let year = today.0;
        let judged = rules::judge(&self.person, year, self.region);
        let years = self.years_of_work(today);
        Verdict {
            year,
            status: judged.status,
            status_name: status_name(judged.status),
            missing: missing_text(&judged),
            obligations: self.obligations(year, judged.status),
            years_of_work: years.map(|y| y.0),
            years_at_least: years.is_some_and(|y| y.1),
            later_history: self.later_history(year),
        }
    }

    /// What is owed this year ([`rules::obligations`]) as this record allows it: the 履历 only
    /// once collection is done or the person is on file (a baseline); while 非在岗, last year's
    /// assessment only where a unit is on record to file it (it is the way back into post).
    fn obligations(&self, year: u32, status: Status) -> Vec<rules::Obligation> {
        let on_file = self.collected || self.person.good_to.is_some();
        rules::obligations(&self.person, year, self.region)
            .into_iter()
            .filter(|o| match o.code {
                "history" => on_file,
                "assessment" => status != Status::NonActive || self.unit.is_some(),
                _ => true,
            })
            .collect()
    }

    /// The years after the 履历's declaration up to last year, as the system fills them in.
    pub fn later_history(&self, year: u32) -> Vec<rules::HistoryYear> {
        match self.declared_in {
            Some(d) => rules::later_history(&self.person, d, self.declared_unit.as_deref(), &self.moves, year - 1, self.region),
            None => Vec::new(),
        }
    }

    /// Whole years of accounting work (the guide: computed from the 履历): the declared periods
    /// up to the end of the declaration's year, then each later year in post; before a
    /// declaration, the collection's work history to `now`. With whether it is only a lower
    /// bound (a later year no record here settles).
    pub fn years_of_work(&self, now: (u32, u32)) -> Option<(u32, bool)> {
        if self.periods.is_empty() {
            return None;
        }
        let Some(d) = self.declared_in.filter(|d| *d < now.0) else {
            return Some((rules::years_of_work(&self.periods, now), false));
        };
        let later = self.later_history(now.0);
        let declared = rules::years_of_work(&self.periods, (d, 12));
        let in_post = later.iter().filter(|h| h.in_post == Some(true)).count() as u32;
        Some((declared + in_post, later.iter().any(|h| h.in_post.is_none())))
    }
}

/// Why `filer` may not file `form`, if it may not: the guide says who files each one.
pub fn filer_refusal(form: &Form, filer: Filer) -> Option<Msg> {
    (!form.by.allows(filer)).then(|| match form.by {
        Filer::Unit => Msg::new(
            format!("“{}”由单位（会计机构负责人）填报：请用单位账号提交", form.title.zh),
            format!("\"{}\" is filed by the unit (its head of accounting): submit it from the unit's account", form.title.en),
        ),
        Filer::Person | Filer::Either => Msg::new(
            format!("“{}”由会计人员本人填报，单位不能代为提交", form.title.zh),
            format!("\"{}\" is filed by the accountant in person: a unit cannot file it for them", form.title.en),
        ),
    })
}

fn refused(path: &str, message: Msg) -> Problem {
    Problem { path: path.into(), code: "refused", message }
}

/// The guide's rules about a filing of `form` with `data`, judged against the person's `record`
/// (without this filing) in `year`: what the online system would refuse, in the words every
/// caller shows.
pub fn guide_problems(form: &Form, data: &Value, record: &Record, year: u32) -> Vec<Problem> {
    let mut out = Vec::new();
    // The guide's daily management (§四) is for people in the system: a change, a transfer
    // within or out of the region and the 履历 come after collection ("完成会计人员信息采集…后"、
    // "在信息采集完毕后"). A baseline (on file in the online system) counts as collected (§三).
    // Judged on the system's own record only: a computer that holds no collection does not know
    // whether one was made online (the 2019 central collection).
    let daily = matches!(form.id.as_str(), "change" | "history" | "transfer_within" | "transfer_out");
    if daily && record.person.complete && !record.collected && record.person.good_to.is_none() {
        out.push(refused(
            form.person.as_ref().map_or("", |k| k.id_number.as_str()),
            Msg::new(
                format!("完成会计人员信息采集、进入系统后才能办理“{}”：记录中没有本人已完成的信息采集", form.title.zh),
                format!("\"{}\" is for people in the system, after their collection: the record shows no completed collection", form.title.en),
            ),
        ));
    }
    match form.id.as_str() {
        "assessment" if text_at(data, "grades.year").parse::<u32>().is_ok_and(|y| y >= year) => out.push(refused(
            "grades.year",
            Msg::new(format!("年度考评针对已经结束的年度：{year} 年尚未结束"), format!("An annual assessment is of a year that is over: {year} is not")),
        )),
        "ce" if text_at(data, "person.year").parse::<u32>().is_ok_and(|y| y > year) => out.push(refused(
            "person.year",
            Msg::new(format!("继续教育学分只在当年有效：不能填报 {year} 年以后的年度"), format!("CE credits count in their own year: not a year after {year}")),
        )),
        "collection" => collection(data, record, &mut out),
        "entry_qualified" if text_at(data, "qualification.exam_province") != "150000" => {
            out.push(refused(
                "qualification.exam_province",
                Msg::new(
                    "取得技术资格人员入库备案只适用于在内蒙古自治区参加考试取得资格的人员；其他人员请由聘任单位办理入库备案，或直接进行信息采集",
                    "This entry is for people who passed the exam in Inner Mongolia; others are entered by the unit that appoints them, or go straight to collection",
                ),
            ));
        }
        "entry_unit" => {
            let fw = text_at(data, "appointment.first_work");
            if record.first_work.as_ref().is_some_and(|was| !fw.is_empty() && &fw != was) {
                // Without the date: a unit is not told a person's record (the person sees it on
                // their home page and gives it to the unit).
                out.push(refused(
                    "appointment.first_work",
                    Msg::new(
                        "首次从事会计工作时间已经登记，不能改动：新单位的备案请按原登记填写（本人可在“我的档案”中查看）",
                        "The first accounting-work month is registered already and cannot change: a new unit's filing states the registered one (the person sees it on their home page)",
                    ),
                ));
            }
        }
        "change" => {
            let now = text_at(data, "identity.first_work");
            match &record.first_work {
                Some(was) if !now.is_empty() && &now != was => out.push(refused(
                    "identity.first_work",
                    Msg::new(
                        format!("首次从事会计工作时间在单位出具会计工作证明时确认，不提供信息变更（登记为 {was}）：请把这一项留空"),
                        format!("The first accounting-work date is fixed by the unit's letter and cannot be changed (registered: {was}): leave it blank"),
                    ),
                )),
                None if !now.is_empty() => out.push(refused(
                    "identity.first_work",
                    Msg::new(
                        "首次从事会计工作时间在单位出具会计工作证明时确认，不能通过信息变更补填：请把这一项留空，由单位办理聘任入库备案",
                        "The first accounting-work date is set by the unit's letter, not introduced by a change: leave it blank and ask the unit to file the appointment",
                    ),
                )),
                _ => {}
            }
        }
        "history" => {
            if let Some(m) = rules::history_refusal(&record.person, year, record.region) {
                out.push(refused("person.id_number", m));
            }
        }
        "transfer_within" | "transfer_in" if text_at(data, "to.province") != "150000" => {
            out.push(refused("to.province", Msg::new("调入地应在内蒙古自治区内", "The destination must be in Inner Mongolia")));
        }
        "transfer_out" if text_at(data, "to.province") == "150000" => {
            out.push(refused(
                "to.province",
                Msg::new("调往自治区内的单位请办理区内调转", "For a move inside Inner Mongolia, file a transfer within the region"),
            ));
        }
        _ => {}
    }
    out
}

/// A student, as a collection says: managed where the school is, or a doctoral student.
fn student(data: &Value) -> bool {
    text_at(data, "authority.basis") == "4" || text_at(data, "category.category") == "4"
}

/// Collection: who may enter, the first accounting-work date, qualifications as obtained.
fn collection(data: &Value, record: &Record, out: &mut Vec<Problem>) {
    let quals = entries(data, "qualification");
    let accounting = quals.iter().any(|q| text(q, "type") == "1");
    let work = entries(data, "work");
    let appointed = work.iter().any(|w| !text(w, "appointed").is_empty());
    let category = text_at(data, "category.category");
    // Already on file in the old system (老会计人员): collection continues their record.
    let legacy = text_at(data, "category.legacy") == "true";
    // The ways in are Inner Mongolia's (the guide §一–二); another province's platform takes the
    // national categories as they are.
    let inner_mongolia = matches!(text_at(data, "authority.province").as_str(), "150000" | "");
    if inner_mongolia && student(data) && !accounting {
        let m = rules::can_enter(&Person { student: true, ..Person::default() }).err();
        let path = if category == "4" { "category.category" } else { "authority.basis" };
        out.extend(m.map(|m| refused(path, m)));
    } else if inner_mongolia && !accounting && !appointed && !legacy && !record.registered && !category.is_empty() {
        out.push(refused(
            "category.category",
            Msg::new(
                "进入系统须已取得会计专业技术资格、被单位聘任从事会计工作，或已在原会计人员综合管理系统中登记：请填写资格证书或聘任的工作经历，老会计人员请勾选“已在原系统登记”",
                "Entering needs an accounting qualification, an appointment to accounting work, or a record in the old system: add the certificate or the appointing employer, or tick \"on file in the old system\"",
            ),
        ));
    } else if category == "1" && !appointed {
        out.push(refused(
            "category.category",
            Msg::new("“从事会计工作”的人员请填写聘任的工作经历", "\"Doing accounting work\": add the employer that appointed you"),
        ));
    } else if category == "2" && !accounting {
        out.push(refused(
            "category.category",
            Msg::new("“具有会计类专业技术资格”的人员请填写会计类资格证书", "\"Qualified in accounting\": add the accounting qualification"),
        ));
    }
    let fw = text_at(data, "category.first_work");
    if category == "1" && fw.is_empty() && record.first_work.is_none() {
        out.push(Problem {
            path: "category.first_work".into(),
            code: "required",
            message: Msg::new(
                "从事会计工作的人员请填写首次从事会计工作时间（以单位出具的会计工作证明为准）",
                "Doing accounting work: give the first accounting-work month (as the unit's letter says)",
            ),
        });
    }
    if let Some(was) = &record.first_work {
        if !fw.is_empty() && &fw != was {
            out.push(refused(
                "category.first_work",
                Msg::new(
                    format!("首次从事会计工作时间已由单位备案确认为 {was}，不能改动"),
                    format!("The first accounting-work month was registered by the unit as {was} and cannot change"),
                ),
            ));
        }
    }
    for (i, q) in quals.iter().enumerate() {
        // By examination: junior and intermediate only (senior is exam and review, the
        // professor level by review).
        if text(q, "how") == "1" && matches!(text(q, "level").as_str(), "3" | "4") {
            out.push(Problem {
                path: format!("qualification.{i}.how"),
                code: "rule",
                message: Msg::new(
                    "考试只能取得初级、中级资格：高级为考评结合，正高级为评审",
                    "An examination gives the junior or intermediate level only: senior is by exam and review, professor-level by review",
                ),
            });
        }
    }
}

/// The 管理地区 a filing is reviewed in: the entry's or collection's own, a transfer's
/// destination (a move out: the region it leaves), otherwise the person's as the record shows
/// it; Inner Mongolia's province-level authority when the record does not say.
pub fn review_region(form: &str, data: &Value, record: &Record) -> String {
    // A collection or entry places the person only the first time: a later one (a correction,
    // another unit's entry) cannot move them — only a transfer does.
    let own = match form {
        "collection" if !record.collected => authority_in(data, "authority"),
        "entry_qualified" | "entry_unit" if !record.registered => authority_in(data, "authority"),
        "transfer_within" | "transfer_in" => authority_in(data, "to"),
        _ => None,
    };
    own.or_else(|| record.authority.clone()).unwrap_or_else(|| INNER_MONGOLIA.into())
}

/// The unit a filing is about (its credit code): the unit that files it, or the one the filing
/// names as the person's employer now; the record's otherwise. That unit sees the filing.
pub fn unit_of(form: &str, data: &Value, record: &Record) -> Option<String> {
    let named = match form {
        "entry_unit" => Some(text_at(data, "unit.uscc")),
        "assessment" => Some(text_at(data, "person.uscc")),
        "transfer_within" | "transfer_in" => Some(text_at(data, "to.uscc")),
        "transfer_out" => Some(text_at(data, "from.uscc")),
        "collection" => current_uscc(data, "work"),
        "history" => current_uscc(data, "periods"),
        _ => None,
    };
    named.map(|u| u.to_uppercase()).filter(|u| !u.is_empty()).or_else(|| record.unit.clone())
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

#[cfg(test)]
mod years {
    #[test]
    fn years_are_listed_as_runs() {
        assert_eq!(super::years_text(&[2006, 2007, 2008, 2010, 2012, 2013], "、"), "2006–2008、2010、2012–2013");
        assert_eq!(super::years_text(&[], "、"), "");
    }
}
