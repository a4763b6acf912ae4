//! Submitting 500 pasted entries: parse, check existing users and licences, insert the users and
//! their services, and queue 500 invitations, in one transaction (the server's part of a submit).
//! Run with `cargo bench -p server --bench add_users`; prints each run and the median.

mod setup;

use app::domain::Service;
use app::locales::Locale;
use app::server::users;
use std::time::Instant;

const ENTRIES: usize = 500;
const RUNS: usize = 7;

async fn one_run(run: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temporary folder");
    let state = setup::state(&dir, "memory").await;
    let admin = setup::organisation(&state, 100_000).await;
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
