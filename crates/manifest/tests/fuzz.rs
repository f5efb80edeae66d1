//! Fuzzing the manifest parser: arbitrary bytes, a real manifest (the
//! sample run's golden file) with bytes flipped or cut, and with one JSON
//! value replaced. Properties: no panic; a manifest that parses writes back
//! to bytes that parse to the same manifest. `PROPTEST_CASES` raises the
//! case count (`scripts/fuzz.sh`).

use std::path::Path;

use corpusledger_manifest::Manifest;
use proptest::prelude::*;
use proptest::sample::Index;

#[path = "../../../tests/support/fuzz.rs"]
mod support;
use support::{cases, flip};

/// The manifest of the sample run, as the integration tests keep it.
const GOLDEN: &[u8] = include_bytes!("../../../tests/golden/sample-manifest.json");

/// Values that stress a field: wrong types, huge and negative numbers,
/// paths out of the directory, long strings.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        Just(json!(null)),
        Just(json!(-1)),
        Just(json!(u64::MAX)),
        Just(json!(1.5e300)),
        Just(json!("../outside")),
        Just(json!("/etc/passwd")),
        Just(json!("")),
        Just(json!([])),
        Just(json!({})),
        any::<String>().prop_map(|s| json!(s)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// Replaces the value at a path picked by `picks` (one index per level,
/// stopping at a leaf).
fn replace(value: &mut serde_json::Value, picks: &[Index], with: serde_json::Value) {
    let Some((pick, rest)) = picks.split_first() else {
        *value = with;
        return;
    };
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(pick.index(map.len())).unwrap().clone();
            replace(map.get_mut(&key).unwrap(), rest, with);
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            let idx = pick.index(items.len());
            replace(&mut items[idx], rest, with);
        }
        _ => *value = with,
    }
}

/// No panic; a manifest that parses writes back to the same manifest.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("manifest.json");
    if let Ok(manifest) = Manifest::from_slice(path, bytes) {
        let written = manifest.to_bytes().unwrap();
        prop_assert_eq!(Manifest::from_slice(path, &written).unwrap(), manifest);
    }
    Ok(())
}

#[test]
fn fuzz_seed_golden_manifest_parses() {
    Manifest::from_slice(Path::new("manifest.json"), GOLDEN).unwrap();
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn fuzz_manifest_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        check(&bytes)?;
    }

    #[test]
    fn fuzz_manifest_mutated_bytes(
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 0..4),
        cut in proptest::option::of(any::<Index>()),
    ) {
        check(&flip(GOLDEN.to_vec(), &flips, cut))?;
    }

    #[test]
    fn fuzz_manifest_mutated_value(picks in proptest::collection::vec(any::<Index>(), 1..6), with in json_value()) {
        let mut value: serde_json::Value = serde_json::from_slice(GOLDEN).unwrap();
        replace(&mut value, &picks, with);
        check(&serde_json::to_vec(&value).unwrap())?;
    }
}
