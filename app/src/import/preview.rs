//! What an import will do, worked out from the validated file and the people already in the
//! organisation: the browser shows it before anything is written, and the server checks the
//! licences with the same sums.

use super::csv::{self, Change, Existing, Person, Validated};
use crate::domain::Service;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How many sample rows the preview shows.
pub const SAMPLE_ROWS: usize = 10;

/// The services a new person from `person` gets: what the row says, else the defaults chosen.
pub fn services_for_new(person: &Person, defaults: &[Service]) -> Vec<Service> {
    Service::ALL
        .into_iter()
        .filter(|service| {
            person
                .services
                .iter()
                .find(|(s, _)| s == service)
                .map_or(defaults.contains(service), |(_, on)| *on)
        })
        .collect()
}

/// What applying `person` would do, given who is already in the organisation.
pub fn outcome(person: &Person, existing: Option<&Existing>, update_existing: bool) -> Change {
    match (csv::change(person, existing), update_existing) {
        (Change::Update, false) => Change::Unchanged,
        (change, _) => change,
    }
}

/// The seats of each service the import takes: one per new person getting it, and one per
/// updated person gaining it.
pub fn seats_needed(
    people: &[Person],
    known: &HashMap<String, Existing>,
    update_existing: bool,
    defaults: &[Service],
) -> BTreeMap<Service, i64> {
    let mut needed = BTreeMap::new();
    for person in people {
        let existing = known.get(person.email.as_str());
        let gained: Vec<Service> = match (outcome(person, existing, update_existing), existing) {
            (Change::New, _) => services_for_new(person, defaults),
            (Change::Update, Some(existing)) => csv::updated(person, existing)
                .services
                .into_iter()
                .filter(|s| !existing.services.contains(s))
                .collect(),
            _ => Vec::new(),
        };
        for service in gained {
            *needed.entry(service).or_insert(0) += 1;
        }
    }
    needed
}

/// The preview's counts and first rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub invalid_rows: usize,
    pub duplicates: usize,
    pub seats: BTreeMap<Service, i64>,
    pub sample: Vec<(Person, Change)>,
}

pub fn preview(
    validated: &Validated,
    known: &HashMap<String, Existing>,
    update_existing: bool,
    defaults: &[Service],
) -> Preview {
    let mut preview = Preview {
        invalid_rows: validated.invalid_rows(),
        duplicates: validated.duplicates.len(),
        seats: seats_needed(&validated.people, known, update_existing, defaults),
        ..Preview::default()
    };
    for person in &validated.people {
        let change = outcome(person, known.get(person.email.as_str()), update_existing);
        match change {
            Change::New => preview.new += 1,
            Change::Update => preview.updated += 1,
            Change::Unchanged => preview.unchanged += 1,
        }
        if preview.sample.len() < SAMPLE_ROWS {
            preview.sample.push((person.clone(), change));
        }
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv::read_all;

    fn existing(email: &str, services: &[Service]) -> Existing {
        Existing {
            email: email.to_owned(),
            display_name: Some("Old Name".to_owned()),
            services: services.to_vec(),
            ..Existing::default()
        }
    }

    #[test]
    fn counts_new_updated_and_unchanged_and_the_seats_taken() {
        let file = "Email,Display name,Calling\r\n\
                    new@example.com,New Person,\r\n\
                    old@example.com,Old Name,TRUE\r\n\
                    same@example.com,Old Name,\r\n\
                    bad-address,Someone,\r\n";
        let (_, validated) = read_all(file.as_bytes(), None, None).expect("reads");
        let known: HashMap<String, Existing> = [
            existing("old@example.com", &[Service::Messaging]),
            existing("same@example.com", &[]),
        ]
        .into_iter()
        .map(|e| (e.email.clone(), e))
        .collect();
        let defaults = [Service::Messaging];

        let updating = preview(&validated, &known, true, &defaults);
        assert_eq!(
            (
                updating.new,
                updating.updated,
                updating.unchanged,
                updating.invalid_rows
            ),
            (1, 1, 1, 1)
        );
        // The new person gets the default (the calling cell is empty); the updated one gains calling.
        assert_eq!(
            updating.seats,
            BTreeMap::from([(Service::Messaging, 1), (Service::Calling, 1)])
        );
        assert_eq!(updating.sample.len(), 3);

        let keeping = preview(&validated, &known, false, &defaults);
        assert_eq!((keeping.new, keeping.updated, keeping.unchanged), (1, 0, 2));
        assert_eq!(keeping.seats, BTreeMap::from([(Service::Messaging, 1)]));
    }
}
