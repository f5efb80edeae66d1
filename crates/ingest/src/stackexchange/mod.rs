//! Stack Exchange data dumps: `Posts.xml`, plain, `.gz`, `.zst`, or in the
//! dump's `.7z`, streamed row by row into documents with the credits
//! CC BY-SA asks for.
//!
//! The way through: [`archive`] opens the stream, [`frame`] cuts it into
//! rows (bounded: a row over the limit is skipped, never held), [`row`]
//! parses and checks a row's attributes, [`license`] decides its license,
//! [`assemble`] applies the filters and the mode (rendering bodies with
//! [`html`] and naming authors from [`users`], holding questions in [`window`]). Every row ends as (part of)
//! a document, a rejection (`parse-error`, `unreadable`, `too-large`) or a
//! `filtered` row. Memory holds one batch, plus in question-answer mode the
//! questions waiting for their answer (at most `qa-window-bytes`), plus with
//! a tag filter the ids of matching questions.

mod archive;
mod assemble;
mod date;
mod frame;
mod html;
mod license;
mod row;
mod site;
mod users;
mod users_file;
mod window;

#[cfg(test)]
mod tests;

use std::io::BufRead;

use corpusledger_model::Reason;

use self::assemble::Assembler;
use self::frame::{Frame, Framer};
use self::users::Users;
use crate::{IngestConfig, Input, InputKind, Item};

/// Items per batch at most, whatever their size (filtered rows have none).
const MAX_BATCH_ITEMS: usize = 65_536;

/// Streams a Stack Exchange input to `sink` in batches.
pub(crate) fn read(input: &Input, config: &IngestConfig, sink: &mut dyn FnMut(Vec<Item>)) {
    let se = &config.stackexchange;
    let max_row = max_row_bytes(config.max_file_bytes);
    let mut batch = Batch::new(config.batch_bytes, sink);
    let users = load_users(input, config, max_row, &mut batch);
    let site = site::site_of(&input.path, se.site.as_deref());
    let mut assembler = Assembler::new(input, se, site, users);
    let opened = archive::with_stream(&input.path, "Posts.xml", |reader| {
        read_rows(input, config, reader, &mut assembler, &mut batch);
    });
    if let Err(detail) = opened {
        batch.push(rejection(input, "", 0, Reason::Unreadable, detail));
    }
    assembler.finish(&mut batch);
    batch.finish();
}

/// A row can be longer than the text it holds: the body is HTML escaped
/// inside XML, so one character of text can take up to 8 bytes (`&amp;lt;`).
fn max_row_bytes(max_file_bytes: u64) -> u64 {
    max_file_bytes.saturating_mul(8).saturating_add(64 << 10)
}

fn read_rows(
    input: &Input,
    config: &IngestConfig,
    reader: &mut dyn BufRead,
    assembler: &mut Assembler<'_>,
    batch: &mut Batch<'_>,
) {
    for frame in Framer::new(reader, "posts", max_row_bytes(config.max_file_bytes)) {
        match frame {
            Frame::Row { line, text } => match row::parse_post(&text, line) {
                Ok(post) => assembler.add(post, batch),
                Err(detail) => batch.push(rejection(input, "", line, Reason::ParseError, detail)),
            },
            Frame::Malformed { line, error } => {
                let detail = format!("line {line}: malformed row: {error}; fix or remove the row");
                batch.push(rejection(input, "", line, Reason::ParseError, detail));
            }
            Frame::TooLong { line, bytes } => {
                let detail = format!(
                    "line {line}: row of {bytes} bytes is over the limit for max-file-bytes = {}; \
                     raise it to keep such rows",
                    config.max_file_bytes
                );
                batch.push(rejection(input, "", line, Reason::TooLarge, detail));
            }
            Frame::Broken { line, error } => {
                let detail = format!(
                    "stream broke at line {line}: {error}; the rest of the file could not be read \
                     (truncated or corrupt?); re-create or re-download it"
                );
                batch.push(rejection(input, "", line, Reason::Unreadable, detail));
            }
        }
    }
}

/// What the run summary says of the authors of a Stack Exchange input:
/// which `Users.xml` names them (configured, in the same archive, or beside
/// a plain `Posts.xml`), or that none does. `None` for other inputs.
pub fn users_note(input: &Input, config: &IngestConfig) -> Option<String> {
    if input.kind != InputKind::StackExchange || input.error.is_some() {
        return None;
    }
    let users = users_file::find(&input.path, config.stackexchange.users.as_deref());
    Some(users_file::note(&input.label, users.as_ref()))
}

/// The configured `Users.xml`, else the one in the same `.7z` archive as
/// the posts (a per-site dump holds both), else one beside a plain
/// `Posts.xml`, or `None`; with a rejection naming it when it cannot be
/// read: authors then fall back to `user N`.
fn load_users(input: &Input, config: &IngestConfig, max_row: u64, batch: &mut Batch<'_>) -> Option<Users> {
    let users = users_file::find(&input.path, config.stackexchange.users.as_deref())?;
    let path = &users.path;
    match Users::load(path, max_row) {
        Ok(users) => Some(users),
        Err(err) => {
            let detail = format!(
                "users file {}: {err}; authors fall back to `user N` (fix the file or leave users unset)",
                path.display()
            );
            batch.push(rejection(input, "Users.xml", 0, Reason::Unreadable, detail));
            None
        }
    }
}

fn rejection(input: &Input, key: &str, line: u64, reason: Reason, detail: String) -> Item {
    Item::Rejected(input.reject(key, line, reason, detail))
}

/// Items on their way to the sink, handed over at about `batch-bytes` of
/// content.
pub(crate) struct Batch<'s> {
    items: Vec<Item>,
    bytes: usize,
    max_bytes: usize,
    sink: &'s mut dyn FnMut(Vec<Item>),
}

impl<'s> Batch<'s> {
    fn new(max_bytes: usize, sink: &'s mut dyn FnMut(Vec<Item>)) -> Self {
        Batch {
            items: Vec::new(),
            bytes: 0,
            max_bytes,
            sink,
        }
    }

    /// Adds an item, handing the batch over when it is full.
    pub(crate) fn push(&mut self, item: Item) {
        if let Item::Doc(doc) = &item {
            self.bytes += doc.bytes().len();
        }
        self.items.push(item);
        if self.bytes >= self.max_bytes || self.items.len() >= MAX_BATCH_ITEMS {
            (self.sink)(std::mem::take(&mut self.items));
            self.bytes = 0;
        }
    }

    fn finish(self) {
        if !self.items.is_empty() {
            (self.sink)(self.items);
        }
    }
}
