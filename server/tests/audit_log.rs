//! The audit log through HTTP: newest first, filtered by person, action and days, a page at a
//! time; the CSV with the same filter, formulas made inert; administrators of the organisation
//! only.

mod common;

use app::api::audit::AuditPage;
use app::domain::Role;
use common::{browser, refused, TestApp, PASSWORD};

async fn log(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> AuditPage {
    let mut full = vec![("actor", ""), ("action", ""), ("from", ""), ("to", "")];
    for (k, v) in form {
        if let Some(slot) = full.iter_mut().find(|(name, _)| name == k) {
            slot.1 = v;
        } else {
            full.push((k, v));
        }
    }
    let answer = app.call_as(client, "audit/list", &full).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// Writes `count` events of `action` by `actor` at `at`, straight to the table.
async fn events(
    app: &TestApp,
    org: i64,
    actor: Option<i64>,
    action: &str,
    detail: &str,
    at: i64,
    count: usize,
) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    for _ in 0..count {
        sqlx::query(
            "INSERT INTO audit_events (org_id, actor_user_id, action, detail, client_address, at)
             VALUES ($1, $2, $3, $4, '203.0.113.9', $5)",
        )
        .bind(org)
        .bind(actor)
        .bind(action)
        .bind(detail)
        .bind(at)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_log_is_filtered_paged_and_downloaded() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let ana = app
        .add_active_user(org.org, "ana@acme.example", Role::ReadOnlyAdmin)
        .await;
    let nov_1 = app::domain::audit::day_start("2026-11-01").unwrap();
    let nov_20 = app::domain::audit::day_start("2026-11-20").unwrap();
    events(
        &app,
        org.org.0,
        Some(ana),
        "role_changed",
        "=cmd|' /C calc'!A0",
        nov_1 + 60,
        1,
    )
    .await;
    events(
        &app,
        org.org.0,
        Some(ana),
        "signed_in",
        "",
        nov_20 + 3_600,
        150,
    )
    .await;

    // Newest first, a page at a time.
    let first = log(&app, &admin, &[]).await;
    assert_eq!(first.rows.len(), 100);
    // Ordered as written: the events written last come first.
    assert_eq!(first.rows[0].action, "signed_in");
    let older = first.older.expect("more than a page");
    let second = log(&app, &admin, &[("before", &older.to_string())]).await;
    assert!(second.older.is_none());
    let total = first.rows.len() + second.rows.len();
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id = $1")
        .bind(org.org.0)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(total as i64, all, "every event once across the pages");

    // By action, person and days.
    let roles = log(&app, &admin, &[("action", "role_changed")]).await;
    assert_eq!(roles.rows.len(), 1);
    assert_eq!(
        roles.rows[0].actor.as_ref().map(|a| a.1.as_str()),
        Some("ana@acme.example")
    );
    assert_eq!(roles.rows[0].at, "2026-11-01 00:01");
    let by_ana = log(&app, &admin, &[("actor", "ANA@")]).await;
    assert_eq!(by_ana.rows.len(), 100);
    assert!(by_ana
        .rows
        .iter()
        .all(|r| r.actor.as_ref().is_some_and(|a| a.0 == ana)));
    let early = log(
        &app,
        &admin,
        &[("from", "2026-11-01"), ("to", "2026-11-19")],
    )
    .await;
    assert_eq!(early.rows.len(), 1);
    let nobody = log(&app, &admin, &[("actor", "%")]).await;
    assert!(
        nobody.rows.is_empty(),
        "LIKE's characters are matched as themselves"
    );

    // A wrong filter is named.
    let wrong = app
        .call_as(
            &admin,
            "audit/list",
            &[
                ("actor", ""),
                ("action", "drop"),
                ("from", "2026-02-30"),
                ("to", ""),
            ],
        )
        .await;
    assert_eq!(
        refused(wrong).await,
        [
            ("action".into(), "AuditActionUnknown".into()),
            ("from_to".into(), "AuditDateInvalid".into())
        ]
    );

    // The CSV: the filter's events, formulas inert.
    let csv = admin
        .get(app.url("/api/audit/export.csv?action=role_changed"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].ends_with("time_utc,actor,action,action_name,detail,client_address"));
    assert_eq!(
        lines[1],
        "2026-11-01 00:01,ana@acme.example,role_changed,Role changed,'=cmd|' /C calc'!A0,203.0.113.9"
    );
    let everything = admin
        .get(app.url("/api/audit/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(everything.lines().count() as i64, all + 1);
}

#[tokio::test]
async fn only_the_organisations_administrators_read_its_log() {
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    let globex = log(&app, &other, &[]).await;
    assert!(globex
        .rows
        .iter()
        .all(|r| !r.detail.contains("acme")
            && r.actor.as_ref().is_none_or(|a| !a.1.contains("acme"))));
    let csv = other
        .get(app.url("/api/audit/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("acme"), "{csv}");

    app.add_active_user(org.org, "user@acme.example", Role::User)
        .await;
    let (_, user) = app.sign_in("user@acme.example", PASSWORD).await;
    let answer = app
        .call_as(
            &user,
            "audit/list",
            &[("actor", ""), ("action", ""), ("from", ""), ("to", "")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    let csv = user
        .get(app.url("/api/audit/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 403);
    let anonymous = browser()
        .get(app.url("/api/audit/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
