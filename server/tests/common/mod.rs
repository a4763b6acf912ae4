//! `spawn_app()`: the real router on a free port, with a temporary SQLite file and memory mail.

#![allow(dead_code)] // each test binary uses its own part of this helper

pub mod ldap;
pub mod signups;
pub mod smtp;

use app::server::{AppState, Config};
use leptos::config::LeptosOptions;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    /// The DNS the app looks domains up in: only what a test publishes exists.
    pub dns: std::sync::Arc<app::server::settings::domains::FakeDns>,
    _stop: oneshot::Sender<()>,
    _dir: TempDir,
}

/// The application state alone (no HTTP server, no mail worker), on a database in `dir`, with
/// the given variables on top of the test defaults (memory mail).
pub async fn open_state(dir: &TempDir, public_url: &str, vars: &[(&str, &str)]) -> AppState {
    let database_url = format!("sqlite://{}", dir.path().join("test.db").display());
    let config = Config::from_lookup(|name| {
        if let Some((_, value)) = vars.iter().find(|(k, _)| *k == name) {
            return Some((*value).to_owned());
        }
        match name {
            "SWITCHBOARD_DATABASE_URL" => Some(database_url.clone()),
            "SWITCHBOARD_MAIL" => Some("memory".to_owned()),
            "SWITCHBOARD_PUBLIC_URL" => Some(public_url.to_owned()),
            _ => None,
        }
    })
    .expect("test configuration");
    let leptos_options = LeptosOptions::builder().output_name("switchboard").build();
    let mut state = AppState::open(config, leptos_options)
        .await
        .expect("app state");
    // Tests never ask the real DNS.
    state.resolver = std::sync::Arc::new(std::sync::Arc::new(
        app::server::settings::domains::FakeDns::default(),
    ));
    state
}

/// The whole application on a free port, its mail worker delivering to memory.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// `spawn_app` with configuration variables of the test's own.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    // `TEST_LOG=debug cargo test ...` shows the server's logs, each line named by its test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("TEST_LOG"))
        .with_thread_names(true)
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().expect("temporary folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    let mut state = open_state(&dir, &address, vars).await;
    let dns = std::sync::Arc::new(app::server::settings::domains::FakeDns::default());
    state.resolver = std::sync::Arc::new(dns.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let client = browser();
    TestApp {
        address,
        state,
        client,
        dns,
        _stop: stop,
        _dir: dir,
    }
}

/// A client that keeps cookies like a browser and shows redirects instead of following them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // A request that hangs fails its test instead of holding CI until its deadline.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// The fields a 422 answer refused, with each reason's catalog key (`Debug` of the `Key`).
pub async fn refused(answer: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(answer.status(), 422, "expected refused fields");
    match answer
        .json::<app::error::AppError>()
        .await
        .expect("error body")
    {
        app::error::AppError::Invalid(errors) => errors
            .into_iter()
            .map(|e| (e.field, format!("{:?}", e.reason)))
            .collect(),
        other => panic!("not a field error: {other:?}"),
    }
}

/// A password no list holds, for accounts the tests create.
pub const PASSWORD: &str = "violet tapir lantern";

impl TestApp {
    /// Calls a server function as `client` (with its cookies), the way the browser's fetch does.
    pub async fn call_as(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("server function request")
    }

    /// Provisions an organisation and creates its first administrator's account through the
    /// welcome link; returns the administrator's signed-in client.
    pub async fn admin_of(
        &self,
        org: &str,
        email: &str,
    ) -> (app::server::organisations::Provisioned, reqwest::Client) {
        self.admin_of_plan(org, email, "messaging=50,meetings=50,calling=10")
            .await
    }

    /// `admin_of` for an organisation whose plan is `licences` (`messaging=20,meetings=5`).
    pub async fn admin_of_plan(
        &self,
        org: &str,
        email: &str,
        licences: &str,
    ) -> (app::server::organisations::Provisioned, reqwest::Client) {
        let mut new = new_org(org, email);
        new.licences = app::domain::Licences::parse(licences).expect("licences");
        let provisioned = app::server::organisations::create(&self.state, &new)
            .await
            .expect("organisation created");
        let token = provisioned
            .welcome_link
            .rsplit('/')
            .next()
            .expect("token in link")
            .to_owned();
        let client = browser();
        let answer = self
            .call_as(
                &client,
                "account/create",
                &[
                    ("token", &token),
                    ("name", "First Admin"),
                    ("password", PASSWORD),
                    ("password_again", PASSWORD),
                ],
            )
            .await;
        assert!(
            answer.status().is_success() || answer.status().is_redirection(),
            "create account: {}",
            answer.status()
        );
        (provisioned, client)
    }

    /// An active user of `org` with `role` and `PASSWORD`, written straight to the database.
    pub async fn add_active_user(
        &self,
        org: app::domain::OrgId,
        email: &str,
        role: app::domain::Role,
    ) -> i64 {
        let password = app::domain::NewPassword::parse(PASSWORD, PASSWORD).expect("password");
        let hash = app::server::auth::passwords::hash(&password)
            .await
            .expect("hash");
        let mut tx = self.state.db.begin_write().await.expect("transaction");
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (org_id, email, display_name, role, status, locale, password_hash, created_at)
             VALUES ($1, $2, $2, $3, 'active', 'en', $4, 0) RETURNING id",
        )
        .bind(org.0)
        .bind(email)
        .bind(role.as_str())
        .bind(hash)
        .fetch_one(&mut *tx)
        .await
        .expect("insert user");
        tx.commit().await.expect("commit");
        id
    }

    /// Signs in as `email` with `password`; the answer and the client holding its cookie.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> (reqwest::Response, reqwest::Client) {
        let client = browser();
        let answer = self
            .call_as(
                &client,
                "account/sign-in",
                &[("email", email), ("password", password)],
            )
            .await;
        (answer, client)
    }

    /// The mail the worker has delivered, once there are at least `count` (or after 5 s).
    pub async fn wait_for_mail(&self, count: usize) -> Vec<app::server::mail::SentMail> {
        let started = std::time::Instant::now();
        loop {
            let sent = self.state.mail.sent();
            if sent.len() >= count || started.elapsed() > std::time::Duration::from_secs(5) {
                return sent;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Waits until at least `count` outbox rows are marked sent (or 5 s). The transport receives
    /// a mail a moment before the worker records it, so asserting on the row needs this.
    pub async fn wait_until_recorded_sent(&self, count: i64) {
        let started = std::time::Instant::now();
        loop {
            let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
                .fetch_one(self.state.db.reader())
                .await
                .unwrap();
            if sent >= count || started.elapsed() > std::time::Duration::from_secs(5) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Calls a server function the way the browser does (a form-encoded POST).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("server function request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    pub async fn create_org(
        &self,
        name: &str,
        admin: &str,
    ) -> app::server::organisations::Provisioned {
        app::server::organisations::create(&self.state, &new_org(name, admin))
            .await
            .expect("organisation created")
    }
}

/// Queues a welcome mail to `to` under `key`, as a provisioning command would.
pub async fn enqueue(state: &AppState, key: &str, to: &str) -> Option<i64> {
    use app::server::mail::{outbox, templates};
    let to = app::domain::Email::parse(to).expect("address");
    let mut tx = state.db.begin_write().await.expect("transaction");
    let mail = outbox::Outgoing {
        org: None,
        idempotency_key: key.to_owned(),
        kind: "welcome",
        to: &to,
        body: outbox::Body::Rendered(templates::welcome(
            app::locales::Locale::En,
            "Acme",
            "http://portal.test/welcome/secret-token",
            "2026-12-02",
        )),
    };
    let id = outbox::enqueue(&mut tx, mail, "switchboard.test", app::server::now())
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

/// An organisation to provision, with a small plan and an English-speaking administrator.
pub fn new_org(name: &str, admin: &str) -> app::server::organisations::NewOrganisation {
    app::server::organisations::NewOrganisation {
        name: app::domain::OrgName::parse(name).expect("organisation name"),
        admin: app::domain::Email::parse(admin).expect("admin email"),
        licences: app::domain::Licences::parse("messaging=50,meetings=50,calling=10")
            .expect("licences"),
        admin_locale: app::locales::Locale::En,
    }
}
