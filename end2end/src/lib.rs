//! The browser-test harness: the built portal on a free port with its own database, driven in
//! headless Chromium and Firefox over WebDriver, with an accessibility check on every page visited
//! and a screenshot and the HTML saved under `target/e2e-artifacts/` when a scenario fails.

mod browser;
pub mod flows;
mod portal;

pub use browser::{in_both, Browser, Failure, Outcome, Page, Scripting};
pub use portal::Portal;

/// Fails the scenario with `message` unless `condition` holds.
pub fn check(condition: bool, message: impl Into<String>) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(Failure(message.into()))
    }
}

/// The workspace's top folder.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("end2end sits inside the workspace")
        .to_path_buf()
}
