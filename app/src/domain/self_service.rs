//! A calling user's own settings, changed on their `/me` page: voicemail, call forwarding, speed
//! dials and single number reach, and the rules each keeps. Telephone numbers are read by the
//! server (the numbering-plan metadata lives there) through the `read` function the checks take.

use crate::domain::settings::Refusals;
use crate::error::FieldError;
use crate::locales::Key;
use serde::{Deserialize, Serialize};

/// Rings before voicemail answers, or before forwarding on no answer.
pub const RINGS: (u32, u32) = (1, 10);
/// Seconds single number reach waits before ringing the other numbers.
pub const REACH_DELAY: (u32, u32) = (0, 30);
pub const MAX_SPEED_DIALS: usize = 50;
pub const MAX_REACH_NUMBERS: usize = 5;
const MAX_NAME: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub voicemail: Voicemail,
    pub forwarding: Forwarding,
    pub speed_dials: Vec<SpeedDial>,
    pub reach: Reach,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences::starting(true)
    }
}

impl Preferences {
    /// A person's settings before they change any: voicemail as the organisation chose.
    pub fn starting(voicemail_on: bool) -> Preferences {
        Preferences {
            voicemail: Voicemail {
                enabled: voicemail_on,
                rings: 4,
                email_copy: false,
            },
            forwarding: Forwarding {
                no_answer_rings: 4,
                ..Forwarding::default()
            },
            speed_dials: Vec::new(),
            reach: Reach::default(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voicemail {
    pub enabled: bool,
    pub rings: u32,
    /// A copy of each voicemail, as an attachment, to the person's address.
    pub email_copy: bool,
}

/// One forwarding rule: whether it is on, and where it sends calls (kept when it is off).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    pub enabled: bool,
    pub to: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    pub always: Forward,
    pub busy: Forward,
    pub no_answer: Forward,
    pub no_answer_rings: u32,
    pub unreachable: Forward,
}

impl Forwarding {
    /// The rules with their field names, in the order the page shows them.
    pub fn rules(&self) -> [(&'static str, Key, &Forward); 4] {
        [
            ("always", Key::ForwardAlways, &self.always),
            ("busy", Key::ForwardBusy, &self.busy),
            ("no_answer", Key::ForwardNoAnswer, &self.no_answer),
            ("unreachable", Key::ForwardUnreachable, &self.unreachable),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeedDial {
    pub name: String,
    pub number: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub numbers: Vec<ReachNumber>,
    /// The person must press a key before a call answered on another number is put through, so
    /// a mobile's own voicemail does not take it.
    pub answer_confirmation: bool,
    /// Seconds to wait before ringing the other numbers too.
    pub delay_seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachNumber {
    pub number: String,
    pub enabled: bool,
}

/// A voicemail PIN: 4 to 8 digits, not all the same digit, and not a run up or down the keypad
/// (`1234`, `8765`, `7890`), the first PINs anyone tries.
pub fn check_pin(pin: &str) -> Result<(), Key> {
    let digits: Vec<u8> = pin.bytes().collect();
    if !(4..=8).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Key::PinDigits);
    }
    if digits.iter().all(|&d| d == digits[0]) {
        return Err(Key::PinRepeated);
    }
    let steps: Vec<u8> = digits
        .windows(2)
        .map(|pair| (pair[1] + 10 - pair[0]) % 10)
        .collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == 9) {
        return Err(Key::PinSequence);
    }
    Ok(())
}

/// A whole number from `low` to `high`, or the field's refusal.
fn whole(refusals: &mut Refusals, field: &str, typed: &str, (low, high): (u32, u32)) -> u32 {
    match typed.trim().parse::<u32>() {
        Ok(n) if (low..=high).contains(&n) => n,
        _ => {
            let (low, high) = (low.to_string(), high.to_string());
            refusals.add(
                field,
                Key::SettingsNumberBetween,
                &[("low", &low), ("high", &high)],
            );
            low.parse().unwrap_or_default()
        }
    }
}

/// A number typed for `field`, read by `read`; empty is refused only when `needed`.
fn number(
    refusals: &mut Refusals,
    field: &str,
    typed: &str,
    needed: bool,
    read: &impl Fn(&str) -> Result<String, Key>,
) -> String {
    let typed = typed.trim();
    if typed.is_empty() {
        if needed {
            refusals.add(field, Key::ForwardNeedsNumber, &[]);
        }
        return String::new();
    }
    read(typed).unwrap_or_else(|reason| {
        refusals.add(field, reason, &[]);
        typed.to_owned()
    })
}

/// The voicemail section as typed.
pub fn check_voicemail(
    enabled: bool,
    rings: &str,
    email_copy: bool,
) -> Result<Voicemail, Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let rings = whole(&mut refusals, "rings", rings, RINGS);
    refusals.into_result(Voicemail {
        enabled,
        rings,
        email_copy,
    })
}

/// One forwarding rule as typed: on or off, and its number.
pub struct ForwardTyped<'a> {
    pub enabled: bool,
    pub to: &'a str,
}

/// The forwarding section as typed. A rule that is on needs a number; a rule that is off keeps
/// its number if one was typed (checked all the same, so it is right when turned on).
pub fn check_forwarding(
    rules: [ForwardTyped; 4],
    no_answer_rings: &str,
    read: impl Fn(&str) -> Result<String, Key>,
) -> Result<Forwarding, Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let [always, busy, no_answer, unreachable] = rules;
    let mut rule = |field: &str, typed: ForwardTyped| Forward {
        enabled: typed.enabled,
        to: number(&mut refusals, field, typed.to, typed.enabled, &read),
    };
    let forwarding = Forwarding {
        always: rule("always", always),
        busy: rule("busy", busy),
        no_answer: rule("no_answer", no_answer),
        unreachable: rule("unreachable", unreachable),
        no_answer_rings: 0,
    };
    let no_answer_rings = whole(&mut refusals, "no_answer_rings", no_answer_rings, RINGS);
    refusals.into_result(Forwarding {
        no_answer_rings,
        ..forwarding
    })
}

/// A speed dial as typed: a name and a number, both needed.
pub fn check_speed_dial(
    name: &str,
    typed_number: &str,
    read: impl Fn(&str) -> Result<String, Key>,
) -> Result<SpeedDial, Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let name = name.trim();
    if name.is_empty() {
        refusals.add("name", Key::SpeedDialNeedsName, &[]);
    } else if name.chars().count() > MAX_NAME {
        refusals.add("name", Key::SpeedDialNameLong, &[("most", "60")]);
    }
    let number = number(&mut refusals, "number", typed_number, true, &read);
    refusals.into_result(SpeedDial {
        name: name.to_owned(),
        number,
    })
}

/// What to do to one entry of a list (speed dials, reach numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOp {
    Save,
    Up,
    Down,
    Remove,
}

impl ListOp {
    pub fn from_form(op: &str) -> Option<ListOp> {
        match op {
            "save" => Some(ListOp::Save),
            "up" => Some(ListOp::Up),
            "down" => Some(ListOp::Down),
            "remove" => Some(ListOp::Remove),
            _ => None,
        }
    }
}

/// Applies `op` to entry `at` of `list` (`replacement` is the entry saved); false when there is
/// no such entry.
pub fn apply<T>(list: &mut Vec<T>, at: usize, op: ListOp, replacement: Option<T>) -> bool {
    if at >= list.len() {
        return false;
    }
    match op {
        ListOp::Save => {
            if let Some(entry) = replacement {
                list[at] = entry;
            }
        }
        ListOp::Up if at > 0 => list.swap(at, at - 1),
        ListOp::Down if at + 1 < list.len() => list.swap(at, at + 1),
        ListOp::Up | ListOp::Down => {}
        ListOp::Remove => {
            list.remove(at);
        }
    }
    true
}

/// The reach settings as typed.
pub fn check_reach(
    answer_confirmation: bool,
    delay_seconds: &str,
) -> Result<(bool, u32), Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let delay = whole(&mut refusals, "delay_seconds", delay_seconds, REACH_DELAY);
    refusals.into_result((answer_confirmation, delay))
}

/// A number to add to single number reach: valid, not one the person has there already, and not
/// more than the most.
pub fn check_reach_number(
    reach: &Reach,
    typed: &str,
    read: impl Fn(&str) -> Result<String, Key>,
) -> Result<String, Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let number = number(&mut refusals, "number", typed, true, &read);
    if refusals.0.is_empty() {
        if reach.numbers.iter().any(|n| n.number == number) {
            refusals.add("number", Key::ReachNumberTwice, &[]);
        } else if reach.numbers.len() >= MAX_REACH_NUMBERS {
            refusals.add("number", Key::ReachTooMany, &[("most", "5")]);
        }
    }
    refusals.into_result(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(typed: &str) -> Result<String, Key> {
        if typed.starts_with('+') && typed[1..].chars().all(|c| c.is_ascii_digit() || c == ' ') {
            Ok(typed.replace(' ', ""))
        } else {
            Err(Key::NumberInvalid)
        }
    }

    #[test]
    fn pins_need_four_to_eight_digits() {
        assert_eq!(check_pin("135"), Err(Key::PinDigits));
        assert_eq!(check_pin("135792468"), Err(Key::PinDigits));
        assert_eq!(check_pin("13a5"), Err(Key::PinDigits));
        assert_eq!(check_pin(""), Err(Key::PinDigits));
        assert_eq!(check_pin("١٢٣٤٥"), Err(Key::PinDigits), "only 0-9");
        assert_eq!(check_pin("1357"), Ok(()));
        assert_eq!(check_pin("80241357"), Ok(()));
    }

    #[test]
    fn pins_refuse_one_digit_repeated_and_runs() {
        assert_eq!(check_pin("0000"), Err(Key::PinRepeated));
        assert_eq!(check_pin("77777777"), Err(Key::PinRepeated));
        for run in ["1234", "0123", "45678", "7890", "9876", "3210", "09876543"] {
            assert_eq!(check_pin(run), Err(Key::PinSequence), "{run}");
        }
        assert_eq!(check_pin("1235"), Ok(()));
        assert_eq!(check_pin("1212"), Ok(()));
    }

    #[test]
    fn voicemail_rings_are_bounded() {
        assert!(check_voicemail(true, "4", false).is_ok());
        let refused = check_voicemail(true, "11", false).unwrap_err();
        assert_eq!(refused[0].field, "rings");
        assert!(check_voicemail(true, "x", false).is_err());
        assert!(check_voicemail(true, "0", false).is_err());
    }

    #[test]
    fn forwarding_needs_a_number_for_each_rule_that_is_on() {
        let typed = |always: &'static str, on: bool| {
            [
                ForwardTyped {
                    enabled: on,
                    to: always,
                },
                ForwardTyped {
                    enabled: false,
                    to: "",
                },
                ForwardTyped {
                    enabled: true,
                    to: "+86 10 5555 0100",
                },
                ForwardTyped {
                    enabled: false,
                    to: "nonsense",
                },
            ]
        };
        let refused = check_forwarding(typed("", true), "4", read).unwrap_err();
        let fields: Vec<(&str, Key)> = refused
            .iter()
            .map(|e| (e.field.as_str(), e.reason))
            .collect();
        assert_eq!(
            fields,
            [
                ("always", Key::ForwardNeedsNumber),
                ("unreachable", Key::NumberInvalid)
            ],
            "every problem at once, an off rule's number checked too"
        );
        let forwarding = check_forwarding(typed("", false), "4", read)
            .map_err(|e| e[0].reason)
            .unwrap_err();
        assert_eq!(forwarding, Key::NumberInvalid);
        let mut rules = typed("+1 212 555 0100", true);
        rules[3].to = "";
        let forwarding = check_forwarding(rules, "6", read).unwrap();
        assert_eq!(
            forwarding.always,
            Forward {
                enabled: true,
                to: "+12125550100".into()
            }
        );
        assert_eq!(forwarding.no_answer.to, "+861055550100");
        assert_eq!(forwarding.no_answer_rings, 6);
        assert!(!forwarding.busy.enabled);
    }

    #[test]
    fn speed_dials_need_a_name_and_a_good_number() {
        let dial = check_speed_dial("  Reception ", "+86 10 5555 0100", read).unwrap();
        assert_eq!(
            dial,
            SpeedDial {
                name: "Reception".into(),
                number: "+861055550100".into()
            }
        );
        let refused = check_speed_dial(" ", "call me", read).unwrap_err();
        assert_eq!(refused.len(), 2);
        assert_eq!(refused[0].reason, Key::SpeedDialNeedsName);
        assert_eq!(refused[1].reason, Key::NumberInvalid);
        let long = "x".repeat(61);
        assert_eq!(
            check_speed_dial(&long, "+1 1", read).unwrap_err()[0].reason,
            Key::SpeedDialNameLong
        );
    }

    #[test]
    fn list_operations_move_save_and_remove_one_entry() {
        let mut list = vec!["a", "b", "c"];
        assert!(
            apply(&mut list, 0, ListOp::Up, None),
            "the first cannot go up, but exists"
        );
        assert_eq!(list, ["a", "b", "c"]);
        apply(&mut list, 2, ListOp::Up, None);
        assert_eq!(list, ["a", "c", "b"]);
        apply(&mut list, 0, ListOp::Down, None);
        assert_eq!(list, ["c", "a", "b"]);
        apply(&mut list, 2, ListOp::Down, None);
        assert_eq!(list, ["c", "a", "b"]);
        apply(&mut list, 1, ListOp::Save, Some("z"));
        assert_eq!(list, ["c", "z", "b"]);
        apply(&mut list, 0, ListOp::Remove, None);
        assert_eq!(list, ["z", "b"]);
        assert!(!apply(&mut list, 2, ListOp::Remove, None), "no such entry");
        assert_eq!(ListOp::from_form("up"), Some(ListOp::Up));
        assert_eq!(ListOp::from_form("drop table"), None);
    }

    #[test]
    fn reach_numbers_are_valid_once_each_and_few() {
        let mut reach = Reach::default();
        assert_eq!(
            check_reach_number(&reach, "+1 212 555 0100", read).unwrap(),
            "+12125550100"
        );
        reach.numbers.push(ReachNumber {
            number: "+12125550100".into(),
            enabled: true,
        });
        assert_eq!(
            check_reach_number(&reach, "+1 212 555 0100", read).unwrap_err()[0].reason,
            Key::ReachNumberTwice
        );
        for i in 1..MAX_REACH_NUMBERS {
            reach.numbers.push(ReachNumber {
                number: format!("+1{i}"),
                enabled: false,
            });
        }
        assert_eq!(
            check_reach_number(&reach, "+44 20 7946 0000", read).unwrap_err()[0].reason,
            Key::ReachTooMany
        );
        assert_eq!(
            check_reach(true, "31").unwrap_err()[0].field,
            "delay_seconds"
        );
        assert_eq!(check_reach(true, "10").unwrap(), (true, 10));
    }

    #[test]
    fn stored_settings_missing_newer_fields_read_with_defaults() {
        let read: Preferences =
            serde_json::from_str(r#"{"voicemail":{"enabled":false,"rings":3,"email_copy":true}}"#)
                .unwrap();
        assert!(!read.voicemail.enabled);
        assert!(read.speed_dials.is_empty());
    }
}
