//! Canonical JSON: the same value always gives the same bytes.
//!
//! Object keys are sorted by their UTF-8 bytes at every level, the layout is
//! two-space indented with one trailing newline, and strings are escaped as
//! serde_json escapes them. Integers are integers; the few real numbers the
//! manifest holds are either rounded decimal strings or copied from the
//! user's config as written.

use serde::Serialize;
use serde_json::{Map, Value};

/// `value` as canonical JSON bytes.
pub fn to_vec<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let value = sorted(serde_json::to_value(value)?);
    let mut bytes = serde_json::to_vec_pretty(&value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `value` as canonical JSON on one line (for Parquet footers).
pub fn to_compact<T: Serialize>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(&sorted(serde_json::to_value(value)?))
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut out = Map::new();
            for (key, value) in entries {
                out.insert(key, sorted(value));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A ratio as a decimal string with six digits after the point, the way the
/// manifest writes probabilities and similarities.
pub fn ratio(x: f64) -> String {
    format!("{x:.6}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sorted_at_every_level() {
        let value = serde_json::json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": "é"}});
        let text = String::from_utf8(to_vec(&value).unwrap()).unwrap();
        let order: Vec<usize> = ["\"a\"", "\"c\"", "\"z\"", "\"x\"", "\"y\"", "\"b\""]
            .iter()
            .map(|k| text.find(k).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.ends_with("}\n"));
        assert_eq!(
            to_compact(&value).unwrap(),
            r#"{"a":{"c":"é","z":[{"x":2,"y":1}]},"b":1}"#
        );
        assert_eq!(ratio(0.7), "0.700000");
    }
}
