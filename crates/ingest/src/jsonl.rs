//! JSONL inputs, plain, gzip or zstd: one document per line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use corpusledger_model::{DocMeta, Document, Reason, Rejection, SourceRef};
use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::config::JsonlFields;
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
                batch.push(Pending::Done(Box::new(Item::Rejected(rejection(
                    input,
                    line_no,
                    Reason::TooLarge,
                    detail,
                )))));
            }
            Ok(Line::Complete) => {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                batch_bytes += line.len();
                batch.push(Pending::Line(line_no, line.clone()));
            }
            Err(err) => {
                let detail = format!(
                    "stream broke at line {line_no}: {err}; the rest of the file could not be read \
                     (truncated or corrupt?); re-create or re-download it"
                );
                batch.push(Pending::Done(Box::new(Item::Rejected(rejection(
                    input,
                    line_no,
                    Reason::Unreadable,
                    detail,
                )))));
                break;
            }
        }
        if batch_bytes >= config.batch_bytes || batch.len() >= 65_536 {
            sink(parse_all(input, config, std::mem::take(&mut batch)));
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        sink(parse_all(input, config, batch));
    }
}

/// A line of a batch, read but not parsed yet, or what it already is.
enum Pending {
    Line(u64, Vec<u8>),
    Done(Box<Item>),
}

/// Parses a batch's lines on every thread of the pool, keeping their
/// order: reading lines is cheap, decoding their JSON is not, and one file
/// is read by one thread.
fn parse_all(input: &Input, config: &IngestConfig, batch: Vec<Pending>) -> Vec<Item> {
    batch
        .into_par_iter()
        .map(|pending| match pending {
            Pending::Line(line_no, line) => parse_line(input, line_no, &line, config),
            Pending::Done(item) => *item,
        })
        .collect()
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
    let line = match std::str::from_utf8(line) {
        Ok(line) => line,
        Err(err) => {
            let detail = format!(
                "line {line_no} is not valid UTF-8 at byte {} of the line; re-encode the file as UTF-8 to keep it",
                err.valid_up_to()
            );
            return Item::Rejected(rejection(input, line_no, Reason::NotUtf8, detail));
        }
    };
    let fields = &config.jsonl;
    let mut de = serde_json::Deserializer::from_str(line);
    let mut object = match Wanted(fields)
        .deserialize(&mut de)
        .and_then(|found| de.end().map(|()| found))
    {
        Ok(found) => found,
        Err(err) => {
            let detail = format!("line {line_no} is not a JSON object: {err}; fix or remove the line");
            return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
        }
    };
    let Some(text) = fields.text.iter().find_map(|name| object.remove(name.as_str())) else {
        let detail = format!(
            "line {line_no} has no content field (tried {}); set jsonl-text-field to the field that holds the text",
            fields.text.join(", ")
        );
        return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
    };
    let Value::String(text) = text else {
        let detail = format!("line {line_no}: the content field is {}, not a string", kind_of(&text));
        return Item::Rejected(rejection(input, line_no, Reason::ParseError, detail));
    };
    let get = |name: &str| object.get(name).and_then(value_text);
    let mut source = source(input, line_no);
    source.repo = get(&fields.repo).map(Into::into);
    source.path = get(&fields.path).or_else(|| get(&fields.id));
    let meta = DocMeta {
        license: object.get(fields.license.as_str()).and_then(license_of),
        stars: None,
        language: get("language").or_else(|| get("lang")),
        revision: None,
        tags: Vec::new(),
        credits: Vec::new(),
    };
    Item::Doc(Document {
        source,
        content: Box::new(text.into_bytes()),
        meta,
        local: None,
    })
}

/// The fields of a line that [`parse_line`] reads, decoded; every other
/// field is skipped without being built (a line of The Stack has some thirty
/// fields and needs four). A key given twice keeps its last value, as a
/// JSON object map would.
struct Wanted<'c>(&'c JsonlFields);

impl Wanted<'_> {
    fn wants(&self, key: &str) -> bool {
        let fields = self.0;
        fields.text.iter().any(|name| name == key)
            || [&fields.id, &fields.repo, &fields.path, &fields.license]
                .iter()
                .any(|name| name.as_str() == key)
            || key == "language"
            || key == "lang"
    }
}

impl<'de> DeserializeSeed<'de> for Wanted<'_> {
    type Value = HashMap<Cow<'de, str>, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Wanted<'_> {
    type Value = HashMap<Cow<'de, str>, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = HashMap::new();
        while let Some(key) = map.next_key_seed(Key)? {
            if self.wants(&key) {
                let value = map.next_value::<Value>()?;
                found.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// A key, borrowed from the line where it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
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

    fn rejected_detail(line: &[u8]) -> String {
        match item_of(line) {
            Item::Rejected(rejected) => rejected.detail,
            Item::Doc(doc) => panic!("read as a document: {doc:?}"),
        }
    }

    #[test]
    fn only_the_fields_read_are_decoded_and_each_keeps_its_meaning() {
        let line = br#"{"meta": {"stars": [1, 2, {"x": null}]}, "path": "a\/b.rs", "repo": 42,
            "license": ["MIT", "Apache-2.0"], "lang": "Rust", "language": "", "content": "stale",
            "content": "fn a() {} // \u00e9\n", "max_stars_count": 1.5e3}"#
            .iter()
            .map(|&b| if b == b'\n' { b' ' } else { b })
            .collect::<Vec<u8>>();
        let Item::Doc(doc) = item_of(&line) else {
            panic!("the line was rejected");
        };
        // The last of a repeated key wins, escapes are decoded.
        assert_eq!(doc.bytes(), "fn a() {} // \u{e9}\n".as_bytes());
        assert_eq!(doc.source.path.as_deref(), Some("a/b.rs"));
        assert_eq!(doc.source.repo.as_deref(), Some("42"));
        assert_eq!(doc.meta.license.as_deref(), Some("Apache-2.0 OR MIT"));
        // An empty `language` falls back to `lang`.
        assert_eq!(doc.meta.language.as_deref(), Some("Rust"));
    }

    #[test]
    fn a_content_field_that_is_not_a_string_says_what_it_is() {
        for (value, kind) in [
            ("null", "null"),
            ("true", "a boolean"),
            ("-1.5", "a number"),
            ("[\"a\"]", "an array"),
            ("{\"a\": 1}", "an object"),
        ] {
            let detail = rejected_detail(format!("{{\"content\": {value}}}").as_bytes());
            assert_eq!(detail, format!("line 7: the content field is {kind}, not a string"));
        }
        // Not an object, cut short, two values, a lone UTF-16 surrogate.
        for line in [
            &b"[1, 2]"[..],
            b"{\"content\": \"a\"",
            b"{\"content\": \"a\" \"b\"}",
            br#"{"content": "\ud800 lone"}"#,
        ] {
            let detail = rejected_detail(line);
            assert!(detail.starts_with("line 7 is not a JSON object: "), "{detail}");
        }
    }

    #[test]
    fn license_lists_become_or_expressions() {
        let v: Value = serde_json::json!(["MIT", "Apache-2.0", "MIT"]);
        assert_eq!(license_of(&v).as_deref(), Some("Apache-2.0 OR MIT"));
        assert_eq!(license_of(&serde_json::json!("")), None);
    }
}
