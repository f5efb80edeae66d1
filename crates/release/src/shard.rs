//! The repositories a data shard's rows come from, read from the shard.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::{Error, Result};

/// The distinct values of the shard's `repo` column.
pub fn repositories(path: &Path) -> Result<BTreeSet<String>> {
    let unreadable = |reason: String| Error::ShardUnreadable {
        path: path.to_owned(),
        reason,
    };
    corpusledger_model::contain_decoder_panic(|| read(path))
        .unwrap_or_else(Err)
        .map_err(unreadable)
}

fn read(path: &Path) -> std::result::Result<BTreeSet<String>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), ["repo"]);
    let reader = builder.with_projection(mask).build().map_err(|e| e.to_string())?;
    let mut repos = BTreeSet::new();
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let column = batch
            .column_by_name("repo")
            .and_then(|c| c.as_string_opt::<i32>())
            .ok_or("no text column `repo`: not a corpusledger data shard")?;
        repos.extend(
            (0..column.len())
                .filter(|&i| column.is_valid(i))
                .map(|i| column.value(i).to_owned()),
        );
    }
    Ok(repos)
}
