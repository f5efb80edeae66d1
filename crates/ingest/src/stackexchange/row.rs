//! One `<row .../>` of `Posts.xml`: its XML attributes (parsed with
//! quick-xml, so escapes are checked and decoded), then the post they
//! describe, validated attribute by attribute.

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::date::Timestamp;
use super::license::{self, Dated, License};

/// The attributes of one row, in document order, unescaped.
#[derive(Debug)]
pub(crate) struct Attributes(Vec<(String, String)>);

impl Attributes {
    /// Parses one self-closed `<row .../>` element. The error is quick-xml's
    /// (or ours for a row that is not one element) and says where it is.
    pub(crate) fn parse(text: &[u8]) -> Result<Attributes, String> {
        let text = std::str::from_utf8(text).map_err(|err| format!("invalid UTF-8 at byte {}", err.valid_up_to()))?;
        let mut reader = quick_xml::Reader::from_str(text);
        let element = match reader.read_event() {
            Ok(Event::Empty(element)) if element.name().as_ref() == b"row" => element,
            Ok(Event::Start(_)) => return Err("the row is not closed with `/>`".to_owned()),
            Ok(_) => return Err("not a <row .../> element".to_owned()),
            Err(err) => return Err(err.to_string()),
        };
        let mut attributes = Vec::new();
        for attribute in element.attributes().with_checks(true) {
            let attribute = attribute.map_err(|err| err.to_string())?;
            let name = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| format!("attribute {name}: {err}"))?;
            attributes.push((name, value.into_owned()));
        }
        match reader.read_event() {
            Ok(Event::Eof) => Ok(Attributes(attributes)),
            Ok(_) => Err(format!("text after the row at byte {}", reader.buffer_position())),
            Err(err) => Err(err.to_string()),
        }
    }

    /// The value of the attribute `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Takes the value of `name` out, to keep it without a copy.
    fn take(&mut self, name: &str) -> Option<String> {
        let at = self.0.iter().position(|(key, _)| key == name)?;
        Some(self.0.swap_remove(at).1)
    }
}

/// What a post is, by `PostTypeId`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PostKind {
    /// 1.
    Question,
    /// 2.
    Answer,
    /// 3 to 8: wikis, nominations, placeholders.
    Other(u8),
}

impl PostKind {
    fn from_id(id: u8) -> Option<PostKind> {
        match id {
            1 => Some(PostKind::Question),
            2 => Some(PostKind::Answer),
            3..=8 => Some(PostKind::Other(id)),
            _ => None,
        }
    }

    /// The `PostTypeId`.
    pub(crate) fn id(self) -> u8 {
        match self {
            PostKind::Question => 1,
            PostKind::Answer => 2,
            PostKind::Other(id) => id,
        }
    }

    /// What the dump's documentation calls it.
    pub(crate) fn name(self) -> &'static str {
        match self.id() {
            1 => "question",
            2 => "answer",
            3 => "orphaned tag wiki",
            4 => "tag wiki excerpt",
            5 => "tag wiki",
            6 => "moderator nomination",
            7 => "wiki placeholder",
            _ => "privilege wiki",
        }
    }
}

/// A valid post: what the reader needs of a row.
#[derive(Debug)]
pub(crate) struct Post {
    /// The 1-based line the row starts on.
    pub(crate) line: u64,
    /// `Id`.
    pub(crate) id: u64,
    /// `PostTypeId`.
    pub(crate) kind: PostKind,
    /// `ParentId`: an answer's question.
    pub(crate) parent_id: Option<u64>,
    /// `AcceptedAnswerId`, on questions.
    pub(crate) accepted_answer_id: Option<u64>,
    /// `Score`; 0 when missing.
    pub(crate) score: i64,
    /// `Title`, trimmed; empty for answers.
    pub(crate) title: String,
    /// `Body`, HTML; empty when missing (allowed for types 3 to 8 only).
    pub(crate) body: String,
    /// `Tags`, in order.
    pub(crate) tags: Vec<String>,
    /// `OwnerUserId` (-1 is the Community user).
    pub(crate) owner_user_id: Option<i64>,
    /// `OwnerDisplayName`, given for some deleted users.
    pub(crate) owner_display_name: Option<String>,
    /// `CreationDate`, as in the dump.
    pub(crate) created: String,
    /// `LastEditDate`, as in the dump.
    pub(crate) last_edited: Option<String>,
    /// The post's license.
    pub(crate) license: License,
    /// How the license was decided.
    pub(crate) license_basis: String,
}

impl Post {
    /// The post's path: `q/ID` or `a/ID` (`p/ID` for the other types,
    /// which never become documents).
    pub(crate) fn path(&self) -> String {
        let prefix = match self.kind {
            PostKind::Question => "q",
            PostKind::Answer => "a",
            PostKind::Other(_) => "p",
        };
        format!("{prefix}/{}", self.id)
    }
}

/// Parses a row's text into a post. The error is the ledger detail: it names
/// the line, the attribute and its value, and says what to do.
pub(crate) fn parse_post(text: &[u8], line: u64) -> Result<Post, String> {
    let mut attributes =
        Attributes::parse(text).map_err(|err| format!("line {line}: malformed row: {err}; fix or remove the row"))?;
    let fail = |what: String| format!("line {line}: {what}; fix or remove the row");
    let id: u64 = number(&attributes, "Id", true).map_err(fail)?.unwrap_or_default();
    let kind = post_kind(&attributes).map_err(fail)?;
    let created = date(&attributes, "CreationDate", true).map_err(fail)?;
    let last_edit = date(&attributes, "LastEditDate", false).map_err(fail)?;
    date(&attributes, "LastActivityDate", false).map_err(fail)?;
    let score = number(&attributes, "Score", false).map_err(fail)?.unwrap_or(0);
    let parent_id = number(&attributes, "ParentId", false).map_err(fail)?;
    let accepted_answer_id = number(&attributes, "AcceptedAnswerId", false).map_err(fail)?;
    let owner_user_id = number(&attributes, "OwnerUserId", false).map_err(fail)?;
    // Only read to know whether Community made the last edit: a value that
    // is not a number is not Community, and costs the row nothing.
    let last_editor = attributes
        .get("LastEditorUserId")
        .and_then(|id| id.trim().parse::<i64>().ok());
    let Some(created) = created else {
        return Err(fail("row has no CreationDate".to_owned()));
    };
    let revisions = license::Revisions {
        creation: created,
        last_edit,
        last_editor,
    };
    let (license, license_basis) =
        license::decide(attributes.get("ContentLicense"), revisions).map_err(|err| format!("line {line}: {err}"))?;
    let (created, last_edited) = (created.text.to_owned(), last_edit.map(|d| d.text.to_owned()));
    let body = attributes.take("Body");
    if body.is_none() && matches!(kind, PostKind::Question | PostKind::Answer) {
        return Err(fail(format!("{} {id} has no Body", kind.name())));
    }
    Ok(Post {
        line,
        id,
        kind,
        parent_id,
        accepted_answer_id,
        score,
        title: attributes
            .take("Title")
            .map(|t| t.trim().to_owned())
            .unwrap_or_default(),
        body: body.unwrap_or_default(),
        tags: attributes.get("Tags").map(split_tags).unwrap_or_default(),
        owner_user_id,
        owner_display_name: attributes
            .take("OwnerDisplayName")
            .filter(|name| !name.trim().is_empty()),
        created,
        last_edited,
        license,
        license_basis,
    })
}

/// A value to quote in a message: cut to a readable length.
pub(crate) fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    match value.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}...", &value[..at]),
        None => value.to_owned(),
    }
}

fn number<T: std::str::FromStr>(attributes: &Attributes, name: &str, required: bool) -> Result<Option<T>, String> {
    match attributes.get(name) {
        None if required => Err(format!("row has no {name}")),
        None => Ok(None),
        Some(value) => match value.trim().parse() {
            Ok(number) => Ok(Some(number)),
            Err(_) => Err(format!("{name} `{}` is not a whole number", shown(value))),
        },
    }
}

fn post_kind(attributes: &Attributes) -> Result<PostKind, String> {
    let Some(value) = attributes.get("PostTypeId") else {
        return Err("row has no PostTypeId".to_owned());
    };
    value.trim().parse().ok().and_then(PostKind::from_id).ok_or_else(|| {
        format!(
            "PostTypeId `{}` is not a known post type (1 question, 2 answer, 3 to 8 wikis and nominations)",
            shown(value)
        )
    })
}

fn date<'a>(attributes: &'a Attributes, name: &'static str, required: bool) -> Result<Option<Dated<'a>>, String> {
    match attributes.get(name) {
        None if required => Err(format!("row has no {name}")),
        None => Ok(None),
        Some(text) => match Timestamp::parse(text) {
            Some(at) => Ok(Some(Dated {
                attribute: name,
                text,
                at,
            })),
            None => Err(format!(
                "{name} `{}` is not a valid UTC time like 2008-07-31T21:42:52.667",
                shown(text)
            )),
        },
    }
}

/// `<c#><.net>` (old dumps) or `|c#|.net|` (new dumps).
pub(crate) fn split_tags(value: &str) -> Vec<String> {
    let value = value.trim();
    let parts: Vec<&str> = if value.starts_with('<') {
        value.split(['<', '>']).collect()
    } else if value.starts_with('|') {
        value.split('|').collect()
    } else {
        value.split_ascii_whitespace().collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}
