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

/// The workspace's top folder. Read when the tests run (cargo sets the variable then too), not
/// baked in at build time: clones share one build folder, and a test binary built in another
/// clone must still serve this clone's site.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("end2end sits inside the workspace")
        .to_path_buf()
}
