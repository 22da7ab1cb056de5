//! Time as the filing side needs it: milliseconds for records, today's date in China.

/// Milliseconds since 1970.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Today's date in China (UTC+8), from the system clock.
pub fn today() -> (u32, u32, u32) {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_from_days(((secs + 8 * 3600) / 86_400) as i64)
}

/// A moment (ms since 1970) as people in China write it: `YYYY-MM-DD HH:mm` (UTC+8).
pub fn date_time_of(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", s / 3600, s % 3600 / 60)
}

/// The calendar date of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil_from_days(z: i64) -> (u32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as u32, m as u32, d as u32)
}

#[cfg(test)]
mod moments {
    #[test]
    fn moments_are_written_in_china_time() {
        assert_eq!(super::date_time_of(0), "1970-01-01 08:00");
        // 2026-11-29 15:59 UTC is 23:59 in Beijing; two minutes later it is the next day there.
        assert_eq!(super::date_time_of(1_795_967_940_000), "2026-11-29 23:59");
        assert_eq!(super::date_time_of(1_795_968_060_000), "2026-11-30 00:01");
    }
}
