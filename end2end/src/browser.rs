//! Headless Chromium and Firefox through their WebDriver servers, and the page helpers scenarios use.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    Chromium,
    Firefox,
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
        })
    }
}

/// Whether the browser runs the page's JavaScript (and so its wasm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scripting {
    On,
    Off,
}

/// Why a scenario failed.
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

pub type Outcome = Result<(), Failure>;

const WAIT: Duration = Duration::from_secs(15);

/// A WebDriver server (chromedriver or geckodriver) on a free port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start(browser: Browser) -> Driver {
        let port = super::portal::free_port();
        let mut command = match browser {
            Browser::Chromium => {
                let mut c = Command::new("chromedriver");
                c.arg(format!("--port={port}"));
                c
            }
            Browser::Firefox => {
                let mut c = Command::new("geckodriver");
                c.args(["--port", &port.to_string()]);
                c
            }
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("could not start the {browser} WebDriver server (run scripts/setup): {e}")
            });
        let started = Instant::now();
        while reqwest::get(format!("http://127.0.0.1:{port}/status"))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < WAIT,
                "the {browser} WebDriver server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session on the portal.
pub struct Page {
    pub browser: Browser,
    pub scripting: Scripting,
    client: Client,
    base: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

fn capabilities(
    browser: Browser,
    scripting: Scripting,
    profile: &std::path::Path,
) -> Map<String, Value> {
    let value = match browser {
        Browser::Chromium => {
            let mut args = vec![
                "--headless".to_owned(),
                "--no-sandbox".into(),
                "--disable-gpu".into(),
                "--disable-quic".into(),
                "--no-first-run".into(),
                "--disable-background-networking".into(),
                "--disable-component-update".into(),
                "--disable-sync".into(),
                "--disable-dev-shm-usage".into(),
                "--window-size=1280,800".into(),
                format!("--user-data-dir={}", profile.display()),
            ];
            if scripting == Scripting::Off {
                args.push("--blink-settings=scriptEnabled=false".into());
            }
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args },
            })
        }
        Browser::Firefox => json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": "/usr/bin/firefox-esr",
                "args": ["-headless", "-width", "1280", "-height", "800"],
                "prefs": { "javascript.enabled": scripting == Scripting::On },
            },
        }),
    };
    match value {
        Value::Object(map) => map,
        _ => unreachable!("capabilities are a JSON object"),
    }
}

impl Page {
    pub async fn open(browser: Browser, scripting: Scripting, base: &str) -> Page {
        let driver = Driver::start(browser).await;
        let profile = tempfile::tempdir().expect("browser profile folder");
        let client = ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities(browser, scripting, profile.path()))
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("could not open a {browser} session: {e}"));
        Page {
            browser,
            scripting,
            client,
            base: base.to_owned(),
            _driver: driver,
            _profile: profile,
        }
    }

    /// Opens `path` on the portal, waits for its heading, and checks its accessibility.
    pub async fn visit(&self, path: &str) -> Outcome {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        self.wait_for("h1").await?;
        self.wait_until_interactive().await?;
        self.check_accessibility().await
    }

    /// Waits until the element matching `css` exists.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element, Failure> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| Failure(format!("no element {css:?}: {e}")))
    }

    /// The text of the element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String, Failure> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// Waits until the element matching `css` has exactly `expected` as its text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Outcome {
        let started = Instant::now();
        loop {
            let found = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if found.trim() == expected {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                return Err(Failure(format!(
                    "{css:?} says {found:?}, expected {expected:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element matching `css` has `needle` somewhere in its text.
    pub async fn says(&self, css: &str, needle: &str) -> Outcome {
        let started = Instant::now();
        loop {
            let found = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if found.contains(needle) {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                return Err(Failure(format!(
                    "{css:?} says {found:?}, which lacks {needle:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The current value of the form control matching `css`.
    pub async fn value(&self, css: &str) -> Result<String, Failure> {
        Ok(self
            .wait_for(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    pub async fn click(&self, css: &str) -> Outcome {
        self.wait_for(css).await?.click().await?;
        Ok(())
    }

    /// Replaces the text of the input matching `css` with `text`, typed as a person would.
    pub async fn fill(&self, css: &str, text: &str) -> Outcome {
        let input = self.wait_for(css).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Chooses the file at `path` in the file input matching `css`.
    pub async fn choose_file(&self, css: &str, path: &std::path::Path) -> Outcome {
        let input = self.wait_for(css).await?;
        input.send_keys(&path.display().to_string()).await?;
        Ok(())
    }

    /// Opens a whole address (a link from a mail), then waits as `visit` does.
    pub async fn open_link(&self, url: &str) -> Outcome {
        self.client.goto(url).await?;
        self.wait_for("h1").await?;
        self.wait_until_interactive().await?;
        self.check_accessibility().await
    }

    pub async fn select(&self, css: &str, value: &str) -> Outcome {
        self.wait_for(css).await?.select_by_value(value).await?;
        Ok(())
    }

    pub async fn attribute(&self, css: &str, name: &str) -> Result<Option<String>, Failure> {
        Ok(self.wait_for(css).await?.attr(name).await?)
    }

    /// The path of the current address.
    pub async fn path(&self) -> Result<String, Failure> {
        Ok(self.client.current_url().await?.path().to_owned())
    }

    pub async fn execute(&self, script: &str) -> Result<Value, Failure> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// With scripting on, waits until the wasm has hydrated the page (the frontend marks `<html>`
    /// when `hydrate()` returns); scenarios still prove hydration by an interaction.
    pub async fn wait_until_interactive(&self) -> Outcome {
        if self.scripting == Scripting::Off {
            return Ok(());
        }
        match self.wait_for("html[data-hydrated]").await {
            Ok(_) => Ok(()),
            // The wasm panicked: say why rather than only that it timed out.
            Err(Failure(timeout)) => match self.attribute("html", "data-panic").await {
                Ok(Some(panic)) => Err(Failure(format!("the page panicked: {panic}"))),
                _ => Err(Failure(timeout)),
            },
        }
    }

    /// Whether the wasm hydrated this page (waits briefly, so use it to prove scripting is off).
    pub async fn hydrated_within(&self, wait: Duration) -> Result<bool, Failure> {
        tokio::time::sleep(wait).await;
        Ok(!self
            .client
            .find_all(Locator::Css("html[data-hydrated]"))
            .await?
            .is_empty())
    }

    /// Runs axe-core on the page and fails on serious or critical violations.
    pub async fn check_accessibility(&self) -> Outcome {
        if self.scripting == Scripting::Off {
            // axe runs as a script; with scripting off the same pages are checked in the scenarios
            // that have it on.
            return Ok(());
        }
        let axe_path = super::workspace_root().join("node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&axe_path).map_err(|e| {
            Failure(format!(
                "{} missing (run scripts/setup): {e}",
                axe_path.display()
            ))
        })?;
        self.client.execute(&axe, vec![]).await?;
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')) }))))
                    .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await?;
        let serious: Vec<&Value> = violations
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        if serious.is_empty() {
            Ok(())
        } else {
            Err(Failure(format!(
                "accessibility violations on {}: {serious:#?}",
                self.path().await?
            )))
        }
    }

    /// Writes a PNG of the page to `path`.
    /// The whole page (the window made as tall as it, up to 5,000 pixels, for the picture).
    pub async fn screenshot(&self, path: &std::path::Path) -> Outcome {
        let (width, height) = self.client.get_window_size().await?;
        let (width, height) = (
            u32::try_from(width).unwrap_or(1280),
            u32::try_from(height).unwrap_or(800),
        );
        // The window's height includes the browser's own bars: add them, or a page a little
        // taller than the viewport is cut off.
        let tall = self
            .execute(
                "return document.documentElement.scrollHeight
                    + Math.max(0, window.outerHeight - window.innerHeight);",
            )
            .await?
            .as_u64()
            .and_then(|tall| u32::try_from(tall).ok())
            .unwrap_or(height)
            .clamp(height, 5000);
        self.client.set_window_size(width, tall).await?;
        let png = self.client.screenshot().await;
        self.client.set_window_size(width, height).await?;
        let png = png?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    async fn save_artifacts(&self, test: &str) -> PathBuf {
        let folder = super::workspace_root().join("target").join("e2e-artifacts");
        let stem = format!("{test}-{}", self.browser);
        let _ = self.screenshot(&folder.join(format!("{stem}.png"))).await;
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(folder.join(format!("{stem}.html")), html);
        }
        folder.join(stem)
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Runs `scenario` in Chromium and then Firefox, each against a fresh portal seeded by `seed`
/// (commands of the server binary, e.g. `org create`). A failure saves the screenshot and HTML.
pub async fn in_both(
    test: &str,
    scripting: Scripting,
    seed: &[&[&str]],
    scenario: impl AsyncFn(&Page, &super::Portal) -> Outcome,
) {
    for browser in [Browser::Chromium, Browser::Firefox] {
        let portal = super::Portal::start(seed).await;
        let page = Page::open(browser, scripting, &portal.url).await;
        let outcome = scenario(&page, &portal).await;
        if let Err(Failure(message)) = outcome {
            let saved = page.save_artifacts(test).await;
            page.close().await;
            panic!("{test} failed in {browser} (scripting {scripting:?}): {message}\n  artifacts: {}.png/.html", saved.display());
        }
        page.close().await;
    }
}
