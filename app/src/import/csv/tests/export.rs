//! What a row changes, the template and the export, and an export read back unchanged.

use super::*;
use crate::domain::{DisplayName, Email};

fn person(email: &str) -> Person {
    Person {
        row: 2,
        email: Email::parse(email).unwrap(),
        first_name: None,
        last_name: None,
        display_name: None,
        services: Vec::new(),
        phone: None,
        extension: None,
        language: None,
    }
}

fn existing() -> Existing {
    Existing {
        email: "zhang.wei@acme.example".to_owned(),
        first_name: Some("Wei".to_owned()),
        last_name: Some("Zhang".to_owned()),
        display_name: Some("Zhang Wei".to_owned()),
        services: vec![Service::Messaging, Service::Meetings],
        phone: Some("+861055550100".to_owned()),
        extension: Some("1001".to_owned()),
        language: Some(Locale::ZhCn),
    }
}

#[test]
fn new_unchanged_and_updated_people() {
    let bare = person("zhang.wei@acme.example");
    assert_eq!(change(&bare, None), Change::New);
    assert_eq!(
        change(&bare, Some(&existing())),
        Change::Unchanged,
        "nothing given"
    );
    let mut same = bare.clone();
    same.first_name = Some("Wei".to_owned());
    same.last_name = Some("Zhang".to_owned());
    same.display_name = Some(DisplayName::parse("Zhang  Wei").unwrap());
    same.services = vec![(Service::Messaging, true), (Service::Calling, false)];
    same.phone = Some("+861055550100".to_owned());
    same.extension = Some("1001".to_owned());
    same.language = Some(Locale::ZhCn);
    assert_eq!(change(&same, Some(&existing())), Change::Unchanged);
    let changes: [fn(&mut Person); 8] = [
        |p| p.first_name = Some("Wendy".to_owned()),
        |p| p.last_name = Some("Chang".to_owned()),
        |p| p.display_name = Some(DisplayName::parse("张伟").unwrap()),
        |p| p.services = vec![(Service::Calling, true)],
        |p| p.services = vec![(Service::Meetings, false)],
        |p| p.phone = Some("+861055550199".to_owned()),
        |p| p.extension = Some("1002".to_owned()),
        |p| p.language = Some(Locale::En),
    ];
    for (index, edit) in changes.iter().enumerate() {
        let mut changed = same.clone();
        edit(&mut changed);
        assert_eq!(
            change(&changed, Some(&existing())),
            Change::Update,
            "change {index}"
        );
        let result = updated(&changed, &existing());
        assert_ne!(result, existing(), "change {index}");
        assert_eq!(
            change(&changed, Some(&result)),
            Change::Unchanged,
            "change {index}"
        );
    }
}

#[test]
fn updating_applies_only_what_is_given() {
    let mut given = person("zhang.wei@acme.example");
    given.services = vec![(Service::Messaging, false), (Service::Calling, true)];
    given.extension = Some("2002".to_owned());
    let result = updated(&given, &existing());
    assert_eq!(
        result,
        Existing {
            services: vec![Service::Meetings, Service::Calling],
            extension: Some("2002".to_owned()),
            ..existing()
        }
    );
}

#[test]
fn names_made_of_first_and_last() {
    let mut both = person("zhang.wei@acme.example");
    both.first_name = Some("Wei".to_owned());
    both.last_name = Some("Zhang".to_owned());
    // "Wei Zhang" is not how they are shown now: both names given ask for it.
    assert_eq!(change(&both, Some(&existing())), Change::Update);
    assert_eq!(
        updated(&both, &existing()).display_name.as_deref(),
        Some("Wei Zhang")
    );
    // One name alone says nothing about the whole name.
    let mut first_only = person("zhang.wei@acme.example");
    first_only.first_name = Some("Wei".to_owned());
    assert_eq!(change(&first_only, Some(&existing())), Change::Unchanged);
    // Someone without any name gets one.
    let nameless = Existing {
        first_name: None,
        last_name: None,
        display_name: None,
        ..existing()
    };
    assert_eq!(change(&first_only, Some(&nameless)), Change::Update);
    let named = updated(&first_only, &nameless);
    assert_eq!(
        (named.first_name.as_deref(), named.display_name.as_deref()),
        (Some("Wei"), Some("Wei"))
    );
    // No display name held: the first and last names are the name compared.
    let undisplayed = Existing {
        display_name: None,
        ..existing()
    };
    let mut same = both.clone();
    same.first_name = Some("Zhang".to_owned());
    same.last_name = Some("Wei".to_owned());
    assert_eq!(change(&both, Some(&undisplayed)), Change::Unchanged);
    assert_eq!(change(&same, Some(&undisplayed)), Change::Update);
}

#[test]
fn export_lines_quote_and_defuse_formulas() {
    let line = export_line(&Existing {
        email: "a@acme.example".to_owned(),
        first_name: Some("=HYPERLINK(\"http://x\")".to_owned()),
        last_name: Some("-1".to_owned()),
        display_name: Some("@SUM(A1), \"the\" boss\nhere".to_owned()),
        services: vec![Service::Calling],
        phone: Some("+861055550100".to_owned()),
        extension: Some("\t01".to_owned()),
        language: Some(Locale::ZhCn),
    });
    assert_eq!(
        line,
        "\"'=HYPERLINK(\"\"http://x\"\")\",'-1,\"'@SUM(A1), \"\"the\"\" boss\nhere\",a@acme.example,FALSE,FALSE,TRUE,'+861055550100,\"'\t01\",zh-CN\r\n"
    );
    assert_eq!(
        export_line(&Existing::default()),
        ",,,,FALSE,FALSE,FALSE,,,\r\n"
    );
    assert_eq!(
        export_header(),
        "First name,Last name,Display name,Email,Messaging,Meetings,Calling,Phone number,Extension,Language\r\n"
    );
}

#[test]
fn the_template_opens_in_excel_and_imports() {
    let template = template();
    let body = template.strip_prefix('\u{feff}').unwrap();
    assert!(body.starts_with(&export_header()));
    assert_eq!(body.matches("\r\n").count(), 3);
    assert!(body.ends_with("\r\n"));
    let bytes = template.as_bytes();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let (sheet, validated) = read_all(bytes, None, None).unwrap();
    assert_eq!(sheet.mapping.columns, Field::ALL.map(Some).to_vec());
    assert!(validated.errors.is_empty(), "{:?}", validated.errors);
    assert_eq!(names(&validated), ["张伟", "Alex Morgan"]);
    assert_eq!(validated.people[0].phone.as_deref(), Some("+861055550100"));
}

#[test]
fn an_export_reads_back_unchanged() {
    let tricky = [
        Existing {
            email: "zhang.wei@acme.example".to_owned(),
            first_name: Some("Wei, Jr.".to_owned()),
            last_name: Some("\"Big\" Zhang".to_owned()),
            display_name: Some("Zhang\nWei".to_owned()),
            services: vec![Service::Messaging, Service::Calling],
            phone: Some("+861055550100".to_owned()),
            extension: Some("0100".to_owned()),
            language: Some(Locale::ZhCn),
        },
        Existing {
            email: "=cmd@acme.example".to_owned(),
            first_name: Some("=1+2".to_owned()),
            last_name: Some("-Minus".to_owned()),
            display_name: Some("@Handle; +Plus".to_owned()),
            services: Vec::new(),
            phone: Some("+14155550100".to_owned()),
            extension: None,
            language: Some(Locale::En),
        },
        Existing {
            email: "李娜@例子.中国".to_owned(),
            first_name: Some("娜".to_owned()),
            last_name: Some("李".to_owned()),
            display_name: Some("李娜（北京）".to_owned()),
            services: Service::ALL.to_vec(),
            ..Existing::default()
        },
    ];
    let file: String = std::iter::once(export_header())
        .chain(tricky.iter().map(export_line))
        .collect();
    let (_, validated) = read(&file);
    assert!(validated.errors.is_empty(), "{:?}", validated.errors);
    assert_eq!(validated.people.len(), tricky.len());
    for (person, existing) in validated.people.iter().zip(&tricky) {
        assert_eq!(person.email.as_str(), existing.email);
        assert_eq!(person.services.len(), 3, "every service is written");
        assert_eq!(
            change(person, Some(existing)),
            Change::Unchanged,
            "{existing:?}"
        );
        assert_eq!(updated(person, existing), *existing);
    }
    assert_eq!(validated.people[1].first_name.as_deref(), Some("=1+2"));
    assert_eq!(validated.people[1].phone.as_deref(), Some("+14155550100"));
}
