//! The license schedule and its basis, through whole rows.

use corpusledger_model::Reason;

use super::{dump, read_xml};
use crate::IngestConfig;

/// An answer row with the given date attributes; returns its credit's
/// (license, basis), or the rejection detail.
fn license_of(dates: &str) -> Result<(String, String), String> {
    let row = format!(r#"<row Id="5" PostTypeId="2" ParentId="1" Body="x" {dates} />"#);
    let items = read_xml(&dump(&[row]), &IngestConfig::default());
    if let Some(rejection) = items.rejections().first() {
        assert_eq!(rejection.reason, Reason::ParseError);
        return Err(rejection.detail.clone());
    }
    let doc = items.docs()[0];
    let credit = &doc.meta.credits[0];
    assert_eq!(doc.meta.license.as_deref(), Some(credit.license.as_str()));
    Ok((credit.license.clone(), credit.license_basis.clone()))
}

fn license(dates: &str) -> String {
    license_of(dates).unwrap().0
}

#[test]
fn schedule_boundaries() {
    assert_eq!(license(r#"CreationDate="2011-04-07T23:59:59.999""#), "CC-BY-SA-2.5");
    assert_eq!(license(r#"CreationDate="2011-04-08T00:00:00""#), "CC-BY-SA-3.0");
    assert_eq!(license(r#"CreationDate="2018-05-01T23:59:59.997""#), "CC-BY-SA-3.0");
    assert_eq!(license(r#"CreationDate="2018-05-02T00:00:00.000""#), "CC-BY-SA-4.0");
    assert_eq!(license(r#"CreationDate="2008-07-31T21:42:52.667""#), "CC-BY-SA-2.5");
}

#[test]
fn last_edit_date_beats_creation_date() {
    let (license, basis) =
        license_of(r#"CreationDate="2010-01-01T00:00:00.000" LastEditDate="2015-06-01T10:00:00.000""#).unwrap();
    assert_eq!(license, "CC-BY-SA-3.0");
    assert_eq!(
        basis,
        "LastEditDate 2015-06-01T10:00:00.000: CC BY-SA 3.0 applies to posts last revised from 2011-04-08 \
         until before 2018-05-02 UTC"
    );
    let (license, basis) = license_of(r#"CreationDate="2010-01-01T00:00:00.000""#).unwrap();
    assert_eq!(license, "CC-BY-SA-2.5");
    assert!(
        basis.starts_with("CreationDate 2010-01-01T00:00:00.000: CC BY-SA 2.5 "),
        "{basis}"
    );
    let (_, basis) = license_of(r#"CreationDate="2019-01-01T00:00:00""#).unwrap();
    assert!(
        basis.starts_with("CreationDate 2019-01-01T00:00:00: CC BY-SA 4.0 "),
        "{basis}"
    );
}

#[test]
fn content_license_beats_both_dates() {
    let dates =
        r#"CreationDate="2010-01-01T00:00:00" LastEditDate="2019-01-01T00:00:00" ContentLicense="CC BY-SA 3.0""#;
    assert_eq!(
        license_of(dates).unwrap(),
        ("CC-BY-SA-3.0".to_owned(), "ContentLicense attribute".to_owned())
    );
    let dates = r#"CreationDate="2019-01-01T00:00:00" ContentLicense="CC BY-SA 2.5""#;
    assert_eq!(license(dates), "CC-BY-SA-2.5");
}

#[test]
fn unknown_content_license_is_rejected() {
    for value in ["CC BY 4.0", "CC BY-SA 5.0", "cc by-sa 4.0", ""] {
        let dates = format!(r#"CreationDate="2019-01-01T00:00:00" ContentLicense="{value}""#);
        let detail = license_of(&dates).unwrap_err();
        assert!(detail.starts_with("line 3: ContentLicense `"), "{detail}");
        assert!(detail.contains(value), "{detail}");
        assert!(detail.contains("never guessed"), "{detail}");
    }
}

#[test]
fn an_edit_by_the_community_user_does_not_change_the_license() {
    let (license, basis) = license_of(
        r#"CreationDate="2009-03-01T12:00:00.000" LastEditDate="2019-06-01T08:15:00.000" LastEditorUserId="-1""#,
    )
    .unwrap();
    assert_eq!(license, "CC-BY-SA-2.5", "dated by its creation, not the Community edit");
    assert_eq!(
        basis,
        "CreationDate 2009-03-01T12:00:00.000, LastEditDate 2019-06-01T08:15:00.000 by the Community user ignored: \
         CC BY-SA 2.5 applies to posts last revised before 2011-04-08 UTC; edits by the Community user (-1) do not \
         change a post's license"
    );

    // Any other editor's edit counts, as does an edit by an unknown one.
    for editor in [
        r#"LastEditorUserId="12""#,
        "",
        r#"LastEditorUserId="""#,
        r#"LastEditorUserId="x""#,
    ] {
        let dates =
            format!(r#"CreationDate="2009-03-01T12:00:00.000" LastEditDate="2019-06-01T08:15:00.000" {editor}"#);
        let (license, basis) = license_of(&dates).unwrap();
        assert_eq!(license, "CC-BY-SA-4.0", "{editor}");
        assert!(basis.starts_with("LastEditDate 2019-06-01T08:15:00.000: "), "{basis}");
    }

    // The dump's ContentLicense still wins over both dates.
    let stated = license_of(
        r#"CreationDate="2009-03-01T12:00:00.000" LastEditDate="2019-06-01T08:15:00.000" LastEditorUserId="-1" ContentLicense="CC BY-SA 4.0""#,
    )
    .unwrap();
    assert_eq!(
        stated,
        ("CC-BY-SA-4.0".to_owned(), "ContentLicense attribute".to_owned())
    );

    // Community as the editor of a post never edited changes nothing.
    let (license, basis) = license_of(r#"CreationDate="2012-01-01T00:00:00.000" LastEditorUserId="-1""#).unwrap();
    assert_eq!(license, "CC-BY-SA-3.0");
    assert!(
        basis.starts_with("CreationDate 2012-01-01T00:00:00.000: CC BY-SA 3.0 "),
        "{basis}"
    );
}
