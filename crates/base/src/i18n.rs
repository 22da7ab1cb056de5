//! Two-language text: every message a user may read exists in Simplified Chinese and English.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Ok(Lang::Zh),
            "en" | "en-us" | "en_us" | "en-gb" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?} (zh, en)")),
        }
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Msg { zh: zh.into(), en: en.into() }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Bytes as a person reads them: "19.5 KB", "1.20 MB" (1 KB = 1024 bytes, as browsers show it).
/// A spec's limit reads better through [`size_limit`], a size next to one through [`size_in`].
pub fn human_bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.2} MB", n as f64 / (1024.0 * 1024.0))
    }
}

/// A size limit named the way the portal wrote it: "20 KB", "500 KB", "1 MB".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeLimit {
    /// "20 KB"; a limit no portal would write falls back to [`size_in`] with 1024 ("12.1 KB").
    pub text: String,
    /// The bytes in a KB that the text counts (1000 or 1024; 1024 for the fallback): sizes shown
    /// next to the limit count the same, through [`size_in`].
    pub unit: u64,
    /// The text is the limit to the byte (20000 is 20 × 1000); not when the limit is a byte off
    /// a round size (20479, "under 20 KB") or the fallback rounds it.
    pub exact: bool,
}

/// Names a limit in bytes as the portal said it. Profiles store a portal's "20KB" as the stricter
/// of 1000 and 1024 bytes a KB, sometimes a byte inside it ("more than 10KB" is 10241), so a
/// count within one byte of k × 1024² or k × 1000² (k ≥ 1 whole) is "k MB", else within one byte
/// of k × 1024 or k × 1000 is "k KB" (tried in that order: 1024 before 1000), else
/// [`size_in`] with a unit of 1024.
pub fn size_limit(bytes: u64) -> SizeLimit {
    for (name, unit, scale) in [("MB", 1024, 1024 * 1024), ("MB", 1000, 1000 * 1000), ("KB", 1024, 1024), ("KB", 1000, 1000)] {
        let k = bytes.saturating_add(scale / 2) / scale;
        if let Some(round) = k.checked_mul(scale).filter(|r| k >= 1 && r.abs_diff(bytes) <= 1) {
            return SizeLimit { text: format!("{k} {name}"), unit, exact: round == bytes };
        }
    }
    SizeLimit { text: size_in(bytes, 1024), unit: 1024, exact: bytes < 1024 }
}

/// A measured size in a limit's unit (1000 or 1024 bytes a KB; anything else counts 1024), with
/// one decimal rounded half up: "20.2 KB" (20200 bytes, unit 1000), "45.5 KB" (46555, 1024),
/// "1.5 MB"; under one KB, the bytes: "512 B".
pub fn size_in(bytes: u64, unit: u64) -> String {
    size_rounded(bytes, unit, Round::Nearest)
}

/// Which way a size's last decimal goes.
#[derive(Clone, Copy)]
enum Round {
    Nearest,
    /// Over a maximum: up, so that it never reads as the limit itself ("20.1 KB", not "20.0 KB").
    Up,
    /// Under a minimum: down, likewise.
    Down,
}

fn size_rounded(bytes: u64, unit: u64, round: Round) -> String {
    let unit = if unit == 1000 { 1000 } else { 1024 };
    let tenths = |scale: u64| {
        let add = match round {
            Round::Nearest => scale / 2,
            Round::Up => scale - 1,
            Round::Down => 0,
        };
        let t = (u128::from(bytes) * 10 + u128::from(add)) / u128::from(scale);
        format!("{}.{}", t / 10, t % 10)
    };
    if bytes < unit {
        format!("{bytes} B")
    } else if bytes < unit * unit {
        format!("{} KB", tenths(unit))
    } else {
        format!("{} MB", tenths(unit * unit))
    }
}

/// A measured size next to a byte window, in the unit of the limit it is judged against: the
/// minimum's when it is under the minimum, else the maximum's, else the minimum's. A size outside
/// the window is rounded away from it, so that it never reads as the limit it fails.
pub fn size_against(bytes: u64, min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(m), _) if bytes < m => size_rounded(bytes, size_limit(m).unit, Round::Down),
        (_, Some(m)) if bytes > m => size_rounded(bytes, size_limit(m).unit, Round::Up),
        (_, Some(m)) | (Some(m), None) => size_in(bytes, size_limit(m).unit),
        (None, None) => size_in(bytes, 1024),
    }
}

/// A whole number with its thousands grouped: 20200 → "20,200".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(bytes: u64) -> (String, u64, bool) {
        let l = size_limit(bytes);
        (l.text, l.unit, l.exact)
    }

    #[test]
    fn limits_read_as_the_portals_wrote_them() {
        // "不超过20KB", stored as 20 × 1000.
        assert_eq!(limit(20_000), ("20 KB".into(), 1000, true));
        // Sichuan: "more than 10KB, under 20KB", a byte inside 10 × 1024 and 20 × 1024.
        assert_eq!(limit(20_479), ("20 KB".into(), 1024, false));
        assert_eq!(limit(10_241), ("10 KB".into(), 1024, false));
        assert_eq!(limit(10_240), ("10 KB".into(), 1024, true));
        assert_eq!(limit(20_481), ("20 KB".into(), 1024, false));
        assert_eq!(limit(500_000), ("500 KB".into(), 1000, true));
        assert_eq!(limit(199_999), ("200 KB".into(), 1000, false));
        assert_eq!(limit(14_336), ("14 KB".into(), 1024, true));
        assert_eq!(limit(1_048_576), ("1 MB".into(), 1024, true));
        assert_eq!(limit(1_000_000), ("1 MB".into(), 1000, true));
        // Both readings: 1024 first.
        assert_eq!(limit(512_000), ("500 KB".into(), 1024, true));
        // No portal's number: as before, in units of 1024.
        assert_eq!(limit(12_345), ("12.1 KB".into(), 1024, false));
        assert_eq!(limit(1), ("1 B".into(), 1024, true));
        assert_eq!(limit(0), ("0 B".into(), 1024, true));
        assert_eq!(limit(u64::MAX).1, 1024);
        // No round size: one decimal, as every other size (the app's TypeScript says the same).
        assert_eq!(limit(2_100_123), ("2.0 MB".into(), 1024, false));
    }

    #[test]
    fn sizes_read_in_the_unit_of_their_limit() {
        // 20200 bytes against "20 KB" (20000): over it, and it reads so.
        assert_eq!(size_in(20_200, size_limit(20_000).unit), "20.2 KB");
        assert_eq!(size_in(20_200, 1024), "19.7 KB");
        assert_eq!(size_in(46_555, 1024), "45.5 KB");
        assert_eq!(size_in(20_250, 1000), "20.3 KB", "halves round up");
        assert_eq!(size_in(999, 1000), "999 B");
        assert_eq!(size_in(1_572_864, 1024), "1.5 MB");
        assert_eq!(size_in(1_234_567, 1000), "1.2 MB");
        assert_eq!(size_in(2048, 7), "2.0 KB", "an unknown unit counts 1024");
        assert_eq!(size_against(20_200, None, Some(20_000)), "20.2 KB");
        assert_eq!(size_against(46_555, Some(10_240), None), "45.5 KB");
        // GA 461: at least 14 KB (× 1024), at most 20 KB (× 1000).
        assert_eq!(size_against(14_000, Some(14_336), Some(20_000)), "13.6 KB", "under the minimum: rounded down");
        assert_eq!(size_against(19_800, Some(14_336), Some(20_000)), "19.8 KB");
        assert_eq!(size_against(5000, None, None), "4.9 KB");
        // Just outside the window: never read as the limit it fails.
        assert_eq!(size_against(20_040, None, Some(20_000)), "20.1 KB");
        assert_eq!(size_against(10_200, Some(10_240), None), "9.9 KB");
        assert_eq!(size_against(20_000, None, Some(20_000)), "20.0 KB");
        assert_eq!(group_digits(20_200), "20,200");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_048_576), "1,048,576");
        assert_eq!(group_digits(0), "0");
    }
}
