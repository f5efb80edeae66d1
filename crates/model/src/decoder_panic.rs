/// Runs `decode` over untrusted bytes, with a panic as an error. The
/// `parquet` crate panics on some corrupt files where it should return an
/// error (a column chunk at a negative offset, a data page without its
/// header, a zero bit width; found by the fuzz tests), and one corrupt file
/// must end as a rejection or a finding, never stop the run. Used by the
/// ingest reader and by `verify`.
pub fn contain_decoder_panic<T>(decode: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)).map_err(|payload| {
        let cause = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        format!("the Parquet decoder failed on corrupt data ({cause})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        assert_eq!(contain_decoder_panic(|| 7), Ok(7));
        let err = contain_decoder_panic(|| -> u8 { panic!("divide by zero") }).unwrap_err();
        assert!(err.contains("divide by zero"), "{err}");
    }
}
