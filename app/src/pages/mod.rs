//! One module per screen.

pub mod account;
pub mod activate;
pub mod audit;
pub mod directory;
pub mod imports;
pub mod me;
pub mod not_found;
pub mod numbers;
pub mod overview;
pub mod password_reset;
pub mod services;
pub mod settings;
pub mod setup;
pub mod sign_in;
pub mod signup;
pub mod users;
pub mod welcome;
