//! A directory sync's configuration as the admin types it (kept when refused), and the settings it
//! parses into: where the directory is, which entries are people, which attribute holds each
//! field, which groups give which services, and how often it runs.

use super::settings::Refusals;
use super::Service;
use crate::error::FieldError;
use crate::locales::Key;
use serde::{Deserialize, Serialize};

/// How often a sync runs on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schedule {
    #[default]
    Off,
    Hourly,
    Daily,
}

impl Schedule {
    pub const ALL: [Schedule; 3] = [Schedule::Off, Schedule::Hourly, Schedule::Daily];

    pub fn as_str(self) -> &'static str {
        match self {
            Schedule::Off => "off",
            Schedule::Hourly => "hourly",
            Schedule::Daily => "daily",
        }
    }

    pub fn parse(value: &str) -> Option<Schedule> {
        Schedule::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Seconds between runs; none when off.
    pub fn every(self) -> Option<i64> {
        match self {
            Schedule::Off => None,
            Schedule::Hourly => Some(3600),
            Schedule::Daily => Some(24 * 3600),
        }
    }

    pub fn label(self) -> Key {
        match self {
            Schedule::Off => Key::DirectoryScheduleOff,
            Schedule::Hourly => Key::DirectoryScheduleHourly,
            Schedule::Daily => Key::DirectoryScheduleDaily,
        }
    }
}

/// The form as typed. The password is never sent back: empty keeps the stored one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryForm {
    pub url: String,
    pub bind_dn: String,
    pub password: String,
    pub base_dn: String,
    pub filter: String,
    pub attribute_email: String,
    pub attribute_first_name: String,
    pub attribute_last_name: String,
    pub attribute_display_name: String,
    pub attribute_phone: String,
    /// Services everyone from the directory gets.
    pub everyone: Vec<Service>,
    /// Per service, the groups (one DN per line) whose members get it.
    pub groups: Vec<(Service, String)>,
    pub schedule: String,
}

impl DirectoryForm {
    /// What a new configuration starts from: OpenLDAP's usual names.
    pub fn new_defaults() -> Self {
        DirectoryForm {
            url: "ldaps://".into(),
            filter: "(objectClass=inetOrgPerson)".into(),
            attribute_email: "mail".into(),
            attribute_first_name: "givenName".into(),
            attribute_last_name: "sn".into(),
            attribute_display_name: "displayName".into(),
            attribute_phone: "telephoneNumber".into(),
            schedule: Schedule::Off.as_str().into(),
            ..DirectoryForm::default()
        }
    }

    pub fn groups_for(&self, service: Service) -> String {
        self.groups
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    }

    /// Parses the form. `password_stored` says whether an empty password keeps one.
    pub fn parse(&self, password_stored: bool) -> Result<DirectorySettings, Vec<FieldError>> {
        let mut refusals = Refusals::default();
        let url = self.url.trim();
        let host = url
            .strip_prefix("ldaps://")
            .or_else(|| url.strip_prefix("ldap://"))
            .map(|rest| rest.trim_end_matches('/'));
        match host {
            None => refusals.add("url", Key::DirectoryUrlInvalid, &[]),
            Some(h) if h.is_empty() || h.contains(['/', ' ', '?']) => {
                refusals.add("url", Key::DirectoryUrlInvalid, &[])
            }
            Some(_) => {}
        }
        for (field, value) in [("bind_dn", &self.bind_dn), ("base_dn", &self.base_dn)] {
            if !looks_like_dn(value.trim()) {
                refusals.add(field, Key::DirectoryDnInvalid, &[("given", value.trim())]);
            }
        }
        if self.password.is_empty() && !password_stored {
            refusals.add("password", Key::DirectoryPasswordRequired, &[]);
        }
        if !balanced_filter(self.filter.trim()) {
            refusals.add("filter", Key::DirectoryFilterInvalid, &[]);
        }
        let attributes = [
            ("attribute_email", &self.attribute_email),
            ("attribute_first_name", &self.attribute_first_name),
            ("attribute_last_name", &self.attribute_last_name),
            ("attribute_display_name", &self.attribute_display_name),
            ("attribute_phone", &self.attribute_phone),
        ];
        for (field, value) in attributes {
            if !attribute_name(value.trim()) {
                refusals.add(
                    field,
                    Key::DirectoryAttributeInvalid,
                    &[("given", value.trim())],
                );
            }
        }
        let mut groups = Vec::new();
        for (service, text) in &self.groups {
            let field = group_field(*service);
            for (number, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                if looks_like_dn(line) {
                    if !groups.contains(&(*service, line.to_owned())) {
                        groups.push((*service, line.to_owned()));
                    }
                } else {
                    let number = (number + 1).to_string();
                    refusals.add(
                        field,
                        Key::DirectoryGroupInvalid,
                        &[("line", &number), ("given", line)],
                    );
                }
            }
        }
        let schedule = Schedule::parse(&self.schedule).unwrap_or_else(|| {
            refusals.add("schedule", Key::DirectoryScheduleUnknown, &[]);
            Schedule::Off
        });
        refusals.into_result(DirectorySettings {
            url: url.trim_end_matches('/').to_owned(),
            bind_dn: self.bind_dn.trim().to_owned(),
            password: (!self.password.is_empty()).then(|| self.password.clone()),
            base_dn: self.base_dn.trim().to_owned(),
            filter: self.filter.trim().to_owned(),
            attributes: attributes.map(|(_, v)| v.trim().to_owned()),
            everyone: self.everyone.clone(),
            groups,
            schedule,
        })
    }
}

/// The form field of a service's group list.
pub fn group_field(service: Service) -> &'static str {
    match service {
        Service::Messaging => "groups_messaging",
        Service::Meetings => "groups_meetings",
        Service::Calling => "groups_calling",
    }
}

/// A parsed configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectorySettings {
    pub url: String,
    pub bind_dn: String,
    /// None keeps the stored password.
    pub password: Option<String>,
    pub base_dn: String,
    pub filter: String,
    /// email, first name, last name, display name, phone.
    pub attributes: [String; 5],
    pub everyone: Vec<Service>,
    pub groups: Vec<(Service, String)>,
    pub schedule: Schedule,
}

/// `name=value` parts separated by commas, such as `cn=admin,dc=acme,dc=example`.
fn looks_like_dn(value: &str) -> bool {
    !value.is_empty()
        && value.split(',').all(|part| {
            part.split_once('=')
                .is_some_and(|(name, v)| !name.trim().is_empty() && !v.trim().is_empty())
        })
}

/// An LDAP attribute: a name (letters, digits, hyphens, starting with a letter) or an OID.
fn attribute_name(value: &str) -> bool {
    let name = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let oid = !value.is_empty()
        && value
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    name || oid
}

/// A search filter: wrapped in parentheses that balance.
fn balanced_filter(filter: &str) -> bool {
    if !(filter.starts_with('(') && filter.ends_with(')')) {
        return false;
    }
    let mut depth = 0i32;
    for c in filter.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> DirectoryForm {
        DirectoryForm {
            url: "ldap://127.0.0.1:3389".into(),
            bind_dn: "cn=admin,dc=acme,dc=example".into(),
            password: "directory-secret".into(),
            base_dn: "dc=acme,dc=example".into(),
            groups: vec![(
                Service::Calling,
                "cn=phones,ou=groups,dc=acme,dc=example\n\n".into(),
            )],
            ..DirectoryForm::new_defaults()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, Key)> {
        errors.into_iter().map(|e| (e.field, e.reason)).collect()
    }

    #[test]
    fn a_good_form_parses() {
        let settings = good().parse(false).unwrap();
        assert_eq!(settings.url, "ldap://127.0.0.1:3389");
        assert_eq!(settings.password.as_deref(), Some("directory-secret"));
        assert_eq!(settings.attributes[0], "mail");
        assert_eq!(
            settings.groups,
            vec![(
                Service::Calling,
                "cn=phones,ou=groups,dc=acme,dc=example".to_owned()
            )]
        );
        assert_eq!(settings.schedule, Schedule::Off);
    }

    #[test]
    fn an_empty_password_keeps_a_stored_one_and_is_needed_without() {
        let form = DirectoryForm {
            password: String::new(),
            ..good()
        };
        assert_eq!(form.parse(true).unwrap().password, None);
        assert_eq!(
            fields(form.parse(false).unwrap_err()),
            vec![("password".to_owned(), Key::DirectoryPasswordRequired)]
        );
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let form = DirectoryForm {
            url: "http://directory".into(),
            bind_dn: "admin".into(),
            base_dn: "".into(),
            filter: "objectClass=person".into(),
            attribute_email: "e mail".into(),
            groups: vec![(Service::Meetings, "cn=ok,dc=x\nsales team".into())],
            schedule: "weekly".into(),
            ..good()
        };
        let errors = form.parse(true).unwrap_err();
        let group = errors
            .iter()
            .find(|e| e.field == "groups_meetings")
            .unwrap();
        assert!(group.args.contains(&("line".into(), "2".into())));
        assert_eq!(
            fields(errors),
            vec![
                ("url".to_owned(), Key::DirectoryUrlInvalid),
                ("bind_dn".to_owned(), Key::DirectoryDnInvalid),
                ("base_dn".to_owned(), Key::DirectoryDnInvalid),
                ("filter".to_owned(), Key::DirectoryFilterInvalid),
                ("attribute_email".to_owned(), Key::DirectoryAttributeInvalid),
                ("groups_meetings".to_owned(), Key::DirectoryGroupInvalid),
                ("schedule".to_owned(), Key::DirectoryScheduleUnknown),
            ]
        );
    }

    #[test]
    fn filters_must_balance_and_attributes_may_be_oids() {
        assert!(balanced_filter(
            "(&(objectCategory=person)(objectClass=user))"
        ));
        assert!(!balanced_filter("(&(objectClass=user)"));
        assert!(!balanced_filter(")("));
        assert!(attribute_name("userPrincipalName"));
        assert!(attribute_name("2.5.4.3"));
        assert!(!attribute_name("1mail"));
        assert!(!attribute_name(""));
        assert!(!looks_like_dn("cn=,dc=x"));
        assert!(looks_like_dn("CN=Sales Team,OU=Groups,DC=acme,DC=example"));
    }
}
