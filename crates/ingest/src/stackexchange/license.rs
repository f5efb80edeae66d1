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

/// The user id of Community, the bot account that makes site-wide edits
/// (link fixes, retags, migrations).
const COMMUNITY_USER_ID: i64 = -1;

/// Appended to the rule when the last edit, by Community, was ignored: the
/// same for every such post, so posts decided alike share one record.
const COMMUNITY_EDIT_RULE: &str = "; edits by the Community user (-1) do not change a post's license";

/// The dates that decide a post's license when the dump has no
/// `ContentLicense`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Revisions<'a> {
    /// `CreationDate`.
    pub(crate) creation: Dated<'a>,
    /// `LastEditDate`, when the post was edited.
    pub(crate) last_edit: Option<Dated<'a>>,
    /// `LastEditorUserId`, when given.
    pub(crate) last_editor: Option<i64>,
}

/// Decides a post's license and says how (the credit's `license_basis`):
/// `ContentLicense` when given (any value but the three CC BY-SA versions is
/// an error: a license is never guessed), else the date of the latest
/// revision, `LastEditDate` before `CreationDate`.
///
/// A last edit by the Community user does not count: such edits do not move
/// a post to a newer license. In a 2023 dump, 109 of the 110 posts whose
/// `ContentLicense` differed from their `LastEditDate`'s were last edited by
/// Community. Those posts are dated by `CreationDate`, and the basis says the
/// edit was ignored. An earlier edit by a person is not dated in
/// `Posts.xml`, so such a post can be given an older license than it has.
pub(crate) fn decide(content_license: Option<&str>, revisions: Revisions<'_>) -> Result<(License, String), String> {
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
    let Revisions {
        creation,
        last_edit,
        last_editor,
    } = revisions;
    let community_edit = last_edit.filter(|_| last_editor == Some(COMMUNITY_USER_ID));
    let revised = match community_edit {
        Some(_) => creation,
        None => last_edit.unwrap_or(creation),
    };
    let license = License::by_date(revised.at);
    let basis = match community_edit {
        Some(edit) => format!(
            "{} {}, {} {} by the Community user ignored: {} {}{COMMUNITY_EDIT_RULE}",
            revised.attribute,
            revised.text,
            edit.attribute,
            edit.text,
            license.dump_name(),
            license.rule()
        ),
        None => format!(
            "{} {}: {} {}",
            revised.attribute,
            revised.text,
            license.dump_name(),
            license.rule()
        ),
    };
    Ok((license, basis))
}
