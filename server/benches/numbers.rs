//! Mapping 10,000 pool numbers to extensions in one click: deciding every number's extension
//! against the pool and the people, and writing them in one transaction. Run with
//! `cargo bench -p server --bench numbers`; prints each run and the median.

mod setup;

use app::domain::settings::{CallingForm, CallingSettings};
use app::locales::Locale;
use app::server::settings::{self, extensions};
use std::time::Instant;

const NUMBERS: usize = 10_000;
const RUNS: usize = 5;

async fn one_run() -> f64 {
    let dir = tempfile::tempdir().expect("temporary folder");
    let state = setup::state(&dir, "memory").await;
    let admin = setup::organisation(&state, 1_000).await;
    let form = CallingForm {
        numbers: "+86 10 5555 0000 - +86 10 5555 9999".to_owned(),
        ..CallingForm::from(&CallingSettings::starting("Acme", Locale::En))
    };
    settings::save_calling(&state, &admin, form, None, 0)
        .await
        .expect("pool of 10,000 numbers");

    let started = Instant::now();
    let done = extensions::map(&state, &admin, 0).await.expect("mapped");
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(done.create as usize, NUMBERS, "every number mapped");
    seconds
}

#[tokio::main]
async fn main() {
    let mut runs = Vec::new();
    for run in 1..=RUNS {
        let seconds = one_run().await;
        println!("run {run}: mapped {NUMBERS} pool numbers to extensions in {seconds:.3} s");
        runs.push(seconds);
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "median of {RUNS}: mapping {NUMBERS} pool numbers {:.3} s (target < 1 s)",
        runs[RUNS / 2]
    );
}
