//! Identifiers of the filing forms: resident ID numbers (GB 11643, also found in file names and
//! masked for logs), unified social credit codes (GB 32100), mobile numbers and e-mail.

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// True when `id` is 18 characters with a valid GB 11643 check character and birth date.
pub fn valid_resident_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    if CHECK[(sum % 11) as usize] != b[17].to_ascii_uppercase() {
        return false;
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1900..=2100).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

/// Birth date (year, month, day) and sex (`true`: male) written in a valid resident ID.
pub fn resident_id_facts(id: &str) -> Option<((u32, u32, u32), bool)> {
    if !valid_resident_id(id) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    Some(((num(6..10), num(10..12), num(12..14)), num(16..17) % 2 == 1))
}

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// True when `code` is an 18-character unified social credit code (GB 32100) with a valid
/// check character (upper case; I, O, S, V, Z are not used).
pub fn valid_uscc(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (i, c) in b[..17].iter().enumerate() {
        match USCC_ALPHABET.iter().position(|a| a == c) {
            Some(v) => sum += v as u32 * USCC_WEIGHTS[i],
            None => return false,
        }
    }
    USCC_ALPHABET[((31 - sum % 31) % 31) as usize] == b[17]
}

/// A mainland mobile number: 11 digits starting 13–19.
pub fn valid_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

/// A plausible e-mail address: one `@`, a local part, a dotted domain, no spaces.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let label_ok = |l: &str| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-') && !l.starts_with('-') && !l.ends_with('-');
    !local.is_empty()
        && local.len() <= 64
        && !local.contains(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(label_ok)
}

/// Finds an 18-character resident ID in a file name. `Ok(None)` when none is there;
/// `Err(candidate)` when 18 characters look like one but the check character is wrong.
pub fn find_resident_id(name: &str) -> Result<Option<String>, String> {
    let chars: Vec<char> = name.chars().collect();
    let mut bad = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        if end - start == 17 && i < chars.len() && (chars[i] == 'X' || chars[i] == 'x') {
            end += 1;
            i += 1;
        }
        if end - start == 18 {
            let cand: String = chars[start..end].iter().collect::<String>().to_ascii_uppercase();
            if valid_resident_id(&cand) {
                return Ok(Some(cand));
            }
            bad.get_or_insert(cand);
        }
    }
    match bad {
        Some(b) => Err(b),
        None => Ok(None),
    }
}

/// For logs and reports shown to others: `150102********1234` keeps region and the last 4.
pub fn mask_id(id: &str) -> String {
    if id.len() != 18 {
        return "*".repeat(id.len());
    }
    format!("{}{}{}", &id[..6], "*".repeat(8), &id[14..])
}

/// Masks every 18-character ID-like run inside a text (a path, a message), valid or not.
pub fn mask_ids_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut len = run;
        if run == 17 && matches!(chars.get(i + 17), Some('X' | 'x')) {
            len = 18;
        }
        let s: String = chars[i..i + len].iter().collect();
        out.push_str(&if len == 18 { mask_id(&s) } else { s });
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A valid number built for tests (region 150102, born 1990-03-07).
    fn sample() -> String {
        let body = "15010219900307123";
        let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
        format!("{body}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn finds_and_validates() {
        let id = sample();
        assert!(valid_resident_id(&id));
        assert_eq!(find_resident_id(&format!("张三_{id}.jpg")), Ok(Some(id.clone())));
        assert_eq!(find_resident_id("photo_2024.jpg"), Ok(None));
        let mut wrong = id.clone();
        wrong.replace_range(16..17, if &id[16..17] == "1" { "2" } else { "1" });
        assert_eq!(find_resident_id(&format!("李四{wrong}")), Err(wrong.clone()));
        assert!(!valid_resident_id("150102199002301234")); // 30 February
    }

    #[test]
    fn resident_id_vectors() {
        // Valid: check characters 0–9 and X, leap day; sex from the 17th digit.
        for (id, birth, male) in
            [("11010519491231002X", (1949, 12, 31), false), ("440524188001010014", (1880, 1, 1), true), ("150102200002290011", (2000, 2, 29), true)]
        {
            if birth.0 < 1900 {
                assert!(!valid_resident_id(id), "{id}: before 1900 is refused");
                continue;
            }
            assert_eq!(resident_id_facts(id), Some((birth, male)), "{id}");
        }
        assert!(valid_resident_id("11010519491231002x"), "lower-case x is accepted");
        for bad in [
            "110105194912310021",  // wrong check character
            "11010519491231002",   // 17 characters
            "1101051949123100211", // 19
            "15010219000229001X",  // 1900 is not a leap year
            "150102199013010011",  // month 13
            "1501021990010A0011",  // a letter inside
            "",
        ] {
            assert!(!valid_resident_id(bad), "{bad}");
        }
    }

    #[test]
    fn credit_code_vectors() {
        // Check characters computed by an independent implementation of GB 32100; letters in the
        // body (MA…), an Inner Mongolia region code (15…).
        for ok in ["91110000802100433B", "11100000000013127D", "91150102MA0N12345P", "52150000500000000Q"] {
            assert!(valid_uscc(ok), "{ok}");
        }
        for bad in ["91110000802100433C", "91110000802100433", "9111000080210043IB", "91110000802100433b"] {
            assert!(!valid_uscc(bad), "{bad}");
        }
    }

    #[test]
    fn mobile_and_email() {
        assert!(valid_mobile("13912345678") && valid_mobile("19912345678"));
        for bad in ["12912345678", "1391234567", "139123456789", "+8613912345678", "1391234567a"] {
            assert!(!valid_mobile(bad), "{bad}");
        }
        assert!(valid_email("zhang.san@nmg.gov.cn") && valid_email("a@b.cn"));
        for bad in ["zhangsan", "a@b", "a@@b.cn", "a b@c.cn", "@b.cn", "a@-b.cn", "a@b..cn"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn masks() {
        let id = sample();
        let m = mask_ids_in(&format!("/in/张三_{id}.jpg failed"));
        assert!(!m.contains(&id));
        assert!(m.contains("150102********"));
    }
}
