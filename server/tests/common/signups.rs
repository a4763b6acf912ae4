//! Steps the self-signup and unlicensed-user tests share: signing someone up through the form
//! (reading the link from the memory transport), and an organisation's verified domain.

use super::{browser, TestApp, PASSWORD};
use serde_json::Value;

/// The link under `path` in a delivered mail (quoted-printable soft breaks undone).
pub fn link_in(raw: &str, path: &str) -> String {
    let unfolded = raw.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded.find(path).expect("link in mail");
    unfolded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_/".contains(*c))
        .collect()
}

/// The HTML part's language, from a raw mail (quoted-printable undone as far as needed).
pub fn html_lang(raw: &str) -> Option<String> {
    let unfolded = raw
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = unfolded.find("<html lang=\"")? + "<html lang=\"".len();
    Some(
        unfolded[start..]
            .chars()
            .take_while(|c| *c != '"')
            .collect(),
    )
}

/// The token at the end of a link.
pub fn token_of(link: &str) -> String {
    link.rsplit('/').next().expect("token").to_owned()
}

/// The status and body of an answer, the body as JSON when it is.
pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

impl TestApp {
    /// Every mail delivered to `to` so far, raw.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        self.state
            .mail
            .sent()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .map(|m| m.raw)
            .collect()
    }

    /// Signs `email` up through the form and (if `confirm`) chooses `PASSWORD` behind the mailed
    /// link; the self-signup's id.
    pub async fn signed_up(&self, name: &str, email: &str, confirm: bool) -> i64 {
        let client = browser();
        let before = self.mails_to(email).len();
        self.call_as(&client, "signup/start", &[("name", name), ("email", email)])
            .await;
        let started = std::time::Instant::now();
        let raw = loop {
            if let Some(raw) = self.mails_to(email).get(before) {
                break raw.clone();
            }
            assert!(
                started.elapsed().as_secs() < 5,
                "no sign-up mail to {email}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        if confirm {
            let token = token_of(&link_in(&raw, "/signup/confirm/"));
            let answer = self
                .call_as(
                    &client,
                    "signup/confirm",
                    &[
                        ("token", &token),
                        ("password", PASSWORD),
                        ("password_again", PASSWORD),
                    ],
                )
                .await;
            assert!(answer.status().is_redirection() || answer.status().is_success());
        }
        sqlx::query_scalar("SELECT id FROM signups WHERE email = $1")
            .bind(email)
            .fetch_one(self.state.db.reader())
            .await
            .expect("the self-signup")
    }

    /// Adds domain `name` as `admin` and, if `verify`, publishes its record and verifies it; the
    /// domain's id.
    pub async fn domain(&self, admin: &reqwest::Client, name: &str, verify: bool) -> String {
        let (status, added) = json(
            self.call_as(admin, "domains/add", &[("domain", name)])
                .await,
        )
        .await;
        assert_eq!(status, 200, "{added}");
        let id = added["id"].to_string();
        if verify {
            self.dns
                .publish(name, added["record_value"].as_str().expect("record"));
            let verified = self.call_as(admin, "domains/verify", &[("id", &id)]).await;
            assert_eq!(verified.status(), 200);
        }
        id
    }
}
