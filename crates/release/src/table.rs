//! Columns of a dataset's Parquet files, read whole as text.

use std::path::Path;

/// Every row of the named columns of the Parquet file at `path`, each value
/// as text (`None` for null), the columns in the order given. A column the
/// file lacks is an error naming it; a decoder panic on a damaged file is an
/// error too.
pub fn read_columns(path: &Path, columns: &[&str]) -> Result<Vec<Vec<Option<String>>>, String> {
    corpusledger_model::contain_decoder_panic(|| {
        corpusledger_output::read_text_columns(path, columns, None).map_err(|e| e.to_string())
    })
    .unwrap_or_else(Err)
}
