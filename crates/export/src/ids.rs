//! Document identifiers derived from the manifest's Merkle root, so the same
//! dataset always gets the same ids and two datasets never share one.

/// The SPDX `documentNamespace` of a dataset's SBOM:
/// `https://spdx.org/spdxdocs/corpusledger-<root>`.
///
/// ```
/// let root = "46920a02160d9dd3c6f1c8edff42ce0205fc1a84a755eff57d398b732b04e076";
/// assert_eq!(
///     corpusledger_export::document_namespace(root),
///     format!("https://spdx.org/spdxdocs/corpusledger-{root}")
/// );
/// ```
pub fn document_namespace(merkle_root: &str) -> String {
    format!("https://spdx.org/spdxdocs/corpusledger-{merkle_root}")
}

/// The CycloneDX `serialNumber` of a dataset's SBOM: a `urn:uuid:` whose 128
/// bits are the first half of the Merkle root, with the version set to 8
/// (custom, RFC 9562) and the RFC 4122 variant. `None` when the root does
/// not start with 32 hex digits.
///
/// ```
/// let root = "46920a02160d9dd3c6f1c8edff42ce0205fc1a84a755eff57d398b732b04e076";
/// assert_eq!(
///     corpusledger_export::serial_number(root).unwrap(),
///     "urn:uuid:46920a02-160d-8dd3-86f1-c8edff42ce02"
/// );
/// ```
pub fn serial_number(merkle_root: &str) -> Option<String> {
    let hex = merkle_root.get(..32)?;
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_are_version_8_uuids() {
        for root in ["00".repeat(32), "ff".repeat(32), "0123456789abcdef".repeat(4)] {
            let serial = serial_number(&root).unwrap();
            let uuid = serial.strip_prefix("urn:uuid:").unwrap();
            let groups: Vec<&str> = uuid.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{serial}");
            assert!(uuid.chars().all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')));
            assert!(groups[2].starts_with('8'), "version: {serial}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "variant: {serial}");
        }
        assert_ne!(serial_number(&"00".repeat(32)), serial_number(&"01".repeat(32)));
        assert_eq!(serial_number("not a root"), None);
        assert_eq!(serial_number(&"zz".repeat(32)), None);
    }
}
