//! What a sync would do, worked out before anything is written (the dry run): the directory is
//! the source of truth, so its people are added or updated, people it no longer has are
//! deactivated, and people it has again are reactivated. Administrators missing from it are kept
//! and named, so a sync can never lock the organisation out of its own portal.

use super::ldap::Person;
use crate::domain::{Role, Service, UserStatus};
use std::collections::{HashMap, HashSet};

/// A person of the organisation, as the sync compares them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: i64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub status: UserStatus,
    pub role: Role,
    pub services: Vec<Service>,
}

/// Someone whose details the directory changes, and which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub id: i64,
    pub person: Person,
    pub fields: Vec<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncPlan {
    pub add: Vec<Person>,
    pub update: Vec<Update>,
    /// Deactivated people the directory has again.
    pub reactivate: Vec<i64>,
    /// People the directory no longer has: (id, address).
    pub deactivate: Vec<(i64, String)>,
    /// Administrators the directory does not have, kept as they are.
    pub kept_admins: Vec<String>,
    /// Addresses the directory holds more than once (the first entry is used).
    pub duplicates: Vec<String>,
    pub unchanged: usize,
}

fn changed(known: &Known, person: &Person) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut compare = |name, have: &Option<String>, want: &Option<String>| {
        if want.is_some() && have != want {
            fields.push(name);
        }
    };
    compare("first_name", &known.first_name, &person.first_name);
    compare("last_name", &known.last_name, &person.last_name);
    compare("display_name", &known.display_name, &person.display_name);
    compare("phone", &known.phone, &person.phone);
    if let Some(services) = &person.services {
        let mut have = known.services.clone();
        have.sort();
        let mut want = services.clone();
        want.sort();
        if have != want {
            fields.push("services");
        }
    }
    fields
}

/// Compares the directory's people with the organisation's.
pub fn plan(directory: Vec<Person>, known: &[Known]) -> SyncPlan {
    let mut plan = SyncPlan::default();
    let by_email: HashMap<&str, &Known> = known.iter().map(|k| (k.email.as_str(), k)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    for person in directory {
        let email = person.email.as_str().to_owned();
        if !seen.insert(email.clone()) {
            if !plan.duplicates.contains(&email) {
                plan.duplicates.push(email);
            }
            continue;
        }
        match by_email.get(email.as_str()) {
            None => plan.add.push(person),
            Some(known) => {
                if known.status == UserStatus::Deactivated {
                    plan.reactivate.push(known.id);
                }
                let fields = changed(known, &person);
                if fields.is_empty() {
                    if known.status != UserStatus::Deactivated {
                        plan.unchanged += 1;
                    }
                } else {
                    plan.update.push(Update {
                        id: known.id,
                        person,
                        fields,
                    });
                }
            }
        }
    }
    for known in known {
        if seen.contains(&known.email) || known.status == UserStatus::Deactivated {
            continue;
        }
        if known.role == Role::User {
            plan.deactivate.push((known.id, known.email.clone()));
        } else {
            plan.kept_admins.push(known.email.clone());
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;

    fn person(email: &str, given: &str) -> Person {
        Person {
            dn: format!("uid={email}"),
            email: Email::parse(email).unwrap(),
            first_name: Some(given.to_owned()),
            last_name: None,
            display_name: None,
            phone: None,
            services: None,
        }
    }

    fn known(id: i64, email: &str, given: &str, status: UserStatus, role: Role) -> Known {
        Known {
            id,
            email: email.to_owned(),
            first_name: Some(given.to_owned()),
            last_name: None,
            display_name: None,
            phone: None,
            status,
            role,
            services: Vec::new(),
        }
    }

    #[test]
    fn the_directory_adds_updates_reactivates_and_deactivates() {
        let directory = vec![
            person("ana@acme.example", "Ana"),
            person("bo@acme.example", "Bo"),
            person("cy@acme.example", "Cyrus"),
            person("di@acme.example", "Di"),
            person("ana@acme.example", "Anna"),
        ];
        let org = [
            known(
                1,
                "admin@acme.example",
                "Wei",
                UserStatus::Active,
                Role::FullAdmin,
            ),
            known(2, "bo@acme.example", "Bo", UserStatus::Active, Role::User),
            known(
                3,
                "cy@acme.example",
                "Cy",
                UserStatus::InvitePending,
                Role::User,
            ),
            known(
                4,
                "di@acme.example",
                "Di",
                UserStatus::Deactivated,
                Role::User,
            ),
            known(5, "ed@acme.example", "Ed", UserStatus::Active, Role::User),
            known(
                6,
                "fay@acme.example",
                "Fay",
                UserStatus::Deactivated,
                Role::User,
            ),
        ];
        let plan = plan(directory, &org);
        assert_eq!(plan.add.len(), 1);
        assert_eq!(plan.add[0].email.as_str(), "ana@acme.example");
        assert_eq!(
            plan.add[0].first_name.as_deref(),
            Some("Ana"),
            "the first entry is used"
        );
        assert_eq!(plan.duplicates, ["ana@acme.example"]);
        assert_eq!(plan.update.len(), 1);
        assert_eq!(
            (plan.update[0].id, plan.update[0].fields.clone()),
            (3, vec!["first_name"])
        );
        assert_eq!(plan.reactivate, [4], "back in the directory");
        assert_eq!(plan.deactivate, [(5, "ed@acme.example".to_owned())]);
        assert_eq!(plan.kept_admins, ["admin@acme.example"], "never locked out");
        assert_eq!(plan.unchanged, 1, "Bo");
    }

    #[test]
    fn values_the_directory_leaves_empty_are_kept() {
        let mut bo = person("bo@acme.example", "Bo");
        bo.first_name = None;
        let org = [known(
            2,
            "bo@acme.example",
            "Bo",
            UserStatus::Active,
            Role::User,
        )];
        let plan = plan(vec![bo], &org);
        assert!(plan.update.is_empty());
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn an_empty_directory_deactivates_everyone_but_administrators() {
        let org = [
            known(
                1,
                "admin@acme.example",
                "Wei",
                UserStatus::Active,
                Role::FullAdmin,
            ),
            known(
                2,
                "bo@acme.example",
                "Bo",
                UserStatus::InvitePending,
                Role::User,
            ),
        ];
        let plan = plan(Vec::new(), &org);
        assert_eq!(plan.deactivate, [(2, "bo@acme.example".to_owned())]);
        assert_eq!(plan.kept_admins, ["admin@acme.example"]);
    }

    #[test]
    fn services_change_only_when_the_directory_manages_them() {
        let mut bo = person("bo@acme.example", "Bo");
        let mut known_bo = known(2, "bo@acme.example", "Bo", UserStatus::Active, Role::User);
        known_bo.services = vec![Service::Calling, Service::Messaging];
        assert_eq!(plan(vec![bo.clone()], &[known_bo.clone()]).unchanged, 1);
        bo.services = Some(vec![Service::Messaging, Service::Calling]);
        assert_eq!(
            plan(vec![bo.clone()], &[known_bo.clone()]).unchanged,
            1,
            "the same services in another order"
        );
        bo.services = Some(vec![Service::Messaging]);
        let plan = plan(vec![bo], &[known_bo]);
        assert_eq!(plan.update[0].fields, ["services"]);
    }
}
