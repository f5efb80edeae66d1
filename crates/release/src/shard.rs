//! The repositories a data shard's rows come from, read from the shard.

use std::collections::BTreeSet;
use std::path::Path;

use crate::table::read_columns;
use crate::{Error, Result};

/// The distinct values of the shard's `repo` column.
pub fn repositories(path: &Path) -> Result<BTreeSet<String>> {
    let rows = read_columns(path, &["repo"]).map_err(|reason| Error::ShardUnreadable {
        path: path.to_owned(),
        reason,
    })?;
    Ok(rows.into_iter().filter_map(|mut row| row.pop().flatten()).collect())
}
