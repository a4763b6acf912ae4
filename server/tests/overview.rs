//! The Overview server function through HTTP, and the organisation rules behind it.

mod common;

use app::error::AppError;
use app::locales::Key;
use serde_json::Value;

#[tokio::test]
async fn overview_needs_a_signed_in_administrator() {
    let app = common::spawn_app().await;
    app.create_org("Acme", "admin@acme.example").await;
    let response = app.call("overview", &[]).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<AppError>().await.unwrap(),
        AppError::Unauthorized
    );
}

#[tokio::test]
async fn overview_reports_the_organisation_and_its_user_counts() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme  Trading", "Admin@Acme.example").await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    for email in ["one@acme.example", "two@acme.example"] {
        let email = app::domain::Email::parse(email).unwrap();
        app::server::db::users::insert_pending(
            &mut tx,
            provisioned.org,
            &email,
            app::domain::Role::User,
            app::locales::Locale::En,
            i64::MAX,
            0,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let response = app.call_as(&admin, "overview", &[]).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["org_name"], "Acme Trading");
    assert_eq!(body["users"]["invite_pending"], 2);
    assert_eq!(body["users"]["active"], 1);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert_eq!(body["created_on"], today);
}

#[tokio::test]
async fn a_second_organisation_with_the_same_name_is_refused_and_nothing_is_written() {
    let app = common::spawn_app().await;
    app.create_org("Acme", "one@acme.example").await;
    let error = app::server::organisations::create(
        &app.state,
        &common::new_org("ACME", "two@acme.example"),
    )
    .await
    .unwrap_err();
    assert_eq!(error, AppError::Conflict(Key::OrganisationExists));
    let users: i64 = sqlx_count(&app, "SELECT COUNT(*) FROM users").await;
    let orgs: i64 = sqlx_count(&app, "SELECT COUNT(*) FROM organisations").await;
    assert_eq!((orgs, users), (1, 1));
}

#[tokio::test]
async fn a_database_failure_answers_500_with_a_reference_and_no_details() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("ALTER TABLE users RENAME TO users_gone")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let response = app.call_as(&admin, "overview", &[]).await;
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("users"),
        "the raw database error leaked: {body}"
    );
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(error, AppError::Internal { request_id });
}

#[tokio::test]
async fn an_oversized_request_body_is_refused() {
    let app = common::spawn_app().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let response = app.call("overview", &[("padding", &big)]).await;
    assert_eq!(response.status(), 413);
}

async fn sqlx_count(app: &common::TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn overview_shows_licence_use_failing_invitations_and_the_setup_checklist() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let body: Value = app
        .call_as(&admin, "overview", &[])
        .await
        .json()
        .await
        .unwrap();
    let checklist: Vec<(String, bool)> = serde_json::from_value(body["checklist"].clone()).unwrap();
    assert_eq!(
        checklist,
        [
            ("FinishSetup".into(), false),
            ("VerifyDomain".into(), false),
            ("AddNumbers".into(), false),
            ("AddPeople".into(), false),
            ("SecondAdministrator".into(), false),
        ]
    );
    assert_eq!(body["portal_url"], app.address);

    // Someone with calling, an invitation that could not be delivered, a second administrator.
    let person = app
        .add_active_user(provisioned.org, "ana@acme.example", app::domain::Role::User)
        .await;
    app.add_active_user(
        provisioned.org,
        "bo@acme.example",
        app::domain::Role::FullAdmin,
    )
    .await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, 'calling')")
        .bind(provisioned.org.0)
        .bind(person)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO outbox (org_id, kind, recipient, subject, text_body, html_body, message_id, status, attempts, due_at, created_at, idempotency_key)
         VALUES ($1, 'invitation', 'gone@acme.example', 's', '', '', 'm-1', 'failed', 5, 0, 0, 'failed-1')",
    )
    .bind(provisioned.org.0)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let body: Value = app
        .call_as(&admin, "overview", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["invitations_failing"], 1);
    let calling = body["plan"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["service"] == "Calling")
        .unwrap();
    assert_eq!(
        (calling["used"].as_i64(), calling["seats"].as_i64()),
        (Some(1), Some(10))
    );
    let checklist: Vec<(String, bool)> = serde_json::from_value(body["checklist"].clone()).unwrap();
    assert!(checklist.contains(&("AddPeople".into(), true)));
    assert!(checklist.contains(&("SecondAdministrator".into(), true)));
}
