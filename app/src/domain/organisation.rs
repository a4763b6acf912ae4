//! An organisation's identity: its id (every tenant-scoped query takes one) and its name.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgId(pub i64);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgName(String);

const MAX_CHARS: usize = 100;

impl OrgName {
    /// Trims, folds inner runs of white space to one space, and refuses empty, overlong or
    /// control-character names.
    pub fn parse(input: &str) -> Result<OrgName, OrgNameError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(OrgNameError::Empty);
        }
        if folded.chars().count() > MAX_CHARS {
            return Err(OrgNameError::TooLong);
        }
        if folded.chars().any(char::is_control) {
            return Err(OrgNameError::ControlCharacter);
        }
        Ok(OrgName(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrgNameError {
    #[error("empty")]
    Empty,
    #[error("longer than 100 characters")]
    TooLong,
    #[error("contains a control character")]
    ControlCharacter,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_white_space() {
        assert_eq!(
            OrgName::parse("  Acme \t Trading  ").unwrap().as_str(),
            "Acme Trading"
        );
        assert_eq!(
            OrgName::parse("上海 示例 公司").unwrap().as_str(),
            "上海 示例 公司"
        );
    }

    #[test]
    fn refuses_bad_names() {
        assert_eq!(OrgName::parse(" \n "), Err(OrgNameError::Empty));
        assert_eq!(
            OrgName::parse(&"名".repeat(101)),
            Err(OrgNameError::TooLong)
        );
        assert!(OrgName::parse(&"名".repeat(100)).is_ok());
        assert_eq!(
            OrgName::parse("Acme\u{7}"),
            Err(OrgNameError::ControlCharacter)
        );
    }
}
