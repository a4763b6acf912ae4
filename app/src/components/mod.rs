//! View pieces used by several pages.

pub mod auth_frame;
pub mod domains;
pub mod error_panel;
pub mod form;
pub mod layout;
pub mod pool_file;
pub mod provisioning;
pub mod settings;
