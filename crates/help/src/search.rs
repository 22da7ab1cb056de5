//! Ranking for short Chinese questions, with no server and no word segmenter: a guide keyword
//! typed alone wins outright; a keyword or a topic's word found inside the question counts by its
//! length; the rest is the overlap of character pairs (bigrams) between the question and the
//! topic's title and questions, with the answer counting little. Words every question has
//! (怎么办, 如何, 我的…) are taken out first. Letters typed alone are also read as pinyin
//! initials ("zp" is 照片), and English words match the English title and answer.
use crate::Topic;
use pinyin::{ToPinyin, ToPinyinMulti};
use std::collections::HashSet;

/// Phrases that say nothing about the topic: taken out before pairs are counted.
const FILLER: &[&str] = &[
    "怎么办",
    "怎么样",
    "怎么",
    "如何",
    "为什么",
    "什么",
    "是否",
    "能不能",
    "可不可以",
    "可以",
    "需要",
    "应该",
    "哪里",
    "哪个",
    "哪些",
    "请问",
    "一下",
    "我的",
    "我们",
    "你好",
];
/// Particles: a pair with one of them says nothing (照片了). Characters that also make words
/// (在岗, 不在, 有效, 要求) are not among them.
const PARTICLES: &[char] = &['了', '的', '吗', '呢', '吧', '啊', '呀', '我', '你'];

/// Lower case, full-width letters and digits as ASCII, no spaces or punctuation.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The pinyin initials of a text's Chinese characters ("照片" → "zp"); other characters as they are.
pub fn initials(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next().unwrap_or(c),
            None => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Each character's possible initials (a character read two ways has two: 会 is h or k).
fn letters(s: &str) -> Vec<Vec<char>> {
    s.chars()
        .map(|c| {
            let mut v: Vec<char> = match c.to_pinyin_multi() {
                Some(m) => m.into_iter().filter_map(|p| p.first_letter().chars().next()).collect(),
                None => c.to_lowercase().collect(),
            };
            v.dedup();
            v
        })
        .collect()
}

/// Do the typed letters spell these initials (`whole`), or begin them?
fn spells(typed: &str, l: &[Vec<char>], whole: bool) -> bool {
    let n = typed.chars().count();
    (if whole { n == l.len() } else { n < l.len() }) && typed.chars().zip(l).all(|(c, opts)| opts.contains(&c))
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The text without filler words.
fn strip_filler(s: &str) -> String {
    let mut t = s.to_string();
    for f in FILLER {
        t = t.replace(f, " ");
    }
    t
}

/// Pairs of neighbouring Chinese characters, and whole ASCII words, of a normalized text.
fn grams(s: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for run in strip_filler(s).split(|c: char| !is_han(c)) {
        let cs: Vec<char> = run.chars().collect();
        if cs.len() == 1 && !PARTICLES.contains(&cs[0]) {
            out.insert(run.to_string());
        }
        for w in cs.windows(2).filter(|w| !w.iter().any(|c| PARTICLES.contains(c))) {
            out.insert(w.iter().collect());
        }
    }
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2) {
        out.insert(word.to_string());
    }
    out
}

fn english_words(s: &str) -> HashSet<String> {
    s.to_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 3).map(str::to_string).collect()
}

/// A question, prepared once.
pub(crate) struct Query {
    /// As typed, trimmed and in lower case (a topic's id matches it).
    raw: String,
    text: String,
    grams: HashSet<String>,
    english: HashSet<String>,
    /// Letters only: may be pinyin initials.
    letters: bool,
}

impl Query {
    pub(crate) fn new(q: &str) -> Query {
        let text = normalize(q);
        let letters = text.len() >= 2 && text.bytes().all(|b| b.is_ascii_lowercase());
        Query { raw: q.trim().to_lowercase(), grams: grams(&text), english: english_words(q), letters, text }
    }
}

/// A topic, prepared once.
#[derive(Debug, Clone)]
pub(crate) struct Indexed {
    id: String,
    keywords: Vec<String>,
    words: Vec<String>,
    exact: Vec<String>,
    key_grams: HashSet<String>,
    answer_grams: HashSet<String>,
    english_title: HashSet<String>,
    english_answer: HashSet<String>,
    key_initials: Vec<Vec<Vec<char>>>,
    word_initials: Vec<Vec<Vec<char>>>,
}

fn chars(s: &str) -> u32 {
    s.chars().count() as u32
}

impl Indexed {
    pub(crate) fn of(t: &Topic) -> Indexed {
        let keywords: Vec<String> = t.keywords.iter().map(|k| normalize(k)).filter(|k| !k.is_empty()).collect();
        let words: Vec<String> = t.words.iter().map(|k| normalize(k)).filter(|k| !k.is_empty()).collect();
        let mut exact: Vec<String> = t.questions.iter().chain(std::iter::once(&t.title.zh)).map(|q| normalize(q)).collect();
        exact.extend(words.iter().cloned());
        let mut key_text = normalize(&t.title.zh);
        for q in &t.questions {
            key_text.push(' ');
            key_text.push_str(&normalize(q));
        }
        let han_only = |v: &[String]| v.iter().filter(|k| k.chars().all(is_han)).map(|k| letters(k)).collect::<Vec<_>>();
        Indexed {
            id: t.id.clone(),
            key_initials: han_only(&keywords),
            word_initials: han_only(&words),
            key_grams: grams(&key_text),
            answer_grams: grams(&normalize(&t.answer.zh)),
            english_title: english_words(&t.title.en),
            english_answer: english_words(&t.answer.en),
            keywords,
            words,
            exact,
        }
    }

    pub(crate) fn score(&self, q: &Query) -> u32 {
        let t = &q.text;
        if t.is_empty() {
            return 0;
        }
        let mut s = 0;
        // The guide's keyword (or the topic's id) typed alone, then a title, question or word.
        if self.keywords.iter().any(|k| k == t) || self.id == q.raw {
            s += 10_000;
        } else if self.exact.iter().any(|k| k == t) {
            s += 5_000;
        }
        // A keyword or word inside the question, by its length; one being typed (a prefix of
        // at least two characters) counts a little.
        for k in &self.keywords {
            if t.contains(k.as_str()) {
                s += 300 * chars(k);
            } else if chars(t) >= 2 && k.starts_with(t.as_str()) {
                s += 100 * chars(t);
            }
        }
        for w in &self.words {
            if t.contains(w.as_str()) {
                s += 120 * chars(w);
            } else if chars(t) >= 2 && w.starts_with(t.as_str()) {
                s += 40 * chars(t);
            }
        }
        // Shared character pairs: with the title and questions, then (little) with the answer.
        let shared = q.grams.intersection(&self.key_grams).count() as u32;
        s += 30 * shared;
        s += (3 * q.grams.intersection(&self.answer_grams).count() as u32).min(60);
        // Pinyin initials.
        if q.letters {
            if self.key_initials.iter().any(|k| spells(t, k, true)) {
                s += 8_000;
            } else if self.word_initials.iter().any(|k| spells(t, k, true)) {
                s += 2_000;
            } else if self.key_initials.iter().chain(&self.word_initials).any(|k| spells(t, k, false)) {
                s += 200 * chars(t);
            }
        }
        // English.
        s += 50 * q.english.intersection(&self.english_title).count() as u32;
        s += (5 * q.english.intersection(&self.english_answer).count() as u32).min(50);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_reads_initials() {
        assert_eq!(normalize("  照片，太大！ＫＢ "), "照片太大kb");
        assert_eq!(initials("照片"), "zp");
        // 会 reads huì or kuài: both spell it.
        let l = letters("会计工作证明");
        assert!(spells("kjgzzm", &l, true) && spells("hjgzzm", &l, true) && spells("kjgz", &l, false));
        assert!(!spells("zp", &l, false));
    }

    #[test]
    fn pairs_skip_filler() {
        let g = grams(&normalize("照片太大了怎么办"));
        assert!(g.contains("照片") && g.contains("太大"));
        assert!(!g.contains("怎么") && !g.contains("么办") && !g.contains("大了"));
        // Words made with 在, 不, 有 keep them.
        let g = grams(&normalize("不在岗了"));
        assert!(g.contains("不在") && g.contains("在岗"), "{g:?}");
    }
}
