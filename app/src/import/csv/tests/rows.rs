//! Bad cells and repeated addresses by row, and reading in chunks as reading all.

use super::*;

const HEADER: &str =
    "Email,First name,Last name,Display name,Messaging,Meetings,Calling,Phone,Ext,Language\n";

#[test]
fn every_bad_cell_is_listed_with_its_row_and_column() {
    let text = format!(
        "{HEADER}\
good@acme.example,Wei,Zhang,张伟,TRUE,no,,+86 10 5555 0100,1001,zh-CN\n\
,Na,Li,,,,,,,\n\
not-an-address,,,,maybe,,,,,\n\
\"multi@acme.example\",\"Two\nLines\",,,,,,,,\n\
after@acme.example,,,{},yes,1,x,861055550100,1,Klingon\n\
  ,  ,\n\
last@acme.example,,,\"=SUM(A1)\",是,否,off,,,English\n",
        "名".repeat(101)
    );
    let (_, validated) = read(&text);
    assert_eq!(validated.rows, 6);
    assert_eq!(
        errors(&validated),
        [
            (3, "Email", Key::CsvEmailMissing),
            (4, "Email", Key::EmailInvalid),
            (4, "Messaging", Key::CsvServiceInvalid),
            (6, "Display name", Key::NameTooLong),
            (6, "Phone", Key::CsvPhoneInvalid),
            (6, "Ext", Key::CsvExtensionInvalid),
            (6, "Language", Key::CsvLanguageInvalid),
        ],
        "row 6 follows the two-line cell of row 5"
    );
    assert_eq!(validated.errors[1].value, "not-an-address");
    assert_eq!(validated.errors[6].value, "Klingon");
    assert_eq!(validated.invalid_rows(), 3);
    assert_eq!(
        emails(&validated),
        [
            "good@acme.example",
            "multi@acme.example",
            "last@acme.example"
        ]
    );
    let good = &validated.people[0];
    assert_eq!(good.row, 2);
    assert_eq!(
        (good.first_name.as_deref(), good.last_name.as_deref()),
        (Some("Wei"), Some("Zhang"))
    );
    assert_eq!(good.display_name.as_ref().map(|n| n.as_str()), Some("张伟"));
    assert_eq!(
        good.services,
        [(Service::Messaging, true), (Service::Meetings, false)],
        "an empty cell leaves the service out"
    );
    assert_eq!(good.phone.as_deref(), Some("+861055550100"));
    assert_eq!(good.extension.as_deref(), Some("1001"));
    assert_eq!(good.language, Some(Locale::ZhCn));
    assert_eq!(validated.people[1].first_name.as_deref(), Some("Two Lines"));
    let last = &validated.people[2];
    assert_eq!(last.row, 8, "the blank row 7 still counts");
    assert_eq!(
        last.services,
        [
            (Service::Messaging, true),
            (Service::Meetings, false),
            (Service::Calling, false)
        ]
    );
    assert_eq!(last.name().unwrap().as_str(), "=SUM(A1)");
    assert_eq!(last.language, Some(Locale::En));
}

#[test]
fn names_with_control_characters_are_refused() {
    let (_, validated) = read("Email,Name\na@acme.example,\"Zhang\u{7}Wei\"\n");
    assert_eq!(errors(&validated), [(2, "Name", Key::CsvNameInvalid)]);
}

#[test]
fn an_address_given_again_points_at_the_first() {
    let text = "Email,Name\n\
a@acme.example,First A\n\
b@acme.example,B\n\
A@ACME.example,Second A\n\
c@acme.example,C,\n\
c@acme.example,Bad C,\n\
\"b@acme.example \",B again\n";
    let text = text.replace("Bad C,", &format!("{},", "名".repeat(101)));
    let (_, validated) = read(&text);
    assert_eq!(
        emails(&validated),
        ["a@acme.example", "b@acme.example", "c@acme.example"]
    );
    let duplicates: Vec<(usize, usize, &str)> = validated
        .duplicates
        .iter()
        .map(|d| (d.row, d.first_row, d.email.as_str()))
        .collect();
    assert_eq!(
        duplicates,
        [(4, 2, "a@acme.example"), (7, 3, "b@acme.example")]
    );
    assert_eq!(errors(&validated), [(6, "Name", Key::NameTooLong)]);
    // A bad row with a new address still claims it: fixing it must not lose the person.
    let (_, validated) = read("Email,Phone\nd@acme.example,12\nd@acme.example,\n");
    assert!(validated.people.is_empty());
    assert_eq!(validated.duplicates[0].first_row, 2);
}

#[test]
fn a_person_is_called_by_what_the_row_gives() {
    let (_, validated) = read(
        "Email,First name,Last name,Display name\n\
a@acme.example,Wei,Zhang,Zhang Wei (Beijing)\n\
b@acme.example,Na,Li,\n\
c@acme.example,Fang,,\n\
d@acme.example,,Chen,\n\
e@acme.example,,,\n",
    );
    assert_eq!(
        names(&validated),
        ["Zhang Wei (Beijing)", "Na Li", "Fang", "Chen", ""]
    );
    let long = "名".repeat(100);
    let (_, validated) = read(&format!(
        "Email,First name,Last name\na@acme.example,{long},{long}\n"
    ));
    assert_eq!(
        validated.people[0].name().unwrap().as_str(),
        long,
        "too long together: the first name"
    );
}

/// A larger file with a bit of everything, to read in chunks of every size.
fn mixed_file(people: usize) -> String {
    let mut text = String::from(HEADER);
    for n in 0..people {
        let line = match n % 7 {
            0 => format!(
                "p{n}@acme.example,First{n},Last{n},,TRUE,FALSE,,+86 10 5555 {n:04},{n:04},en\n"
            ),
            1 => format!("\"p{n}@acme.example\",\"Multi\nLine {n}\",,,yes,,,,,\n"),
            2 => format!("p{}@acme.example,Again,,,,,,,,\n", n - 2),
            3 => format!("bad{n},,,,maybe,,,,,\n"),
            4 => "\n,,,,,,,,,\n".to_owned(),
            5 => format!("P{n}@Acme.Example,,,名字{n},是,否,x,,,简体中文\n"),
            _ => format!("p{n}@acme.example\n"),
        };
        text.push_str(&line);
    }
    text
}

#[test]
fn reading_in_chunks_gives_what_reading_all_gives() {
    let text = mixed_file(500);
    let (sheet, all) = read(&text);
    assert!(!all.people.is_empty() && !all.errors.is_empty() && !all.duplicates.is_empty());
    for size in [1, 7, 64, 1000] {
        let mut reader = Reader::open(text.as_bytes(), None).unwrap();
        let mut validator = Validator::new(reader.headers(), &sheet.mapping).unwrap();
        loop {
            let chunk = reader.next_chunk(size).unwrap();
            if chunk.is_empty() {
                break;
            }
            assert!(chunk.len() <= size);
            validator.feed(&chunk);
        }
        assert_eq!(validator.rows_seen(), all.rows);
        assert_eq!(validator.finish(), all, "chunks of {size}");
    }
    assert!(Reader::open(text.as_bytes(), None)
        .unwrap()
        .next_chunk(0)
        .unwrap()
        .is_empty());
}

/// Not a benchmark (debug builds are slow); a guard against reading becoming quadratic.
#[test]
fn a_hundred_thousand_rows_read_in_reasonable_time() {
    let text = mixed_file(100_000);
    let started = std::time::Instant::now();
    let (_, validated) = read(&text);
    let elapsed = started.elapsed();
    assert!(validated.rows > 80_000);
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

/// What an import's start counts before it checks a file's rows: never fewer seats than the
/// checked rows take, and the same for a file of new, valid people.
#[test]
fn seats_counted_without_checking_are_never_fewer_than_the_checked_rows_take() {
    let clean = format!(
        "{HEADER}\
a@acme.example,,,,TRUE,,FALSE,,,\n\
b@acme.example,,,,no,yes,,,,\n\
c@acme.example,,,,,,x,,,\n"
    );
    let messy = format!(
        "{clean}\
a@acme.example,,,,TRUE,,,,,\n\
not-an-address,,,,maybe,,,,,\n"
    );
    let defaults = [Service::Meetings];
    let counts = |text: &str| {
        let mut reader = Reader::open(text.as_bytes(), None).unwrap();
        let mapping = guess_mapping(reader.headers());
        let mut validator = Validator::new(reader.headers(), &mapping).unwrap();
        let records = reader.next_chunk(100).unwrap();
        let unchecked = validator.seats_if_new(&records, &defaults);
        validator.feed(&records);
        let checked = crate::import::preview::seats_needed(
            &validator.finish().people,
            &Default::default(),
            false,
            &defaults,
        );
        (unchecked, checked)
    };
    let seats = |m: i64, e: i64, c: i64| {
        std::collections::BTreeMap::from([
            (Service::Messaging, m),
            (Service::Meetings, e),
            (Service::Calling, c),
        ])
    };

    // a: messaging and meetings (its default); b: meetings; c: meetings (default) and calling.
    let (unchecked, checked) = counts(&clean);
    assert_eq!(checked, seats(1, 3, 1));
    assert_eq!(unchecked, checked);

    // The repeated address and the refused row ("maybe" is not a no) count as well.
    let (unchecked, checked) = counts(&messy);
    assert_eq!(checked, seats(1, 3, 1));
    assert_eq!(unchecked, seats(3, 5, 1));
}
