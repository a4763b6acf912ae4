//! Who someone is: one-time account links now; passwords and sessions come with sign-in.

pub mod tokens;
