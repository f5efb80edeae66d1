//! Timestamps for the SBOMs' creation time, without a date crate.

/// `unix_seconds` as an RFC 3339 UTC timestamp with second precision,
/// `YYYY-MM-DDThh:mm:ssZ`: the form SPDX 2.3 requires for `created` and
/// CycloneDX accepts for `metadata.timestamp`.
///
/// ```
/// assert_eq!(corpusledger_export::utc_timestamp(0), "1970-01-01T00:00:00Z");
/// assert_eq!(corpusledger_export::utc_timestamp(1_709_251_199), "2024-02-29T23:59:59Z");
/// ```
pub fn utc_timestamp(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, so leap days end each 400-year era.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(utc_timestamp(978_307_200), "2001-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(utc_timestamp(1_735_689_599), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..200_000 {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = previous;
            let next_day = (y, m, d) == (py, pm, pd + 1);
            let next_month = (y, m, d) == (py, pm + 1, 1);
            let next_year = (y, m, d) == (py + 1, 1, 1) && (pm, pd) == (12, 31);
            assert!(next_day || next_month || next_year, "{previous:?} -> {:?}", (y, m, d));
            assert!(d <= 31 && (m != 2 || d <= 29));
            previous = (y, m, d);
        }
    }
}
