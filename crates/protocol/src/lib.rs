//! The sync protocol between the app (the `caiji-sync` client) and `caiji-server`: every request
//! and response body of `docs/openapi.json` as one Rust type, used by both ends, and the
//! enums of account kinds, filing states and review decisions. An unknown value is an error
//! when read (never silently a default). Refusals travel as [`ErrorBody`]
//! (`{code, message: {zh, en}, details?}`), the same contract as the CLI's `--json` and the app.
//!
//! `ui/src/bindings/protocol.ts` is generated from these types (`cargo test -p caiji-protocol`
//! checks it is current; `CAIJI_BLESS=1` rewrites it).
pub use caiji_base::{ErrorBody, Msg};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The API's path prefix.
pub const PREFIX: &str = "/api/v1";
/// The header carrying a chunk's SHA-256 (lowercase hex) on `PUT /blobs/{hash}`.
pub const CHUNK_SHA256: &str = "x-chunk-sha256";
/// Largest chunk of an attachment upload.
pub const MAX_CHUNK: usize = 1024 * 1024;
/// Largest attachment.
pub const MAX_BLOB: i64 = 20 * 1024 * 1024;

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The name on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s { $($s => Ok($name::$v),)+ _ => Err(UnknownValue { what: stringify!($name), value: s.to_string() }) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A value read from the wire or a database that names no known variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.value)
    }
}

impl std::error::Error for UnknownValue {}

wire_enum! {
    /// Who an account is: a person (by resident ID), a unit (by credit code), or a reviewing
    /// authority (made on the server machine only).
    AccountKind { Person = "person", Unit = "unit", Authority = "authority" }
}

wire_enum! {
    /// Where a submission stands on the server.
    SubmissionState { Submitted = "submitted", Accepted = "accepted", Returned = "returned" }
}

wire_enum! {
    /// An authority's decision on a submitted filing.
    Decision { Accept = "accept", Return = "return" }
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Health {
    pub ok: bool,
    pub version: String,
}

/// An account as the server tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Account {
    pub id: String,
    pub kind: AccountKind,
    pub login: String,
    pub name: String,
    /// An authority's region (empty: every region).
    pub region: String,
    /// Whether the account is proven to be the person or unit its login names (an activation
    /// or reset code from its unit or a reviewing authority). Until then it sees only what it
    /// filed itself.
    #[serde(default)]
    pub verified: bool,
}

wire_enum! {
    /// What a one-time code is for: proving an account is the person or unit it claims to be,
    /// or setting a new password (which proves it as well).
    CodePurpose { Activate = "activate", Reset = "reset" }
}

/// `POST /codes`: a unit (for a person it has filed about) or an authority issues a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IssueCodeRequest {
    pub login: String,
    pub purpose: CodePurpose,
}

/// A code issued: given to its person on paper or by phone, used once before `expires` (ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IssuedCode {
    /// Ten characters in two groups (`K7Q3M-9XPA2`); case, spaces and dashes do not matter.
    pub code: String,
    pub login: String,
    pub purpose: CodePurpose,
    pub expires: i64,
}

/// `POST /verify`: the signed-in account proves itself with an activation code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VerifyRequest {
    pub code: String,
}

/// `POST /reset`: a new password with a reset code (no session needed: the password is lost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResetRequest {
    pub login: String,
    pub code: String,
    pub password: String,
}

/// A code as typed: case, spaces and dashes ignored, and the letters people mistake for digits
/// read as those digits (O as 0, I and L as 1: the alphabet has neither).
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The alphabet of codes (Crockford's base 32: no I, L, O or U).
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Who filed a submission, as the review queue shows it (a person's ID masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Filer {
    pub kind: AccountKind,
    pub login: String,
    pub name: String,
    pub verified: bool,
}

/// The details of a 413 `quota`: what the account holds and may hold (bytes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct QuotaDetails {
    pub used: i64,
    pub quota: i64,
}

/// `POST /register`: a person or a unit registers itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RegisterRequest {
    pub kind: AccountKind,
    pub login: String,
    pub password: String,
    pub name: String,
}

/// `POST /login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// The answer to a login: a bearer token and when it expires (ms since 1970).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Session {
    pub token: String,
    pub expires: i64,
    pub account: Account,
}

/// `PUT /submissions/{uuid}`: a filing, new or an edit of the revision it `replaces`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SubmitRequest {
    pub form: String,
    pub form_version: i64,
    #[ts(type = "unknown")]
    pub data: Value,
    /// For an edit: the revision this one replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub replaces: Option<i64>,
}

/// What the server holds of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Receipt {
    pub uuid: String,
    pub form: String,
    pub revision: i64,
    pub state: SubmissionState,
    pub reason: Option<String>,
    pub digest: String,
    pub updated: i64,
    /// The person's ID number, masked.
    pub person: String,
    /// The filing's data (a single filing fetched, the server's copy of a stale edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub data: Option<Value>,
    /// Who filed it (the review queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub filer: Option<Filer>,
}

/// `PUT /people/{id}/baseline`: an authority states, from the online system's record, that a
/// person is on file and in good standing up to `good_to` (`null` withdraws it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Baseline {
    pub good_to: Option<u32>,
}

/// `GET /people/{id}/standing`: where a person's record on the server stands this year, judged
/// by the guide's rules on their accepted filings and baseline (the same judgement as the app's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Standing {
    /// The ID number, masked.
    pub person: String,
    pub year: u32,
    /// `active`, `non_active`, `changed` or `unknown` (not enough information).
    pub status: String,
    pub status_name: Msg,
    /// What an `unknown` judgement lacks.
    pub missing: Option<Msg>,
    pub good_to: Option<u32>,
    /// The 管理地区 (`15`, a 盟市 `1501`, a 旗县 `150102`, 自治区直属 `1500`), when the record says.
    pub authority: Option<String>,
    /// Collection is on the record.
    pub collected: bool,
    pub years_of_work: Option<u32>,
    /// The years are a lower bound: a later year of the 履历 no record here settles.
    #[serde(default)]
    pub years_at_least: bool,
    /// What is owed this year.
    pub obligations: Vec<Msg>,
}

/// `GET /submissions?since=`: changes after `since` (ms).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Since {
    #[serde(default)]
    pub since: i64,
}

/// `POST /review/{uuid}`: an authority accepts or returns (with a reason) a revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReviewRequest {
    pub revision: i64,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// `GET /public/uncollected?name=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NameQuery {
    pub name: String,
}

/// A person on file through an entry filing who has not completed collection (ID masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Uncollected {
    pub name: String,
    pub id_number: String,
}

/// `PUT /blobs/{hash}?offset=&size=`: where a chunk goes in an attachment of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct ChunkQuery {
    pub offset: i64,
    pub size: i64,
}

/// How much of an attachment the server has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BlobStatus {
    pub hash: String,
    pub size: i64,
    pub received: i64,
    pub complete: bool,
}

/// The details of a 409 `offset`: where to resume.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct OffsetDetails {
    pub received: i64,
    pub size: i64,
}

/// The TypeScript declarations of every wire type, in one module for the UI.
/// Passwords people pick first, which a guesser tries first (lower case; all-digit and
/// one-character ones are refused by rule, not listed).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "qwertyui",
    "qwerty12",
    "qwerty123",
    "qwertyuiop",
    "asdfghjk",
    "asdf1234",
    "zxcvbnm1",
    "abcdefgh",
    "abc12345",
    "abcd1234",
    "abc123456",
    "a1234567",
    "a12345678",
    "a123456789",
    "aa123456",
    "aa12345678",
    "aaa12345",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qwe12345",
    "qweasdzxc",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "admin123",
    "admin888",
    "administrator",
    "root1234",
    "qq123456",
    "qq5201314",
    "wang1234",
    "zhang123",
    "li123456",
    "caiji123",
    "kuaiji123",
    "123456ab",
    "123456aa",
    "12345abc",
    "1234abcd",
    "11111111a",
    "test1234",
    "welcome1",
    "letmein1",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "dragon12",
    "monkey12",
    "shadow12",
];

/// Why a new password is refused, or `None`: shorter than 8, all digits, one character
/// repeated, one of the commonest, or the login itself (a resident ID or credit code is no
/// secret). The server refuses it (`weak_password`) and the app says it before sending.
pub fn password_problem(password: &str, login: &str) -> Option<Msg> {
    let p = password.trim();
    let lower = p.to_lowercase();
    if p.chars().count() < 8 {
        Some(Msg::new("密码至少 8 位", "The password needs at least 8 characters"))
    } else if p.chars().all(|c| c.is_ascii_digit()) {
        Some(Msg::new("密码不能全是数字：请加入字母", "The password cannot be all digits: add letters"))
    } else if p.chars().all(|c| p.starts_with(c)) || COMMON_PASSWORDS.contains(&lower.as_str()) {
        Some(Msg::new("这个密码太常见，容易被猜中：请换一个", "This password is too common to be safe: choose another"))
    } else if !login.trim().is_empty() && lower.contains(&login.trim().to_lowercase()) {
        Some(Msg::new("密码不能包含账号（身份证号或信用代码人人可见）", "The password cannot contain the login (an ID or credit code is no secret)"))
    } else {
        None
    }
}

pub fn typescript() -> String {
    // Revisions, sizes and times in ms are JSON numbers (all well below 2^53).
    let cfg = ts_rs::Config::default().with_large_int("number");
    let decls = [
        Msg::decl(&cfg),
        ErrorBody::decl(&cfg),
        AccountKind::decl(&cfg),
        SubmissionState::decl(&cfg),
        Decision::decl(&cfg),
        CodePurpose::decl(&cfg),
        Health::decl(&cfg),
        Account::decl(&cfg),
        RegisterRequest::decl(&cfg),
        LoginRequest::decl(&cfg),
        Session::decl(&cfg),
        SubmitRequest::decl(&cfg),
        Receipt::decl(&cfg),
        Since::decl(&cfg),
        ReviewRequest::decl(&cfg),
        NameQuery::decl(&cfg),
        Uncollected::decl(&cfg),
        ChunkQuery::decl(&cfg),
        BlobStatus::decl(&cfg),
        OffsetDetails::decl(&cfg),
        IssueCodeRequest::decl(&cfg),
        IssuedCode::decl(&cfg),
        VerifyRequest::decl(&cfg),
        ResetRequest::decl(&cfg),
        Filer::decl(&cfg),
        QuotaDetails::decl(&cfg),
        Baseline::decl(&cfg),
        Standing::decl(&cfg),
    ];
    let mut out = String::from("// Generated from crates/protocol (cargo test -p caiji-protocol; CAIJI_BLESS=1 to rewrite). Do not edit.\n");
    for d in decls {
        out.push_str("\nexport ");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod passwords {
    use super::password_problem;

    #[test]
    fn weak_passwords_are_refused_and_said_why() {
        for (pw, why) in [
            ("short1", "至少 8 位"),
            ("12345678", "全是数字"),
            ("150102199003071237", "全是数字"),
            ("aaaaaaaa", "太常见"),
            ("Password1", "太常见"),
            ("qwe12345", "太常见"),
            ("x150102199003071237", "包含账号"),
        ] {
            let m = password_problem(pw, "150102199003071237").map(|m| m.zh).unwrap_or_default();
            assert!(m.contains(why), "{pw}: {m}");
        }
        for pw in ["secret-123", "review-pass", "短密码但够长的中文句子", "Xm9!tq4z"] {
            assert_eq!(password_problem(pw, "150102199003071237"), None, "{pw}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_errors() {
        assert_eq!("unit".parse::<AccountKind>(), Ok(AccountKind::Unit));
        assert!("admin".parse::<AccountKind>().is_err());
        assert!("draft".parse::<SubmissionState>().is_err());
        assert!(serde_json::from_str::<Receipt>(r#"{"uuid":"u","form":"f","revision":1,"state":"lost","reason":null,"digest":"d","updated":0,"person":"p"}"#)
            .is_err());
        for k in AccountKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
            assert_eq!(k.as_str().parse::<AccountKind>(), Ok(*k));
        }
        for s in SubmissionState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        for d in Decision::ALL {
            assert_eq!(serde_json::to_value(d).unwrap(), serde_json::json!(d.as_str()));
        }
    }

    /// The UI's copy of the wire types is generated: it must match these types.
    #[test]
    fn typescript_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings/protocol.ts");
        let now = typescript();
        if std::env::var_os("CAIJI_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &now).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(kept == now, "{} is out of date: run `CAIJI_BLESS=1 cargo test -p caiji-protocol`", path.display());
    }
}
