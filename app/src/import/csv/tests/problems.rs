//! Files refused as a whole, and the sentence each refusal gives the admin.

use super::*;

fn problem(bytes: &[u8]) -> FileProblem {
    match read_all(bytes, None, None) {
        Ok(_) => panic!("{:?} was read", String::from_utf8_lossy(bytes)),
        Err(problem) => problem,
    }
}

#[test]
fn pictures_archives_and_documents_renamed_to_csv() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
    let zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0[Content_Types].xml";
    for (bytes, kind) in [
        (&png[..], BinaryKind::Image),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", BinaryKind::Image),
        (b"GIF89a\x01\0\x01\0", BinaryKind::Image),
        (b"RIFF\x24\0\0\0WEBPVP8 ", BinaryKind::Image),
        (b"BM\x36\0\x0c\0\0\0\0\0\x36\0", BinaryKind::Image),
        (b"%PDF-1.7\n%\xe2\xe3", BinaryKind::Pdf),
        (&zip[..], BinaryKind::Archive),
        (b"\x1f\x8b\x08\0\0\0\0\0", BinaryKind::Archive),
        (b"7z\xbc\xaf\x27\x1c\0\x04", BinaryKind::Archive),
        (b"Rar!\x1a\x07\x01\0", BinaryKind::Archive),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", BinaryKind::Other),
        (
            b"Email\n\x01\x02\x03\x04\x05\x06\x07\x08",
            BinaryKind::Other,
        ),
    ] {
        assert_eq!(looks_binary(bytes), Some(kind), "{bytes:?}");
        assert_eq!(problem(bytes), FileProblem::NotText { kind });
    }
    // Text that merely starts like a bitmap, with a form feed or two, is text.
    assert_eq!(looks_binary(b"BMI,Email\nx,a@acme.example\n"), None);
    assert_eq!(looks_binary(b"Email\n\x0ca@acme.example\n"), None);
}

#[test]
fn empty_files() {
    for bytes in [
        &b""[..],
        b"\n\n",
        b"  \r\n\t\r\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b",,,\n,,\n",
        b"version:v1.0\n",
    ] {
        assert_eq!(problem(bytes), FileProblem::Empty, "{bytes:?}");
    }
}

#[test]
fn a_header_and_nobody() {
    for text in ["Email,Name", "Email,Name\r\n", "\nEmail,Name\n\n,\n  ,  \n"] {
        assert_eq!(
            problem(text.as_bytes()),
            FileProblem::HeaderOnly,
            "{text:?}"
        );
    }
}

#[test]
fn too_large_is_refused_before_anything_is_read() {
    let bytes = vec![0u8; MAX_BYTES + 1];
    assert_eq!(
        problem(&bytes),
        FileProblem::TooLarge {
            bytes: (MAX_BYTES + 1) as u64
        }
    );
}

#[test]
fn more_rows_than_the_limit() {
    let mut text = String::with_capacity(8 + 2 * (MAX_ROWS + 1));
    text.push_str("Email\n");
    text.push_str(&"x\n".repeat(MAX_ROWS));
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    let mut rows = 0;
    loop {
        let chunk = reader.next_chunk(50_000).unwrap();
        if chunk.is_empty() {
            break;
        }
        rows += chunk.len();
    }
    assert_eq!(rows, MAX_ROWS, "the limit itself is allowed");
    text.push_str("x\n");
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    let outcome = loop {
        match reader.next_chunk(50_000) {
            Ok(chunk) if chunk.is_empty() => break Ok(()),
            Ok(_) => {}
            Err(problem) => break Err(problem),
        }
    };
    assert_eq!(outcome, Err(FileProblem::TooManyRows));
    assert_eq!(
        reader.next_chunk(1),
        Err(FileProblem::TooManyRows),
        "and stays so"
    );
}

#[test]
fn no_address_column_and_a_field_chosen_twice() {
    assert_eq!(
        problem(b"Name,Phone\nZhang Wei,+86 10 5555 0100\n"),
        FileProblem::NoEmailColumn
    );
    let text = "Work email,Home email,Name\na@acme.example,a@home.example,A\n";
    let twice = Mapping {
        columns: vec![Some(Field::Email), Some(Field::Email), None],
    };
    assert_eq!(
        read_all(text.as_bytes(), None, Some(&twice)),
        Err(FileProblem::FieldTwice {
            field: Field::Email
        })
    );
    let chosen = Mapping {
        columns: vec![None, Some(Field::Email), Some(Field::DisplayName)],
    };
    let (sheet, validated) = read_all(text.as_bytes(), None, Some(&chosen)).unwrap();
    assert_eq!(sheet.mapping, chosen);
    assert_eq!(emails(&validated), ["a@home.example"]);
}

#[test]
fn a_quote_that_never_closes() {
    let text =
        "Email,Name\na@acme.example,A\nb@acme.example,\"B\nc@acme.example,C\nd@acme.example,D\n";
    assert_eq!(problem(text.as_bytes()), FileProblem::Malformed { row: 3 });
    // Closed, the same cell spanning lines is fine.
    let closed = text.replace(",C\n", ",C\"\n");
    assert_eq!(read(&closed).1.rows, 3);
}

#[test]
fn every_problem_says_what_to_do_in_both_languages() {
    let problems = [
        FileProblem::TooLarge {
            bytes: 60 * 1024 * 1024,
        },
        FileProblem::Empty,
        FileProblem::NotText {
            kind: BinaryKind::Image,
        },
        FileProblem::NotText {
            kind: BinaryKind::Archive,
        },
        FileProblem::NotText {
            kind: BinaryKind::Pdf,
        },
        FileProblem::NotText {
            kind: BinaryKind::Other,
        },
        FileProblem::HeaderOnly,
        FileProblem::TooManyRows,
        FileProblem::NoEmailColumn,
        FileProblem::FieldTwice {
            field: Field::Phone,
        },
        FileProblem::Malformed { row: 17 },
    ];
    for locale in Locale::ALL {
        for problem in &problems {
            let message = problem.message(locale);
            assert!(message.chars().count() > 10, "{problem:?}");
            assert!(!message.contains('{'), "{message}");
        }
    }
    let english = |problem: &FileProblem| problem.message(Locale::En);
    assert!(english(&problems[0]).contains("60.0 MB"));
    assert!(english(&problems[0]).contains("50 MB"));
    assert!(english(&problems[3]).contains(".xlsx"));
    assert!(english(&problems[7]).contains("200,000"));
    assert!(english(&problems[9]).contains("Phone number"));
    assert!(problems[9].message(Locale::ZhCn).contains("电话号码"));
    assert!(english(&problems[10]).contains("17"));
    assert!(problems[3].message(Locale::ZhCn).contains(".xlsx"));
}
