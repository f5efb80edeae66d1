/// Lines of a file searched for an `SPDX-License-Identifier:` tag.
const HEADER_LINES: usize = 30;

/// The expression of the first `SPDX-License-Identifier:` line among the first
/// lines of `text`, with its 1-based line number; comment closers after it
/// (`*/`, `-->`) are dropped.
///
/// ```
/// use corpusledger_provenance::spdx_header;
/// let text = "// Copyright 2024\n/* SPDX-License-Identifier: MIT OR Apache-2.0 */\nfn main() {}";
/// assert_eq!(spdx_header(text), Some((2, "MIT OR Apache-2.0".to_owned())));
/// ```
pub fn spdx_header(text: &str) -> Option<(usize, String)> {
    const TAG: &str = "SPDX-License-Identifier:";
    text.lines().take(HEADER_LINES).enumerate().find_map(|(i, line)| {
        let at = line.find(TAG)?;
        let rest = &line[at + TAG.len()..];
        let rest = rest.split("*/").next().unwrap_or(rest);
        let rest = rest.split("-->").next().unwrap_or(rest).trim();
        (!rest.is_empty()).then(|| (i + 1, rest.to_owned()))
    })
}
