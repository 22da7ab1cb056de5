//! A checker's report: what a file is (facts) and each rule's verdict with the measured value
//! and a message in Chinese and English.
use crate::decode::SourceFormat;
use caiji_base::i18n::Msg;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The portal rejects the file.
    Error,
    /// Worth fixing; the portal may accept it.
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub id: &'static str,
    pub level: Level,
    pub passed: bool,
    pub measured: String,
    pub expected: String,
    pub message: Msg,
}

/// What a file is, measured from its bytes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub format: Option<SourceFormat>,
    pub bytes: u64,
    /// Stored pixel size (what a portal's validator sees).
    pub width: u32,
    pub height: u32,
    pub grey: bool,
    pub progressive: bool,
    pub dpi: Option<u16>,
    pub exif: bool,
    pub gps: bool,
    pub xmp: bool,
    pub icc: bool,
    pub orientation: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub spec_id: String,
    pub spec_version: u32,
    pub passed: bool,
    pub facts: Facts,
    pub rules: Vec<RuleResult>,
}

impl Report {
    /// Adds rules; one with the id of a rule already there replaces it (the background judged
    /// around the head replaces the corners' verdict).
    pub fn add(&mut self, rules: Vec<RuleResult>) {
        for r in rules {
            match self.rules.iter_mut().find(|x| x.id == r.id) {
                Some(old) => *old = r,
                None => self.rules.push(r),
            }
        }
        self.passed = self.rules.iter().all(|r| r.passed || r.level == Level::Warning);
    }

    pub fn failures(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| !r.passed && r.level == Level::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| !r.passed && r.level == Level::Warning)
    }
}

pub fn rule(id: &'static str, level: Level, passed: bool, measured: String, expected: String, message: Msg) -> RuleResult {
    RuleResult { id, level, passed, measured, expected, message }
}
