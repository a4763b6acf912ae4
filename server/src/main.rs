//! The `server` command: serve the portal (the default), or provision from the command line.

use app::domain::{Email, Licences, OrgName};
use app::error::AppError;
use app::locales::Locale;
use app::server::organisations::{self, NewOrganisation, Provisioned};
use app::server::{AppState, Config};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "server",
    about = "Switchboard: the admin portal and its command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default). Configured by SWITCHBOARD_* environment variables.
    Serve,
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organisation and its plan, and send its first administrator a welcome link.
    Create {
        /// The organisation's name, e.g. "Acme".
        #[arg(long)]
        name: String,
        /// The first administrator's email address.
        #[arg(long)]
        admin_email: String,
        /// The plan: seats per service, e.g. messaging=500,meetings=500,calling=200.
        #[arg(long)]
        licences: String,
        /// The language of the welcome mail: en or zh-CN.
        #[arg(long, default_value = "en")]
        admin_language: String,
    },
    /// Create a demo organisation if the database holds none (scripts/run does this first).
    Demo,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let leptos_options = leptos::config::get_configuration(None)
        .map_err(|e| format!("reading the Leptos settings: {e}"))?
        .leptos_options;
    let listen = config.listen;
    let state = AppState::open(config, leptos_options)
        .await
        .map_err(|e| e.to_string())?;
    match command {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| format!("could not listen on {listen}: {e}"))?;
            tracing::info!("Switchboard is serving at http://{listen}");
            server::serve(listener, state, shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Org { command } => {
            let result = provision(&state, command).await;
            state.db.close().await;
            result
        }
    }
}

async fn provision(state: &AppState, command: OrgCommand) -> Result<(), String> {
    let new = match command {
        OrgCommand::Create {
            name,
            admin_email,
            licences,
            admin_language,
        } => NewOrganisation {
            name: OrgName::parse(&name).map_err(|e| format!("--name {name:?}: {e}"))?,
            admin: Email::parse(&admin_email)
                .map_err(|e| format!("--admin-email {admin_email:?}: {e}"))?,
            licences: Licences::parse(&licences).map_err(|e| format!("--licences: {e}"))?,
            admin_locale: Locale::from_tag(&admin_language)
                .ok_or_else(|| format!("--admin-language {admin_language:?}: use en or zh-CN"))?,
        },
        OrgCommand::Demo => {
            let existing = app::server::db::organisations::first(state.db.reader())
                .await
                .map_err(|e| e.to_string())?;
            if existing.is_some() {
                println!("The database already holds an organisation; its welcome mail is an .eml file in the mail folder (data/mail/ by default).");
                return Ok(());
            }
            NewOrganisation {
                name: OrgName::parse("Demo Organisation").map_err(|e| e.to_string())?,
                admin: Email::parse("admin@demo.example").map_err(|e| e.to_string())?,
                licences: Licences::parse("messaging=500,meetings=500,calling=200")
                    .map_err(|e| e.to_string())?,
                admin_locale: Locale::En,
            }
        }
    };
    match organisations::create(state, &new).await {
        Ok(Provisioned {
            org,
            welcome_link,
            link_expires_on,
            ..
        }) => {
            println!(
                "Created organisation \"{}\" (id {}) with {}.",
                new.name, org.0, new.licences
            );
            println!(
                "Welcome link for {} (works once, until {link_expires_on}):\n  {welcome_link}",
                new.admin
            );
            Ok(())
        }
        Err(AppError::Conflict(_)) => Err(format!(
            "an organisation named \"{}\" already exists; nothing was created",
            new.name
        )),
        Err(other) => Err(other.to_string()),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!("could not listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!("could not listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
