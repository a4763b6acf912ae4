use super::*;

fn emails(parsed: &Parsed) -> Vec<&str> {
    parsed.valid.iter().map(|e| e.email.as_str()).collect()
}

fn names(parsed: &Parsed) -> Vec<Option<&str>> {
    parsed
        .valid
        .iter()
        .map(|e| e.name.as_ref().map(DisplayName::as_str))
        .collect()
}

#[test]
fn one_address_per_line_with_blank_lines_and_stray_space() {
    let parsed = parse("  wei@acme.example\n\n\r\nNa.Li@Acme.example  \r\n,\n").unwrap();
    assert_eq!(emails(&parsed), ["wei@acme.example", "na.li@acme.example"]);
    assert_eq!(parsed.valid[1].line, 4, "line numbers count blank lines");
    assert!(parsed.invalid.is_empty() && parsed.duplicates.is_empty());
}

#[test]
fn name_comma_email_either_way_round_and_with_quotes() {
    let parsed = parse(
        "Zhang Wei, zhang.wei@acme.example\nli.na@acme.example, Li Na\n\"Chen, Jie\" <chen.jie@acme.example>",
    )
    .unwrap();
    assert_eq!(
        emails(&parsed),
        [
            "zhang.wei@acme.example",
            "li.na@acme.example",
            "chen.jie@acme.example"
        ]
    );
    assert_eq!(
        names(&parsed),
        [Some("Zhang Wei"), Some("Li Na"), Some("Chen, Jie")]
    );
}

#[test]
fn an_address_bar_as_copied_from_a_mail_client() {
    let parsed = parse(
        "Zhang Wei <zhang.wei@example.com>; Li Na <li.na@example.com>; wang.fang@example.com;",
    )
    .unwrap();
    assert_eq!(
        emails(&parsed),
        [
            "zhang.wei@example.com",
            "li.na@example.com",
            "wang.fang@example.com"
        ]
    );
    assert_eq!(names(&parsed), [Some("Zhang Wei"), Some("Li Na"), None]);
    assert!(parsed.valid.iter().all(|e| e.line == 1));
    // Outlook separates with commas too.
    let parsed = parse("a@example.com, b@example.com,c@example.com").unwrap();
    assert_eq!(parsed.valid.len(), 3);
}

#[test]
fn spreadsheet_columns_with_a_header_row() {
    let text = "First name\tLast name\tEmail address\nWei\tZhang\tzhang.wei@acme.example\nNa\tLi\tli.na@acme.example\n\t\t\n";
    let parsed = parse(text).unwrap();
    assert_eq!(
        emails(&parsed),
        ["zhang.wei@acme.example", "li.na@acme.example"]
    );
    assert_eq!(names(&parsed), [Some("Wei Zhang"), Some("Na Li")]);
    assert_eq!(parsed.valid[0].line, 2);
    // A Chinese header, and a column order with the address first.
    let parsed = parse("邮箱\t姓名\nwang@acme.example\t王芳").unwrap();
    assert_eq!(names(&parsed), [Some("王芳")]);
    // Only the first line can be a header; a name alone later is an error, not skipped.
    let parsed = parse("a@acme.example\nEmail\n").unwrap();
    assert_eq!(parsed.invalid[0].reason, Key::PasteNoAddress);
}

#[test]
fn full_width_punctuation_from_chinese_input_methods() {
    let parsed = parse(
        "张伟，zhang.wei＠acme.example\n李娜＜li.na＠acme.example＞；王芳　wang.fang＠acme.example",
    )
    .unwrap();
    assert_eq!(
        emails(&parsed),
        [
            "zhang.wei@acme.example",
            "li.na@acme.example",
            "wang.fang@acme.example"
        ]
    );
    assert_eq!(names(&parsed), [Some("张伟"), Some("李娜"), Some("王芳")]);
}

#[test]
fn duplicates_within_the_paste_point_at_the_first() {
    let parsed =
        parse("a@acme.example\nb@acme.example\nA@ACME.example\nName <b@acme.example>").unwrap();
    assert_eq!(emails(&parsed), ["a@acme.example", "b@acme.example"]);
    assert_eq!(
        parsed
            .duplicates
            .iter()
            .map(|d| (d.line, d.first_line))
            .collect::<Vec<_>>(),
        [(3, 1), (4, 2)]
    );
    assert_eq!(parsed.given(), 4);
}

#[test]
fn each_kind_of_bad_address_says_why_on_its_line() {
    let long_local = format!("{}@acme.example", "a".repeat(65));
    let long_whole = format!("a@{}.example", "b".repeat(250));
    let text = format!(
        "good@acme.example\nnot-an-address\nZhang Wei\nx@localhost\n{long_local}\n{long_whole}\nTwo People, a@x.example, Other, b@x.example\n{} <ok@acme.example>\n<>",
        "名".repeat(101)
    );
    let parsed = parse(&text).unwrap();
    assert_eq!(emails(&parsed), ["good@acme.example"]);
    let reasons: Vec<(usize, Key)> = parsed.invalid.iter().map(|i| (i.line, i.reason)).collect();
    assert_eq!(
        reasons,
        [
            (2, Key::PasteNoAddress),
            (3, Key::PasteNoAddress),
            (4, Key::EmailInvalid),
            (5, Key::EmailLocalPartTooLong),
            (6, Key::EmailTooLong),
            (7, Key::PasteSeveralNamesAndAddresses),
            (8, Key::PasteNameInvalid),
            (9, Key::EmailEmpty),
        ]
    );
    assert_eq!(parsed.invalid[0].text, "not-an-address");
    assert_eq!(
        parsed.lines_to_fix(&text).lines().count(),
        8,
        "every bad line is kept for the admin to fix"
    );
}

#[test]
fn internationalised_domains_are_people_too() {
    let parsed = parse("李娜 <li.na@例子.中国>\nzhang@bücher.example").unwrap();
    assert_eq!(parsed.valid.len(), 2);
}

#[test]
fn five_hundred_is_the_limit_and_more_is_refused_whole_saying_how_many() {
    let five_hundred: String = (0..500)
        .map(|n| format!("person{n}@acme.example\n"))
        .collect();
    assert_eq!(parse(&five_hundred).unwrap().valid.len(), 500);
    let more = format!("{five_hundred}one.more@acme.example");
    assert_eq!(parse(&more), Err(TooMany { given: 501 }));
    // Bad entries count too: the limit is on what was given.
    let with_bad = format!("{five_hundred}not-an-address");
    assert_eq!(parse(&with_bad), Err(TooMany { given: 501 }));
    // Several people on one line each count.
    let line: String = (0..501).map(|n| format!("p{n}@acme.example; ")).collect();
    assert_eq!(parse(&line), Err(TooMany { given: 501 }));
}

#[test]
fn nothing_at_all_is_an_empty_result() {
    assert_eq!(parse("").unwrap(), Parsed::default());
    assert_eq!(parse(" \n\t\n;;,\n").unwrap(), Parsed::default());
}
