//! What a person may do in the portal.

use crate::locales::Key;
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

    /// Whether this role may do what `needed` may: full > user > read-only administrator > user.
    pub fn at_least(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Role::FullAdmin => 3,
            Role::UserAdmin => 2,
            Role::ReadOnlyAdmin => 1,
            Role::User => 0,
        }
    }

    pub fn label(self) -> Key {
        match self {
            Role::FullAdmin => Key::RoleFullAdmin,
            Role::UserAdmin => Key::RoleUserAdmin,
            Role::ReadOnlyAdmin => Key::RoleReadOnlyAdmin,
            Role::User => Key::RoleUser,
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

    #[test]
    fn each_role_may_do_what_the_roles_below_it_may() {
        assert!(Role::FullAdmin.at_least(Role::UserAdmin));
        assert!(Role::UserAdmin.at_least(Role::ReadOnlyAdmin));
        assert!(Role::ReadOnlyAdmin.at_least(Role::ReadOnlyAdmin));
        assert!(!Role::ReadOnlyAdmin.at_least(Role::UserAdmin));
        assert!(!Role::UserAdmin.at_least(Role::FullAdmin));
        assert!(!Role::User.at_least(Role::ReadOnlyAdmin));
    }
}
