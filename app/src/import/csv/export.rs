//! The other direction: the template and the export an admin edits and imports again, and what
//! an imported row would change about a person the organisation already has.

use super::cells::FORMULA_STARTS;
use super::columns::Field;
use super::validate::Person;
use crate::domain::Service;
use crate::locales::Locale;
use serde::{Deserialize, Serialize};

/// A person as the organisation has them now (also what the export writes and what the preview
/// compares with).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub services: Vec<Service>,
    pub phone: Option<String>,
    pub extension: Option<String>,
    pub language: Option<Locale>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    New,
    Update,
    Unchanged,
}

/// Equal but for white space: the import folds runs of it, as names are stored.
fn same_words<'a>(a: impl IntoIterator<Item = &'a str>, b: &str) -> bool {
    a.into_iter()
        .flat_map(str::split_whitespace)
        .eq(b.split_whitespace())
}

/// The name the person is shown by now: their display name, else their first and last names.
fn existing_name(existing: &Existing) -> Vec<&str> {
    match existing.display_name.as_deref() {
        Some(name) if !name.trim().is_empty() => vec![name],
        _ => [&existing.first_name, &existing.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect(),
    }
}

/// The display name the row asks for, if it asks for one different from what the person has.
/// A display name column always counts; a name made of first and last names counts when both
/// are given (one alone says nothing about the whole name) or when the person has no name yet.
fn new_name(person: &Person, existing: &Existing) -> Option<String> {
    let current = existing_name(existing);
    let asks = person.display_name.is_some()
        || (person.first_name.is_some() && person.last_name.is_some())
        || current.is_empty();
    let wanted = person.name().filter(|_| asks)?;
    (!same_words(current, wanted.as_str())).then(|| wanted.as_str().to_owned())
}

/// Whether a given value differs from what is held; a value not given never does.
fn differs(given: Option<&str>, held: Option<&str>) -> bool {
    given.is_some_and(|given| !same_words(held, given))
}

/// New when no existing; Update when a field the person gives differs from `existing`
/// (services: a given (service, true) not held or (service, false) held); else Unchanged.
/// Fields not given never count as a change.
pub fn change(person: &Person, existing: Option<&Existing>) -> Change {
    let Some(existing) = existing else {
        return Change::New;
    };
    let updates = differs(person.first_name.as_deref(), existing.first_name.as_deref())
        || differs(person.last_name.as_deref(), existing.last_name.as_deref())
        || new_name(person, existing).is_some()
        || person
            .services
            .iter()
            .any(|(service, given)| existing.services.contains(service) != *given)
        || person
            .phone
            .as_ref()
            .is_some_and(|phone| existing.phone.as_ref() != Some(phone))
        || person
            .extension
            .as_ref()
            .is_some_and(|extension| existing.extension.as_ref() != Some(extension))
        || person
            .language
            .is_some_and(|language| existing.language != Some(language));
    if updates {
        Change::Update
    } else {
        Change::Unchanged
    }
}

/// `existing` with what the person gives applied (names, services added/removed, phone,
/// extension, language).
pub fn updated(person: &Person, existing: &Existing) -> Existing {
    let mut result = existing.clone();
    if let Some(name) = new_name(person, existing) {
        result.display_name = Some(name);
    }
    if differs(person.first_name.as_deref(), existing.first_name.as_deref()) {
        result.first_name.clone_from(&person.first_name);
    }
    if differs(person.last_name.as_deref(), existing.last_name.as_deref()) {
        result.last_name.clone_from(&person.last_name);
    }
    for &(service, given) in &person.services {
        result.services.retain(|held| *held != service);
        if given {
            result.services.push(service);
        }
    }
    result.services.sort_unstable();
    result.services.dedup();
    if person.phone.is_some() {
        result.phone.clone_from(&person.phone);
    }
    if person.extension.is_some() {
        result.extension.clone_from(&person.extension);
    }
    if person.language.is_some() {
        result.language = person.language;
    }
    result
}

/// Appends one cell: a formula-like value behind a `'` so a spreadsheet shows it rather than
/// running it, quoted when it holds a delimiter, a quote or a line break.
/// `cell`, with a quote in front when a spreadsheet would run it as a formula.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn push_cell(line: &mut String, value: &str) {
    let guard = value.starts_with(FORMULA_STARTS);
    let quoted = value.contains([',', ';', '\t', '"', '\r', '\n']);
    if quoted {
        line.push('"');
    }
    if guard {
        line.push('\'');
    }
    if quoted {
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
}

/// The header line of an export (same as the template's, CRLF-terminated, no BOM).
pub fn export_header() -> String {
    let mut line = String::with_capacity(128);
    for (index, field) in Field::ALL.into_iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        line.push_str(field.template_header());
    }
    line.push_str("\r\n");
    line
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// One export line (CRLF-terminated) for a person, services as TRUE/FALSE, cells quoted as CSV
/// needs, and every cell a spreadsheet would run as a formula prefixed with a single quote.
pub fn export_line(person: &Existing) -> String {
    let service = |service: Service| {
        if person.services.contains(&service) {
            "TRUE"
        } else {
            "FALSE"
        }
    };
    let mut line = String::with_capacity(128);
    for (index, field) in Field::ALL.into_iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        let value = match field {
            Field::FirstName => text(&person.first_name),
            Field::LastName => text(&person.last_name),
            Field::DisplayName => text(&person.display_name),
            Field::Email => &person.email,
            Field::Service(which) => service(which),
            Field::Phone => text(&person.phone),
            Field::Extension => text(&person.extension),
            Field::Language => person.language.map_or("", Locale::tag),
        };
        push_cell(&mut line, value);
    }
    line.push_str("\r\n");
    line
}

/// The template: the header and two example rows (one with a Chinese name), CRLF line ends,
/// UTF-8 with a BOM, without which Excel reads it as the system's legacy encoding.
pub fn template() -> String {
    let examples = [
        Existing {
            email: "zhang.wei@example.com".to_owned(),
            first_name: Some("伟".to_owned()),
            last_name: Some("张".to_owned()),
            display_name: Some("张伟".to_owned()),
            services: vec![Service::Messaging, Service::Meetings],
            phone: Some("+861055550100".to_owned()),
            extension: Some("1001".to_owned()),
            language: Some(Locale::ZhCn),
        },
        Existing {
            email: "alex.morgan@example.com".to_owned(),
            first_name: Some("Alex".to_owned()),
            last_name: Some("Morgan".to_owned()),
            display_name: Some("Alex Morgan".to_owned()),
            services: Service::ALL.to_vec(),
            phone: Some("+14155550100".to_owned()),
            extension: Some("2001".to_owned()),
            language: Some(Locale::En),
        },
    ];
    let mut template = String::from('\u{feff}');
    template.push_str(&export_header());
    for example in &examples {
        template.push_str(&export_line(example));
    }
    template
}
