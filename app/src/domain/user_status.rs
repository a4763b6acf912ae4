//! Where a person is on the way from invited to signed in (or out again).

use crate::locales::Key;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserStatus {
    InvitePending,
    Active,
    Expired,
    Deactivated,
}

impl UserStatus {
    pub const ALL: [UserStatus; 4] = [
        UserStatus::Active,
        UserStatus::InvitePending,
        UserStatus::Expired,
        UserStatus::Deactivated,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::InvitePending => "invite_pending",
            UserStatus::Active => "active",
            UserStatus::Expired => "expired",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn from_db(value: &str) -> Option<UserStatus> {
        UserStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> Key {
        match self {
            UserStatus::InvitePending => Key::StatusInvitePending,
            UserStatus::Active => Key::StatusActive,
            UserStatus::Expired => Key::StatusExpired,
            UserStatus::Deactivated => Key::StatusDeactivated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_values_round_trip() {
        for status in UserStatus::ALL {
            assert_eq!(UserStatus::from_db(status.as_str()), Some(status));
        }
        assert_eq!(UserStatus::from_db("pending"), None);
    }
}
