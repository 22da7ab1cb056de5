//! 我的档案: the first page a person sees — where they are managed, whether collection is done,
//! what comes next, their standing and the review state of what they sent — and a unit's staff
//! at a glance (who still owes the entry, collection, CE, last year's assessment). Judged from
//! the filings on this computer, with the same record and rules as the standing box and the
//! server (`caiji_forms::record`).
use crate::desk::{counts, Desk, Standing};
use crate::store::{Draft, State};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use caiji_forms::rules::{Obligation, Status};
use serde::Serialize;

/// The drafts store's meta key of the person this computer's home page is about.
const ME: &str = "me";

/// One thing to do next.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    /// `returned`, `failed`, `entry`, `collect`, `finish`, `send`.
    pub code: &'static str,
    pub message: Msg,
    /// The form to start, when the step is a new filing.
    pub form: Option<String>,
    /// The draft to open, when the step is about one.
    pub draft: Option<String>,
}

/// A filing and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub id: String,
    pub form: String,
    pub title: String,
    pub state: State,
    pub reason: Option<String>,
    pub updated: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Home {
    pub standing: Standing,
    /// The 管理地区 key (`150102`, `1501`, `1500`) the record places the person in, if any.
    pub authority: Option<String>,
    /// An entry filing or a collection counts (finalized or further), or a baseline says the
    /// person is on file.
    pub registered: bool,
    pub collected: bool,
    /// The first accounting-work month as registered.
    pub first_work: Option<String>,
    /// What to do next, the most pressing first.
    pub next: Vec<Step>,
    /// The person's filings (their own and their units'), the most recently changed first.
    pub filings: Vec<Sent>,
}

/// A person with filings on this computer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Person {
    pub id_number: String,
    pub name: String,
}

/// One staff member of a unit and what they still owe.
#[derive(Debug, Clone, Serialize)]
pub struct StaffDue {
    pub id_number: String,
    pub name: String,
    /// The year the obligations are judged in (China's calendar).
    pub year: u32,
    /// The unit's entry filing for them, the furthest along: its state, or none yet.
    pub entry: Option<State>,
    /// On the record here by any entry or a collection (or a baseline): no entry owed.
    pub registered: bool,
    /// Collection is on the record here (the person's own filing), or a baseline says so.
    pub collected: bool,
    pub status: Status,
    pub status_name: Msg,
    /// CE still to earn this year, last year's assessment, the 履历 (codes `ce`, `assessment`,
    /// `history`), as the rules say on the record here.
    pub owes: Vec<Obligation>,
}

fn title(d: &Draft) -> String {
    if d.title.is_empty() {
        d.form.clone()
    } else {
        d.title.clone()
    }
}

impl Desk<'_> {
    /// The people with filings on this computer: those filing outside a unit's workspace first,
    /// then the units' staff, each with the first name their filings give.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mut out: Vec<Person> = Vec::new();
        let mut drafts = self.store.list()?;
        drafts.sort_by_key(|d| d.unit.is_some());
        for d in drafts {
            let Some(id) = d.person.clone().filter(|p| p.len() == 18) else { continue };
            let name = self.forms.get(&d.form).map(|f| f.person_of(&d.data).0).unwrap_or_default();
            match out.iter_mut().find(|p| p.id_number == id) {
                Some(p) if p.name.is_empty() => p.name = name,
                Some(_) => {}
                None => out.push(Person { id_number: id, name }),
            }
        }
        Ok(out)
    }

    /// Whose home page this computer shows: as chosen, else the one person filing here outside
    /// a unit's workspace.
    pub fn me(&self) -> Result<Option<String>> {
        if let Some(me) = self.store.meta(ME)?.filter(|m| !m.is_empty()) {
            return Ok(Some(me));
        }
        let own: Vec<String> = self.store.list()?.into_iter().filter(|d| d.unit.is_none()).filter_map(|d| d.person).filter(|p| p.len() == 18).collect();
        Ok(match own.first() {
            Some(first) if own.iter().all(|p| p == first) => Some(first.clone()),
            _ => None,
        })
    }

    /// Chooses whose home page this is (a valid resident ID; another kind of ID is chosen from
    /// the people filing here, see [`Desk::people`]); `None` forgets the choice.
    pub fn set_me(&self, id_number: Option<&str>) -> Result<()> {
        match id_number.map(|s| s.trim().to_uppercase()) {
            None => self.store.delete_meta(ME),
            Some(id) if caiji_base::ids::valid_resident_id(&id) || self.people()?.iter().any(|p| p.id_number == id) => self.store.set_meta(ME, &id),
            Some(_) => Err(Error::invalid("请输入有效的 18 位居民身份证号码", "Enter a valid 18-character resident ID number")),
        }
    }

    /// A person's home page.
    pub fn home(&self, id_number: &str) -> Result<Home> {
        let drafts = self.store.of_person(id_number)?;
        let (standing, rec) = self.judged(id_number, &drafts)?;
        // A baseline (stated, or the authority's on the server) says the person is on file: in
        // the system, collection done (the guide §三: one who can sign in has collected).
        let on_file = rec.person.good_to.is_some();
        let (registered, collected) = (rec.registered || on_file, rec.collected || on_file);
        let mut next = Vec::new();
        for d in drafts.iter().filter(|d| matches!(d.state, State::Returned | State::Failed)) {
            let why = d.reason.clone().unwrap_or_default();
            let (code, zh, en) = match d.state {
                State::Returned => (
                    "returned",
                    format!("《{}》被退回：{why}。请按退回原因修改后重新上报", title(d)),
                    format!("“{}” was returned: {why}. Fix it and send it again", title(d)),
                ),
                _ => ("failed", format!("《{}》上报失败：{why}", title(d)), format!("“{}” could not be sent: {why}", title(d))),
            };
            next.push(Step { code, message: Msg::new(zh, en), form: None, draft: Some(d.id.clone()) });
        }
        // A draft of `form` being written; a returned or failed one has its step already.
        let writing = |form: &str| drafts.iter().find(|d| d.form == form && d.state == State::Draft);
        let has_step = |form: &str| drafts.iter().any(|d| d.form == form && matches!(d.state, State::Returned | State::Failed));
        const ENTRIES: [&str; 3] = ["entry_qualified", "entry_unit", "collection"];
        if !registered {
            match ENTRIES.iter().find_map(|f| writing(f)) {
                Some(d) => next.push(Step {
                    code: "finish",
                    message: Msg::new(format!("把《{}》填完、定稿并上报", title(d)), format!("Finish, finalize and send “{}”", title(d))),
                    form: None,
                    draft: Some(d.id.clone()),
                }),
                None if !ENTRIES.iter().any(|f| has_step(f)) => next.push(Step {
                    code: "entry",
                    message: Msg::new(
                        "本机没有你的入库备案或信息采集记录。已能在《内蒙古自治区会计人员信息管理系统》首页【会计人员登录】处正常登录的，说明已完成信息采集；还没有的，先看看从哪里进入（我从哪里进入？）",
                        "This computer has no entry or collection filing of yours. If you can already sign in to the Inner Mongolia system (【会计人员登录】), your collection is done; if not, see which way in is yours (Where do I enter?)",
                    ),
                    form: None,
                    draft: None,
                }),
                None => {}
            }
        } else if !collected && !has_step("collection") {
            next.push(self.collect_step(&drafts, writing("collection").map(|d| d.id.clone())));
        }
        let unfinished: Vec<&Draft> =
            drafts.iter().filter(|d| d.state == State::Draft && !next.iter().any(|s| s.draft.as_deref() == Some(d.id.as_str()))).collect();
        if !unfinished.is_empty() {
            let names = unfinished.iter().map(|d| format!("《{}》", title(d))).collect::<Vec<_>>().join("");
            next.push(Step {
                code: "finish",
                message: Msg::new(format!("{} 份草稿尚未定稿：{names}", unfinished.len()), format!("{} draft(s) not finalized yet: {names}", unfinished.len())),
                form: None,
                draft: unfinished.first().map(|d| d.id.clone()),
            });
        }
        let waiting = drafts.iter().filter(|d| matches!(d.state, State::Finalized | State::Queued)).count();
        if waiting > 0 {
            next.push(Step {
                code: "send",
                message: Msg::new(
                    format!("{waiting} 份已定稿，联网后在“填报”页上报"),
                    format!("{waiting} finalized, to send from the Filing screen when online"),
                ),
                form: None,
                draft: None,
            });
        }
        let filings = drafts
            .iter()
            .map(|d| Sent { id: d.id.clone(), form: d.form.clone(), title: title(d), state: d.state, reason: d.reason.clone(), updated: d.updated })
            .collect();
        Ok(Home { standing, authority: rec.authority.clone(), registered, collected, first_work: rec.first_work.clone(), next, filings })
    }

    /// The guide §一: after an entry filing, collection must follow — said as far as the entry
    /// has got (accepted, awaiting review, or not sent yet); `draft` is a collection being written.
    fn collect_step(&self, drafts: &[Draft], draft: Option<String>) -> Step {
        let entry = drafts.iter().filter(|d| counts(d) && d.form.starts_with("entry_")).map(|d| d.state).max_by_key(|s| match s {
            State::Accepted => 3,
            State::Sent => 2,
            _ => 1,
        });
        let t = self.forms.get("collection").map(|f| f.title.clone()).unwrap_or_else(|| Msg::new("会计人员信息采集", "collection"));
        let (zh, en) = match entry {
            Some(State::Finalized | State::Queued) => (
                format!("入库备案已定稿，尚未上报：联网后先上报入库备案；备案进入后，必须完成【{}】", t.zh),
                format!("The entry filing is finalized but not sent: send it first; after it, “{}” must follow", t.en),
            ),
            Some(State::Sent) => (
                format!("入库备案已上报，等待审核；备案进入后，必须完成【{}】，可以先准备", t.zh),
                format!("The entry filing is awaiting review; after it, “{}” must follow — you can prepare it now", t.en),
            ),
            _ => (
                format!("已入库备案，请完成【{}】：备案进入后，必须进行信息采集，完善、更新自己的信息", t.zh),
                format!("Your entry is filed: now complete “{}” — after an entry filing, collection must follow", t.en),
            ),
        };
        Step { code: "collect", message: Msg::new(zh, en), form: draft.is_none().then(|| "collection".to_string()), draft }
    }

    /// A unit's staff and what each owes, in roster order (each person's drafts read once).
    pub fn unit_home(&self, uscc: &str) -> Result<Vec<StaffDue>> {
        // The unit's entry for a person, the furthest along: a newer draft does not hide an
        // accepted one.
        let rank = |st: &State| match st {
            State::Accepted => 6,
            State::Sent => 5,
            State::Queued => 4,
            State::Finalized => 3,
            State::Draft => 2,
            State::Returned | State::Failed => 1,
        };
        let mut out = Vec::new();
        for s in self.store.staff(uscc)? {
            let drafts = self.store.of_person(&s.id_number)?;
            let (standing, rec) = self.judged(&s.id_number, &drafts)?;
            let on_file = rec.person.good_to.is_some();
            let entry = drafts.iter().filter(|d| d.form == "entry_unit" && d.unit.as_deref() == Some(uscc)).map(|d| d.state).max_by_key(rank);
            out.push(StaffDue {
                id_number: s.id_number,
                name: s.name,
                year: standing.year,
                entry,
                registered: rec.registered || on_file,
                collected: rec.collected || on_file,
                status: standing.status,
                status_name: standing.status_name,
                owes: standing.obligations,
            });
        }
        Ok(out)
    }
}
