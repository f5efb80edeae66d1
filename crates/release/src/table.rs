//! Text columns of a dataset's Parquet files, read whole.

use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Every row of the named columns of the Parquet file at `path`, each value
/// as text (`None` for null), the columns in the order given. A column the
/// file lacks is an error naming it.
pub fn read_columns(path: &Path, columns: &[&str]) -> Result<Vec<Vec<Option<String>>>, String> {
    corpusledger_model::contain_decoder_panic(|| read(path, columns)).unwrap_or_else(Err)
}

fn read(path: &Path, columns: &[&str]) -> Result<Vec<Vec<Option<String>>>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
    if let Some(missing) = columns.iter().find(|c| builder.schema().field_with_name(c).is_err()) {
        return Err(format!("no column `{missing}`: not a corpusledger file of this kind"));
    }
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder.with_projection(mask).build().map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let texts = columns
            .iter()
            .map(|name| {
                let column = batch.column_by_name(name).expect("projected");
                cast(column, &DataType::Utf8).map_err(|e| format!("column `{name}`: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        for i in 0..batch.num_rows() {
            rows.push(
                texts
                    .iter()
                    .map(|text| {
                        let text = text.as_string::<i32>();
                        text.is_valid(i).then(|| text.value(i).to_owned())
                    })
                    .collect(),
            );
        }
    }
    Ok(rows)
}
