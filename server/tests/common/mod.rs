//! `spawn_app()`: the real router on a free port, with a temporary SQLite file and memory mail.

#![allow(dead_code)] // each test binary uses its own part of this helper

pub mod smtp;

use app::server::{AppState, Config};
use leptos::config::LeptosOptions;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
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
    AppState::open(config, leptos_options)
        .await
        .expect("app state")
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
    let state = open_state(&dir, &address, vars).await;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A request that hangs fails its test instead of holding CI until its deadline.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client");
    TestApp {
        address,
        state,
        client,
        _stop: stop,
        _dir: dir,
    }
}

impl TestApp {
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
        rendered: templates::welcome(
            app::locales::Locale::En,
            "Acme",
            "http://portal.test/welcome/secret-token",
            "2026-12-02",
        ),
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
