//! JSONL inputs, plain, gzip or zstd: one document per line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use corpusledger_model::{DocMeta, Document, Reason, Rejection, SourceRef};
use serde_json::{Map, Value};

use crate::{IngestConfig, Input, Item};

/// Streams a JSONL input. A line that is not UTF-8 is rejected as
/// `not-utf8`, one that is not a JSON object with a string content field as
/// `parse-error`, each naming its line; a stream that
/// breaks (truncated or corrupt compression, I/O error) ends the file with
/// one `unreadable` rejection at the line where it broke.
pub(crate) fn read(input: &Input, config: &IngestConfig, sink: &mut dyn FnMut(Vec<Item>)) {
    let mut reader = match open_stream(&input.path) {
        Ok(reader) => reader,
        Err(err) => {
            let detail = format!("cannot open: {err}; check the file and its permissions");
            sink(vec![Item::Rejected(rejection(input, 1, Reason::Unreadable, detail))]);
            return;
        }
    };
    // A line longer than this cannot hold a document under the size limit
    // (JSON escaping at most doubles text, plus room for other fields), so it
    // is rejected without being parsed.
    let max_line = config.max_file_bytes.saturating_mul(2).saturating_add(64 << 10);
    let mut line = Vec::new();
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    let mut line_no = 0u64;
    loop {
        line.clear();
        line_no += 1;
        match read_line(&mut reader, &mut line, max_line) {
            Ok(Line::Eof) => break,
            Ok(Line::TooLong(len)) => {
                let detail = format!(
                    "line {line_no} of {len} bytes is over the limit for max-file-bytes = {}; \
                     raise it to keep such lines",
                    config.max_file_bytes
                );
                batch.push(Item::Rejected(rejection(input, line_no, Reason::TooLarge, detail)));
            }
            Ok(Line::Complete) => {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let item = parse_line(input, line_no, &line, config);
                batch_bytes += line.len();
                batch.push(item);
            }
            Err(err) => {
                let detail = format!(
                    "stream broke at line {line_no}: {err}; the rest of the file could not be read \
                     (truncated or corrupt?); re-create or re-download it"
                );
                batch.push(Item::Rejected(rejection(input, line_no, Reason::Unreadable, detail)));
                break;
            }
        }
        if batch_bytes >= config.batch_bytes || batch.len() >= 65_536 {
            sink(std::mem::take(&mut batch));
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        sink(batch);
    }
}

/// Opens a plain, `.gz` (all members) or `.zst` file as one buffered stream,
/// chosen by the file name.
pub(crate) fn open_stream(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    let name = path.to_string_lossy().to_ascii_lowercase();
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else if name.ends_with(".zst") {
        Box::new(zstd::Decoder::new(file)?)
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, reader)))
}

/// What [`read_line`] found.
pub(crate) enum Line {
    /// A line (without its `\n`) is in the buffer.
    Complete,
    /// A line of this many bytes was skipped: it is over the limit.
    TooLong(u64),
    /// The end of the stream.
    Eof,
}

/// Reads one line into `buf`; a line over `max` bytes is skipped to its end
/// without being kept in memory.
pub(crate) fn read_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: u64) -> std::io::Result<Line> {
    let mut total = 0u64;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(match (total, too_long) {
                (0, _) => Line::Eof,
                (_, true) => Line::TooLong(total),
                (_, false) => Line::Complete,
            });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], at + 1),
            None => (available, available.len()),
        };
        total += chunk.len() as u64;
        if total > max {
            too_long = true;
            buf.clear();
        } else {
            buf.extend_from_slice(chunk);
        }
        let found_newline = done > chunk.len();
        reader.consume(done);
        if found_newline {
            return Ok(if too_long { Line::TooLong(total) } else { Line::Complete });
        }
    }
}

fn parse_line(input: &Input, line_no: u64, line: &[u8], config: &IngestConfig) -> Item {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if let Err(err) = std::str::from_utf8(line) {
        let detail = format!(
            "line {line_no} is not valid UTF-8 at byte {} of the line; re-encode the file as UTF-8 to keep it",
            err.valid_up_to()
        );
        return Item::Rejected(rejection(input, line_no, Reason::NotUtf8, detail));
    }
    let object: Map<String, Value> = match serde_json::from_slice(line) {
        Ok(object) => object,
        Err(err) => {
            let detail = format!("line {line_no} is not a JSON object: {err}; fix or remove the line");
            return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
        }
    };
    let fields = &config.jsonl;
    let Some(text) = fields.text.iter().find_map(|name| object.get(name)) else {
        let detail = format!(
            "line {line_no} has no content field (tried {}); set jsonl-text-field to the field that holds the text",
            fields.text.join(", ")
        );
        return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
    };
    let Value::String(text) = text else {
        let detail = format!("line {line_no}: the content field is {}, not a string", kind_of(text));
        return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
    };
    let get = |name: &str| object.get(name).and_then(value_text);
    let mut source = source(input, line_no);
    source.repo = get(&fields.repo).map(Into::into);
    source.path = get(&fields.path).or_else(|| get(&fields.id));
    let meta = DocMeta {
        license: object.get(&fields.license).and_then(license_of),
        stars: None,
        language: get("language").or_else(|| get("lang")),
        revision: None,
        credits: Vec::new(),
    };
    Item::Doc(Document {
        source,
        content: Box::new(text.clone().into_bytes()),
        meta,
        local: None,
    })
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A license field is an SPDX expression, or a list of ids joined with OR
/// (the list means "any of these", as in The Stack's metadata).
pub(crate) fn license_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Array(items) => {
            let ids: Vec<String> = items.iter().filter_map(value_text).collect();
            corpusledger_model::any_of(ids)
        }
        _ => None,
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn source(input: &Input, line_no: u64) -> SourceRef {
    SourceRef {
        input: input.label.clone(),
        key: String::new(),
        row: line_no,
        repo: None,
        path: None,
    }
}

fn rejection(input: &Input, line_no: u64, reason: Reason, detail: String) -> Rejection {
    input.reject("", line_no, reason, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8], max: u64) -> Vec<String> {
        let mut reader = BufReader::with_capacity(4, data);
        let mut out = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match read_line(&mut reader, &mut buf, max).unwrap() {
                Line::Eof => return out,
                Line::TooLong(n) => out.push(format!("<{n}>")),
                Line::Complete => out.push(String::from_utf8(buf.clone()).unwrap()),
            }
        }
    }

    #[test]
    fn lines_split_and_long_lines_are_skipped() {
        assert_eq!(lines(b"ab\ncdefgh\n\nx", 5), vec!["ab", "<6>", "", "x"]);
    }

    fn item_of(line: &[u8]) -> Item {
        let input = Input {
            label: "in.jsonl".into(),
            path: "in.jsonl".into(),
            kind: crate::InputKind::Jsonl,
            error: None,
        };
        parse_line(&input, 7, line, &IngestConfig::default())
    }

    /// Found by the corrupt-input matrix: a line with invalid UTF-8 was a
    /// `parse-error` saying "not a JSON object".
    #[test]
    fn invalid_utf8_line_is_not_utf8_at_its_line() {
        let Item::Rejected(rejected) = item_of(b"{\"text\": \"fn a() {} \xff\xfe\"}") else {
            panic!("a line with invalid UTF-8 was read");
        };
        assert_eq!(rejected.reason, Reason::NotUtf8);
        assert_eq!(rejected.source.row, 7);
        assert!(
            rejected.detail.starts_with("line 7 is not valid UTF-8 at byte 20"),
            "{}",
            rejected.detail
        );
    }

    #[test]
    fn bom_and_crlf_are_read() {
        let Item::Doc(doc) = item_of(b"\xEF\xBB\xBF{\"text\": \"fn a() {}\"}\r") else {
            panic!("a line with a BOM and CRLF was rejected");
        };
        assert_eq!(doc.bytes(), b"fn a() {}");
    }

    #[test]
    fn license_lists_become_or_expressions() {
        let v: Value = serde_json::json!(["MIT", "Apache-2.0", "MIT"]);
        assert_eq!(license_of(&v).as_deref(), Some("Apache-2.0 OR MIT"));
        assert_eq!(license_of(&serde_json::json!("")), None);
    }
}
