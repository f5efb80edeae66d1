//! The license of a post: the dump's `ContentLicense`, or else CC BY-SA by
//! the date of the post's latest revision, as Stack Exchange's schedule says.
//!
//! | latest revision (UTC)                     | license      |
//! |-------------------------------------------|--------------|
//! | before 2011-04-08                         | CC BY-SA 2.5 |
//! | from 2011-04-08 until before 2018-05-02   | CC BY-SA 3.0 |
//! | from 2018-05-02 on                        | CC BY-SA 4.0 |

use super::date::Timestamp;

/// A CC BY-SA version a post is under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum License {
    /// CC BY-SA 2.5.
    CcBySa25,
    /// CC BY-SA 3.0.
    CcBySa30,
    /// CC BY-SA 4.0.
    CcBySa40,
}

/// When 3.0 and 4.0 started to apply.
const FROM_3_0: Timestamp = Timestamp::midnight(2011, 4, 8);
const FROM_4_0: Timestamp = Timestamp::midnight(2018, 5, 2);

impl License {
    /// The SPDX id.
    pub(crate) fn spdx(self) -> &'static str {
        match self {
            License::CcBySa25 => "CC-BY-SA-2.5",
            License::CcBySa30 => "CC-BY-SA-3.0",
            License::CcBySa40 => "CC-BY-SA-4.0",
        }
    }

    /// The name as the dump writes it in `ContentLicense`.
    fn dump_name(self) -> &'static str {
        match self {
            License::CcBySa25 => "CC BY-SA 2.5",
            License::CcBySa30 => "CC BY-SA 3.0",
            License::CcBySa40 => "CC BY-SA 4.0",
        }
    }

    /// The schedule's rule for this license, as the end of a basis.
    fn rule(self) -> &'static str {
        match self {
            License::CcBySa25 => "applies to posts last revised before 2011-04-08 UTC",
            License::CcBySa30 => "applies to posts last revised from 2011-04-08 until before 2018-05-02 UTC",
            License::CcBySa40 => "applies to posts last revised from 2018-05-02 UTC on",
        }
    }

    fn by_date(revised: Timestamp) -> License {
        if revised < FROM_3_0 {
            License::CcBySa25
        } else if revised < FROM_4_0 {
            License::CcBySa30
        } else {
            License::CcBySa40
        }
    }
}

/// A dated attribute of the row: its name, its text as in the dump, its time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dated<'a> {
    /// `CreationDate` or `LastEditDate`.
    pub(crate) attribute: &'static str,
    /// The value as written in the dump.
    pub(crate) text: &'a str,
    /// The parsed time.
    pub(crate) at: Timestamp,
}

/// Decides a post's license and says how (the credit's `license_basis`):
/// `ContentLicense` when given (any value but the three CC BY-SA versions is
/// an error: a license is never guessed), else the date of the latest
/// revision, `LastEditDate` before `CreationDate`.
pub(crate) fn decide(
    content_license: Option<&str>,
    last_edit: Option<Dated<'_>>,
    creation: Dated<'_>,
) -> Result<(License, String), String> {
    if let Some(value) = content_license {
        let all = [License::CcBySa25, License::CcBySa30, License::CcBySa40];
        return match all.into_iter().find(|license| license.dump_name() == value.trim()) {
            Some(license) => Ok((license, "ContentLicense attribute".to_owned())),
            None => Err(format!(
                "ContentLicense `{}` is not CC BY-SA 2.5, 3.0 or 4.0; fix the row or remove it \
                 (a license is never guessed)",
                super::row::shown(value)
            )),
        };
    }
    let revised = last_edit.unwrap_or(creation);
    let license = License::by_date(revised.at);
    let basis = format!(
        "{} {}: {} {}",
        revised.attribute,
        revised.text,
        license.dump_name(),
        license.rule()
    );
    Ok((license, basis))
}
