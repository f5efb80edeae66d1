use std::path::Path;

use corpusledger_model::{DocMeta, Document, LicenseCategory, LocalFile, SourceRef};

use super::*;

pub(crate) const MIT: &str = "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";

fn doc(repo: Option<&Path>, file: &str, license: Option<&str>) -> Document {
    Document {
        source: SourceRef {
            input: "in".into(),
            key: file.into(),
            row: 0,
            repo: None,
            path: None,
        },
        content: Box::new(Vec::<u8>::new()),
        meta: DocMeta {
            license: license.map(str::to_owned),
            ..DocMeta::default()
        },
        local: repo.map(|repo| LocalFile {
            repo_root: repo.to_owned(),
            file: repo.join(file),
        }),
    }
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn nearest_license_file_then_header_then_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(&repo, "LICENSE", MIT);
    write(&repo, "src/deep/COPYING", "Apache-2.0\n");
    let prov = Provenance::new(0.8);
    let of = |file: &str, text: &str| prov.attribute(&doc(Some(&repo), file, None), text).unwrap().license;

    let top = of("src/a.rs", "fn a() {}");
    assert_eq!(top.concluded.expression, "MIT");
    assert_eq!(top.concluded.category, LicenseCategory::Permissive);
    assert_eq!(top.detected.as_deref(), Some("MIT"));
    assert_eq!(top.evidence[0].file, "repo/LICENSE");
    assert!(top.evidence[0].detector.as_deref().unwrap().contains("SPDX list"));

    assert_eq!(of("src/deep/b.rs", "fn b() {}").concluded.expression, "Apache-2.0");

    let header = of("src/a.rs", "// SPDX-License-Identifier: GPL-3.0-only\n");
    assert_eq!(header.concluded.expression, "GPL-3.0-only");
    assert_eq!(header.header.as_deref(), Some("GPL-3.0-only"));
    assert_eq!(header.detected.as_deref(), Some("MIT"), "the other signals stay");
    assert_eq!(header.evidence[0].lines, Some([1, 1]));

    let meta = prov
        .attribute(&doc(None, "x", Some("BSD-3-Clause")), "")
        .unwrap()
        .license;
    assert_eq!(meta.declared.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(meta.concluded.evidence, "declared: the input's license metadata");

    let none = prov.attribute(&doc(None, "x", None), "x").unwrap().license;
    assert_eq!(none.concluded.expression, "NOASSERTION");
}

#[test]
fn the_python_license_stack_and_pypis_psf_classifier_are_no_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("distlike-0.3.9");
    write(
        &repo,
        "LICENSE",
        include_str!("../../tests/fixtures/licenses/Python-2.0.1__cpython-stack.txt"),
    );
    write(
        &repo,
        "PKG-INFO",
        "Metadata-Version: 2.1\nName: distlike\nVersion: 0.3.9\nClassifier: License :: OSI Approved :: Python Software Foundation License\n",
    );
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "distlike/__init__.py", None), "x = 1\n")
        .unwrap()
        .license;
    assert_eq!(got.declared.as_deref(), Some("PSF-2.0"));
    assert_eq!(got.detected.as_deref(), Some("Python-2.0.1"));
    assert_eq!(got.concluded.expression, "PSF-2.0");
    assert!(!got.disagreement);
    // Another license beside it is still a disagreement.
    write(&repo, "LICENSE", MIT);
    let other = Provenance::new(0.8)
        .attribute(&doc(Some(&repo), "distlike/__init__.py", None), "x = 1\n")
        .unwrap()
        .license;
    assert!(other.disagreement);
}

#[test]
fn declared_wins_in_its_folder_and_disagreement_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("crate");
    write(&repo, "LICENSE", MIT);
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"1.2.3\"\nlicense = \"Apache-2.0\"\n",
    );
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "src/lib.rs", None), "fn x() {}")
        .unwrap();
    assert_eq!(got.package.as_deref(), Some("pkg:cargo/x@1.2.3"));
    assert_eq!(got.license.concluded.expression, "Apache-2.0");
    assert_eq!(got.license.concluded.evidence, "declared: the nearest package metadata");
    assert!(got.license.disagreement);
    let json = got.license.evidence_json();
    assert!(
        json.contains("\"disagreement\":true") && json.contains("crate/Cargo.toml"),
        "{json}"
    );

    // A vendored folder's own license file is nearer than the root's package.
    write(&repo, "vendor/v/COPYING", "BSD-2-Clause\n");
    let vendored = prov
        .attribute(&doc(Some(&repo), "vendor/v/v.c", None), "int v;")
        .unwrap();
    assert_eq!(vendored.license.concluded.expression, "BSD-2-Clause");
    assert_eq!(vendored.license.declared.as_deref(), Some("Apache-2.0"));
}

#[test]
fn bad_input_is_reported_and_the_document_still_gets_a_license() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r");
    write(&repo, "LICENSE", "\0\x01binary");
    write(&repo, "COPYING", &"x".repeat(300 << 10));
    write(&repo, "Cargo.toml", "[package\nname = 1");
    let prov = Provenance::new(0.8);
    let text = "/* SPDX-License-Identifier: MIT OR */\nint x;";
    let got = prov.attribute(&doc(Some(&repo), "a.c", None), text).unwrap();
    assert_eq!(got.license.concluded.expression, "NOASSERTION");
    assert_eq!(got.license.header.as_deref(), Some("MIT OR"));
    let problems = prov.problems().join("\n");
    assert!(
        problems.contains("in/a.c:1:") && problems.contains("not a valid SPDX expression"),
        "{problems}"
    );
    assert!(problems.contains("r/LICENSE: is binary"), "{problems}");
    assert!(problems.contains("r/COPYING: is 307200 bytes"), "{problems}");
    assert!(problems.contains("r/Cargo.toml:"), "{problems}");

    // A manifest that parses but declares a malformed expression.
    let other = dir.path().join("q");
    write(
        &other,
        "Cargo.toml",
        "[package]\nname = \"q\"\nversion = \"1.0.0\"\nlicense = \"MIT OR\"\n",
    );
    let got = prov.attribute(&doc(Some(&other), "src/lib.rs", None), "").unwrap();
    assert_eq!(got.license.declared.as_deref(), Some("MIT OR"));
    assert_eq!(got.license.concluded.expression, "NOASSERTION");
    let problems = prov.problems().join("\n");
    assert!(
        problems.contains("q/Cargo.toml:4: package.license `MIT OR` is not a valid SPDX expression"),
        "{problems}"
    );
}

#[test]
fn pointer_files_are_followed_inside_the_repository_only() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r");
    write(&repo, "LICENSE", MIT);
    write(&repo, "sub/LICENSE", "../LICENSE\n");
    write(&repo, "sub/deeper/LICENSE", "../../../outside/LICENSE");
    write(dir.path(), "outside/LICENSE", MIT);
    let prov = Provenance::new(0.8);
    let sub = prov.attribute(&doc(Some(&repo), "sub/a.rs", None), "").unwrap().license;
    assert_eq!(sub.detected.as_deref(), Some("MIT"));
    assert_eq!(sub.evidence[0].file, "r/sub/LICENSE");
    assert!(
        sub.evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("points to ../LICENSE")
    );
    let escaped = prov.attribute(&doc(Some(&repo), "sub/deeper/a.rs", None), "").unwrap();
    assert_eq!(
        escaped.license.evidence[0].file, "r/sub/LICENSE",
        "the escape is not followed"
    );
    assert!(prov.problems().join("\n").contains("outside the repository"));
}

#[test]
fn lgpl_with_its_gpl_companion_is_the_lgpl() {
    let ids = |v: &[&str]| folder_ids(v.iter().map(|s| s.to_string()).collect());
    assert_eq!(ids(&["GPL-3.0-only", "LGPL-3.0-only"]), vec!["LGPL-3.0-only"]);
    assert_eq!(ids(&["GPL-3.0-only", "MIT"]), vec!["GPL-3.0-only", "MIT"]);
}

fn folder_ids(ids: Vec<String>) -> Vec<String> {
    folder::drop_lgpl_companions_for_tests(ids)
}

#[test]
fn a_notice_is_read_from_its_first_license_paragraph() {
    let text = "# -*- coding: utf-8 -*-\n# (c) 2018, Someone <someone@example.org>\n#\n# This file is part of Widget\n#\n# Widget is free software: you can redistribute it and/or modify\n# it under the terms of the GNU General Public License as published by\n# the Free Software Foundation, either version 3 of the License, or\n# (at your option) any later version.\n#\n# Widget is distributed in the hope that it will be useful,\n# but WITHOUT ANY WARRANTY; without even the implied warranty of\n# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the\n# GNU General Public License for more details.\n#\n# You should have received a copy of the GNU General Public License\n# along with Widget.  If not, see <http://www.gnu.org/licenses/>.\nimport os\n";
    let prov = Provenance::new(0.8);
    let got = prov.attribute(&doc(None, "w.py", None), text).unwrap().license;
    assert_eq!(got.header.as_deref(), Some("GPL-3.0-or-later"));
    assert_eq!(got.concluded.evidence, "header: the file's own license statement");
    let lines = got.evidence[0].lines.unwrap();
    assert_eq!(lines[0], 6, "the notice starts at its paragraph, not the file's title");

    assert_eq!(
        license_part("Title\n\nAuthor: A\nSubject to the terms of the Mozilla Public\nLicense, v. 2.0.\n"),
        Some((
            2,
            "Author: A\nSubject to the terms of the Mozilla Public\nLicense, v. 2.0.\n"
        ))
    );
    assert_eq!(license_part("Copyright 2020 A. All rights reserved.\n"), None);
    assert!(license_part("This file is part of libgit2, distributed under the GNU GPL v2\n").is_some());
}

#[test]
fn a_post_is_under_its_cc_by_sa_license_whatever_its_snippet_says() {
    let credit = |url: &str, license: &str, basis: &str| corpusledger_model::Credit {
        url: url.to_owned(),
        author: "someone".to_owned(),
        license: license.to_owned(),
        license_basis: basis.to_owned(),
        ..corpusledger_model::Credit::default()
    };
    let mut post = doc(None, "a/7", None);
    post.meta.credits = vec![credit(
        "https://stackoverflow.com/a/7",
        "CC-BY-SA-3.0",
        "LastEditDate 2012-01-01T00:00:00.000: ...",
    )];
    let prov = Provenance::new(0.8);
    let license = prov
        .attribute(&post, "# SPDX-License-Identifier: MIT\nprint(1)\n")
        .unwrap()
        .license;
    assert_eq!(license.concluded.expression, "CC-BY-SA-3.0");
    assert_eq!(license.concluded.category, LicenseCategory::Copyleft);
    assert_eq!(
        license.header.as_deref(),
        Some("MIT"),
        "the snippet's header is kept as a signal"
    );
    assert_eq!(license.declared.as_deref(), Some("CC-BY-SA-3.0"));
    let post_evidence = license.evidence.iter().find(|e| e.signal == "declared").unwrap();
    assert_eq!(post_evidence.file, "input metadata");
    assert_eq!(post_evidence.field.as_deref(), Some("LastEditDate"));

    // A question with its accepted answer holds both posts' licenses.
    post.meta.credits.push(credit(
        "https://stackoverflow.com/a/9",
        "CC-BY-SA-4.0",
        "ContentLicense attribute",
    ));
    let both = prov.attribute(&post, "x = 1\n").unwrap().license;
    assert_eq!(both.concluded.expression, "CC-BY-SA-3.0 AND CC-BY-SA-4.0");
    assert_eq!(both.evidence.len(), 2);
    // The question's license comes first, whatever their sort order.
    post.meta.credits.reverse();
    let reversed = prov.attribute(&post, "x = 1\n").unwrap().license;
    assert_eq!(reversed.concluded.expression, "CC-BY-SA-4.0 AND CC-BY-SA-3.0");
    assert_eq!(reversed.declared.as_deref(), Some("CC-BY-SA-4.0 AND CC-BY-SA-3.0"));
    // Two posts under one license give it once.
    post.meta.credits[1].license = "CC-BY-SA-4.0".to_owned();
    let same = prov.attribute(&post, "x = 1\n").unwrap().license;
    assert_eq!(same.concluded.expression, "CC-BY-SA-4.0");

    // Posts decided alike share one license record: nothing of the post
    // itself (its address, its dates) is in it.
    let mut other = doc(None, "a/8", None);
    other.meta.credits = vec![credit(
        "https://stackoverflow.com/a/8",
        "CC-BY-SA-3.0",
        "LastEditDate 2013-05-05T00:00:00.000: ...",
    )];
    let mut first = doc(None, "a/7", None);
    first.meta.credits = vec![credit(
        "https://stackoverflow.com/a/7",
        "CC-BY-SA-3.0",
        "LastEditDate 2012-01-01T00:00:00.000: ...",
    )];
    assert_eq!(
        prov.attribute(&other, "y\n").unwrap().license,
        prov.attribute(&first, "x\n").unwrap().license
    );
}

/// Issue 19: a `setup.cfg` `[metadata] license` declares the package's
/// license, also beside a `pyproject.toml` whose `[project]` declares none.
#[test]
fn setup_cfg_declares_beside_a_pyproject_without_license() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("pkg");
    write(
        &repo,
        "pyproject.toml",
        "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\nname = \"pkg\"\ndynamic = [\"version\"]\n",
    );
    write(
        &repo,
        "setup.cfg",
        "[metadata]\nname = pkg\nversion = 2.0\nlicense = BSD-3-Clause\nlicense_files = LICENSE.txt\n",
    );
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "pkg/__init__.py", None), "x = 1\n")
        .unwrap();
    assert_eq!(got.package.as_deref(), Some("pkg:pypi/pkg@2.0"));
    assert_eq!(got.license.declared.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(got.license.concluded.expression, "BSD-3-Clause");
    let json = got.license.evidence_json();
    assert!(
        json.contains("pkg/setup.cfg") && json.contains("metadata.license"),
        "{json}"
    );

    // A pyproject.toml that declares one still comes first.
    write(
        &repo,
        "pyproject.toml",
        "[project]\nname = \"pkg\"\nversion = \"2.0\"\nlicense = \"MIT\"\n",
    );
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "pkg/__init__.py", None), "x = 1\n")
        .unwrap();
    assert_eq!(got.license.declared.as_deref(), Some("MIT"));
}

const BSD_3: &str = include_str!("../../tests/fixtures/licenses/BSD-3-Clause__plain.txt");

/// Issue 19: a header offering a choice that includes "the BSD License"
/// (or a BSD-style one) takes the member from the nearest license files,
/// and says so; without one there, it says what it left out.
#[test]
fn a_choice_with_an_unnamed_bsd_member_is_settled_by_the_license_files() {
    let dir = tempfile::tempdir().unwrap();
    let zstd = "/*\n * Copyright (c) Meta Platforms, Inc. and affiliates.\n * All rights reserved.\n *\n * This source code is licensed under both the BSD-style license (found in the\n * LICENSE file in the root directory of this source tree) and the GPLv2 (found\n * in the COPYING file in the root directory of this source tree).\n * You may select, at your option, one of the above-listed licenses.\n */\n#include \"zstd.h\"\n";
    let repo = dir.path().join("zstd");
    write(&repo, "LICENSE", BSD_3);
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "lib/zstd.c", None), zstd)
        .unwrap()
        .license;
    assert_eq!(got.header.as_deref(), Some("BSD-3-Clause OR GPL-2.0-only"));
    assert_eq!(got.concluded.expression, "BSD-3-Clause OR GPL-2.0-only");
    assert_eq!(got.concluded.category, LicenseCategory::Permissive);
    let json = got.evidence_json();
    assert!(json.contains("taken to be the BSD-3-Clause of zstd/LICENSE"), "{json}");

    // BSD-2-Clause beside Apache-2.0, as the packaging project ships them.
    let bsd_2: String = BSD_3
        .split("\n\n")
        .filter(|p| !p.starts_with("3. "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let packaging = "# This file is dual licensed under the terms of the Apache License, Version\n# 2.0, and the BSD License. See the LICENSE file in the root of this repository\n# for complete details.\nimport re\n";
    let repo = dir.path().join("packaging");
    write(&repo, "LICENSE.BSD", &bsd_2);
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "src/version.py", None), packaging)
        .unwrap()
        .license;
    assert_eq!(got.header.as_deref(), Some("Apache-2.0 OR BSD-2-Clause"));

    // No license file to say which BSD: left out, and said.
    let repo = dir.path().join("bare");
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "src/version.py", None), packaging)
        .unwrap()
        .license;
    assert_eq!(got.header.as_deref(), Some("Apache-2.0"));
    assert!(
        got.evidence_json()
            .contains("offers a BSD license without saying which")
    );
}

/// Issue 19: a checkout's generated `*.egg-info/PKG-INFO` declares the
/// license when the folder has no metadata file of its own.
#[test]
fn egg_info_metadata_declares_when_the_folder_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("proj");
    write(&repo, "setup.py", "from setuptools import setup\nsetup()\n");
    write(
        &repo,
        "src/proj.egg-info/PKG-INFO",
        "Metadata-Version: 2.1\nName: proj\nVersion: 0.3\nLicense: MIT\n",
    );
    let prov = Provenance::new(0.8);
    let got = prov
        .attribute(&doc(Some(&repo), "src/proj/core.py", None), "x = 1\n")
        .unwrap();
    assert_eq!(got.package.as_deref(), Some("pkg:pypi/proj@0.3"));
    assert_eq!(got.license.declared.as_deref(), Some("MIT"));
    assert!(got.license.evidence_json().contains("proj.egg-info/PKG-INFO"));
}
