use corpusledger_model::Reason;

/// Checks a document's bytes: the reason it must be rejected, with a detail
/// for the ledger, or `None` when it is fit to deduplicate.
///
/// ```
/// use corpusledger_ingest::check_content;
/// use corpusledger_model::Reason;
/// assert_eq!(check_content(b"fn main() {}", 100), None);
/// assert_eq!(check_content(b"a\0b", 100).unwrap().0, Reason::Binary);
/// assert_eq!(check_content(b"  \n", 100).unwrap().0, Reason::Empty);
/// ```
pub fn check_content(bytes: &[u8], max_bytes: u64) -> Option<(Reason, String)> {
    if bytes.len() as u64 > max_bytes {
        return Some((Reason::TooLarge, too_large(bytes.len() as u64, max_bytes)));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let what = if bytes.is_empty() {
            "no bytes"
        } else {
            "only whitespace"
        };
        return Some((Reason::Empty, format!("{what}; nothing to deduplicate")));
    }
    if let Some(at) = memchr_nul(bytes) {
        return Some((
            Reason::Binary,
            format!("NUL byte at offset {at}: treated as a binary file"),
        ));
    }
    if let Err(err) = std::str::from_utf8(bytes) {
        return Some((
            Reason::NotUtf8,
            format!(
                "invalid UTF-8 at byte {}: re-encode the file as UTF-8 to keep it",
                err.valid_up_to()
            ),
        ));
    }
    None
}

/// The ledger detail of a document over the size limit.
pub(crate) fn too_large(len: u64, max_bytes: u64) -> String {
    format!("{len} bytes is over max-file-bytes = {max_bytes}; raise it to keep such files")
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}
