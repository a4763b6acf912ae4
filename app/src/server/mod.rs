//! Everything that runs only on the server: state, configuration, database, mail, and the plain
//! async functions the server functions call. Compiled only with the `ssr` feature.

pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod config;
pub mod db;
pub mod directory;
pub mod error;
pub mod export;
pub mod imports;
pub mod invitations;
pub mod mail;
pub mod numbers;
pub mod organisations;
pub mod overview;
pub mod phones;
pub mod request_id;
pub mod scim;
pub mod sealing;
pub mod self_service;
pub mod settings;
pub mod signup;
pub mod unlicensed;
pub mod user_actions;
pub mod user_table;
pub mod users;

pub use auth::require;

use crate::error::AppError;
use leptos::prelude::use_context;

pub use config::Config;
pub use db::Db;
pub use mail::Mailer;

/// What every request can reach: passed through axum `State` and Leptos context, never global.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub mail: Mailer,
    pub config: std::sync::Arc<Config>,
    /// Looks up the DNS TXT records that verify an organisation's email domains.
    pub resolver: std::sync::Arc<dyn settings::domains::TxtResolver>,
    /// Seals and opens stored secrets (a directory's bind password).
    pub sealer: sealing::Sealer,
    pub leptos_options: leptos::config::LeptosOptions,
}

impl axum::extract::FromRef<AppState> for leptos::config::LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, as a server function finds it in context.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| error::internal("AppState missing from context"))
}

/// Seconds since the Unix epoch: how every timestamp is stored.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Why the server could not start, said so an operator knows what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not open the database {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("could not apply the database migrations: {0}")]
    Migrations(#[from] sqlx::migrate::MigrateError),
    #[error("could not set up the mail transport: {0}")]
    Mail(#[from] std::io::Error),
    #[error("could not read or make the secret key: {0}")]
    SecretKey(std::io::Error),
}

impl AppState {
    /// Opens the database (applying migrations) and the mail transport.
    pub async fn open(
        config: Config,
        leptos_options: leptos::config::LeptosOptions,
    ) -> Result<AppState, StartError> {
        let db =
            Db::connect(&config.database_url)
                .await
                .map_err(|source| StartError::Database {
                    url: config.database_url.clone(),
                    source,
                })?;
        db.migrate().await?;
        let mail = Mailer::new(&config.mail)?;
        let key = match config.secret_key {
            Some(key) => key,
            None => {
                let file = sealing::key_file(&config.database_url);
                sealing::load_or_create(file.as_deref()).map_err(StartError::SecretKey)?
            }
        };
        let resolver: std::sync::Arc<dyn settings::domains::TxtResolver> =
            match &config.txt_records_file {
                Some(path) => std::sync::Arc::new(settings::domains::TxtFile(path.clone())),
                None => std::sync::Arc::new(settings::domains::Dns::new()),
            };
        Ok(AppState {
            sealer: sealing::Sealer::new(&key),
            db,
            mail,
            config: std::sync::Arc::new(config),
            resolver,
            leptos_options,
        })
    }
}
