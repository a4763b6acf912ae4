//! A new password as the admin chose it: 8 to 128 characters, typed the same twice. No rules on
//! which kinds of characters (they make passwords worse); the server also refuses common ones.

use crate::locales::Key;
use std::fmt;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// Never printed: `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewPassword({} chars)", self.0.chars().count())
    }
}

impl NewPassword {
    pub fn parse(password: &str, again: &str) -> Result<NewPassword, Key> {
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(Key::PasswordTooShort);
        }
        if chars > MAX_CHARS {
            return Err(Key::PasswordTooLong);
        }
        if password != again {
            return Err(Key::PasswordsDiffer);
        }
        Ok(NewPassword(password.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_the_only_rule_here() {
        assert!(NewPassword::parse("correct horse", "correct horse").is_ok());
        assert!(
            NewPassword::parse("密码很长很长很长", "密码很长很长很长").is_ok(),
            "counts characters, not bytes"
        );
        assert_eq!(
            NewPassword::parse("short", "short"),
            Err(Key::PasswordTooShort)
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129), &"x".repeat(129)),
            Err(Key::PasswordTooLong)
        );
        assert!(NewPassword::parse(&"x".repeat(128), &"x".repeat(128)).is_ok());
        assert_eq!(
            NewPassword::parse("correct horse", "correct h0rse"),
            Err(Key::PasswordsDiffer)
        );
    }

    #[test]
    fn debug_does_not_show_the_password() {
        let password = NewPassword::parse("correct horse", "correct horse").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
