//! Reading people from what admins paste or upload. Shared by the browser (live preview) and the
//! server (which parses again and decides), so both always agree.

pub mod csv;
pub mod paste;
pub mod pool;
pub mod preview;
