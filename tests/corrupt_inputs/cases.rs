//! The table of kinds: how each fixture is made and what a run must do with
//! it. Adding a kind is one entry in [`CASES`] and, if needed, one builder.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};

/// The size limit of the shared run: the tree's `big.rs` is over it.
pub const MAX_FILE_BYTES: u64 = 4096;

/// One kind of damaged or odd input.
pub struct Case {
    /// The kind, as reported.
    pub name: &'static str,
    /// The input's file or folder name in the fixtures folder.
    pub input: &'static str,
    /// Writes the input at the path it is given.
    pub setup: fn(&Path),
    pub expect: Expect,
}

/// What the run must do with a case's input.
pub struct Expect {
    /// Documents the fixture holds: lines, rows or directory entries.
    pub docs_in: u64,
    pub kept: Kept,
    /// Documents removed as duplicates (of the same input).
    pub removed: u64,
    /// Each must be in the ledger; with [`Kept::Exactly`] they are all the
    /// rejections of the input.
    pub rejected: &'static [Bad],
    /// One rejection stands for the rest of the input, which could not be
    /// read (a broken stream, an unreadable Parquet file): `lost` may be
    /// above 0.
    pub rest_unreadable: bool,
    /// Runs alone, with the default size limit (the 100 MB line).
    pub alone: bool,
}

pub enum Kept {
    Exactly(u64),
    /// A broken stream: the documents before the damage, at least one and
    /// fewer than all; other rejections may come before the break.
    SomeBeforeTheBreak,
    /// Damage that decodes to unknown data: only no panic, no hang and
    /// counts that add up are checked.
    Any,
}

/// A ledger row that must be there.
pub struct Bad {
    pub reason: &'static str,
    /// The file inside the input (empty for JSONL and Parquet inputs).
    pub key: &'static str,
    /// The line (JSONL, from 1) or row (Parquet, from 0), or `None` when
    /// unknown in advance: it must then be a line the detail names.
    pub row: Option<u64>,
    /// Words the detail must hold.
    pub says: &'static str,
}

const fn bad(reason: &'static str, key: &'static str, row: Option<u64>, says: &'static str) -> Bad {
    Bad { reason, key, row, says }
}

const fn exactly(docs_in: u64, kept: u64, rejected: &'static [Bad]) -> Expect {
    Expect {
        docs_in,
        kept: Kept::Exactly(kept),
        removed: 0,
        rejected,
        rest_unreadable: false,
        alone: false,
    }
}

const STREAM_BROKE: &[Bad] = &[bad("unreadable", "", None, "the rest of the file could not be read")];
const NOT_PARQUET: &[Bad] = &[bad("unreadable", "", Some(0), "not a readable Parquet file")];

const fn broken_stream(docs_in: u64) -> Expect {
    Expect {
        docs_in,
        kept: Kept::SomeBeforeTheBreak,
        removed: 0,
        rejected: STREAM_BROKE,
        rest_unreadable: true,
        alone: false,
    }
}

const fn unreadable_parquet(docs_in: u64) -> Expect {
    Expect {
        rest_unreadable: true,
        ..exactly(docs_in, 0, NOT_PARQUET)
    }
}

/// Lines of compressed-stream fixtures: enough for many compressed blocks,
/// so that the lines before the damage decode.
const STREAM_LINES: u64 = 4000;
const HUGE_GROUP_ROWS: u64 = 60_000;
const HUGE_GROUP_TEXTS: u64 = 600;

pub const CASES: &[Case] = &[
    Case {
        name: "gz-truncated",
        input: "truncated.jsonl.gz",
        setup: |p| write_damaged(p, gzip(&stream_lines("gz-truncated")), Damage::Truncate),
        expect: broken_stream(STREAM_LINES),
    },
    Case {
        name: "gz-corrupt",
        input: "corrupt.jsonl.gz",
        setup: |p| write_damaged(p, gzip(&stream_lines("gz-corrupt")), Damage::Flip),
        expect: broken_stream(STREAM_LINES),
    },
    Case {
        name: "zst-truncated",
        input: "truncated.jsonl.zst",
        setup: |p| write_damaged(p, zstd(&stream_lines("zst-truncated")), Damage::Truncate),
        expect: broken_stream(STREAM_LINES),
    },
    Case {
        name: "zst-corrupt",
        input: "corrupt.jsonl.zst",
        setup: |p| write_damaged(p, zstd(&stream_lines("zst-corrupt")), Damage::Flip),
        expect: broken_stream(STREAM_LINES),
    },
    Case {
        name: "parquet-broken-footer",
        input: "broken-footer.parquet",
        setup: |p| {
            let mut bytes = parquet_bytes(text_batch("content", "parquet-broken-footer", 3), None);
            // The footer's metadata (Thrift), just before its length and
            // the closing magic.
            let end = bytes.len() - 8;
            bytes[end - 40..end].iter_mut().for_each(|b| *b ^= 0x5a);
            std::fs::write(p, bytes).unwrap();
        },
        expect: unreadable_parquet(3),
    },
    Case {
        name: "parquet-truncated",
        input: "truncated.parquet",
        setup: |p| {
            let bytes = parquet_bytes(text_batch("content", "parquet-truncated", 3), None);
            std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
        },
        expect: unreadable_parquet(3),
    },
    Case {
        name: "parquet-corrupt-page",
        input: "corrupt-page.parquet",
        setup: |p| {
            let props = WriterProperties::builder().set_dictionary_enabled(false).build();
            let mut bytes = parquet_bytes(text_batch("content", "parquet-corrupt-page", 200), Some(props));
            let at = bytes.len() / 3;
            bytes[at..at + 64].iter_mut().for_each(|b| *b = 0xff);
            std::fs::write(p, bytes).unwrap();
        },
        // Every row is kept (bytes that still decode) or rejected.
        expect: Expect {
            kept: Kept::Any,
            ..exactly(200, 0, &[])
        },
    },
    Case {
        name: "parquet-corrupt-row-group",
        input: "corrupt-row-group.parquet",
        setup: write_corrupt_row_group,
        expect: exactly(
            300,
            200,
            &[
                bad(
                    "unreadable",
                    "",
                    Some(100),
                    "row group 1 could not be decoded from row 100 on",
                ),
                bad(
                    "unreadable",
                    "",
                    Some(199),
                    "row group 1 could not be decoded from row 100 on",
                ),
            ],
        ),
    },
    Case {
        name: "parquet-int64-content",
        input: "int64-content.parquet",
        setup: |p| {
            let schema = Arc::new(Schema::new(vec![Field::new("content", DataType::Int64, false)]));
            let column: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
            let batch = RecordBatch::try_new(schema, vec![column]).unwrap();
            std::fs::write(p, parquet_bytes(batch, None)).unwrap();
        },
        expect: exactly(
            3,
            0,
            &[
                bad("parse-error", "", Some(0), "the content column is Int64, not text"),
                bad("parse-error", "", Some(1), "the content column is Int64, not text"),
                bad("parse-error", "", Some(2), "the content column is Int64, not text"),
            ],
        ),
    },
    Case {
        name: "parquet-missing-content",
        input: "missing-content.parquet",
        setup: |p| {
            let batch = text_batch("body", "parquet-missing-content", 3);
            std::fs::write(p, parquet_bytes(batch, None)).unwrap();
        },
        expect: exactly(
            3,
            0,
            &[
                bad("parse-error", "", Some(0), "no content column"),
                bad("parse-error", "", Some(1), "no content column"),
                bad("parse-error", "", Some(2), "no content column"),
            ],
        ),
    },
    Case {
        name: "parquet-null-content",
        input: "null-content.parquet",
        setup: |p| {
            let texts = [
                Some(text("parquet-null-content", 0)),
                None,
                Some(text("parquet-null-content", 2)),
            ];
            std::fs::write(p, parquet_bytes(content_batch(texts.to_vec()), None)).unwrap();
        },
        expect: exactly(3, 2, &[bad("parse-error", "", Some(1), "row 1: content is null")]),
    },
    Case {
        name: "parquet-empty-content",
        input: "empty-content.parquet",
        setup: |p| {
            let texts = [Some(text("parquet-empty-content", 0)), Some(String::new())];
            std::fs::write(p, parquet_bytes(content_batch(texts.to_vec()), None)).unwrap();
        },
        expect: exactly(2, 1, &[bad("empty", "", Some(1), "no bytes")]),
    },
    Case {
        name: "parquet-huge-row-group",
        input: "huge-row-group.parquet",
        setup: write_huge_row_group,
        expect: Expect {
            removed: HUGE_GROUP_ROWS - HUGE_GROUP_TEXTS,
            ..exactly(HUGE_GROUP_ROWS, HUGE_GROUP_TEXTS, &[])
        },
    },
    Case {
        name: "jsonl-invalid-json",
        input: "invalid-json.jsonl",
        setup: |p| write_jsonl(p, "jsonl-invalid-json", b"{\"text\": \"fn unterminated() {"),
        expect: exactly(3, 2, &[bad("parse-error", "", Some(2), "line 2 is not a JSON object")]),
    },
    Case {
        name: "jsonl-text-number",
        input: "text-number.jsonl",
        setup: |p| write_jsonl(p, "jsonl-text-number", b"{\"text\": 42}"),
        expect: exactly(3, 2, &[bad("parse-error", "", Some(2), "content field is a number")]),
    },
    Case {
        name: "jsonl-text-object",
        input: "text-object.jsonl",
        setup: |p| write_jsonl(p, "jsonl-text-object", b"{\"text\": {\"code\": \"fn a() {}\"}}"),
        expect: exactly(3, 2, &[bad("parse-error", "", Some(2), "content field is an object")]),
    },
    Case {
        name: "jsonl-text-null",
        input: "text-null.jsonl",
        setup: |p| write_jsonl(p, "jsonl-text-null", b"{\"text\": null}"),
        expect: exactly(3, 2, &[bad("parse-error", "", Some(2), "content field is null")]),
    },
    Case {
        name: "jsonl-text-missing",
        input: "text-missing.jsonl",
        setup: |p| write_jsonl(p, "jsonl-text-missing", b"{\"body\": \"fn a() {}\"}"),
        expect: exactly(3, 2, &[bad("parse-error", "", Some(2), "line 2 has no content field")]),
    },
    Case {
        name: "jsonl-invalid-utf8",
        input: "invalid-utf8.jsonl",
        setup: |p| write_jsonl(p, "jsonl-invalid-utf8", b"{\"text\": \"fn a() { \xff\xfe }\"}"),
        expect: exactly(3, 2, &[bad("not-utf8", "", Some(2), "line 2 is not valid UTF-8")]),
    },
    Case {
        name: "jsonl-100mb-line",
        input: "huge-line.jsonl",
        setup: write_huge_line,
        expect: Expect {
            alone: true,
            ..exactly(3, 2, &[bad("too-large", "", Some(2), "line 2 of 104857612 bytes")])
        },
    },
    Case {
        name: "jsonl-utf8-bom",
        input: "bom.jsonl",
        setup: |p| {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend(jsonl_line("jsonl-utf8-bom", 0));
            bytes.extend(jsonl_line("jsonl-utf8-bom", 1));
            std::fs::write(p, bytes).unwrap();
        },
        expect: exactly(2, 2, &[]),
    },
    Case {
        name: "jsonl-crlf",
        input: "crlf.jsonl",
        setup: |p| {
            let lines: Vec<String> = (0..3).map(|i| jsonl_text("jsonl-crlf", i)).collect();
            std::fs::write(p, lines.join("\r\n") + "\r\n").unwrap();
        },
        expect: exactly(3, 3, &[]),
    },
    Case {
        name: "tree-nul-bytes",
        input: "tree-nul-bytes",
        setup: |p| tree_with(p, "tree-nul-bytes", "blob.rs", b"fn a() {}\0\x01\x02"),
        expect: exactly(2, 1, &[bad("binary", "repo/blob.rs", Some(0), "NUL byte at offset 9")]),
    },
    Case {
        name: "tree-invalid-utf8",
        input: "tree-invalid-utf8",
        setup: |p| tree_with(p, "tree-invalid-utf8", "latin1.rs", b"// caf\xe9\nfn a() {}\n"),
        expect: exactly(
            2,
            1,
            &[bad("not-utf8", "repo/latin1.rs", Some(0), "invalid UTF-8 at byte 6")],
        ),
    },
    Case {
        name: "tree-zero-length",
        input: "tree-zero-length",
        setup: |p| tree_with(p, "tree-zero-length", "empty.rs", b""),
        expect: exactly(2, 1, &[bad("empty", "repo/empty.rs", Some(0), "no bytes")]),
    },
    Case {
        name: "tree-over-size-limit",
        input: "tree-over-size-limit",
        setup: |p| tree_with(p, "tree-over-size-limit", "big.rs", "// big\n".repeat(1000).as_bytes()),
        expect: exactly(
            2,
            1,
            &[bad(
                "too-large",
                "repo/big.rs",
                Some(0),
                "7000 bytes is over max-file-bytes",
            )],
        ),
    },
    Case {
        name: "tree-non-utf8-name",
        input: "tree-non-utf8-name",
        setup: |p| {
            use std::os::unix::ffi::OsStrExt;
            good_tree(p, "tree-non-utf8-name");
            let name = std::ffi::OsStr::from_bytes(b"bad\xff.rs");
            std::fs::write(p.join("repo").join(name), text("tree-non-utf8-name", 9)).unwrap();
        },
        expect: exactly(
            2,
            1,
            &[bad(
                "not-utf8",
                "repo/bad\u{FFFD}.rs",
                Some(0),
                "path is not valid UTF-8",
            )],
        ),
    },
    Case {
        name: "tree-unreadable-file",
        input: "tree-unreadable-file",
        setup: |p| {
            tree_with(
                p,
                "tree-unreadable-file",
                "secret.rs",
                text("tree-unreadable-file", 9).as_bytes(),
            );
            set_mode(&p.join("repo/secret.rs"), 0o000);
        },
        expect: exactly(
            2,
            1,
            &[bad("unreadable", "repo/secret.rs", Some(0), "Permission denied")],
        ),
    },
    Case {
        name: "tree-unreadable-dir",
        input: "tree-unreadable-dir",
        setup: |p| {
            good_tree(p, "tree-unreadable-dir");
            std::fs::create_dir(p.join("repo/locked")).unwrap();
            std::fs::write(p.join("repo/locked/a.rs"), text("tree-unreadable-dir", 9)).unwrap();
            set_mode(&p.join("repo/locked"), 0o000);
        },
        expect: exactly(2, 1, &[bad("unreadable", "repo/locked", Some(0), "cannot list")]),
    },
    Case {
        name: "tree-symlink-loop",
        input: "tree-symlink-loop",
        setup: |p| {
            good_tree(p, "tree-symlink-loop");
            symlink("b.rs", &p.join("repo/a.rs"));
            symlink("a.rs", &p.join("repo/b.rs"));
            symlink(".", &p.join("repo/self"));
        },
        expect: exactly(
            4,
            1,
            &[
                bad("not-a-file", "repo/a.rs", Some(0), "broken symbolic link"),
                bad("not-a-file", "repo/b.rs", Some(0), "broken symbolic link"),
                bad("not-a-file", "repo/self", Some(0), "symbolic link to a directory"),
            ],
        ),
    },
    Case {
        name: "tree-symlink-outside-root",
        input: "tree-symlink-outside-root",
        setup: |p| {
            good_tree(p, "tree-symlink-outside-root");
            // The target is a good file: only where it is keeps it out.
            let outside = p.with_file_name("outside-secret.rs");
            std::fs::write(&outside, format!("{}\n// {OUTSIDE_MARKER}\n", text("outside", 0))).unwrap();
            symlink(outside.to_str().unwrap(), &p.join("repo/escape.rs"));
            symlink("../../outside-secret.rs", &p.join("repo/relative.rs"));
        },
        expect: exactly(
            3,
            1,
            &[
                bad(
                    "not-a-file",
                    "repo/escape.rs",
                    Some(0),
                    "outside the input root; not followed",
                ),
                bad(
                    "not-a-file",
                    "repo/relative.rs",
                    Some(0),
                    "outside the input root; not followed",
                ),
            ],
        ),
    },
    Case {
        name: "tree-fifo",
        input: "tree-fifo",
        setup: |p| {
            good_tree(p, "tree-fifo");
            run_tool("mkfifo", &[p.join("repo/pipe.rs").as_os_str()]);
            symlink("pipe.rs", &p.join("repo/to-pipe.rs"));
        },
        expect: exactly(
            3,
            1,
            &[
                bad("not-a-file", "repo/pipe.rs", Some(0), "not a regular file"),
                bad("not-a-file", "repo/to-pipe.rs", Some(0), "not a regular file"),
            ],
        ),
    },
    Case {
        name: "tree-device",
        input: "tree-device",
        setup: |p| {
            good_tree(p, "tree-device");
            symlink("/dev/zero", &p.join("repo/zero.rs"));
            symlink("/dev/null", &p.join("repo/null.rs"));
            // A character device inside the root needs root to make; else a
            // second link to /dev/zero stands in.
            let made = Command::new("mknod")
                .arg(p.join("repo/chardev.rs"))
                .args(["c", "1", "5"])
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !made {
                symlink("/dev/zero", &p.join("repo/chardev.rs"));
            }
        },
        expect: exactly(
            4,
            1,
            &[
                bad("not-a-file", "repo/chardev.rs", Some(0), "not"),
                bad("not-a-file", "repo/null.rs", Some(0), "outside the input root"),
                bad("not-a-file", "repo/zero.rs", Some(0), "outside the input root"),
            ],
        ),
    },
];

/// In the file a link points to outside the root: must not reach the data.
pub const OUTSIDE_MARKER: &str = "outside-marker-6b1f";

/// A distinct text per (case, index): words drawn from a generator seeded by
/// both, so that no two documents of the matrix are near copies.
pub fn text(case: &str, idx: u64) -> String {
    let mut state = case.bytes().fold(
        0xcbf2_9ce4_8422_2325u64 ^ idx.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3),
    );
    let mut words = Vec::new();
    for _ in 0..24 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        words.push(format!("w{:x}", state >> 44));
    }
    let ident: String = case
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("fn {ident}_{idx}() {{ {} }}\n", words.join(" + "))
}

fn jsonl_text(case: &str, idx: u64) -> String {
    serde_json::json!({ "text": text(case, idx) }).to_string()
}

fn jsonl_line(case: &str, idx: u64) -> Vec<u8> {
    (jsonl_text(case, idx) + "\n").into_bytes()
}

/// A good line, `bad` as line 2, a good line.
fn write_jsonl(path: &Path, case: &str, bad: &[u8]) {
    let mut bytes = jsonl_line(case, 0);
    bytes.extend_from_slice(bad);
    bytes.push(b'\n');
    bytes.extend(jsonl_line(case, 2));
    std::fs::write(path, bytes).unwrap();
}

/// Line 2 holds a 100 MiB text, written in pieces.
fn write_huge_line(path: &Path) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(&jsonl_line("jsonl-100mb-line", 0)).unwrap();
    file.write_all(b"{\"text\": \"").unwrap();
    let chunk = "a".repeat(1 << 20);
    for _ in 0..100 {
        file.write_all(chunk.as_bytes()).unwrap();
    }
    file.write_all(b"\"}\n").unwrap();
    file.write_all(&jsonl_line("jsonl-100mb-line", 2)).unwrap();
    file.flush().unwrap();
}

fn stream_lines(case: &str) -> Vec<u8> {
    (0..STREAM_LINES).flat_map(|i| jsonl_line(case, i)).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success());
    output.stdout
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

enum Damage {
    /// Cut at half the length.
    Truncate,
    /// Overwrite 64 bytes in the middle.
    Flip,
}

fn write_damaged(path: &Path, mut bytes: Vec<u8>, damage: Damage) {
    let half = bytes.len() / 2;
    match damage {
        Damage::Truncate => bytes.truncate(half),
        Damage::Flip => bytes[half..half + 64].iter_mut().for_each(|b| *b = !*b),
    }
    std::fs::write(path, bytes).unwrap();
}

fn text_batch(column: &str, case: &str, rows: u64) -> RecordBatch {
    let texts: Vec<String> = (0..rows).map(|i| text(case, i)).collect();
    let schema = Arc::new(Schema::new(vec![Field::new(column, DataType::Utf8, false)]));
    RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(texts)) as ArrayRef]).unwrap()
}

fn content_batch(texts: Vec<Option<String>>) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![Field::new("content", DataType::Utf8, true)]));
    RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(texts)) as ArrayRef]).unwrap()
}

fn parquet_bytes(batch: RecordBatch, props: Option<WriterProperties>) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), props).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    bytes
}

/// Every row in one row group; rows repeat a few hundred texts, so only
/// those are sketched and the rest are exact copies. Plain encoding and no
/// compression keep the file a few MB, as a real one would be.
fn write_huge_row_group(path: &Path) {
    let texts: Vec<String> = (0..HUGE_GROUP_ROWS)
        .map(|i| text("parquet-huge-row-group", i % HUGE_GROUP_TEXTS))
        .collect();
    let schema = Arc::new(Schema::new(vec![Field::new("content", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(texts)) as ArrayRef]).unwrap();
    let props = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_max_row_group_row_count(Some(HUGE_GROUP_ROWS as usize))
        .build();
    std::fs::write(path, parquet_bytes(batch, Some(props))).unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    assert_eq!(reader.metadata().num_row_groups(), 1, "the fixture is one row group");
}

/// Three row groups of 100 rows; bytes in the middle of the second one's
/// data overwritten.
fn write_corrupt_row_group(path: &Path) {
    let props = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_max_row_group_row_count(Some(100))
        .build();
    std::fs::write(
        path,
        parquet_bytes(text_batch("content", "parquet-corrupt-row-group", 300), Some(props)),
    )
    .unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    assert_eq!(reader.metadata().num_row_groups(), 3);
    let chunk = reader.metadata().row_group(1).column(0);
    let middle = (chunk.data_page_offset() + chunk.compressed_size() / 2) as usize;
    let mut bytes = std::fs::read(path).unwrap();
    bytes[middle..middle + 32].iter_mut().for_each(|b| *b = 0xff);
    std::fs::write(path, bytes).unwrap();
}

/// A tree `repo/` with one good file, `good.rs`.
fn good_tree(path: &Path, case: &str) {
    std::fs::create_dir_all(path.join("repo")).unwrap();
    std::fs::write(path.join("repo/good.rs"), text(case, 0)).unwrap();
}

/// A tree with one good file and `repo/NAME` holding `bytes`.
fn tree_with(path: &Path, case: &str, name: &str, bytes: &[u8]) {
    good_tree(path, case);
    std::fs::write(path.join("repo").join(name), bytes).unwrap();
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn run_tool(tool: &str, args: &[&std::ffi::OsStr]) {
    let status = Command::new(tool).args(args).status().unwrap();
    assert!(status.success(), "{tool} failed");
}
