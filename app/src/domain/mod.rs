//! Types that parse instead of validate: once a value is one of these, nothing re-checks it.

pub mod audit;
pub mod directory;
mod display_name;
mod email;
pub mod extension_map;
mod organisation;
pub mod password;
mod plan;
mod role;
pub mod self_service;
pub mod settings;
pub mod time_zones;
mod user_status;

pub use display_name::DisplayName;
pub use email::Email;
pub use organisation::{OrgId, OrgName};
pub use password::NewPassword;
pub use plan::{Licences, LicencesError, Service};
pub use role::Role;
pub use user_status::UserStatus;
