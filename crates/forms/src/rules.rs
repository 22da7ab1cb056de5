//! The management rules of the Inner Mongolia guide (../shared/seed, summarised in the domain
//! brief §3), as one module the forms and the server share: who may enter the system, when
//! continuing education (CE) is owed and what completes a year, when a record moves to the
//! changed-status (异动) database or becomes non-active, what a person must do this year, and the
//! years of accounting work from the history.
use caiji_base::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Whose CE rule applies: the national one, or Inner Mongolia's split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    National,
    #[default]
    InnerMongolia,
}

/// CE credits of one year.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Credits {
    pub professional: f32,
    pub general: f32,
}

impl Credits {
    pub fn total(&self) -> f32 {
        self.professional + self.general
    }
}

/// What counts as CE besides courses (national equivalents), as professional credits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Equivalent {
    /// An accounting exam subject passed (qualification, CPA…).
    ExamSubject,
    /// An accounting degree course passed.
    DegreeCourse,
    Conference {
        days: f32,
    },
    Paper {
        first_author: bool,
    },
    Book {
        lead: bool,
    },
    Research {
        lead: bool,
    },
}

impl Equivalent {
    pub fn credits(self) -> f32 {
        match self {
            Equivalent::ExamSubject | Equivalent::DegreeCourse => 90.0,
            Equivalent::Conference { days } => 10.0 * days,
            Equivalent::Paper { first_author } => {
                if first_author {
                    30.0
                } else {
                    10.0
                }
            }
            Equivalent::Book { lead } | Equivalent::Research { lead } => {
                if lead {
                    90.0
                } else {
                    60.0
                }
            }
        }
    }
}

/// Whether one year's credits complete it. National: at least 90, of which professional at
/// least 2/3. Inner Mongolia: professional at least 60 and general at least 30. Credits count
/// only in their own year.
pub fn year_complete(c: Credits, region: Region) -> bool {
    match region {
        Region::National => c.total() >= 90.0 && c.professional * 3.0 >= c.total() * 2.0,
        Region::InnerMongolia => c.professional >= 60.0 && c.general >= 30.0,
    }
}

/// What the rules need to know about a person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Person {
    /// Year the first accounting qualification was obtained.
    pub qualified: Option<u32>,
    /// Year accounting work started.
    pub started_work: Option<u32>,
    /// A full-time student.
    pub student: bool,
    /// CE credits by year.
    #[serde(default)]
    pub ce: BTreeMap<u32, Credits>,
    /// Years the unit assessed the person.
    #[serde(default)]
    pub assessed: Vec<u32>,
    /// The work history has been declared (it is declared once).
    #[serde(default)]
    pub history_declared: bool,
    /// On file and in good standing up to this year (a baseline the person states, e.g. from
    /// the online system's record): every year up to it counts as CE complete and assessed, and
    /// from the year after it the filings here are the record. Without one, a year with no
    /// filing here is unknown, never missed.
    #[serde(default)]
    pub good_to: Option<u32>,
    /// The record is the system's own (the server's accepted filings): what it lacks was not
    /// filed. An app's record is what this computer holds: the unit's assessments, made wherever
    /// the unit works, and a collection made online may be missing from it — so two years
    /// after the baseline with no assessment here are 信息不足 there, never 非在岗.
    #[serde(default)]
    pub complete: bool,
}

/// Where a record stands in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In post (在岗).
    Active,
    /// Not in post (非在岗): two consecutive years without an assessment.
    NonActive,
    /// Moved to the changed-status database (异动): CE missed 3 consecutive or 4 years in all.
    Changed,
    /// Not enough information: years the rule counts have no record here (and no baseline
    /// covers them). Never guessed: a wrong 异动 or 非在岗 is worse than none.
    Unknown,
}

/// Where a record stands, with what the judgement lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub status: Status,
    /// Years whose continuing education the rule counts but no record here shows complete.
    pub unknown_ce: Vec<u32>,
    /// Years whose assessment the rule counts but no record here shows.
    pub unknown_assessment: Vec<u32>,
    /// Neither the year accounting work started nor the qualification's is known: nothing can
    /// be counted.
    pub unknown_start: bool,
}

/// May this person enter the system? Students without a qualification may not.
pub fn can_enter(p: &Person) -> Result<(), Msg> {
    if p.student && p.qualified.is_none() {
        return Err(Msg::new(
            "在校学生未取得会计专业技术资格的，不能进入会计人员信息管理系统",
            "A student without an accounting qualification cannot enter the system",
        ));
    }
    if p.qualified.is_none() && p.started_work.is_none() {
        return Err(Msg::new(
            "需取得会计专业技术资格或被单位聘任从事会计工作，才能入库备案",
            "Filing needs an accounting qualification or an appointment to accounting work",
        ));
    }
    Ok(())
}

/// The first year CE is owed: the year after accounting work started or the qualification was
/// obtained, whichever came first (a later qualification erases nothing owed before it).
pub fn ce_from(p: &Person) -> Option<u32> {
    [p.qualified, p.started_work].into_iter().flatten().min().map(|y| y + 1)
}

/// The first year CE is counted: [`ce_from`], or, when neither start is known, the year after a
/// baseline (someone in good standing on file owes CE every year after it).
fn counted_from(p: &Person) -> Option<u32> {
    ce_from(p).or(p.good_to.map(|g| g + 1))
}

/// The year from which a person counts as in post (assessments owed from the year after): work
/// started, or a baseline (good standing being in post).
fn in_post_since(p: &Person) -> Option<u32> {
    p.started_work.or(p.good_to)
}

/// How a year stands on the record: good (a complete record, or covered by the baseline),
/// missed (after the baseline, with no complete record), or unknown (no baseline, no record).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Year {
    Good,
    Missed,
    Unknown,
}

fn year_of(p: &Person, y: u32, recorded: bool) -> Year {
    match p.good_to {
        _ if recorded => Year::Good,
        Some(g) if y <= g => Year::Good,
        Some(_) => Year::Missed,
        None => Year::Unknown,
    }
}

/// Years from the first owed one to `last` (inclusive) whose CE is known to be missed.
pub fn ce_missed(p: &Person, last: u32, region: Region) -> Vec<u32> {
    ce_years(p, last, region, Year::Missed)
}

fn ce_years(p: &Person, last: u32, region: Region, which: Year) -> Vec<u32> {
    let Some(from) = counted_from(p) else {
        return Vec::new();
    };
    (from..=last).filter(|y| year_of(p, *y, p.ce.get(y).is_some_and(|c| year_complete(*c, region))) == which).collect()
}

/// The years an assessment is owed for before `year` (from the year after work started) that
/// stand as `which`.
fn assessment_years(p: &Person, year: u32, which: Year) -> Vec<u32> {
    let from = in_post_since(p).map(|s| s + 1);
    from.map(|f| (f..year).filter(|y| year_of(p, *y, p.assessed.contains(y)) == which).collect()).unwrap_or_default()
}

/// The longest run of consecutive years in a sorted list.
fn longest_run(years: &[u32]) -> usize {
    let mut best = 0;
    let mut run = 0;
    for (i, y) in years.iter().enumerate() {
        run = if i > 0 && years[i - 1] + 1 == *y { run + 1 } else { 1 };
        best = best.max(run);
    }
    best
}

/// The run of consecutive years in a sorted list that ends with `last` (0 when `last` is not in it).
fn run_to(years: &[u32], last: u32) -> usize {
    let mut n = 0;
    let mut y = last;
    while y > 0 && years.contains(&y) {
        n += 1;
        y -= 1;
    }
    n
}

/// Where the record stands in `year`, judged on the years already over (before `year`): 异动
/// after CE missed 3 years running or 4 in all, 非在岗 while the last 2 years went unassessed (an
/// assessment since puts the person back in post: the guide lets them declare "待实际从事会计工作后"), 在岗
/// when every counted year is known and neither holds — and `Unknown` when a counted year has
/// no record here and no baseline covers it, or when the unassessed years are only missing
/// from a record that is not the system's own ([`Person::complete`]).
pub fn judge(p: &Person, year: u32, region: Region) -> Judgement {
    let missed = ce_missed(p, year - 1, region);
    let unassessed = assessment_years(p, year, Year::Missed);
    let unknown_ce = ce_years(p, year - 1, region, Year::Unknown);
    let mut unknown_assessment = assessment_years(p, year, Year::Unknown);
    let unknown_start = ce_from(p).is_none() && p.good_to.is_none();
    let unassessed_run = run_to(&unassessed, year - 1) >= 2;
    if unassessed_run && !p.complete {
        // No assessment here is not none filed: the unit may have filed them elsewhere.
        unknown_assessment.extend(&unassessed);
        unknown_assessment.sort_unstable();
    }
    let status = if longest_run(&missed) >= 3 || missed.len() >= 4 {
        Status::Changed
    } else if unassessed_run && p.complete {
        Status::NonActive
    } else if unknown_start || !unknown_ce.is_empty() || !unknown_assessment.is_empty() {
        Status::Unknown
    } else {
        Status::Active
    };
    Judgement { status, unknown_ce, unknown_assessment, unknown_start }
}

/// [`judge`]'s status.
pub fn status(p: &Person, year: u32, region: Region) -> Status {
    judge(p, year, region).status
}

/// Known to be out of post or moved to 异动 (not merely unknown).
fn lapsed(s: Status) -> bool {
    matches!(s, Status::NonActive | Status::Changed)
}

/// Something the person (or their unit) must do this year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligation {
    pub code: &'static str,
    pub message: Msg,
}

/// What is owed in `year`: this year's CE (with what is still missing), the unit's assessment,
/// the one-time declaration of the work history.
pub fn obligations(p: &Person, year: u32, region: Region) -> Vec<Obligation> {
    let mut out = Vec::new();
    let st = status(p, year, region);
    if counted_from(p).is_some_and(|f| f <= year) {
        let c = p.ce.get(&year).copied().unwrap_or_default();
        if !year_complete(c, region) {
            let (zh, en) = match region {
                Region::National => {
                    let need = (90.0 - c.total()).max(0.0);
                    let prof = (60.0 - c.professional).max(0.0);
                    (
                        format!("{year} 年继续教育还差 {need:.0} 学分（其中专业科目至少还要 {prof:.0} 学分）"),
                        format!("{year} CE: {need:.0} credits to go (at least {prof:.0} of them professional)"),
                    )
                }
                Region::InnerMongolia => {
                    let prof = (60.0 - c.professional).max(0.0);
                    let gen = (30.0 - c.general).max(0.0);
                    (
                        format!("{year} 年继续教育还差专业科目 {prof:.0} 学分、公需科目 {gen:.0} 学分"),
                        format!("{year} CE: {prof:.0} professional and {gen:.0} general credits to go"),
                    )
                }
            };
            out.push(Obligation { code: "ce", message: Msg::new(zh, en) });
        }
    }
    // Last year's assessment is owed from January (this year's cannot exist before it is over).
    let last = year - 1;
    // Owed while 非在岗 too: an assessment is the way back into post.
    if st != Status::Changed && in_post_since(p).is_some_and(|s| s < last) && year_of(p, last, p.assessed.contains(&last)) != Year::Good {
        out.push(Obligation {
            code: "assessment",
            message: Msg::new(
                format!("{last} 年度考评：由单位会计机构负责人填报"),
                format!("{last} annual assessment: filed by the unit's head of accounting"),
            ),
        });
    }
    if !lapsed(st) && in_post_since(p).is_some() && !p.history_declared {
        out.push(Obligation {
            code: "history",
            message: Msg::new("申报会计工作履历（只申报一次，须在岗时申报）", "Declare the accounting work history (once, while in post)"),
        });
    }
    out
}

/// Why the online system would refuse declaring the work history now, if it would.
pub fn history_refusal(p: &Person, year: u32, region: Region) -> Option<Msg> {
    if p.history_declared {
        return Some(Msg::new("会计工作履历已申报过，只能申报一次", "The work history has been declared already: it is declared once"));
    }
    match status(p, year, region) {
        Status::NonActive | Status::Changed => Some(Msg::new("只有在岗人员才能申报会计工作履历", "Only a person in post can declare the work history")),
        Status::Active | Status::Unknown => None,
    }
}

/// One year of the work history after its declaration, as the system fills it in (the guide:
/// "以后年度的履历，由系统按照会计人员是否在岗，工作单位调动等情况自动填写").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryYear {
    pub year: u32,
    /// In post that year (assessed, or not yet two years unassessed and not 异动); `None`: no
    /// record here says.
    pub in_post: Option<bool>,
    /// The unit (credit code) the transfers say the person worked for.
    pub unit: Option<String>,
}

/// The years after `declared` up to `last`, each in post or not and at which unit: `moves` are
/// the accepted transfers (the year of arrival, the new unit), oldest first; `unit` is the one at
/// the declaration.
pub fn later_history(p: &Person, declared: u32, unit: Option<&str>, moves: &[(u32, String)], last: u32, region: Region) -> Vec<HistoryYear> {
    (declared + 1..=last)
        .map(|y| {
            let in_post = match judge(p, y + 1, region).status {
                Status::NonActive | Status::Changed => Some(false),
                Status::Active => Some(true),
                Status::Unknown => (p.assessed.contains(&y) || p.good_to.is_some_and(|g| y <= g)).then_some(true),
            };
            let unit = moves.iter().rev().find(|(m, _)| *m <= y).map(|(_, u)| u.clone()).or_else(|| unit.map(str::to_string));
            HistoryYear { year: y, in_post, unit }
        })
        .collect()
}

/// A period of work: its first month and its last (`None`: to date), as `(year, month)`.
pub type Period = ((u32, u32), Option<(u32, u32)>);

/// Whole years of accounting work from the history's periods (months, `(year, month)`; `None`
/// end: to `now`), overlaps counted once.
pub fn years_of_work(periods: &[Period], now: (u32, u32)) -> u32 {
    let idx = |(y, m): (u32, u32)| y * 12 + m - 1;
    let mut spans: Vec<(u32, u32)> = periods.iter().map(|(s, e)| (idx(*s), idx(e.unwrap_or(now)) + 1)).filter(|(a, b)| b > a).collect();
    spans.sort();
    let mut months = 0;
    let mut cur: Option<(u32, u32)> = None;
    for (a, b) in spans {
        cur = match cur {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                months += cb - ca;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = cur {
        months += b - a;
    }
    months / 12
}
