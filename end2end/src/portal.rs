//! The portal under test: the server binary built by `cargo leptos build`, on a free port, with a
//! temporary database and mail folder. Stopped when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Portal {
    pub url: String,
    child: Child,
    dir: tempfile::TempDir,
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::workspace_root().join("target"))
}

fn server_binary() -> PathBuf {
    let binary = target_dir().join("debug").join("server");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo leptos build` before the browser tests",
        binary.display()
    );
    binary
}

fn site_root() -> PathBuf {
    let site = super::workspace_root().join("target").join("site");
    assert!(
        site.join("pkg").join("switchboard.wasm").exists(),
        "{} has no wasm: run `cargo leptos build` before the browser tests",
        site.display()
    );
    site
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Portal {
    /// Starts the portal on an empty database, after `seed` has run its commands against it.
    pub async fn start(seed: &[&[&str]]) -> Portal {
        let dir = tempfile::tempdir().expect("temporary folder");
        let port = free_port();
        let portal = |args: &[&str]| {
            let mut command = Command::new(server_binary());
            command
                .args(args)
                .env(
                    "SWITCHBOARD_DATABASE_URL",
                    format!("sqlite://{}/e2e.db", dir.path().display()),
                )
                .env(
                    "SWITCHBOARD_MAIL",
                    format!("file:{}/mail", dir.path().display()),
                )
                .env(
                    "SWITCHBOARD_TXT_RECORDS_FILE",
                    dir.path().join("txt-records"),
                )
                .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
                .env("SWITCHBOARD_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
                .env("LEPTOS_OUTPUT_NAME", "switchboard")
                .env("LEPTOS_SITE_ROOT", site_root())
                .env("LEPTOS_SITE_PKG_DIR", "pkg")
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
                .env("RUST_LOG", "warn");
            command
        };
        for args in seed {
            let output = portal(args).output().expect("run a seed command");
            assert!(
                output.status.success(),
                "seed {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let child = portal(&["serve"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(format!("{url}/healthz")).await {
                if response.status().is_success() {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the portal did not become healthy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Portal { url, child, dir }
    }

    /// The folder the portal writes its mail to.
    pub fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// Publishes a DNS TXT record where the portal looks domains up (its records file).
    pub fn publish_txt(&self, name: &str, value: &str) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("txt-records"))
            .expect("the records file");
        writeln!(file, "{name} {value}").expect("a record written");
    }

    /// Every mail the portal has written so far, oldest first.
    fn mails(&self) -> Vec<(std::time::SystemTime, String)> {
        let mut mails: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(self.mail_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let modified = entry.metadata().ok()?.modified().ok()?;
                Some((modified, std::fs::read_to_string(entry.path()).ok()?))
            })
            .collect();
        mails.sort();
        mails
    }

    /// The newest link under `path` (e.g. `/welcome/`) in the mail the portal has written, waiting
    /// for the mail worker to deliver it.
    pub async fn link_in_mail(&self, path: &str) -> String {
        self.link_in_mail_to("", path).await
    }

    /// The newest link under `path` in the mail written to `recipient` (any recipient if empty).
    pub async fn link_in_mail_to(&self, recipient: &str, path: &str) -> String {
        let mut links = self.links_in_mail_to(recipient, path, 1).await;
        links.pop().expect("at least one link")
    }

    /// Every link under `path` in the mail written to `recipient`, oldest first, once there are
    /// at least `count` (waiting for the mail worker to deliver them).
    pub async fn links_in_mail_to(&self, recipient: &str, path: &str, count: usize) -> Vec<String> {
        let to = format!("To: {recipient}");
        let started = Instant::now();
        loop {
            let mails = self.mails();
            let links: Vec<String> = mails
                .iter()
                .filter(|(_, raw)| recipient.is_empty() || raw.contains(&to))
                .filter_map(|(_, raw)| {
                    let unfolded = raw.replace("=\r\n", "").replace("=\n", "");
                    let start = unfolded.find(&format!("{}{path}", self.url))?;
                    Some(
                        unfolded[start..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || ":/.-_".contains(*c))
                            .collect::<String>(),
                    )
                })
                .collect();
            if links.len() >= count {
                return links;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "fewer than {count} mails to {recipient:?} with a {path} link in {}",
                self.mail_dir().display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Portal {
    /// The phone activation code (`1234 5678 9012 3456`) in the newest mail to `recipient` that
    /// holds one, waiting for the mail worker to deliver it.
    pub async fn activation_code_to(&self, recipient: &str) -> String {
        let to = format!("To: {recipient}");
        let started = Instant::now();
        loop {
            let mails = self.mails();
            let code = mails
                .iter()
                .rev()
                .filter(|(_, raw)| raw.contains(&to))
                .find_map(|(_, raw)| code_in(&raw.replace("=\r\n", "").replace("=\n", "")));
            if let Some(code) = code {
                return code;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no activation code mailed to {recipient:?} in {}",
                self.mail_dir().display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Four groups of four digits, space-separated, as the calling welcome writes the code.
fn code_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(19).find_map(|window| {
        let shaped = window.iter().enumerate().all(|(i, c)| {
            if i % 5 == 4 {
                *c == ' '
            } else {
                c.is_ascii_digit()
            }
        });
        shaped.then(|| window.iter().collect())
    })
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
