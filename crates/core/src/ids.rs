//! Resident ID numbers (GB 11643) in file names, and masking them for logs.

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
    fn masks() {
        let id = sample();
        let m = mask_ids_in(&format!("/in/张三_{id}.jpg failed"));
        assert!(!m.contains(&id));
        assert!(m.contains("150102********"));
    }
}
