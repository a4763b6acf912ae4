//! One module per screen.

pub mod not_found;
pub mod overview;
pub mod services;
pub mod settings;
pub mod users;
