//! Which column of an uploaded sheet holds what: the fields we import, and guessing them from
//! the headers that Webex Control Hub, Google Workspace, Microsoft Entra and people write.

use crate::domain::Service;
use crate::locales::Key;
use serde::{Deserialize, Serialize};

/// Something about a person a column can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    FirstName,
    LastName,
    DisplayName,
    Email,
    /// Whether the person has the service: TRUE to give it, FALSE to take it away.
    Service(Service),
    Phone,
    Extension,
    Language,
}

impl Field {
    /// In the template's column order.
    pub const ALL: [Field; 10] = [
        Field::FirstName,
        Field::LastName,
        Field::DisplayName,
        Field::Email,
        Field::Service(Service::Messaging),
        Field::Service(Service::Meetings),
        Field::Service(Service::Calling),
        Field::Phone,
        Field::Extension,
        Field::Language,
    ];

    /// Where the field is in `ALL`, to keep one slot per field in arrays.
    pub(super) fn index(self) -> usize {
        match self {
            Field::FirstName => 0,
            Field::LastName => 1,
            Field::DisplayName => 2,
            Field::Email => 3,
            Field::Service(Service::Messaging) => 4,
            Field::Service(Service::Meetings) => 5,
            Field::Service(Service::Calling) => 6,
            Field::Phone => 7,
            Field::Extension => 8,
            Field::Language => 9,
        }
    }

    /// What the column mapping dropdown shows.
    pub fn label(self) -> Key {
        match self {
            Field::FirstName => Key::CsvFieldFirstName,
            Field::LastName => Key::CsvFieldLastName,
            Field::DisplayName => Key::CsvFieldDisplayName,
            Field::Email => Key::CsvFieldEmail,
            Field::Service(service) => service.label(),
            Field::Phone => Key::CsvFieldPhone,
            Field::Extension => Key::CsvFieldExtension,
            Field::Language => Key::CsvFieldLanguage,
        }
    }

    /// The column title in the template and the export. English in every language, so a file
    /// exported by one admin imports for another.
    pub fn template_header(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::DisplayName => "Display name",
            Field::Email => "Email",
            Field::Service(Service::Messaging) => "Messaging",
            Field::Service(Service::Meetings) => "Meetings",
            Field::Service(Service::Calling) => "Calling",
            Field::Phone => "Phone number",
            Field::Extension => "Extension",
            Field::Language => "Language",
        }
    }
}

/// What each column of the sheet holds: one entry per header column; `None` = ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<Option<Field>>,
}

/// Header titles per field, as `normalise` leaves them.
const ALIASES: [(Field, &[&str]); 7] = [
    (
        Field::Email,
        &[
            "email",
            "emailaddress",
            "mail",
            "useridemail",
            "userid",
            "username",
            "userprincipalname",
            "primaryemail",
            "邮箱",
            "电子邮件",
            "电子邮件地址",
            "邮件地址",
        ],
    ),
    (
        Field::FirstName,
        &["firstname", "givenname", "forename", "名", "名字"],
    ),
    (
        Field::LastName,
        &["lastname", "surname", "familyname", "姓", "姓氏"],
    ),
    (
        Field::DisplayName,
        &[
            "displayname",
            "name",
            "fullname",
            "显示名称",
            "姓名",
            "名称",
        ],
    ),
    (
        Field::Phone,
        &[
            "phone",
            "phonenumber",
            "workphone",
            "officephone",
            "telephonenumber",
            "businessphone",
            "directnumber",
            "电话",
            "电话号码",
        ],
    ),
    (Field::Extension, &["extension", "ext", "分机", "分机号"]),
    (
        Field::Language,
        &["language", "preferredlanguage", "locale", "语言"],
    ),
];

/// Lower-cased, without spaces and punctuation, and without the "Required" and "[UPLOAD ONLY]"
/// notes bulk-upload templates add.
fn normalise(title: &str) -> String {
    let squeezed: String = title
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '/' | '*' | ':' | '：' | '#')
        })
        .flat_map(char::to_lowercase)
        .collect();
    squeezed.replace("required", "").replace("uploadonly", "")
}

/// The text outside brackets, then each bracketed part: Entra writes
/// "User name [userPrincipalName] Required", Webex "User ID/Email (Required)".
fn title_parts(header: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut inside = Vec::new();
    let mut current: Option<String> = None;
    for c in header.chars() {
        match (c, current.as_mut()) {
            ('[' | '(' | '（' | '【', None) => current = Some(String::new()),
            (']' | ')' | '）' | '】', Some(_)) => inside.extend(current.take()),
            (c, Some(part)) => part.push(c),
            (c, None) => outside.push(c),
        }
    }
    // An unclosed bracket: its text is part of the title after all.
    if let Some(part) = current {
        outside.push_str(&part);
    }
    std::iter::once(outside)
        .chain(inside)
        .map(|part| normalise(&part))
        .filter(|part| !part.is_empty())
        .collect()
}

fn by_alias(part: &str) -> Option<Field> {
    ALIASES
        .iter()
        .find(|(_, aliases)| aliases.contains(&part))
        .map(|(field, _)| *field)
}

/// Licence columns: Webex exports "Basic Messaging", "Webex Meetings", "Webex Calling
/// [Professional]". "call" must be a word of its own so "Caller ID Number" stays unmapped.
fn by_service(header: &str, part: &str) -> Option<Service> {
    let words = || {
        header
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
    };
    if part.contains("messaging")
        || part.contains("消息")
        || words().any(|w| w == "message" || w == "messages")
    {
        Some(Service::Messaging)
    } else if part.contains("meeting") || part.contains("会议") {
        Some(Service::Meetings)
    } else if part.contains("calling")
        || part.contains("通话")
        || part.contains("呼叫")
        || words().any(|w| w == "call" || w == "calls")
    {
        Some(Service::Calling)
    } else {
        None
    }
}

fn guess_field(header: &str) -> Option<Field> {
    let parts = title_parts(header);
    parts.iter().find_map(|part| by_alias(part)).or_else(|| {
        parts
            .iter()
            .find_map(|part| by_service(header, part))
            .map(Field::Service)
    })
}

/// Header names matched case-, space-, punctuation-insensitively; text in [brackets] or (parens)
/// is also tried as an alias; suffixes like "Required", "[Required]", "[UPLOAD ONLY]" ignored.
/// The first column matching a field wins; later ones are None (listed as ignored).
pub fn guess_mapping(headers: &[String]) -> Mapping {
    let mut taken = [false; Field::ALL.len()];
    let columns = headers
        .iter()
        .map(|header| {
            let field = guess_field(header)?;
            (!std::mem::replace(&mut taken[field.index()], true)).then_some(field)
        })
        .collect();
    Mapping { columns }
}
