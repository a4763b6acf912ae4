//! Submitting 500 pasted entries: parse, check existing users and licences, insert the users and
//! their services, and queue 500 invitations, in one transaction (the server's part of a submit).
//! Run with `cargo bench -p server --bench add_users`; prints each run and the median.

use app::domain::{Email, Licences, OrgName, Role, Service};
use app::locales::Locale;
use app::server::auth::sessions::Session;
use app::server::organisations::{self, NewOrganisation};
use app::server::{users, AppState, Config};
use std::time::Instant;

const ENTRIES: usize = 500;
const RUNS: usize = 7;

async fn one_run(run: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::from_lookup(|name| match name {
        "SWITCHBOARD_DATABASE_URL" => Some(database_url.clone()),
        "SWITCHBOARD_MAIL" => Some("memory".to_owned()),
        _ => None,
    })
    .expect("configuration");
    let options = leptos::config::LeptosOptions::builder()
        .output_name("switchboard")
        .build();
    let state = AppState::open(config, options).await.expect("state");
    let provisioned = organisations::create(
        &state,
        &NewOrganisation {
            name: OrgName::parse("Acme").expect("name"),
            admin: Email::parse("admin@acme.example").expect("address"),
            licences: Licences::parse("messaging=100000,meetings=100000,calling=100000")
                .expect("plan"),
            admin_locale: Locale::En,
        },
    )
    .await
    .expect("organisation");
    let admin = Session {
        id: 0,
        org: provisioned.org,
        user_id: provisioned.admin_user_id,
        role: Role::FullAdmin,
        email: "admin@acme.example".to_owned(),
        display_name: Some("Admin".to_owned()),
    };
    let text: String = (0..ENTRIES)
        .map(|n| format!("Person {n}, person{n}.run{run}@acme.example\n"))
        .collect();

    let started = Instant::now();
    let outcome = users::add_pasted(
        &state,
        &admin,
        &text,
        &[Service::Messaging, Service::Meetings],
        "bench",
        Locale::En,
    )
    .await
    .expect("added");
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(outcome.added, ENTRIES);
    state.db.close().await;
    elapsed
}

#[tokio::main]
async fn main() {
    let mut times = Vec::new();
    for run in 1..=RUNS {
        let ms = one_run(run).await;
        println!("run {run}: {ENTRIES} entries added with invitations queued in {ms:.1} ms");
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "submitting {ENTRIES} pasted entries, median of {RUNS}: {:.1} ms",
        times[RUNS / 2]
    );
}
