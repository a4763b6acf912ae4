//! The paste box: one address per line, `Name, email` lines, address-bar lists
//! (`Zhang Wei <zhang.wei@example.com>; Li Na <li.na@example.com>`), spreadsheet columns
//! (tab-separated, a header row skipped), and the full-width punctuation Chinese input methods type.

use crate::domain::{DisplayName, Email};
use crate::locales::Key;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most people one paste may add.
pub const MAX_ENTRIES: usize = 500;

/// A person read from the paste, with the line they were on (1-based).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub line: usize,
    pub name: Option<DisplayName>,
    pub email: Email,
}

/// Something on a line that is not a person we can add, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    pub line: usize,
    pub text: String,
    pub reason: Key,
}

/// An address given again; the first time it was given was on `first_line`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub line: usize,
    pub first_line: usize,
    pub email: Email,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    pub valid: Vec<Entry>,
    pub invalid: Vec<Invalid>,
    pub duplicates: Vec<Duplicate>,
}

impl Parsed {
    /// How many entries the paste held, good or not.
    pub fn given(&self) -> usize {
        self.valid.len() + self.invalid.len() + self.duplicates.len()
    }

    /// The lines that need the admin's attention, as typed, to keep in the box after a submit.
    pub fn lines_to_fix(&self, text: &str) -> String {
        let mut lines: Vec<usize> = self.invalid.iter().map(|i| i.line).collect();
        lines.sort_unstable();
        lines.dedup();
        let all: Vec<&str> = text.lines().collect();
        lines
            .into_iter()
            .filter_map(|n| all.get(n - 1).map(|l| l.trim().to_owned()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// More than `MAX_ENTRIES` people in one paste: refused whole, never cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TooMany {
    pub given: usize,
}

/// Full-width and ideographic punctuation as Chinese input methods type it, made ASCII.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '＠' => '@',
            '，' | '、' => ',',
            '；' => ';',
            '＜' | '《' => '<',
            '＞' | '》' => '>',
            '\u{3000}' => ' ',
            '“' | '”' | '＂' => '"',
            '\u{200b}' | '\u{feff}' => ' ',
            other => other,
        })
        .collect()
}

/// Column titles of an address column, compared lower-cased with spaces removed.
const ADDRESS_TITLES: [&str; 8] = [
    "email",
    "e-mail",
    "emailaddress",
    "mail",
    "address",
    "邮箱",
    "电子邮件",
    "电子邮件地址",
];

/// A spreadsheet's header row: no address on it, and one of its cells titles the address column.
fn is_header(line: &str) -> bool {
    !line.contains('@')
        && line.split(['\t', ',']).any(|cell| {
            let title: String = strip_quotes(cell)
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            ADDRESS_TITLES.contains(&title.as_str())
        })
}

/// One person as written: a name maybe, and what should be an address.
struct Candidate {
    name: Option<String>,
    address: String,
}

enum Read {
    People(Vec<Candidate>),
    Refused(Key),
}

fn strip_quotes(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'').trim()
}

/// `Zhang Wei <zhang.wei@example.com>`, `zhang.wei@example.com`, or `Zhang Wei zhang.wei@example.com`.
fn read_segment(segment: &str) -> Option<Candidate> {
    let segment = segment.trim();
    if segment.is_empty() {
        return None;
    }
    if let (Some(open), Some(close)) = (segment.find('<'), segment.rfind('>')) {
        if open < close {
            let name = strip_quotes(&segment[..open]);
            return Some(Candidate {
                name: (!name.is_empty()).then(|| name.to_owned()),
                address: segment[open + 1..close].trim().to_owned(),
            });
        }
    }
    let words: Vec<&str> = segment.split_whitespace().collect();
    match words.iter().rposition(|w| w.contains('@')) {
        Some(at) if words.len() > 1 && at == words.len() - 1 => {
            let name = strip_quotes(&words[..at].join(" ")).to_owned();
            Some(Candidate {
                name: (!name.is_empty()).then_some(name),
                address: words[at].to_owned(),
            })
        }
        _ => Some(Candidate {
            name: None,
            address: segment.to_owned(),
        }),
    }
}

/// Cells with an address become people; the other cells of their row are the name.
fn read_cells(cells: &[&str]) -> Read {
    let (with_at, names): (Vec<&str>, Vec<&str>) = cells
        .iter()
        .map(|c| strip_quotes(c))
        .filter(|c| !c.is_empty())
        .partition(|c| c.contains('@'));
    match (with_at.len(), names.is_empty()) {
        (0, _) => Read::Refused(Key::PasteNoAddress),
        (1, _) => {
            let mut person = read_segment(with_at[0]).unwrap_or_else(|| Candidate {
                name: None,
                address: with_at[0].to_owned(),
            });
            if person.name.is_none() && !names.is_empty() {
                person.name = Some(names.join(" "));
            }
            Read::People(vec![person])
        }
        (_, true) => Read::People(with_at.into_iter().filter_map(read_segment).collect()),
        (_, false) => Read::Refused(Key::PasteSeveralNamesAndAddresses),
    }
}

fn read_line(line: &str) -> Read {
    if line.contains('\t') {
        let cells: Vec<&str> = line.split('\t').collect();
        return read_cells(&cells);
    }
    let mut people = Vec::new();
    for segment in line.split(';') {
        if segment.trim().is_empty() {
            continue;
        }
        // `Name <address>` may hold a comma in the name ("Zhang, Wei <...>"): keep it whole.
        if segment.contains('<') && segment.contains('>') {
            people.extend(read_segment(segment));
            continue;
        }
        let parts: Vec<&str> = segment.split(',').collect();
        match read_cells(&parts) {
            Read::People(found) => people.extend(found),
            Read::Refused(reason) => return Read::Refused(reason),
        }
    }
    Read::People(people)
}

/// Reads the whole paste. Blank lines are skipped; so is a spreadsheet header on the first line.
pub fn parse(text: &str) -> Result<Parsed, TooMany> {
    let text = normalise(text);
    let mut parsed = Parsed::default();
    let mut first_seen: HashMap<Email, usize> = HashMap::new();
    let mut first_content_line = true;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim();
        if line
            .trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .is_empty()
        {
            continue;
        }
        if std::mem::take(&mut first_content_line) && is_header(line) {
            continue;
        }
        let people = match read_line(line) {
            Read::People(people) => people,
            Read::Refused(reason) => {
                parsed.invalid.push(Invalid {
                    line: line_number,
                    text: line.to_owned(),
                    reason,
                });
                continue;
            }
        };
        for person in people {
            let email = match Email::parse(&person.address) {
                Ok(email) => email,
                Err(error) => {
                    parsed.invalid.push(Invalid {
                        line: line_number,
                        text: person.address,
                        reason: error.reason(),
                    });
                    continue;
                }
            };
            let name = match person.name.as_deref().map(DisplayName::parse) {
                None => None,
                Some(Ok(name)) => Some(name),
                Some(Err(_)) => {
                    parsed.invalid.push(Invalid {
                        line: line_number,
                        text: person.address,
                        reason: Key::PasteNameInvalid,
                    });
                    continue;
                }
            };
            if let Some(&first_line) = first_seen.get(&email) {
                parsed.duplicates.push(Duplicate {
                    line: line_number,
                    first_line,
                    email,
                });
                continue;
            }
            first_seen.insert(email.clone(), line_number);
            parsed.valid.push(Entry {
                line: line_number,
                name,
                email,
            });
        }
    }
    let given = parsed.given();
    if given > MAX_ENTRIES {
        return Err(TooMany { given });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests;
