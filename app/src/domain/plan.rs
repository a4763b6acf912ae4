//! What an organisation has bought: the services and how many people may use each.

use crate::locales::Key;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Service {
    Messaging,
    Meetings,
    Calling,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Messaging, Service::Meetings, Service::Calling];

    /// The value stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Messaging => "messaging",
            Service::Meetings => "meetings",
            Service::Calling => "calling",
        }
    }

    pub fn parse(value: &str) -> Option<Service> {
        Service::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim().to_ascii_lowercase())
    }

    /// The services whose form checkbox was ticked (a ticked box is sent, an unticked one is not).
    pub fn ticked(
        messaging: Option<String>,
        meetings: Option<String>,
        calling: Option<String>,
    ) -> Vec<Service> {
        [
            (messaging, Service::Messaging),
            (meetings, Service::Meetings),
            (calling, Service::Calling),
        ]
        .into_iter()
        .filter_map(|(ticked, service)| ticked.map(|_| service))
        .collect()
    }

    pub fn label(self) -> Key {
        match self {
            Service::Messaging => Key::ServiceMessaging,
            Service::Meetings => Key::ServiceMeetings,
            Service::Calling => Key::ServiceCalling,
        }
    }
}

/// Seats per service; a service that is absent is not part of the plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licences(BTreeMap<Service, u32>);

/// The most seats of one service a plan may hold.
pub const MAX_SEATS: u32 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LicencesError {
    #[error("{0:?} is not a service (messaging, meetings or calling)")]
    UnknownService(String),
    #[error("{0:?} is not SERVICE=COUNT")]
    Malformed(String),
    #[error("{0:?}: the count must be a whole number from 0 to 1000000")]
    BadCount(String),
    #[error("{0} is listed twice")]
    Repeated(&'static str),
    #[error("no services given")]
    Empty,
}

impl Licences {
    /// Parses `messaging=500,meetings=500,calling=200`.
    pub fn parse(input: &str) -> Result<Licences, LicencesError> {
        let mut counts = Vec::new();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, count) = part
                .split_once('=')
                .ok_or_else(|| LicencesError::Malformed(part.to_owned()))?;
            let count: u32 = count
                .trim()
                .parse()
                .map_err(|_| LicencesError::BadCount(part.to_owned()))?;
            counts.push((name, count));
        }
        Licences::from_counts(counts)
    }

    /// Builds a plan from service names and seat counts (as an API sends them).
    pub fn from_counts<'a>(
        counts: impl IntoIterator<Item = (&'a str, u32)>,
    ) -> Result<Licences, LicencesError> {
        let mut seats = BTreeMap::new();
        for (name, count) in counts {
            let service = Service::parse(name)
                .ok_or_else(|| LicencesError::UnknownService(name.trim().to_owned()))?;
            if count > MAX_SEATS {
                return Err(LicencesError::BadCount(format!(
                    "{}={count}",
                    service.as_str()
                )));
            }
            if seats.insert(service, count).is_some() {
                return Err(LicencesError::Repeated(service.as_str()));
            }
        }
        if seats.is_empty() {
            return Err(LicencesError::Empty);
        }
        Ok(Licences(seats))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Service, u32)> + '_ {
        self.0.iter().map(|(s, n)| (*s, *n))
    }

    pub fn seats(&self, service: Service) -> Option<u32> {
        self.0.get(&service).copied()
    }
}

impl fmt::Display for Licences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .iter()
            .map(|(s, n)| format!("{}={n}", s.as_str()))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_boxes_are_the_services_chosen() {
        let on = || Some("on".to_owned());
        assert_eq!(
            Service::ticked(on(), None, on()),
            [Service::Messaging, Service::Calling]
        );
        assert!(Service::ticked(None, None, None).is_empty());
    }

    #[test]
    fn parses_a_plan() {
        let plan = Licences::parse(" messaging=500, Meetings = 500 ,calling=200").unwrap();
        assert_eq!(plan.seats(Service::Messaging), Some(500));
        assert_eq!(plan.seats(Service::Meetings), Some(500));
        assert_eq!(plan.seats(Service::Calling), Some(200));
        assert_eq!(plan.to_string(), "messaging=500,meetings=500,calling=200");
        assert_eq!(
            Licences::parse("calling=0")
                .unwrap()
                .seats(Service::Messaging),
            None
        );
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(Licences::parse(""), Err(LicencesError::Empty));
        assert_eq!(
            Licences::parse("fax=3"),
            Err(LicencesError::UnknownService("fax".into()))
        );
        assert_eq!(
            Licences::parse("messaging"),
            Err(LicencesError::Malformed("messaging".into()))
        );
        assert_eq!(
            Licences::parse("messaging=-1"),
            Err(LicencesError::BadCount("messaging=-1".into()))
        );
        assert_eq!(
            Licences::parse("messaging=1000001"),
            Err(LicencesError::BadCount("messaging=1000001".into()))
        );
        assert_eq!(
            Licences::parse("messaging=1,messaging=2"),
            Err(LicencesError::Repeated("messaging"))
        );
    }
}
