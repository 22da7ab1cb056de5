//! 自助答疑, offline: the guide's self-service help as data (`assets/help/topics`, one topic per
//! file), searched by keyword or by any words of a question; the management bodies people are
//! sent to (联系办事机构, `assets/help/contacts.toml`); and the entry guide that asks the guide's
//! questions (我从哪里进入？, `assets/help/entry.toml`). The app and `caiji ask` both use it.
use caiji_base::i18n::Msg;
use caiji_base::{Error, Result};
use serde::{Deserialize, Serialize};

mod search;
pub use search::{initials, normalize};

include!(concat!(env!("OUT_DIR"), "/topics.rs"));
const CONTACTS: &str = include_str!("../../../assets/help/contacts.toml");
const ENTRY: &str = include_str!("../../../assets/help/entry.toml");

/// The longest query read, in characters.
pub const MAX_QUERY: usize = 200;
/// The most topics a search returns.
pub const MAX_HITS: usize = 50;

/// The guide's 自助答疑 keywords (seed §五.1): each one finds its own topic first.
pub const GUIDE_KEYWORDS: [&str; 17] = [
    "信息采集",
    "照片",
    "图片",
    "扫描件",
    "调转",
    "年度考评",
    "信息变更",
    "履历",
    "密码",
    "档案",
    "修改",
    "工作单位",
    "在校学生",
    "会计人员范围",
    "管理地区",
    "管理机构",
    "会计工作证明",
];

/// One question and its answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub title: Msg,
    /// The guide's keywords this topic answers first.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Other words people use for it.
    #[serde(default)]
    pub words: Vec<String>,
    /// The question as people type it.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Paragraphs separated by a blank line; a line starting with "- " is a list item.
    pub answer: Msg,
    /// Where the answer's facts come from.
    pub source: String,
    /// What in the app opens it: `check:<rule>`, `error:<code>`, `field:<section>.<field>`,
    /// `problem:<code>`.
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// A button under an answer: a screen of the app that does what it says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub label: Msg,
    /// photo, scan, check, batch (with `spec`), form (with `form`), screen (with `screen`),
    /// reset-password, entry-guide, contacts, letter.
    pub open: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<String>,
}

/// What a search found: a topic and how well it matched.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub id: String,
    pub title: Msg,
    pub score: u32,
}

/// A management body (会计人员管理机构) with what a source says of it; empty where none does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The 管理地区 key: `1500` 自治区直属, `1501` a 盟市, `150102` a 旗县.
    pub region: String,
    /// The region as people name it (filled in from the division data when the file has none).
    #[serde(default)]
    pub region_name: String,
    /// The body's name, or empty when no source names it.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    /// Where each value comes from.
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsFile {
    /// Where to look for what this file does not know.
    elsewhere: Msg,
    #[serde(default)]
    body: Vec<Contact>,
}

/// The entry guide: questions with a yes and a no, ending in an outcome.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EntryGuide {
    pub start: String,
    pub question: Vec<EntryQuestion>,
    pub outcome: Vec<EntryOutcome>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EntryQuestion {
    pub id: String,
    pub ask: Msg,
    #[serde(default)]
    pub hint: Option<Msg>,
    pub yes: String,
    pub no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EntryOutcome {
    pub id: String,
    pub say: Msg,
    /// The form to start (the person's), if any.
    #[serde(default)]
    pub form: Option<String>,
    /// The form the person's unit files, if that is the way in.
    #[serde(default)]
    pub unit_form: Option<String>,
    /// The guide's words this rests on.
    pub source: String,
    /// The help topic to read more in.
    #[serde(default)]
    pub topic: Option<String>,
}

/// The help, loaded and checked.
#[derive(Debug, Clone)]
pub struct Help {
    pub topics: Vec<Topic>,
    contacts: Vec<Contact>,
    pub elsewhere: Msg,
    pub entry: EntryGuide,
    index: Vec<search::Indexed>,
}

fn invalid(file: &str, detail: impl std::fmt::Display) -> Error {
    let d = detail.to_string();
    Error::SpecInvalid { file: format!("help/{file}"), line: 0, detail: Msg::new(d.clone(), d) }
}

impl Help {
    /// The help shipped in `assets/help`.
    pub fn builtin() -> Result<Help> {
        let mut topics = Vec::with_capacity(TOPICS.len());
        for (file, text) in TOPICS {
            let t: Topic = toml::from_str(text).map_err(|e| invalid(&format!("topics/{file}"), e))?;
            if format!("{}.toml", t.id) != *file {
                return Err(invalid(&format!("topics/{file}"), format!("id {} differs from the file name", t.id)));
            }
            topics.push(t);
        }
        let c: ContactsFile = toml::from_str(CONTACTS).map_err(|e| invalid("contacts.toml", e))?;
        let entry: EntryGuide = toml::from_str(ENTRY).map_err(|e| invalid("entry.toml", e))?;
        let index = topics.iter().map(search::Indexed::of).collect();
        Ok(Help { topics, contacts: c.body, elsewhere: c.elsewhere, entry, index })
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The topics that answer `query` best, best first (at most `n`, at most [`MAX_HITS`];
    /// none for an empty query). Only the first [`MAX_QUERY`] characters are read: ranking is
    /// linear in the query's length, and a question is never longer.
    pub fn search(&self, query: &str, n: usize) -> Vec<Hit> {
        let query: String = query.chars().take(MAX_QUERY).collect();
        let q = search::Query::new(&query);
        let mut hits: Vec<Hit> = self
            .index
            .iter()
            .zip(&self.topics)
            .filter_map(|(ix, t)| {
                let score = ix.score(&q);
                (score > 0).then(|| Hit { id: t.id.clone(), title: t.title.clone(), score })
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(n.min(MAX_HITS));
        hits
    }

    /// The topic a failed check, an error or a form field opens: `check:bytes`, `error:too_small`,
    /// `problem:history`, or `field:basic.photo` (a repeatable entry's index is skipped:
    /// `field:education.0.proof` is `field:education.proof`).
    pub fn for_link(&self, link: &str) -> Option<&Topic> {
        let key = match link.strip_prefix("field:") {
            Some(path) => format!("field:{}", path.split('.').filter(|p| p.parse::<u32>().is_err()).collect::<Vec<_>>().join(".")),
            None => link.to_string(),
        };
        self.topics.iter().find(|t| t.links.contains(&key))
    }

    /// The management body of a 管理地区 key: what the data says of that very region (nothing is
    /// carried over from the region above), and the region's name from the division data.
    pub fn contact(&self, region: &str, divisions: &[caiji_forms::Division]) -> Contact {
        let known = self.contacts.iter().find(|c| c.region == region).cloned();
        let mut c = known.unwrap_or_else(|| Contact { region: region.to_string(), ..Contact::default() });
        if c.region_name.is_empty() {
            c.region_name = region_name(region, divisions);
        }
        c
    }

    /// Every management body the data knows, and every 盟市 and 旗县 of Inner Mongolia (with
    /// nothing but its name where no source says more).
    pub fn contacts(&self, divisions: &[caiji_forms::Division]) -> Vec<Contact> {
        let mut out: Vec<Contact> = Vec::new();
        let im = divisions.iter().find(|d| d.code == caiji_forms::record::INNER_MONGOLIA);
        for city in im.map(|d| d.children.as_slice()).unwrap_or_default() {
            out.push(self.contact(&caiji_forms::record::region_key(&city.code), divisions));
            for county in &city.children {
                out.push(self.contact(&caiji_forms::record::region_key(&county.code), divisions));
            }
        }
        for c in &self.contacts {
            if !out.iter().any(|o| o.region == c.region) {
                out.push(self.contact(&c.region, divisions));
            }
        }
        out
    }
}

/// A 管理地区 key as people name it: "包头市 · 昆都仑区", "自治区直属", "内蒙古自治区".
pub fn region_name(region: &str, divisions: &[caiji_forms::Division]) -> String {
    let name = |c: &str| caiji_forms::find_division(divisions, c).map(|d| d.name.clone());
    match (region.len(), name(region)) {
        (6, Some(county)) => match name(&region[..4]) {
            Some(city) => format!("{city} · {county}"),
            None => county,
        },
        (_, n) => n.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help() -> Help {
        Help::builtin().unwrap()
    }

    #[test]
    fn every_guide_keyword_is_one_topics_and_finds_it_first() {
        let h = help();
        for k in GUIDE_KEYWORDS {
            let owners: Vec<_> = h.topics.iter().filter(|t| t.keywords.iter().any(|x| x == k)).map(|t| t.id.as_str()).collect();
            assert_eq!(owners.len(), 1, "{k} is the keyword of {owners:?}");
            let hits = h.search(k, 3);
            assert_eq!(hits.first().map(|h| h.id.as_str()), Some(owners[0]), "{k}: {hits:?}");
        }
    }

    /// Questions typed in plain words, as people ask them, and the topic that must be among the
    /// first three.
    #[test]
    fn plain_questions_find_their_topic_in_the_top_three() {
        let h = help();
        let table = [
            ("照片太大传不上去怎么办", "photo-too-large"),
            ("调到包头了怎么办", "transfer"),
            ("忘记密码", "password"),
            ("照片背景不是白色", "background-not-white"),
            ("身份证正反面怎么传", "id-card-both-sides"),
            ("学历证书有好几页", "scans"),
            ("继续教育要多少学分", "continuing-education"),
            ("在校生能不能采集", "students"),
            ("我的管理机构是哪个", "managing-body"),
            ("单位证明怎么开", "work-certificate"),
            ("没有年度考评会怎样", "annual-assessment"),
            ("履历填错了能改吗", "work-history"),
            ("手机拍的照片是横的", "sideways-photo"),
            ("苹果手机的照片格式不对", "not-a-jpeg"),
            ("照片太小了", "photo-too-small"),
            ("头太小了", "head-size-position"),
            ("退回了怎么办", "returned-filing"),
            ("首次从事会计工作时间能改吗", "first-work-date"),
            ("出纳要不要采集", "who-counts"),
            ("换了手机号", "information-change"),
            ("不在岗了", "not-in-post"),
            ("没联网能填吗", "offline-filing"),
            // Pinyin initials and English.
            ("zp", "photo"),
            ("mm", "password"),
            ("forgot password", "password"),
            ("transfer to another unit", "transfer"),
        ];
        let mut wrong = Vec::new();
        for (q, want) in table {
            assert!(h.topic(want).is_some(), "no topic {want}");
            let hits: Vec<String> = h.search(q, 3).into_iter().map(|h| h.id).collect();
            if !hits.iter().any(|id| id == want) {
                wrong.push(format!("{q} → {hits:?}, not {want}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        // Nothing to do with the corpus: nothing, rather than noise.
        assert!(h.search("天气预报", 3).is_empty(), "{:?}", h.search("天气预报", 3));
        assert!(h.search("   ", 3).is_empty());
        // A query's cost is bounded: past its first 200 characters nothing is read, and no more
        // than 50 topics come back.
        let long = format!("{}{}", "调到包头了怎么办", "照片".repeat(100_000));
        assert_eq!(h.search(&long, 3), h.search(&long.chars().take(MAX_QUERY).collect::<String>(), 3));
        assert!(h.search("照片", 10_000).len() <= MAX_HITS);
    }

    #[test]
    fn links_name_one_topic_each_and_fields_skip_the_index() {
        let h = help();
        let mut seen = std::collections::HashMap::new();
        for t in &h.topics {
            for l in &t.links {
                assert!(["check:", "error:", "field:", "problem:"].iter().any(|p| l.starts_with(p)), "{}: {l}", t.id);
                if let Some(other) = seen.insert(l.clone(), t.id.clone()) {
                    panic!("{l} links both {other} and {}", t.id);
                }
            }
        }
        let proof = h.for_link("field:education.proof").map(|t| t.id.clone());
        assert!(proof.is_some());
        assert_eq!(h.for_link("field:education.3.proof").map(|t| t.id.clone()), proof);
        assert!(h.for_link("check:bytes").is_some());
        assert!(h.for_link("check:nothing-like-this").is_none());
    }

    #[test]
    fn actions_open_what_exists() {
        let forms = caiji_forms::Forms::builtin().unwrap();
        let opens = ["photo", "scan", "check", "batch", "form", "screen", "reset-password", "entry-guide", "contacts", "letter"];
        for t in help().topics {
            assert!(!t.answer.zh.trim().is_empty() && !t.answer.en.trim().is_empty(), "{}", t.id);
            assert!(!t.source.trim().is_empty(), "{}", t.id);
            for a in &t.actions {
                assert!(opens.contains(&a.open.as_str()), "{}: {}", t.id, a.open);
                if a.open == "form" {
                    assert!(a.form.as_deref().is_some_and(|f| forms.get(f).is_some()), "{}: {:?}", t.id, a.form);
                }
                if ["photo", "scan", "check", "batch"].contains(&a.open.as_str()) {
                    assert!(a.spec.is_some(), "{}: {} needs a spec", t.id, a.open);
                }
            }
        }
    }

    #[test]
    fn the_entry_guide_ends_in_outcomes_and_names_real_forms() {
        let h = help();
        let forms = caiji_forms::Forms::builtin().unwrap();
        let g = &h.entry;
        let known = |id: &str| g.question.iter().any(|q| q.id == id) || g.outcome.iter().any(|o| o.id == id);
        assert!(known(&g.start));
        for q in &g.question {
            assert!(known(&q.yes) && known(&q.no), "{}", q.id);
        }
        for o in &g.outcome {
            for f in [&o.form, &o.unit_form].into_iter().flatten() {
                assert!(forms.get(f).is_some(), "{}: {f}", o.id);
            }
            if let Some(t) = &o.topic {
                assert!(h.topic(t).is_some(), "{}: {t}", o.id);
            }
        }
        // The guide §三 first: one who can sign in is in the system already.
        let first = g.question.iter().find(|q| q.id == g.start).unwrap();
        assert!(first.ask.zh.contains("正常登录"));
        assert!(g.outcome.iter().find(|o| o.id == first.yes).is_some_and(|o| o.form.is_none() && o.unit_form.is_none()));
        // Walk every path: no question is asked twice on one path (no loops).
        fn walk(g: &EntryGuide, id: &str, seen: &mut Vec<String>) {
            let Some(q) = g.question.iter().find(|q| q.id == id) else { return };
            assert!(!seen.contains(&q.id), "loop at {id}");
            seen.push(q.id.clone());
            walk(g, &q.yes, &mut seen.clone());
            walk(g, &q.no, seen);
        }
        walk(g, &g.start, &mut Vec::new());
    }

    /// The guide's ways in (seed §一, §二, §三), answered as people would answer.
    #[test]
    fn the_entry_guide_leads_where_the_guide_says() {
        let g = help().entry;
        let walk = |answers: &[bool]| {
            let mut at = g.start.clone();
            for yes in answers {
                let q = g.question.iter().find(|q| q.id == at).unwrap_or_else(|| panic!("{at} is not a question"));
                at = if *yes { q.yes.clone() } else { q.no.clone() };
            }
            g.outcome.iter().find(|o| o.id == at).unwrap_or_else(|| panic!("{answers:?} ends at {at}, not an outcome")).clone()
        };
        let (y, n) = (true, false);
        // Signed in already: nothing to enter.
        assert_eq!(walk(&[y]).id, "already_in");
        // A student without a qualification cannot enter; with one passed here after 2015, the
        // person's own entry.
        assert_eq!(walk(&[n, y, n]).id, "student_no");
        assert_eq!(walk(&[n, y, y, y]).form.as_deref(), Some("entry_qualified"));
        // In the old system and still here: collection straight away; no longer here: the other ways.
        assert_eq!(walk(&[n, n, y, y]).form.as_deref(), Some("collection"));
        assert_eq!(walk(&[n, n, y, n, n, y]).unit_form.as_deref(), Some("entry_unit"));
        // The exam here after 2015: the person's entry; appointed by a unit: the unit's.
        assert_eq!(walk(&[n, n, n, y]).form.as_deref(), Some("entry_qualified"));
        assert_eq!(walk(&[n, n, n, n, y]).unit_form.as_deref(), Some("entry_unit"));
        // None of them: not yet, and why.
        let none = walk(&[n, n, n, n, n]);
        assert!(none.form.is_none() && none.unit_form.is_none() && none.say.zh.contains("暂时还不能进入"));
        // Every outcome says what it rests on.
        assert!(g.outcome.iter().all(|o| o.source.starts_with("seed §")), "{:?}", g.outcome.iter().map(|o| &o.source).collect::<Vec<_>>());
    }

    #[test]
    fn contacts_name_only_what_a_source_says() {
        let h = help();
        let forms = caiji_forms::Forms::builtin().unwrap();
        let direct = h.contact("1500", &forms.divisions);
        assert_eq!(direct.body, "内蒙古自治区会计学会");
        assert_eq!(direct.region_name, "自治区直属");
        assert!(direct.source.contains("自治区直属"));
        // A banner no source describes: its name, nothing invented.
        let c = h.contact("150102", &forms.divisions);
        assert_eq!(c.region_name, "呼和浩特市 · 新城区");
        assert!(c.body.is_empty() && c.phone.is_empty());
        let all = h.contacts(&forms.divisions);
        assert!(all.len() > 100, "{}", all.len());
        assert!(all.iter().all(|c| c.body.is_empty() || !c.source.is_empty()));
        assert!(all.iter().all(|c| !c.region_name.is_empty()), "{:?}", all.iter().find(|c| c.region_name.is_empty()));
    }
}
