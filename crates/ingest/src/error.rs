use std::path::PathBuf;

/// Errors that stop a plan or a store, as opposed to bad documents, which
/// become [`Rejection`](corpusledger_model::Rejection)s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Two inputs would have the same label, so their ids would collide.
    #[error("input `{label}` is given twice; give each input once")]
    DuplicateInput {
        /// The repeated label.
        label: String,
    },
    /// An I/O error on a work file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;
