//! CSV import and export at scale: a generated 100,000-row file imported (read, validated, people
//! written with their services, 100,000 invitations queued) and exported again; the peak memory a
//! 200,000-row import takes beyond what was in use before it; and the 99th percentile of a users
//! table page while an import runs. Run with `cargo bench -p server --bench imports`.

mod setup;

use app::api::user_table::{Filter, Sort};
use app::server::auth::sessions::Session;
use app::server::imports::{self, Upload};
use app::server::user_table::{self, Position};
use app::server::{export, AppState};
use futures::StreamExt;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts the bytes allocated now and the most at any moment, for the memory figure.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RUNS: usize = 3;

/// A file of `rows` people in the template's format, each with a number and an extension.
fn file(rows: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 110);
    text.push_str("First name,Last name,Display name,Email,Messaging,Meetings,Calling,Phone number,Extension,Language\r\n");
    for i in 0..rows {
        text.push_str(&format!(
            "Given{i},Family{i},,person{i}@acme.example,TRUE,{},FALSE,+86 10 {:08},{},en\r\n",
            if i % 2 == 0 { "TRUE" } else { "" },
            i,
            100_000 + i
        ));
    }
    text.into_bytes()
}

/// Imports `bytes` and waits for the job to finish; the seconds it took.
async fn import(state: &AppState, admin: &Session, bytes: Vec<u8>) -> f64 {
    let started = Instant::now();
    let upload = Upload {
        file_name: "people.csv".to_owned(),
        ..Default::default()
    };
    let id = imports::start(state, admin, upload, bytes, app::locales::Locale::En)
        .await
        .expect("import started");
    loop {
        let summary = imports::summary(state, admin.org, id)
            .await
            .expect("summary");
        if summary.state.is_finished() {
            assert_eq!(summary.failed, 0, "{summary:?}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed().as_secs_f64()
}

/// A line of /proc/self/status in KiB (Linux), 0 when unreadable.
fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix(field)?
                    .trim_start_matches(':')
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn fresh(seats: u32) -> (tempfile::TempDir, AppState, Session) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let state = setup::state(&dir, "memory").await;
    let admin = setup::organisation(&state, seats).await;
    (dir, state, admin)
}

#[tokio::main]
async fn main() {
    let hundred_thousand = file(100_000);
    println!(
        "generated file: 100,000 rows, {:.1} MB",
        hundred_thousand.len() as f64 / 1e6
    );

    // Import and export of 100,000, each on a new database.
    let mut import_seconds = Vec::new();
    let mut export_seconds = Vec::new();
    for run in 0..RUNS {
        let (_dir, state, admin) = fresh(300_000).await;
        let seconds = import(&state, &admin, hundred_thousand.clone()).await;
        let queued: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'invitation'")
                .fetch_one(state.db.reader())
                .await
                .expect("outbox");
        println!(
            "run {}: import {seconds:.2} s ({queued} invitations queued)",
            run + 1
        );
        import_seconds.push(seconds);

        let started = Instant::now();
        let mut bytes = 0;
        let mut stream = Box::pin(export::users_csv(
            state.clone(),
            admin.org,
            Filter::default(),
        ));
        while let Some(chunk) = stream.next().await {
            bytes += chunk.expect("export chunk").len();
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "run {}: export {seconds:.2} s ({:.1} MB)",
            run + 1,
            bytes as f64 / 1e6
        );
        export_seconds.push(seconds);
    }

    // The users table while an import of 100,000 runs: a page every 10 ms, as several admins
    // reading at once might ask.
    let (_dir, state, admin) = fresh(300_000).await;
    let running = Arc::new(AtomicBool::new(true));
    let reader = tokio::spawn({
        let (state, admin, running) = (state.clone(), admin.clone(), running.clone());
        async move {
            let mut times = Vec::new();
            while running.load(Ordering::Relaxed) {
                let started = Instant::now();
                user_table::page(
                    &state,
                    &admin,
                    &Filter::default(),
                    Sort::Name,
                    Position::First,
                    app::server::now(),
                )
                .await
                .expect("page");
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            times
        }
    });
    let seconds = import(&state, &admin, hundred_thousand).await;
    running.store(false, Ordering::Relaxed);
    let mut times = reader.await.expect("reader");
    times.sort_by(f64::total_cmp);
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "import {seconds:.2} s with the table read alongside: users table p99 {p99:.1} ms, max {:.1} ms over {} requests",
        times.last().copied().unwrap_or(0.0),
        times.len()
    );
    drop(state);

    // Peak memory of a 200,000-row import beyond what was in use before it.
    let two_hundred_thousand = file(200_000);
    let (_dir, state, admin) = fresh(300_000).await;
    let file_bytes = two_hundred_thousand.len();
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let rss_before = rss_kib("VmRSS");
    // Writing 5 to clear_refs starts the peak resident size (VmHWM) afresh.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let seconds = import(&state, &admin, two_hundred_thousand).await;
    let extra = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    let rss_extra = rss_kib("VmHWM").saturating_sub(rss_before) as f64 / 1024.0;
    println!(
        "200,000 rows ({:.1} MB file): import {seconds:.2} s, peak extra heap {:.1} MB (the file itself included), peak extra resident memory {rss_extra:.1} MiB (SQLite's page caches included)",
        file_bytes as f64 / 1e6,
        extra as f64 / 1e6
    );

    println!(
        "\nmedian of {RUNS}: import 100,000 rows {:.2} s (target < 3), export 100,000 {:.2} s (target < 1), users table p99 during an import {:.1} ms (target < 250); 200,000-row import peak extra memory {:.1} MB (target < 100)",
        median(import_seconds),
        median(export_seconds),
        p99,
        extra as f64 / 1e6
    );
}
