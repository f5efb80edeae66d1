//! Deliberately small tables from the license names written in Python
//! metadata to SPDX identifiers. A name that covers several licenses
//! ("BSD", "GPL") maps to nothing rather than to a guess.

/// `License:` values (compared lowercase) that are names, not expressions.
const LICENSE_NAMES: &[(&str, &str)] = &[
    ("mit license", "MIT"),
    ("the mit license", "MIT"),
    ("mit licence", "MIT"),
    ("apache 2.0", "Apache-2.0"),
    ("apache 2", "Apache-2.0"),
    ("apache license 2.0", "Apache-2.0"),
    ("apache license, version 2.0", "Apache-2.0"),
    ("apache license version 2.0", "Apache-2.0"),
    ("apache software license", "Apache-2.0"),
    ("apache software license 2.0", "Apache-2.0"),
    ("asl 2.0", "Apache-2.0"),
    ("new bsd", "BSD-3-Clause"),
    ("new bsd license", "BSD-3-Clause"),
    ("modified bsd license", "BSD-3-Clause"),
    ("bsd 3-clause", "BSD-3-Clause"),
    ("3-clause bsd", "BSD-3-Clause"),
    ("bsd-3", "BSD-3-Clause"),
    ("simplified bsd", "BSD-2-Clause"),
    ("bsd 2-clause", "BSD-2-Clause"),
    ("2-clause bsd", "BSD-2-Clause"),
    ("gplv2", "GPL-2.0-only"),
    ("gplv2+", "GPL-2.0-or-later"),
    ("gplv3", "GPL-3.0-only"),
    ("gplv3+", "GPL-3.0-or-later"),
    ("lgplv3", "LGPL-3.0-only"),
    ("lgplv3+", "LGPL-3.0-or-later"),
    ("agplv3", "AGPL-3.0-only"),
    ("agplv3+", "AGPL-3.0-or-later"),
    ("mpl 2.0", "MPL-2.0"),
    ("mozilla public license 2.0", "MPL-2.0"),
    ("isc license", "ISC"),
    ("psf", "PSF-2.0"),
    ("psf license", "PSF-2.0"),
    ("python software foundation license", "PSF-2.0"),
    ("the unlicense", "Unlicense"),
    ("zlib license", "Zlib"),
];

/// `License:` values that say nothing usable.
const NO_LICENSE: &[&str] = &["", "unknown", "none", "n/a", "other", "see license", "see license file"];

/// The last part of a `License :: ...` trove classifier, and its
/// identifier; `None` where the classifier covers several licenses.
const CLASSIFIERS: &[(&str, Option<&str>)] = &[
    ("MIT License", Some("MIT")),
    ("MIT No Attribution License (MIT-0)", Some("MIT-0")),
    ("Apache Software License", Some("Apache-2.0")),
    ("BSD License", None),
    ("ISC License (ISCL)", Some("ISC")),
    ("GNU General Public License (GPL)", None),
    ("GNU General Public License v2 (GPLv2)", Some("GPL-2.0-only")),
    (
        "GNU General Public License v2 or later (GPLv2+)",
        Some("GPL-2.0-or-later"),
    ),
    ("GNU General Public License v3 (GPLv3)", Some("GPL-3.0-only")),
    (
        "GNU General Public License v3 or later (GPLv3+)",
        Some("GPL-3.0-or-later"),
    ),
    ("GNU Library or Lesser General Public License (LGPL)", None),
    ("GNU Lesser General Public License v2 (LGPLv2)", Some("LGPL-2.0-only")),
    (
        "GNU Lesser General Public License v2 or later (LGPLv2+)",
        Some("LGPL-2.0-or-later"),
    ),
    ("GNU Lesser General Public License v3 (LGPLv3)", Some("LGPL-3.0-only")),
    (
        "GNU Lesser General Public License v3 or later (LGPLv3+)",
        Some("LGPL-3.0-or-later"),
    ),
    ("GNU Affero General Public License v3", Some("AGPL-3.0-only")),
    (
        "GNU Affero General Public License v3 or later (AGPLv3+)",
        Some("AGPL-3.0-or-later"),
    ),
    ("Mozilla Public License 1.1 (MPL 1.1)", Some("MPL-1.1")),
    ("Mozilla Public License 2.0 (MPL 2.0)", Some("MPL-2.0")),
    ("Python Software Foundation License", Some("PSF-2.0")),
    ("The Unlicense (Unlicense)", Some("Unlicense")),
    ("zlib/libpng License", Some("Zlib")),
    ("Boost Software License 1.0 (BSL-1.0)", Some("BSL-1.0")),
    ("Eclipse Public License 1.0 (EPL-1.0)", Some("EPL-1.0")),
    ("Eclipse Public License 2.0 (EPL-2.0)", Some("EPL-2.0")),
    ("European Union Public Licence 1.2 (EUPL 1.2)", Some("EUPL-1.2")),
    ("Academic Free License (AFL)", None),
    ("CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", Some("CC0-1.0")),
    ("Public Domain", None),
    ("Other/Proprietary License", None),
];

/// The identifier for a `License:` value written as a name, if it is in
/// the table.
pub(super) fn license_name(value: &str) -> Option<&'static str> {
    let lower = value.trim().to_lowercase();
    LICENSE_NAMES.iter().find(|(name, _)| *name == lower).map(|(_, id)| *id)
}

/// Whether a `License:` value says nothing (`UNKNOWN`, empty...).
pub(super) fn is_no_license(value: &str) -> bool {
    NO_LICENSE.contains(&value.trim().to_lowercase().as_str())
}

/// The identifier of a `License :: ...` classifier: `Some(None)` for a
/// known classifier covering several licenses, `None` for one not in the
/// table or not a license classifier.
pub(super) fn classifier(classifier: &str) -> Option<Option<&'static str>> {
    let parts: Vec<&str> = classifier.split("::").map(str::trim).collect();
    if parts.len() < 2 || parts[0] != "License" {
        return None;
    }
    let last = parts[parts.len() - 1];
    CLASSIFIERS.iter().find(|(name, _)| *name == last).map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifiers() {
        assert_eq!(classifier("License :: OSI Approved :: MIT License"), Some(Some("MIT")));
        assert_eq!(
            classifier("License :: OSI Approved :: Apache Software License"),
            Some(Some("Apache-2.0"))
        );
        assert_eq!(classifier("License :: OSI Approved :: BSD License"), Some(None));
        assert_eq!(
            classifier("License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)"),
            Some(Some("GPL-3.0-or-later"))
        );
        assert_eq!(classifier("License :: OSI Approved"), None);
        assert_eq!(classifier("Programming Language :: Python :: 3"), None);
    }

    #[test]
    fn every_identifier_in_the_tables_is_an_spdx_id() {
        let ids = LICENSE_NAMES
            .iter()
            .map(|(_, id)| *id)
            .chain(CLASSIFIERS.iter().filter_map(|(_, id)| *id));
        for id in ids {
            let known = spdx::license_id(id).is_some_and(|l| !l.is_deprecated());
            assert!(known, "{id}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(license_name("Apache License 2.0"), Some("Apache-2.0"));
        assert_eq!(license_name("BSD"), None);
        assert!(is_no_license("UNKNOWN"));
    }
}
