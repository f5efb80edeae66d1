use serde::{Deserialize, Serialize};

/// What CC BY-SA attribution of a Stack Exchange post needs: where it is,
/// who wrote it, under which license, and how that license was decided.
/// A reader of a Stack Exchange dump sets one per post a document holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Credit {
    /// The post's address: site + `/q/` or `/a/` + id
    /// (`https://stackoverflow.com/a/42`).
    pub url: String,
    /// The question's title (for an answer: empty, the dump does not repeat it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The author's display name (`Users.xml`, else `OwnerDisplayName`), or
    /// `user N` when only the id is known, or `deleted user`.
    pub author: String,
    /// The author's profile (`site/users/N`); `None` for a deleted user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_url: Option<String>,
    /// SPDX id of the post's license: `CC-BY-SA-2.5`, `CC-BY-SA-3.0` or
    /// `CC-BY-SA-4.0`.
    pub license: String,
    /// How the license was decided: `ContentLicense` when the dump gives it,
    /// else the date it was derived from and the schedule rule.
    pub license_basis: String,
    /// `CreationDate`, as in the dump (UTC).
    pub created: String,
    /// `LastEditDate`, when the post was edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edited: Option<String>,
}

impl Credit {
    /// One line a publisher can print: title or address, author, license.
    pub fn line(&self) -> String {
        let by = match &self.author_url {
            Some(url) => format!("{} ({url})", self.author),
            None => self.author.clone(),
        };
        format!("{} by {by}, {}", self.url, self.license)
    }
}
