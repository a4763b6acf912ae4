//! View pieces used by several pages.

pub mod error_panel;
pub mod layout;
