//! The organisation's settings as the wizard, the Services tab and the Settings tab edit them: each
//! form as typed (strings and ticked boxes, kept when refused) and the settings it parses into.
//! Phone numbers are parsed on the server, where the numbering metadata lives.

use super::Service;
use crate::error::FieldError;
use crate::locales::{Key, Locale};
use serde::{Deserialize, Serialize};

/// The wizard's steps, in order. The plan decides which are shown (calling needs calling seats).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SetupStep {
    Plan,
    Calling,
    Messaging,
    Enterprise,
    Users,
}

impl SetupStep {
    pub const ALL: [SetupStep; 5] = [
        SetupStep::Plan,
        SetupStep::Calling,
        SetupStep::Messaging,
        SetupStep::Enterprise,
        SetupStep::Users,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetupStep::Plan => "plan",
            SetupStep::Calling => "calling",
            SetupStep::Messaging => "messaging",
            SetupStep::Enterprise => "enterprise",
            SetupStep::Users => "users",
        }
    }

    pub fn parse(value: &str) -> Option<SetupStep> {
        SetupStep::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> Key {
        match self {
            SetupStep::Plan => Key::SetupStepPlan,
            SetupStep::Calling => Key::SetupStepCalling,
            SetupStep::Messaging => Key::SetupStepMessaging,
            SetupStep::Enterprise => Key::SetupStepEnterprise,
            SetupStep::Users => Key::SetupStepUsers,
        }
    }

    /// The service a step sets up, for the steps only a plan with that service shows.
    pub fn service(self) -> Option<Service> {
        match self {
            SetupStep::Calling => Some(Service::Calling),
            SetupStep::Messaging => Some(Service::Messaging),
            _ => None,
        }
    }

    /// The steps an organisation sees: a service's step only when its plan has the service.
    pub fn shown(plan: &[Service]) -> Vec<SetupStep> {
        SetupStep::ALL
            .into_iter()
            .filter(|s| s.service().is_none_or(|service| plan.contains(&service)))
            .collect()
    }

    pub fn next(self, plan: &[Service]) -> Option<SetupStep> {
        let steps = SetupStep::shown(plan);
        let at = steps.iter().position(|s| *s == self)?;
        steps.get(at + 1).copied()
    }

    pub fn previous(self, plan: &[Service]) -> Option<SetupStep> {
        let steps = SetupStep::shown(plan);
        let at = steps.iter().position(|s| *s == self)?;
        at.checked_sub(1).and_then(|i| steps.get(i).copied())
    }
}

/// Collects field errors, so a form is answered about every field at once.
#[derive(Default)]
pub struct Refusals(pub Vec<FieldError>);

impl Refusals {
    pub fn add(&mut self, field: &str, reason: Key, args: &[(&str, &str)]) {
        self.0.push(FieldError {
            field: field.to_owned(),
            reason,
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        });
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// A whole number from `low` to `high`, or the field's error.
fn whole_number(
    refusals: &mut Refusals,
    field: &str,
    typed: &str,
    low: u32,
    high: u32,
) -> Option<u32> {
    match typed.trim().parse::<u32>() {
        Ok(n) if (low..=high).contains(&n) => Some(n),
        _ => {
            let (low, high) = (low.to_string(), high.to_string());
            refusals.add(
                field,
                Key::SettingsNumberBetween,
                &[("low", &low), ("high", &high)],
            );
            None
        }
    }
}

/// A ticked checkbox is sent (as "on"); an unticked one is not sent at all.
fn ticked(value: &Option<String>) -> bool {
    value.is_some()
}

fn tick(on: bool) -> Option<String> {
    on.then(|| "on".to_owned())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagingSettings {
    pub file_sharing: bool,
    pub external_messaging: bool,
    /// Days messages are kept; `None` keeps them for ever.
    pub retention_days: Option<u32>,
}

impl Default for MessagingSettings {
    fn default() -> Self {
        MessagingSettings {
            file_sharing: true,
            external_messaging: false,
            retention_days: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagingForm {
    pub file_sharing: Option<String>,
    pub external_messaging: Option<String>,
    pub retention_days: String,
}

pub const MAX_RETENTION_DAYS: u32 = 3650;

impl MessagingForm {
    pub fn parse(&self) -> Result<MessagingSettings, Vec<FieldError>> {
        let mut refusals = Refusals::default();
        let retention_days = if self.retention_days.trim().is_empty() {
            None
        } else {
            whole_number(
                &mut refusals,
                "retention_days",
                &self.retention_days,
                1,
                MAX_RETENTION_DAYS,
            )
        };
        refusals.into_result(MessagingSettings {
            file_sharing: ticked(&self.file_sharing),
            external_messaging: ticked(&self.external_messaging),
            retention_days,
        })
    }
}

impl From<&MessagingSettings> for MessagingForm {
    fn from(s: &MessagingSettings) -> Self {
        MessagingForm {
            file_sharing: tick(s.file_sharing),
            external_messaging: tick(s.external_messaging),
            retention_days: s.retention_days.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingsSettings {
    pub guests_allowed: bool,
    pub recording_allowed: bool,
}

impl Default for MeetingsSettings {
    fn default() -> Self {
        MeetingsSettings {
            guests_allowed: true,
            recording_allowed: true,
        }
    }
}

/// Where calls are placed from and how extensions are numbered. The pool and caller ID are E.164
/// numbers, checked by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingSettings {
    pub location: String,
    pub time_zone: String,
    pub extension_length: u32,
    pub extension_first: String,
    pub extension_last: String,
    pub caller_id: Option<String>,
    pub voicemail_default: bool,
}

impl CallingSettings {
    /// What a new organisation starts from: its name as the location, the time zone its
    /// language suggests, four-digit extensions from 1000.
    pub fn starting(org_name: &str, locale: Locale) -> Self {
        CallingSettings {
            location: org_name.to_owned(),
            time_zone: match locale {
                Locale::ZhCn => "Asia/Shanghai",
                Locale::En => "Europe/London",
            }
            .to_owned(),
            extension_length: 4,
            extension_first: "1000".to_owned(),
            extension_last: "1999".to_owned(),
            caller_id: None,
            voicemail_default: true,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingForm {
    pub location: String,
    pub time_zone: String,
    pub extension_length: String,
    pub extension_first: String,
    pub extension_last: String,
    /// Numbers and ranges to add to the pool, one per line.
    pub numbers: String,
    pub caller_id: String,
    pub voicemail_default: Option<String>,
}

pub const MAX_LOCATION_CHARS: usize = 100;

impl CallingForm {
    /// Everything but the numbers, which the server parses (`caller_id` is returned as typed).
    pub fn parse(&self) -> Result<CallingSettings, Vec<FieldError>> {
        let mut refusals = Refusals::default();
        let location = self
            .location
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if location.is_empty() {
            refusals.add("location", Key::SettingsRequired, &[]);
        } else if location.chars().count() > MAX_LOCATION_CHARS {
            refusals.add("location", Key::SettingsTooLong, &[("max", "100")]);
        }
        let time_zone = self.time_zone.trim();
        if !super::time_zones::TIME_ZONES.contains(&time_zone) {
            refusals.add("time_zone", Key::SettingsTimeZoneUnknown, &[]);
        }
        let length = whole_number(
            &mut refusals,
            "extension_length",
            &self.extension_length,
            2,
            8,
        );
        let first = self.extension_first.trim();
        let last = self.extension_last.trim();
        if let Some(length) = length {
            let fits = |field: &str, value: &str, refusals: &mut Refusals| {
                let ok =
                    value.len() == length as usize && value.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    let length = length.to_string();
                    refusals.add(field, Key::SettingsExtensionDigits, &[("length", &length)]);
                }
                ok
            };
            let first_ok = fits("extension_first", first, &mut refusals);
            let last_ok = fits("extension_last", last, &mut refusals);
            // Same length and all digits: comparing the text compares the numbers.
            if first_ok && last_ok && first > last {
                refusals.add("extension_last", Key::SettingsExtensionOrder, &[]);
            }
        }
        let caller_id = self.caller_id.trim();
        refusals.into_result(CallingSettings {
            location,
            time_zone: time_zone.to_owned(),
            extension_length: length.unwrap_or(4),
            extension_first: first.to_owned(),
            extension_last: last.to_owned(),
            caller_id: (!caller_id.is_empty()).then(|| caller_id.to_owned()),
            voicemail_default: ticked(&self.voicemail_default),
        })
    }
}

impl From<&CallingSettings> for CallingForm {
    fn from(s: &CallingSettings) -> Self {
        CallingForm {
            location: s.location.clone(),
            time_zone: s.time_zone.clone(),
            extension_length: s.extension_length.to_string(),
            extension_first: s.extension_first.clone(),
            extension_last: s.extension_last.clone(),
            numbers: String::new(),
            caller_id: s.caller_id.clone().unwrap_or_default(),
            voicemail_default: tick(s.voicemail_default),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseSettings {
    pub display_name: super::OrgName,
    pub default_locale: Locale,
    pub invitation_days: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseForm {
    pub display_name: String,
    pub default_language: String,
    pub invitation_days: String,
}

pub const MAX_INVITATION_DAYS: u32 = 90;

impl EnterpriseForm {
    pub fn parse(&self) -> Result<EnterpriseSettings, Vec<FieldError>> {
        let mut refusals = Refusals::default();
        let display_name = match super::OrgName::parse(&self.display_name) {
            Ok(name) => Some(name),
            Err(super::organisation::OrgNameError::Empty) => {
                refusals.add("display_name", Key::SettingsRequired, &[]);
                None
            }
            Err(_) => {
                refusals.add("display_name", Key::SettingsOrgNameInvalid, &[]);
                None
            }
        };
        let default_locale = Locale::from_tag(&self.default_language);
        if default_locale.is_none() {
            refusals.add("default_language", Key::SettingsLanguageUnknown, &[]);
        }
        let days = whole_number(
            &mut refusals,
            "invitation_days",
            &self.invitation_days,
            1,
            MAX_INVITATION_DAYS,
        );
        match (display_name, default_locale, days) {
            (Some(display_name), Some(default_locale), Some(invitation_days))
                if refusals.0.is_empty() =>
            {
                Ok(EnterpriseSettings {
                    display_name,
                    default_locale,
                    invitation_days,
                })
            }
            _ => Err(refusals.0),
        }
    }
}

impl From<&EnterpriseSettings> for EnterpriseForm {
    fn from(s: &EnterpriseSettings) -> Self {
        EnterpriseForm {
            display_name: s.display_name.to_string(),
            default_language: s.default_locale.tag().to_owned(),
            invitation_days: s.invitation_days.to_string(),
        }
    }
}

/// An email domain as typed: lower-cased, without a trailing dot, at least two labels of letters,
/// digits and hyphens (internationalised names in their `xn--` form).
pub fn parse_domain(typed: &str) -> Option<String> {
    let name = typed.trim().trim_end_matches('.').to_ascii_lowercase();
    let name = name.strip_prefix('@').unwrap_or(&name).to_owned();
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|t| !t.bytes().all(|b| b.is_ascii_digit()));
    (labels.len() >= 2 && name.len() <= 253 && labels.iter().all(label_ok) && top_ok)
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: Vec<FieldError>) -> Vec<(String, Key)> {
        errors.into_iter().map(|e| (e.field, e.reason)).collect()
    }

    #[test]
    fn steps_skip_services_the_plan_lacks() {
        let all = &Service::ALL[..];
        let no_calling = &[Service::Messaging, Service::Meetings][..];
        let calling_only = &[Service::Calling][..];
        assert_eq!(SetupStep::shown(all).len(), 5);
        assert!(!SetupStep::shown(no_calling).contains(&SetupStep::Calling));
        assert!(!SetupStep::shown(calling_only).contains(&SetupStep::Messaging));
        assert_eq!(SetupStep::Plan.next(no_calling), Some(SetupStep::Messaging));
        assert_eq!(SetupStep::Plan.next(all), Some(SetupStep::Calling));
        assert_eq!(
            SetupStep::Calling.next(calling_only),
            Some(SetupStep::Enterprise)
        );
        assert_eq!(
            SetupStep::Messaging.previous(no_calling),
            Some(SetupStep::Plan)
        );
        assert_eq!(SetupStep::Messaging.previous(all), Some(SetupStep::Calling));
        assert_eq!(SetupStep::Users.next(all), None);
        assert_eq!(SetupStep::Plan.previous(all), None);
        assert_eq!(
            SetupStep::Calling.next(no_calling),
            None,
            "not shown, no neighbours"
        );
        for step in SetupStep::ALL {
            assert_eq!(SetupStep::parse(step.as_str()), Some(step));
        }
    }

    #[test]
    fn messaging_retention_is_empty_for_ever_or_a_day_count() {
        let form = MessagingForm {
            file_sharing: Some("on".into()),
            external_messaging: None,
            retention_days: " ".into(),
        };
        assert_eq!(form.parse(), Ok(MessagingSettings::default()));
        let days = |d: &str| {
            MessagingForm {
                retention_days: d.into(),
                ..MessagingForm::default()
            }
            .parse()
        };
        assert_eq!(days("30").map(|s| s.retention_days), Ok(Some(30)));
        for bad in ["0", "3651", "-1", "ten", "1.5"] {
            assert_eq!(
                days(bad).map_err(fields),
                Err(vec![("retention_days".into(), Key::SettingsNumberBetween)]),
                "{bad}"
            );
        }
        let settings = days("90").unwrap();
        assert_eq!(MessagingForm::from(&settings).parse(), Ok(settings));
    }

    fn calling() -> CallingForm {
        CallingForm::from(&CallingSettings::starting("Acme", Locale::ZhCn))
    }

    #[test]
    fn calling_starts_valid_and_round_trips() {
        let settings = calling().parse().unwrap();
        assert_eq!(settings.time_zone, "Asia/Shanghai");
        assert_eq!(CallingForm::from(&settings).parse(), Ok(settings));
    }

    #[test]
    fn calling_says_which_field_is_wrong() {
        let mut form = calling();
        form.location = "  ".into();
        form.time_zone = "Mars/Olympus".into();
        form.extension_first = "100".into();
        form.extension_last = "10a0".into();
        assert_eq!(
            form.parse().map_err(fields),
            Err(vec![
                ("location".into(), Key::SettingsRequired),
                ("time_zone".into(), Key::SettingsTimeZoneUnknown),
                ("extension_first".into(), Key::SettingsExtensionDigits),
                ("extension_last".into(), Key::SettingsExtensionDigits),
            ])
        );
        let mut form = calling();
        form.extension_first = "2000".into();
        form.extension_last = "1999".into();
        assert_eq!(
            form.parse().map_err(fields),
            Err(vec![("extension_last".into(), Key::SettingsExtensionOrder)])
        );
        let mut form = calling();
        form.extension_length = "9".into();
        assert_eq!(
            form.parse().map_err(fields),
            Err(vec![(
                "extension_length".into(),
                Key::SettingsNumberBetween
            )])
        );
    }

    #[test]
    fn enterprise_settings_parse_or_say_why_not() {
        let form = EnterpriseForm {
            display_name: "  Acme   Trading ".into(),
            default_language: "zh-CN".into(),
            invitation_days: "30".into(),
        };
        let settings = form.parse().unwrap();
        assert_eq!(settings.display_name.as_str(), "Acme Trading");
        assert_eq!(settings.default_locale, Locale::ZhCn);
        assert_eq!(EnterpriseForm::from(&settings).parse(), Ok(settings));
        let bad = EnterpriseForm {
            display_name: "".into(),
            default_language: "fr".into(),
            invitation_days: "91".into(),
        };
        assert_eq!(
            bad.parse().map_err(fields),
            Err(vec![
                ("display_name".into(), Key::SettingsRequired),
                ("default_language".into(), Key::SettingsLanguageUnknown),
                ("invitation_days".into(), Key::SettingsNumberBetween),
            ])
        );
    }

    #[test]
    fn domains_are_names_not_addresses() {
        assert_eq!(parse_domain(" Acme.Example. "), Some("acme.example".into()));
        assert_eq!(parse_domain("@acme.cn"), Some("acme.cn".into()));
        assert_eq!(parse_domain("xn--fiqs8s.cn"), Some("xn--fiqs8s.cn".into()));
        for bad in [
            "",
            "acme",
            "wang@acme.cn",
            "acme..cn",
            "-acme.cn",
            "acme.cn/x",
            "10.0.0.1",
            "中国.cn",
        ] {
            assert_eq!(parse_domain(bad), None, "{bad}");
        }
    }
}
