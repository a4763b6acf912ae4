//! What a person may do in the portal.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    FullAdmin,
    UserAdmin,
    ReadOnlyAdmin,
    User,
}

impl Role {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FullAdmin => "full_admin",
            Role::UserAdmin => "user_admin",
            Role::ReadOnlyAdmin => "read_only_admin",
            Role::User => "user",
        }
    }

    pub fn from_db(value: &str) -> Option<Role> {
        [
            Role::FullAdmin,
            Role::UserAdmin,
            Role::ReadOnlyAdmin,
            Role::User,
        ]
        .into_iter()
        .find(|role| role.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_values_round_trip() {
        for role in [
            Role::FullAdmin,
            Role::UserAdmin,
            Role::ReadOnlyAdmin,
            Role::User,
        ] {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_db("root"), None);
    }
}
