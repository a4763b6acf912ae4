//! The `server` command: serve the portal (the default), or provision from the command line.

use app::domain::{Email, OrgName};
use app::error::AppError;
use app::server::{organisations, AppState, Config};
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
    /// Create an organisation and invite its first administrator.
    Create {
        /// The organisation's name, e.g. "Acme".
        #[arg(long)]
        name: String,
        /// The first administrator's email address.
        #[arg(long)]
        admin_email: String,
    },
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
        Command::Org {
            command: OrgCommand::Create { name, admin_email },
        } => {
            let org_name = OrgName::parse(&name).map_err(|e| format!("--name {name:?}: {e}"))?;
            let admin = Email::parse(&admin_email)
                .map_err(|e| format!("--admin-email {admin_email:?}: {e}"))?;
            let result = organisations::create(&state, &org_name, &admin).await;
            state.db.close().await;
            match result {
                Ok(created) => {
                    println!("Created organisation \"{org_name}\" (id {}); {admin} is invited as its first administrator.", created.org.0);
                    Ok(())
                }
                Err(AppError::Conflict(_)) => Err(format!(
                    "an organisation named \"{org_name}\" already exists; nothing was created"
                )),
                Err(other) => Err(other.to_string()),
            }
        }
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
