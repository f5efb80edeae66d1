//! Dump timestamps: `YYYY-MM-DDTHH:MM:SS` with an optional `.f{1,3}`, UTC
//! without a zone, as in `2008-07-31T21:42:52.667`.

/// A valid timestamp of the dump; ordered in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    millis: u16,
}

impl Timestamp {
    /// Midnight (UTC) of a day; for fixed dates such as license changes.
    pub(crate) const fn midnight(year: u16, month: u8, day: u8) -> Timestamp {
        Timestamp {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            millis: 0,
        }
    }

    /// Parses a dump timestamp; `None` when it is not one, or names a time
    /// that does not exist (month 13, 31 April, hour 24, ...).
    pub(crate) fn parse(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        if !(bytes.len() == 19 || (21..=23).contains(&bytes.len())) {
            return None;
        }
        let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if separators.iter().any(|&(at, sep)| bytes[at] != sep) {
            return None;
        }
        let millis = match bytes.get(19) {
            None => 0,
            Some(b'.') => fraction_millis(&bytes[20..])?,
            Some(_) => return None,
        };
        let timestamp = Timestamp {
            year: number(&bytes[0..4])?,
            month: number(&bytes[5..7])?,
            day: number(&bytes[8..10])?,
            hour: number(&bytes[11..13])?,
            minute: number(&bytes[14..16])?,
            second: number(&bytes[17..19])?,
            millis,
        };
        timestamp.is_valid().then_some(timestamp)
    }

    fn is_valid(&self) -> bool {
        self.year >= 1
            && (1..=12).contains(&self.month)
            && (1..=days_in_month(self.year, self.month)).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
    }
}

/// Decimal digits only (no sign, no space), as a number.
fn number<T: TryFrom<u32>>(digits: &[u8]) -> Option<T> {
    let mut value = 0u32;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(digit - b'0');
    }
    T::try_from(value).ok()
}

/// `.5` is 500 ms, `.05` 50 ms, `.005` 5 ms.
fn fraction_millis(digits: &[u8]) -> Option<u16> {
    let value: u16 = number(digits)?;
    let scale = match digits.len() {
        1 => 100,
        2 => 10,
        _ => 1,
    };
    Some(value * scale)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dump_dates_and_orders_them() {
        let a = Timestamp::parse("2011-04-07T23:59:59.999").unwrap();
        let b = Timestamp::parse("2011-04-08T00:00:00").unwrap();
        assert!(a < b);
        assert_eq!(b, Timestamp::midnight(2011, 4, 8));
        assert_eq!(
            Timestamp::parse("2011-04-08T00:00:00.5"),
            Timestamp::parse("2011-04-08T00:00:00.500")
        );
        assert!(Timestamp::parse("2012-02-29T10:00:00").is_some());
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "yesterday",
            "2011-13-01T00:00:00",
            "2011-04-32T00:00:00",
            "2011-04-31T00:00:00",
            "2011-02-29T00:00:00",
            "2011-04-08T24:00:00",
            "2011-04-08T00:60:00",
            "2011-04-08 00:00:00",
            "2011-04-08T00:00:00.",
            "2011-04-08T00:00:00.1234",
            "2011-04-08T00:00:00Z",
            "+011-04-08T00:00:00",
            "",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }
}
