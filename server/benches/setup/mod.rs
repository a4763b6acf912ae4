//! What the benchmarks start from: the portal's state on a new database in a temporary folder,
//! and an organisation with its first administrator signed in.

use app::domain::{Email, Licences, OrgName, Role};
use app::locales::Locale;
use app::server::auth::sessions::Session;
use app::server::organisations::{self, NewOrganisation};
use app::server::{AppState, Config};
use tempfile::TempDir;

/// The state over `dir/bench.db`, delivering mail through `mail` (`memory`, `smtp://...`).
pub async fn state(dir: &TempDir, mail: &str) -> AppState {
    let database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::from_lookup(|name| match name {
        "SWITCHBOARD_DATABASE_URL" => Some(database_url.clone()),
        "SWITCHBOARD_MAIL" => Some(mail.to_owned()),
        _ => None,
    })
    .expect("configuration");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("switchboard")
        .build();
    AppState::open(config, options).await.expect("state")
}

/// Acme, with `seats` of every service, and its administrator's session.
#[allow(dead_code)] // not every benchmark needs an organisation
pub async fn organisation(state: &AppState, seats: u32) -> Session {
    let plan = format!("messaging={seats},meetings={seats},calling={seats}");
    let provisioned = organisations::create(
        state,
        &NewOrganisation {
            name: OrgName::parse("Acme").expect("name"),
            admin: Email::parse("admin@acme.example").expect("address"),
            licences: Licences::parse(&plan).expect("plan"),
            admin_locale: Locale::En,
        },
    )
    .await
    .expect("organisation");
    Session {
        id: 0,
        org: provisioned.org,
        user_id: provisioned.admin_user_id,
        role: Role::FullAdmin,
        email: "admin@acme.example".to_owned(),
        display_name: Some("Admin".to_owned()),
    }
}
