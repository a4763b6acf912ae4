//! An email address as the portal stores it: trimmed, lower-cased, with a dotted domain.

use crate::locales::Key;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Email(String);

/// The longest address mail servers accept (RFC 5321 forward-path limit), in octets.
const MAX_LEN: usize = 254;
/// The longest local part (before the `@`) RFC 5321 allows, in octets.
const MAX_LOCAL_LEN: usize = 64;

impl Email {
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        if trimmed
            .rsplit_once('@')
            .is_some_and(|(local, _)| local.len() > MAX_LOCAL_LEN)
        {
            return Err(EmailError::LocalPartTooLong);
        }
        let parsed =
            email_address::EmailAddress::from_str(trimmed).map_err(|_| EmailError::Malformed)?;
        // Organisations' people live on real domains; `name@localhost` is a typo here.
        let domain = parsed.domain();
        if !domain.contains('.') || domain.starts_with('[') || domain.ends_with('.') {
            return Err(EmailError::Malformed);
        }
        Ok(Email(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("longer than 254 characters")]
    TooLong,
    #[error("the part before @ is longer than 64 characters")]
    LocalPartTooLong,
    #[error("not an email address")]
    Malformed,
}

impl EmailError {
    /// What the admin reads about it.
    pub fn reason(self) -> Key {
        match self {
            EmailError::Empty => Key::EmailEmpty,
            EmailError::TooLong => Key::EmailTooLong,
            EmailError::LocalPartTooLong => Key::EmailLocalPartTooLong,
            EmailError::Malformed => Key::EmailInvalid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_real_addresses() {
        let email = Email::parse("  Li.Wei+admin@Acme.Example.CN ").unwrap();
        assert_eq!(email.as_str(), "li.wei+admin@acme.example.cn");
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "@acme.example",
            "a@",
            "a@localhost",
            "a b@acme.example",
            "a@acme.",
            "a@[127.0.0.1]",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_overlong_addresses() {
        let long = format!("{}@acme.example", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let local = format!("{}@acme.example", "a".repeat(65));
        assert_eq!(Email::parse(&local), Err(EmailError::LocalPartTooLong));
        assert!(Email::parse(&format!("{}@acme.example", "a".repeat(64))).is_ok());
        // Octets, not characters: 22 Chinese characters are 66 octets.
        let wide = format!("{}@acme.example", "张".repeat(22));
        assert_eq!(Email::parse(&wide), Err(EmailError::LocalPartTooLong));
    }

    #[test]
    fn accepts_internationalised_domains_and_local_parts() {
        for good in ["li.na@例子.中国", "zhang@bücher.example", "张伟@example.cn"] {
            assert!(Email::parse(good).is_ok(), "{good:?} should be accepted");
        }
    }
}
