//! Who someone is: one-time account links, passwords, and sessions.

pub mod account;
pub mod passwords;
pub mod request;
pub mod sessions;
pub mod sign_in;
pub mod tokens;

pub use request::require;
