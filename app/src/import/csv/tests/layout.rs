//! Delimiters, quoting, line ends, blank lines and column order, with the row numbers kept.

use super::*;

#[test]
fn each_delimiter_is_recognised() {
    for (text, delimiter) in [
        (
            "Name,Email\nZhang Wei,zhang@acme.example\n",
            Delimiter::Comma,
        ),
        (
            "Name;Email\nZhang Wei;zhang@acme.example\n",
            Delimiter::Semicolon,
        ),
        (
            "Name\tEmail\nZhang Wei\tzhang@acme.example\n",
            Delimiter::Tab,
        ),
    ] {
        let (sheet, validated) = read(text);
        assert_eq!(sheet.delimiter, delimiter);
        assert_eq!(sheet.headers, ["Name", "Email"]);
        assert_eq!(names(&validated), ["Zhang Wei"]);
    }
}

#[test]
fn the_delimiter_is_the_one_every_line_has_as_many_of() {
    // European Excel: semicolons, with an unquoted comma in a name.
    let text = "Name;Email;Phone\nMüller, Hans;hans@acme.example;+49 30 5555 0100\nLi Na;li@acme.example;\n";
    assert_eq!(Delimiter::detect(text), Delimiter::Semicolon);
    assert_eq!(names(&read(text).1), ["Müller, Hans", "Li Na"]);
    // Tabs, with a comma in one name only.
    let text = "Name\tEmail\nZhang, Wei\tzhang@acme.example\nLi Na\tli@acme.example\n";
    assert_eq!(Delimiter::detect(text), Delimiter::Tab);
    // Quoted delimiters do not count; neither do blank lines nor Entra's version line.
    let text = "version:v1.0\n\n\"a;b;c\",d\n\"e;f\",g\n";
    assert_eq!(Delimiter::detect(text), Delimiter::Comma);
    let text = "\n\nversion:v1.0\nName;Email\n";
    assert_eq!(Delimiter::detect(text), Delimiter::Semicolon);
    // Ties and nothing at all: comma.
    assert_eq!(Delimiter::detect("a,b;c\n"), Delimiter::Comma);
    assert_eq!(
        Delimiter::detect("Email\nzhang@acme.example\n"),
        Delimiter::Comma
    );
    assert_eq!(Delimiter::detect(""), Delimiter::Comma);
    assert_eq!(Delimiter::Tab.as_byte(), b'\t');
}

#[test]
fn quoted_cells_hold_delimiters_quotes_and_line_breaks() {
    let text = "Display name,Email,Notes\r\n\"Zhang, Wei\",zhang@acme.example,\"said \"\"hi\"\"\"\r\n\"Li\r\nNa\",li@acme.example,\"two\nlines\"\r\nWang Fang,wang@acme.example,\r\n";
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    let records = reader.next_chunk(10).unwrap();
    let rows: Vec<usize> = records.iter().map(|record| record.row).collect();
    assert_eq!(rows, [2, 3, 4], "a multi-line cell is one row");
    assert_eq!(
        records[0].cells,
        strings(&["Zhang, Wei", "zhang@acme.example", "said \"hi\""])
    );
    assert_eq!(records[1].cells[0], "Li\r\nNa");
    assert_eq!(records[1].cells[2], "two\nlines");
    let (_, validated) = read(text);
    assert_eq!(names(&validated), ["Zhang, Wei", "Li Na", "Wang Fang"]);
}

#[test]
fn blank_lines_are_skipped_but_keep_their_row_numbers() {
    let text = "\n\nEmail,Name\n\nzhang@acme.example,Zhang Wei\n,\n   ,  \nli@acme.example,Li Na";
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    assert_eq!(reader.headers(), ["Email", "Name"]);
    let records = reader.next_chunk(10).unwrap();
    let rows: Vec<usize> = records.iter().map(|record| record.row).collect();
    assert_eq!(rows, [5, 8], "rows as a spreadsheet numbers them");
    assert!(reader.next_chunk(10).unwrap().is_empty());
    assert_eq!(read(text).1.rows, 2, "blank records are not data rows");
}

#[test]
fn line_ends_of_every_kind() {
    for text in [
        "Email,Name\r\na@acme.example,A\r\nb@acme.example,B\r\n",
        "Email,Name\na@acme.example,A\nb@acme.example,B",
        "Email,Name\ra@acme.example,A\rb@acme.example,B\r",
    ] {
        let (_, validated) = read(text);
        assert_eq!(
            emails(&validated),
            ["a@acme.example", "b@acme.example"],
            "{text:?}"
        );
        let rows: Vec<usize> = validated.people.iter().map(|person| person.row).collect();
        assert_eq!(rows, [2, 3], "{text:?}");
    }
}

#[test]
fn columns_in_any_order_short_rows_padded_and_extra_cells_kept() {
    let text = "Phone number,Email,Messaging,Last name,First name\n+86 10 5555 0100,zhang@acme.example,TRUE,Zhang,Wei,surplus\n,li@example.cn\n";
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    let records = reader.next_chunk(10).unwrap();
    assert_eq!(records[0].cells.len(), 6, "extra cell kept");
    assert_eq!(
        records[1].cells,
        strings(&["", "li@example.cn", "", "", ""])
    );
    let (sheet, validated) = read(text);
    assert_eq!(
        sheet.mapping.columns,
        [
            Some(Field::Phone),
            Some(Field::Email),
            Some(Field::Service(Service::Messaging)),
            Some(Field::LastName),
            Some(Field::FirstName)
        ]
    );
    assert!(validated.errors.is_empty());
    assert_eq!(emails(&validated), ["zhang@acme.example", "li@example.cn"]);
    let zhang = &validated.people[0];
    assert_eq!(zhang.phone.as_deref(), Some("+861055550100"));
    assert_eq!(zhang.services, [(Service::Messaging, true)]);
    assert_eq!(zhang.name().unwrap().as_str(), "Wei Zhang");
    let li = &validated.people[1];
    assert_eq!(
        (li.phone.as_ref(), li.services.len(), li.name()),
        (None, 0, None)
    );
}

#[test]
fn cells_are_trimmed() {
    let (_, validated) = read("Email , Name \n  zhang@acme.example , Zhang   Wei \n");
    assert_eq!(emails(&validated), ["zhang@acme.example"]);
    assert_eq!(names(&validated), ["Zhang Wei"]);
}

#[test]
fn progress_runs_to_one() {
    let text: String = std::iter::once("Email\n".to_owned())
        .chain((0..100).map(|n| format!("person{n}@acme.example\n")))
        .collect();
    let mut reader = Reader::open(text.as_bytes(), None).unwrap();
    let start = reader.progress();
    assert!(start > 0.0 && start < 0.1, "{start}");
    reader.next_chunk(50).unwrap();
    let half = reader.progress();
    assert!(half > 0.4 && half < 0.6, "{half}");
    while !reader.next_chunk(50).unwrap().is_empty() {}
    assert!((reader.progress() - 1.0).abs() < f64::EPSILON);
}
