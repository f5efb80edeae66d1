//! Compressed and archived inputs, broken streams, and Users.xml.

use std::io::Write;

use corpusledger_model::Reason;
use sevenz_rust2::{ArchiveEntry, ArchiveWriter, SourceReader};

use super::{Items, answer, dump, question, read_path, read_xml, temp_path};
use crate::IngestConfig;

fn sample() -> String {
    dump(&[
        question(1, "T", "<p>q</p>", r#"OwnerUserId="8""#),
        answer(2, 1, "<pre>code()</pre>", r#"OwnerUserId="-1""#),
    ])
}

fn expected() -> Vec<(String, String)> {
    vec![
        ("q/1".to_owned(), "T\n\nq\n".to_owned()),
        ("a/2".to_owned(), "code()\n".to_owned()),
    ]
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A solid 7z archive holding `entries` (name, bytes) in one block.
fn seven_zip(path: &std::path::Path, entries: &[(&str, &[u8])]) {
    let mut writer = ArchiveWriter::create(path).unwrap();
    let names = entries.iter().map(|(name, _)| ArchiveEntry::new_file(name)).collect();
    let readers = entries.iter().map(|(_, data)| SourceReader::new(*data)).collect();
    writer.push_archive_entries(names, readers).unwrap();
    writer.finish().unwrap();
}

#[test]
fn gzip_and_zstd_inputs_read_like_plain_ones() {
    let (_dir, gz) = temp_path("Posts.xml.gz");
    // Two gzip members, as `cat a.gz b.gz` makes: both are read.
    let xml = sample();
    let (head, tail) = xml.split_at(xml.len() / 2);
    std::fs::write(&gz, [gzip(head.as_bytes()), gzip(tail.as_bytes())].concat()).unwrap();
    assert_eq!(Items(read_path(&gz, &IngestConfig::default())).texts(), expected());

    let (_dir, zst) = temp_path("Posts.xml.zst");
    std::fs::write(&zst, zstd::encode_all(xml.as_bytes(), 3).unwrap()).unwrap();
    assert_eq!(Items(read_path(&zst, &IngestConfig::default())).texts(), expected());
}

#[test]
fn seven_zip_posts_entry_is_streamed_and_other_entries_skipped() {
    let (dir, path) = temp_path("superuser.com.7z");
    let users = "<users>\n<row Id=\"8\" DisplayName=\"Jeff Atwood\" />\n<row Id=\"-1\" DisplayName=\"Community\" />\n</users>\n";
    let comments = "<comments>\n<row Id=\"1\" Text=\"hi\" />\n</comments>\n".repeat(100);
    let xml = sample();
    seven_zip(
        &path,
        &[
            ("Users.xml", users.as_bytes()),
            ("Posts.xml", xml.as_bytes()),
            ("Comments.xml", comments.as_bytes()),
        ],
    );
    let mut config = IngestConfig::default();
    // The site's own archive also serves as the users file.
    config.stackexchange.users = Some(path.clone());
    let items = Items(read_path(&path, &config));
    assert_eq!(items.texts(), expected());
    let docs = items.docs();
    assert_eq!(docs[0].meta.credits[0].url, "https://superuser.com/q/1");
    assert_eq!(docs[0].meta.credits[0].author, "Jeff Atwood");
    assert_eq!(docs[1].meta.credits[0].author, "Community");
    assert_eq!(
        docs[1].meta.credits[0].author_url.as_deref(),
        Some("https://superuser.com/users/-1")
    );
    drop(dir);
}

#[test]
fn seven_zip_without_posts_is_one_unreadable() {
    let (_dir, path) = temp_path("site.7z");
    seven_zip(
        &path,
        &[("Users.xml", b"<users>\n</users>\n"), ("Tags.xml", b"<tags/>\n")],
    );
    let items = Items(read_path(&path, &IngestConfig::default()));
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].2), (Reason::Unreadable, 0));
    assert!(
        reasons[0]
            .3
            .contains("no Posts.xml entry (it holds: Users.xml, Tags.xml)"),
        "{}",
        reasons[0].3
    );
}

#[test]
fn a_file_that_is_not_a_7z_is_one_unreadable() {
    let (_dir, path) = temp_path("x.7z");
    std::fs::write(&path, b"not an archive").unwrap();
    let reasons = Items(read_path(&path, &IngestConfig::default())).reasons();
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].0, Reason::Unreadable);
    assert!(
        reasons[0].3.starts_with("not a readable 7z archive"),
        "{}",
        reasons[0].3
    );
}

#[test]
fn truncated_gzip_is_one_unreadable_at_the_line_where_it_broke() {
    let rows: Vec<String> = (1..=2000)
        .map(|id| answer(id, 1, &format!("<p>answer {id}</p>"), ""))
        .collect();
    let gz = gzip(dump(&rows).as_bytes());
    let (_dir, path) = temp_path("Posts.xml.gz");
    std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let items = Items(read_path(&path, &IngestConfig::default()));
    let docs = items.docs();
    assert!(docs.len() > 10 && docs.len() < 2000, "{}", docs.len());
    let last_row = docs.last().unwrap().source.row;
    let doc_rows: Vec<u64> = docs.iter().map(|d| d.source.row).collect();
    assert_eq!(doc_rows, (3..=last_row).collect::<Vec<_>>());
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].2), (Reason::Unreadable, last_row + 1));
    assert!(
        reasons[0]
            .3
            .starts_with(&format!("stream broke at line {}: ", last_row + 1)),
        "{}",
        reasons[0].3
    );
}

#[test]
fn authors_come_from_users_then_the_dump() {
    let (_dir, users) = temp_path("Users.xml");
    std::fs::write(
        &users,
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<users>\n  <row Id=\"8\" DisplayName=\"Jeff &amp; Co\" />\n  \
         <row Id=\"-1\" DisplayName=\"Community\" />\n  <row Id=\"oops\" />\n</users>\n",
    )
    .unwrap();
    let rows = [
        answer(1, 9, "a", r#"OwnerUserId="8""#),
        answer(2, 9, "a", r#"OwnerUserId="-1""#),
        answer(3, 9, "a", r#"OwnerUserId="77""#),
        answer(4, 9, "a", r#"OwnerDisplayName="anon""#),
        answer(5, 9, "a", ""),
    ];
    let mut config = IngestConfig::default();
    config.stackexchange.users = Some(users.clone());
    let items = read_xml(&dump(&rows), &config);
    assert!(items.rejections().is_empty());
    let authors: Vec<(String, Option<String>)> = items
        .docs()
        .iter()
        .map(|d| (d.meta.credits[0].author.clone(), d.meta.credits[0].author_url.clone()))
        .collect();
    let site = "https://stackoverflow.com/users";
    assert_eq!(
        authors,
        vec![
            ("Jeff & Co".to_owned(), Some(format!("{site}/8"))),
            ("Community".to_owned(), Some(format!("{site}/-1"))),
            ("user 77".to_owned(), Some(format!("{site}/77"))),
            ("anon".to_owned(), None),
            ("deleted user".to_owned(), None),
        ]
    );
    let loaded = super::super::users::Users::load(&users, 1 << 20).unwrap();
    assert_eq!(loaded.len(), 2);
}

#[test]
fn unreadable_users_file_is_one_rejection_and_authors_fall_back() {
    let (dir, _) = temp_path("unused");
    let mut config = IngestConfig::default();
    config.stackexchange.users = Some(dir.path().join("missing-Users.xml"));
    let items = read_xml(&dump(&[answer(1, 9, "a", r#"OwnerUserId="8""#)]), &config);
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        (reasons[0].0, reasons[0].1.as_str(), reasons[0].2),
        (Reason::Unreadable, "Users.xml", 0)
    );
    assert!(reasons[0].3.contains("missing-Users.xml"), "{}", reasons[0].3);
    assert_eq!(items.docs()[0].meta.credits[0].author, "user 8");
}

#[test]
fn read_unit_dispatches_stack_exchange_inputs() {
    let (dir, path) = temp_path("Posts.xml");
    std::fs::write(&path, sample()).unwrap();
    let config = IngestConfig::default();
    let plan = crate::plan(&[path], &config).unwrap();
    assert_eq!(plan.inputs[0].kind, crate::InputKind::StackExchange);
    assert_eq!(plan.inputs[0].kind.as_str(), "stackexchange");
    assert_eq!(plan.units.len(), 1);
    let mut items = Vec::new();
    crate::read_unit(&plan, &plan.units[0], &config, &mut |batch| items.extend(batch));
    assert_eq!(Items(items).texts(), expected());
    drop(dir);
}

/// An archive made by 7-Zip itself, in `testdata/stackexchange`.
fn testdata(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/stackexchange")
        .join(name)
}

#[test]
fn seven_zip_archive_made_by_7_zip_is_read() {
    let path = testdata("superuser.com.7z");
    let mut config = IngestConfig::default();
    config.stackexchange.users = Some(path.clone());
    config.stackexchange.mode = crate::SeMode::QuestionAnswer;
    let items = Items(read_path(&path, &config));
    assert!(items.rejections().is_empty(), "{:?}", items.reasons());
    assert_eq!(
        items.texts(),
        vec![(
            "q/1+a/2".to_owned(),
            "Adding\n\nHow do I add a & b?\n\necho $((a + b))\n".to_owned()
        )]
    );
    let doc = items.docs()[0];
    assert_eq!(doc.meta.license.as_deref(), Some("CC-BY-SA-2.5 AND CC-BY-SA-4.0"));
    let authors: Vec<&str> = doc.meta.credits.iter().map(|c| c.author.as_str()).collect();
    assert_eq!(authors, ["Jeff Atwood", "Community"]);
    assert_eq!(doc.meta.credits[0].url, "https://superuser.com/q/1");
}

/// The 2014 per-site dumps are BZip2 inside: read like the LZMA2 archive
/// holding the same files, authors from its Users.xml included.
#[test]
fn seven_zip_archive_with_bzip2_is_read() {
    let mut config = IngestConfig::default();
    config.stackexchange.mode = crate::SeMode::QuestionAnswer;
    let bzip2 = Items(read_path(&testdata("bzip2.7z"), &config));
    assert!(bzip2.rejections().is_empty(), "{:?}", bzip2.reasons());
    let lzma2 = Items(read_path(&testdata("superuser.com.7z"), &config));
    assert_eq!(bzip2.texts(), lzma2.texts());
    let authors: Vec<&str> = bzip2.docs()[0].meta.credits.iter().map(|c| c.author.as_str()).collect();
    assert_eq!(authors, ["Jeff Atwood", "Community"], "Users.xml in the same archive");
}

#[test]
fn seven_zip_with_an_unsupported_codec_is_one_unreadable() {
    let items = Items(read_path(&testdata("deflate.7z"), &IngestConfig::default()));
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!((reasons[0].0, reasons[0].2), (Reason::Unreadable, 0));
    let detail = &reasons[0].3;
    assert!(
        detail.starts_with("cannot decode the archive's Posts.xml: "),
        "{detail}"
    );
    assert!(detail.contains("LZMA, LZMA2 or BZip2"), "{detail}");
    assert!(detail.contains("extract Posts.xml"), "{detail}");
}
