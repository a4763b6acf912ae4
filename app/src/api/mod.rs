//! Server functions, one file per area. Each finds who is asking and hands over to `server::`.

pub mod account;
pub mod audit;
pub mod directory;
pub mod imports;
pub mod me;
pub mod numbers;
pub mod overview;
pub mod phones;
pub mod scim;
pub mod settings;
pub mod signup;
pub mod unlicensed;
pub mod user_actions;
pub mod user_table;
pub mod users;
