//! Paths named inside a manifest are untrusted: each must stay inside the
//! dataset directory before anything reads or writes it.

/// Checks that `path` is a plain relative path below the dataset directory:
/// not empty, not absolute, `/`-separated, no `..`, `.` or empty component,
/// no backslash, drive letter or NUL. Returns why not.
pub fn check_relative(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') {
        return Err("absolute path".into());
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("backslash or NUL in path".into());
    }
    if path.len() >= 2 && path.as_bytes()[1] == b':' {
        return Err("drive-letter path".into());
    }
    for component in path.split('/') {
        match component {
            "" => return Err("empty path component".into()),
            "." | ".." => return Err(format!("`{component}` in path escapes or hides its place")),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_paths_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "data/../../x",
            "a//b",
            "./a",
            "a\\b",
            "C:x",
            "a/\0",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?}");
        }
        for good in ["manifest.json", "data/part-00000.parquet", "index/..x"] {
            assert!(check_relative(good).is_ok(), "{good:?}");
        }
    }
}
