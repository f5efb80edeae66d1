//! Opens a dump file as one stream: plain, `.gz`, `.zst`, or one entry of a
//! `.7z` archive (the dump's own packaging), decoded as it is read.
//!
//! 7z uses `sevenz-rust2` (pure Rust, the maintained fork of `sevenz-rust`).
//! Its block decoder hands each entry to a callback as a `Read` over the
//! LZMA / LZMA2 or BZip2 decoder, so an entry is never held in memory: memory is the
//! codec's dictionary plus our buffer. Only the block holding the wanted
//! entry is decoded; entries before it in a solid block are read through
//! and dropped, since a solid block can only be decoded from its start.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use sevenz_rust2::{Archive, ArchiveEntry, BlockDecoder, Password};

use crate::jsonl::open_stream;

/// Read buffer for an archive entry.
const BUFFER_BYTES: usize = 1 << 20;

/// Runs `read` over the decoded stream of `path`: the file itself (plain,
/// `.gz`, `.zst`), or, for a `.7z`, its entry whose file name is `entry`
/// (without case). Errors reading inside the stream reach `read` as I/O
/// errors; the error here says why the stream could not be opened at all.
pub(crate) fn with_stream<T>(path: &Path, entry: &str, read: impl FnOnce(&mut dyn BufRead) -> T) -> Result<T, String> {
    if !path.to_string_lossy().to_ascii_lowercase().ends_with(".7z") {
        let mut reader =
            open_stream(path).map_err(|err| format!("cannot open: {err}; check the file and its permissions"))?;
        return Ok(read(&mut *reader));
    }
    let mut file = File::open(path).map_err(|err| format!("cannot open: {err}; check the file and its permissions"))?;
    let password = Password::empty();
    let archive = Archive::read(&mut file, &password)
        .map_err(|err| format!("not a readable 7z archive: {err}; re-download it, or extract {entry} and give that"))?;
    let Some(file_idx) = archive.files.iter().position(|file| is_entry(file, entry)) else {
        let names: Vec<&str> = archive.files.iter().map(|file| file.name.as_str()).take(20).collect();
        return Err(format!(
            "the archive has no {entry} entry (it holds: {}); give the archive of the site's posts, or the file itself",
            names.join(", ")
        ));
    };
    let Some(block_idx) = archive.stream_map.file_block_index[file_idx] else {
        // An empty entry has no block to decode.
        return Ok(read(&mut io::empty()));
    };
    let target = &archive.files[file_idx];
    let mut read = Some(read);
    let mut result = None;
    // One thread: the pipeline already reads other units in parallel.
    let decoder = BlockDecoder::new(1, block_idx, &archive, &password, &mut file);
    let outcome = decoder.for_each_entries(&mut |file: &ArchiveEntry, reader: &mut dyn Read| {
        if !std::ptr::eq(file, target) {
            io::copy(reader, &mut io::sink())
                .map_err(|err| sevenz_rust2::Error::Io(err, "skipping an entry".into()))?;
            return Ok(true);
        }
        if let Some(read) = read.take() {
            let mut buffered = BufReader::with_capacity(BUFFER_BYTES, reader);
            result = Some(read(&mut buffered));
        }
        Ok(false)
    });
    match (result, outcome) {
        (Some(result), _) => Ok(result),
        (None, Err(err)) => Err(format!(
            "cannot decode the archive's {entry}: {err}; 7z entries compressed with LZMA, LZMA2 or BZip2 can be \
             read, for others (PPMd, Deflate, ...) extract {entry} with 7z and give that"
        )),
        (None, Ok(_)) => Err(format!(
            "the archive's {entry} entry could not be reached; extract it and give that"
        )),
    }
}

/// Whether `path` is a `.7z` archive holding an entry named `entry` (a
/// per-site dump holds `Users.xml` next to `Posts.xml`). Reads the archive's
/// header only; an unreadable archive holds nothing.
pub(crate) fn archive_has(path: &Path, entry: &str) -> bool {
    if !path.to_string_lossy().to_ascii_lowercase().ends_with(".7z") {
        return false;
    }
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    Archive::read(&mut file, &Password::empty()).is_ok_and(|archive| archive.files.iter().any(|f| is_entry(f, entry)))
}

/// The entry's file name (after any folder) is `wanted`, without case.
fn is_entry(file: &ArchiveEntry, wanted: &str) -> bool {
    let name = file.name.rsplit(['/', '\\']).next().unwrap_or(&file.name);
    !file.is_directory && name.eq_ignore_ascii_case(wanted)
}
