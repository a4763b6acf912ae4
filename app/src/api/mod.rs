//! Server functions, one file per area. Each finds who is asking and hands over to `server::`.

pub mod account;
pub mod overview;
pub mod users;
