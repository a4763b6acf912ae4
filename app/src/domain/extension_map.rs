//! Mapping direct lines to extensions in one click: each pool number gets the extension made of
//! its last N digits (N the extension length), even outside the extension range. What would be
//! created, what is already so, and what conflicts are decided here, before anything is written.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why a number's extension cannot be created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// The number is mapped to another extension already; it is left as it is.
    MappedOtherwise { extension: String },
    /// A person has the extension, with another number (or none).
    PersonHasIt { person: String },
    /// Another pool number is mapped to the extension.
    NumberHasIt { number: String },
    /// Other pool numbers end in the same digits: which one should have it is the admin's call.
    SameDigits { numbers: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Create,
    AlreadyMapped,
    Conflict(Conflict),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub number: String,
    pub extension: String,
    pub outcome: Outcome,
}

/// A pool number and the extension it is mapped to, if any.
pub struct PoolLine<'a> {
    pub number: &'a str,
    pub extension: Option<&'a str>,
}

/// A person's extension and the number they have (if any), by extension.
pub struct PersonLine<'a> {
    pub who: &'a str,
    pub number: Option<&'a str>,
}

/// The last `length` digits of an E.164 number.
pub fn extension_of(number: &str, length: usize) -> Option<String> {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    (length > 0 && digits.len() > length).then(|| digits[digits.len() - length..].iter().collect())
}

/// What mapping every pool number would do, in the pool's order.
pub fn plan(
    pool: &[PoolLine<'_>],
    people: &HashMap<&str, PersonLine<'_>>,
    length: usize,
) -> Vec<Mapping> {
    let mapped: HashMap<&str, &str> = pool
        .iter()
        .filter_map(|line| line.extension.map(|e| (e, line.number)))
        .collect();
    let mut wanted: HashMap<String, Vec<&str>> = HashMap::new();
    for line in pool.iter().filter(|l| l.extension.is_none()) {
        if let Some(extension) = extension_of(line.number, length) {
            wanted.entry(extension).or_default().push(line.number);
        }
    }
    pool.iter()
        .filter_map(|line| {
            let extension = extension_of(line.number, length)?;
            let outcome = match line.extension {
                Some(current) if current == extension => Outcome::AlreadyMapped,
                Some(current) => Outcome::Conflict(Conflict::MappedOtherwise {
                    extension: current.to_owned(),
                }),
                None => decide(line.number, &extension, &mapped, &wanted, people),
            };
            Some(Mapping {
                number: line.number.to_owned(),
                extension,
                outcome,
            })
        })
        .collect()
}

fn decide(
    number: &str,
    extension: &str,
    mapped: &HashMap<&str, &str>,
    wanted: &HashMap<String, Vec<&str>>,
    people: &HashMap<&str, PersonLine<'_>>,
) -> Outcome {
    if let Some(other) = mapped.get(extension) {
        return Outcome::Conflict(Conflict::NumberHasIt {
            number: (*other).to_owned(),
        });
    }
    if let Some(person) = people.get(extension) {
        if person.number != Some(number) {
            return Outcome::Conflict(Conflict::PersonHasIt {
                person: person.who.to_owned(),
            });
        }
    }
    match wanted.get(extension) {
        Some(numbers) if numbers.len() > 1 => Outcome::Conflict(Conflict::SameDigits {
            numbers: numbers
                .iter()
                .filter(|n| **n != number)
                .map(|n| (*n).to_owned())
                .collect(),
        }),
        _ => Outcome::Create,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(number: &'a str, extension: Option<&'a str>) -> PoolLine<'a> {
        PoolLine { number, extension }
    }

    #[test]
    fn the_extension_is_the_last_digits() {
        assert_eq!(extension_of("+861055550142", 4), Some("0142".into()));
        assert_eq!(extension_of("+12125550100", 6), Some("550100".into()));
        assert_eq!(extension_of("+12", 4), None);
        assert_eq!(extension_of("+861055550142", 0), None);
    }

    #[test]
    fn every_free_number_gets_its_extension_even_outside_the_range() {
        let pool = [line("+861055550100", None), line("+861055550101", None)];
        let mappings = plan(&pool, &HashMap::new(), 4);
        assert_eq!(
            mappings,
            [
                Mapping {
                    number: "+861055550100".into(),
                    extension: "0100".into(),
                    outcome: Outcome::Create
                },
                Mapping {
                    number: "+861055550101".into(),
                    extension: "0101".into(),
                    outcome: Outcome::Create
                },
            ]
        );
    }

    #[test]
    fn applying_twice_changes_nothing() {
        let pool = [line("+861055550100", Some("0100"))];
        assert_eq!(
            plan(&pool, &HashMap::new(), 4)[0].outcome,
            Outcome::AlreadyMapped
        );
    }

    #[test]
    fn conflicts_are_named() {
        let pool = [
            line("+861055550100", Some("7777")),
            line("+861055550200", None),
            line("+861066660200", None),
            line("+861055550300", None),
            line("+861055550400", None),
            line("+861055557777", None),
            line("+861055550500", None),
        ];
        let mut people = HashMap::new();
        people.insert(
            "0300",
            PersonLine {
                who: "ana@acme.example",
                number: None,
            },
        );
        // A person who has the number and its extension already is no conflict.
        people.insert(
            "0500",
            PersonLine {
                who: "bo@acme.example",
                number: Some("+861055550500"),
            },
        );
        let outcomes: Vec<Outcome> = plan(&pool, &people, 4)
            .into_iter()
            .map(|m| m.outcome)
            .collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Conflict(Conflict::MappedOtherwise {
                    extension: "7777".into()
                }),
                Outcome::Conflict(Conflict::SameDigits {
                    numbers: vec!["+861066660200".into()]
                }),
                Outcome::Conflict(Conflict::SameDigits {
                    numbers: vec!["+861055550200".into()]
                }),
                Outcome::Conflict(Conflict::PersonHasIt {
                    person: "ana@acme.example".into()
                }),
                Outcome::Create,
                Outcome::Conflict(Conflict::NumberHasIt {
                    number: "+861055550100".into()
                }),
                Outcome::Create,
            ]
        );
    }
}
