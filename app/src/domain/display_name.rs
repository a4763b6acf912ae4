//! The name a person is shown by: 1 to 100 characters, white space folded, any script.

use crate::locales::Key;
use serde::{Deserialize, Serialize};

pub const MAX_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, Key> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(Key::NameRequired);
        }
        if folded.chars().count() > MAX_CHARS {
            return Err(Key::NameTooLong);
        }
        if folded.chars().any(char::is_control) {
            return Err(Key::NameRequired);
        }
        Ok(DisplayName(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_white_space_and_keeps_any_script() {
        assert_eq!(
            DisplayName::parse("  Zhang   Wei \t").map(|n| n.0),
            Ok("Zhang Wei".to_owned())
        );
        assert_eq!(
            DisplayName::parse("张伟").map(|n| n.0),
            Ok("张伟".to_owned())
        );
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(DisplayName::parse(" \n "), Err(Key::NameRequired));
        assert_eq!(DisplayName::parse(&"名".repeat(101)), Err(Key::NameTooLong));
        assert!(DisplayName::parse(&"名".repeat(100)).is_ok());
        assert_eq!(DisplayName::parse("a\u{0}b"), Err(Key::NameRequired));
    }
}
