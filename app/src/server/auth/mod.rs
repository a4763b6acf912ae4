//! Who someone is: one-time account links, passwords, and sessions.

pub mod passwords;
pub mod sessions;
pub mod tokens;
