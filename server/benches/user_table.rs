//! One page of the users table over an organisation of 100,000 people, filtered and sorted: the
//! page and the counts per status, as the `users/list` server function computes them.
//! Run with `cargo bench -p server --bench user_table`; prints each case's median of 25 runs.

mod setup;

use app::api::user_table::{Filter, Sort};
use app::domain::{Service, UserStatus};
use app::server::auth::sessions::Session;
use app::server::db::user_table as db_table;
use app::server::user_table::{self, Position};
use app::server::AppState;
use std::time::Instant;

const PEOPLE: i64 = 100_000;
const RUNS: usize = 25;

/// 100,000 people: most active, some pending (a tenth of those expired), some deactivated, with
/// names from a short list so searches match many, and services in realistic shares.
async fn fill(state: &AppState, org: i64, now: i64) {
    let mut tx = state.db.begin_write().await.expect("transaction");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         INSERT INTO users (org_id, email, display_name, role, status, locale, created_at,
                            invited_at, invitation_expires_at, last_sign_in_at, deactivated_at)
         SELECT $1,
                'person' || i || '@acme.example',
                CASE WHEN i % 9 = 0 THEN NULL ELSE
                  (CASE i % 8 WHEN 0 THEN 'Wang ' WHEN 1 THEN 'Li ' WHEN 2 THEN 'Zhang '
                   WHEN 3 THEN 'Liu ' WHEN 4 THEN 'Chen ' WHEN 5 THEN 'Smith '
                   WHEN 6 THEN 'Garcia ' ELSE 'Müller ' END) || 'Person ' || i END,
                'user',
                CASE WHEN i % 10 < 6 THEN 'active' WHEN i % 10 < 9 THEN 'invite_pending'
                     ELSE 'deactivated' END,
                'en',
                $3 - i * 60,
                $3 - i * 60,
                CASE WHEN i % 100 = 7 THEN $3 - 1 ELSE $3 + 14 * 86400 END,
                CASE WHEN i % 10 < 6 THEN $3 - i * 17 ELSE NULL END,
                CASE WHEN i % 10 = 9 THEN $3 - i ELSE NULL END
         FROM n",
    )
    .bind(org)
    .bind(PEOPLE)
    .bind(now)
    .execute(&mut *tx)
    .await
    .expect("people");
    for (service, share) in [
        ("messaging", "id % 10 <> 0"),
        ("meetings", "id % 2 = 0"),
        ("calling", "id % 10 = 3"),
    ] {
        let sql = format!(
            "INSERT INTO user_services (org_id, user_id, service)
             SELECT org_id, id, '{service}' FROM users WHERE org_id = $1 AND {share}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .execute(&mut *tx)
            .await
            .expect("services");
    }
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE").execute(state.db.reader()).await.ok();
}

async fn median_ms(
    state: &AppState,
    viewer: &Session,
    filter: &Filter,
    sort: Sort,
    cursor: Option<String>,
    now: i64,
) -> (f64, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..RUNS {
        let position = match &cursor {
            Some(c) => Position::After(c.clone()),
            None => Position::First,
        };
        let started = Instant::now();
        let page = user_table::page(state, viewer, filter, sort, position, now)
            .await
            .expect("page");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        rows = page.rows.len();
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], rows)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let state = setup::state(&dir, "memory").await;
    let viewer = setup::organisation(&state, 200_000).await;
    let now = app::server::now();
    let started = Instant::now();
    fill(&state, viewer.org.0, now).await;
    println!(
        "filled {PEOPLE} people in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let filter = |search: &str, status, service| Filter {
        search: search.to_owned(),
        status,
        service,
    };
    let deep = user_table::page(
        &state,
        &viewer,
        &Filter::default(),
        Sort::Email,
        Position::First,
        now,
    )
    .await
    .expect("page")
    .next;
    let cases = [
        (
            "first page, no filter, by name",
            filter("", None, None),
            Sort::Name,
            None,
        ),
        (
            "active, with calling, by name (the headline case)",
            filter("", Some(UserStatus::Active), Some(Service::Calling)),
            Sort::Name,
            None,
        ),
        (
            "invite pending, with meetings, newest first",
            filter("", Some(UserStatus::InvitePending), Some(Service::Meetings)),
            Sort::Newest,
            None,
        ),
        (
            "expired, by address",
            filter("", Some(UserStatus::Expired), None),
            Sort::Email,
            None,
        ),
        (
            "search \"wang\", by name",
            filter("wang", None, None),
            Sort::Name,
            None,
        ),
        (
            "search \"person4242\" (few matches), by name",
            filter("person4242", None, None),
            Sort::Name,
            None,
        ),
        (
            "second page by address (keyset)",
            Filter::default(),
            Sort::Email,
            deep,
        ),
        (
            "recently signed in, deactivated excluded by status active",
            filter("", Some(UserStatus::Active), None),
            Sort::RecentSignIn,
            None,
        ),
    ];
    let mut headline = 0.0;
    for (name, filter, sort, cursor) in cases {
        let (ms, rows) = median_ms(&state, &viewer, &filter, sort, cursor, now).await;
        println!("{name}: {rows} rows, median of {RUNS}: {ms:.2} ms");
        if name.contains("headline") {
            headline = ms;
        }
    }
    // Where the headline case's time goes: the page's rows and the counts above it.
    let headline_filter = filter("", Some(UserStatus::Active), Some(Service::Calling));
    let db = state.db.reader();
    let mut rows_ms = Vec::new();
    let mut counts_ms = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        db_table::page(
            db,
            viewer.org,
            &headline_filter,
            Sort::Name,
            &Position::First,
            now,
        )
        .await
        .expect("rows");
        rows_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        db_table::counts(db, viewer.org, now).await.expect("counts");
        counts_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    rows_ms.sort_by(f64::total_cmp);
    counts_ms.sort_by(f64::total_cmp);
    println!(
        "  of which the rows: {:.2} ms, the counts: {:.2} ms",
        rows_ms[RUNS / 2],
        counts_ms[RUNS / 2]
    );
    println!(
        "one page of the users table over {PEOPLE} people, filtered and sorted, median of {RUNS}: {headline:.2} ms"
    );
}
