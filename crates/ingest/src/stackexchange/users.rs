//! `Users.xml`: user id to display name, for the authors of credits.
//!
//! Stack Overflow has tens of millions of users, so the map is kept compact:
//! one string holding every name, and a sorted table of (id, offset, length)
//! searched by id: about 16 bytes per user plus the names.

use std::path::Path;

use super::archive;
use super::frame::{Frame, Framer};
use super::row::Attributes;

/// Display names by user id.
#[derive(Debug, Default)]
pub(crate) struct Users {
    /// (id, start, length) into `names`, sorted by id.
    index: Vec<(i64, u32, u32)>,
    names: String,
}

impl Users {
    /// Reads a `Users.xml` (plain, `.gz`, `.zst`, or the `Users.xml` entry
    /// of a `.7z`). Rows without an `Id` or `DisplayName` are skipped: their
    /// users fall back to `user N`. The error says why the file could not be
    /// read.
    pub(crate) fn load(path: &Path, max_row: u64) -> Result<Users, String> {
        archive::with_stream(path, "Users.xml", |reader| {
            let mut users = Users::default();
            for frame in Framer::new(reader, "users", max_row) {
                match frame {
                    Frame::Row { text, .. } => users.add_row(&text)?,
                    Frame::Broken { line, error } => {
                        return Err(format!("the stream broke at line {line}: {error}"));
                    }
                    Frame::Malformed { .. } | Frame::TooLong { .. } => {}
                }
            }
            users.index.sort_by_key(|&(id, _, _)| id);
            users.index.dedup_by_key(|&mut (id, _, _)| id);
            Ok(users)
        })?
    }

    fn add_row(&mut self, text: &[u8]) -> Result<(), String> {
        let Ok(attributes) = Attributes::parse(text) else {
            return Ok(());
        };
        let id = attributes.get("Id").and_then(|id| id.trim().parse::<i64>().ok());
        let (Some(id), Some(name)) = (id, attributes.get("DisplayName")) else {
            return Ok(());
        };
        let start = u32::try_from(self.names.len())
            .map_err(|_| "the display names are over 4 GiB; give a smaller Users.xml".to_owned())?;
        self.names.push_str(name.trim());
        let len = self.names.len() as u32 - start;
        self.index.push((id, start, len));
        Ok(())
    }

    /// The display name of user `id`.
    pub(crate) fn name(&self, id: i64) -> Option<&str> {
        let at = self.index.binary_search_by_key(&id, |&(id, _, _)| id).ok()?;
        let (_, start, len) = self.index[at];
        self.names.get(start as usize..(start + len) as usize)
    }

    /// How many users are known.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }
}
