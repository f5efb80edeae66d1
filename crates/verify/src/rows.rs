//! One row of a dataset file, read by position.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection, RowSelector};

/// Column name -> value as text (`None` for null).
pub type Row = BTreeMap<String, Option<String>>;

/// Reads row `row` of the Parquet file at `path`, the named columns only
/// (those the file has).
pub fn read_row(path: &Path, row: u64, columns: &[&str]) -> Result<Row, String> {
    crate::tables::contain(|| read_row_unguarded(path, row, columns))
        .unwrap_or_else(|panic| Err(format!("{}: {panic}", path.display())))
}

fn read_row_unguarded(path: &Path, row: u64, columns: &[&str]) -> Result<Row, String> {
    let file = File::open(path).map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| format!("{}: not a readable Parquet file: {e}", path.display()))?;
    let total = builder.metadata().file_metadata().num_rows() as u64;
    if row >= total {
        return Err(format!("{}: has {total} rows, no row {row}", path.display()));
    }
    let present: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| builder.schema().field_with_name(c).is_ok())
        .collect();
    let mask = ProjectionMask::columns(builder.parquet_schema(), present.iter().copied());
    let selection = RowSelection::from(vec![RowSelector::skip(row as usize), RowSelector::select(1)]);
    let reader = builder
        .with_projection(mask)
        .with_row_selection(selection)
        .build()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    for batch in reader {
        let batch = batch.map_err(|e| format!("{}: cannot decode: {e}", path.display()))?;
        if batch.num_rows() == 0 {
            continue;
        }
        let mut out = Row::new();
        for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
            let text = cast(column, &DataType::Utf8).map_err(|e| format!("{}: {e}", path.display()))?;
            let text = text.as_string::<i32>();
            out.insert(field.name().clone(), text.is_valid(0).then(|| text.value(0).to_owned()));
        }
        return Ok(out);
    }
    Err(format!("{}: row {row} could not be read", path.display()))
}
