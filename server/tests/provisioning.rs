//! Provisioning an organisation: plan, first administrator, a one-time welcome link stored only
//! as a hash, the welcome mail, the audit event; all or nothing. And the operator endpoint.

mod common;

use app::server::auth::tokens;
use app::server::organisations;
use serde_json::{json, Value};

async fn count(app: &common::TestApp, table: &str) -> i64 {
    let sql = match table {
        "organisations" => "SELECT COUNT(*) FROM organisations",
        "users" => "SELECT COUNT(*) FROM users",
        "licences" => "SELECT COUNT(*) FROM licences",
        "account_tokens" => "SELECT COUNT(*) FROM account_tokens",
        "outbox" => "SELECT COUNT(*) FROM outbox",
        "audit_events" => "SELECT COUNT(*) FROM audit_events",
        other => panic!("no count for {other}"),
    };
    sqlx::query_scalar(sql)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn provisioning_writes_the_plan_the_admin_a_hashed_link_the_mail_and_the_audit_event() {
    let app = common::spawn_app().await;
    let done = app.create_org("Acme", "Admin@Acme.example").await;

    let prefix = format!("{}/welcome/", app.address);
    let raw = done
        .welcome_link
        .strip_prefix(&prefix)
        .expect("link under /welcome/");
    assert_eq!(raw.len(), 54, "the row's id and 32 random bytes, base64url");
    let (stored_hash, purpose, expires_at, used_at): (String, String, i64, Option<i64>) =
        sqlx::query_as("SELECT token_hash, purpose, expires_at, used_at FROM account_tokens")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(stored_hash, tokens::hash(raw));
    assert_ne!(stored_hash, raw);
    assert_eq!((purpose.as_str(), used_at), ("welcome", None));
    let days = (expires_at - app::server::now()) as f64 / 86400.0;
    assert!((6.99..=7.0).contains(&days), "link lasts {days} days");

    let plan: Vec<(String, i64)> =
        sqlx::query_as("SELECT service, seats FROM licences ORDER BY service")
            .fetch_all(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(
        plan,
        [
            ("calling".into(), 10),
            ("meetings".into(), 50),
            ("messaging".into(), 50)
        ]
    );
    let admin: (String, String, String) = sqlx::query_as("SELECT email, role, status FROM users")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(
        admin,
        (
            "admin@acme.example".into(),
            "full_admin".into(),
            "invite_pending".into()
        )
    );
    let action: String = sqlx::query_scalar("SELECT action FROM audit_events")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(action, "organisation_provisioned");

    let sent = app.wait_for_mail(1).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, ["admin@acme.example"]);
    assert!(sent[0].raw.contains("Subject: Set up Acme on Switchboard"));
    assert!(sent[0].raw.contains(raw), "the mail carries the link");
    app.wait_until_recorded_sent(1).await;
    let body: String = sqlx::query_scalar("SELECT text_body FROM outbox")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(body, "", "once sent, the link is gone from the database");
}

#[tokio::test]
async fn the_welcome_mail_speaks_the_administrators_language() {
    let app = common::spawn_app().await;
    let mut new = common::new_org("上海示例", "wang@example.cn");
    new.admin_locale = app::locales::Locale::ZhCn;
    organisations::create(&app.state, &new).await.unwrap();
    let sent = app.wait_for_mail(1).await;
    assert!(
        sent[0].raw.contains("Subject: =?utf-8?"),
        "a non-ASCII subject is encoded: {}",
        &sent[0].raw[..400.min(sent[0].raw.len())]
    );
    let locale: String = sqlx::query_scalar("SELECT locale FROM users")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(locale, "zh-CN");
}

#[tokio::test]
async fn a_refused_organisation_writes_nothing_at_all() {
    let app = common::spawn_app().await;
    app.create_org("Acme", "admin@acme.example").await;
    let tables = [
        "organisations",
        "users",
        "licences",
        "account_tokens",
        "outbox",
        "audit_events",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(&app, table).await);
    }
    assert!(
        organisations::create(&app.state, &common::new_org("ACME", "other@acme.example"))
            .await
            .is_err()
    );
    for (table, was) in tables.into_iter().zip(before) {
        assert_eq!(count(&app, table).await, was, "{table} changed");
    }
}

const OPERATOR_TOKEN: &str = "operator-token-0123456789-abcdefghijklmnop";

async fn operator(app: &common::TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/operator/organisations"))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn acme() -> Value {
    json!({ "name": "Acme", "admin_email": "admin@acme.example", "licences": { "messaging": 500, "calling": 200 } })
}

#[tokio::test]
async fn the_operator_endpoint_is_off_without_a_configured_token() {
    let app = common::spawn_app().await;
    let (status, _) = operator(&app, Some(OPERATOR_TOKEN), acme()).await;
    assert_eq!(status, 404);
    assert_eq!(count(&app, "organisations").await, 0);
}

#[tokio::test]
async fn the_operator_endpoint_provisions_once_and_refuses_strangers() {
    let app = common::spawn_app_with(&[("SWITCHBOARD_OPERATOR_TOKEN", OPERATOR_TOKEN)]).await;
    assert_eq!(operator(&app, None, acme()).await.0, 401);
    assert_eq!(
        operator(
            &app,
            Some("operator-token-0123456789-abcdefghijklmnoX"),
            acme()
        )
        .await
        .0,
        401
    );
    assert_eq!(count(&app, "organisations").await, 0);

    let (status, body) = operator(&app, Some(OPERATOR_TOKEN), acme()).await;
    assert_eq!(status, 201, "{body}");
    assert!(body["welcome_link"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/welcome/", app.address)));
    assert_eq!(body["org_id"], 1);

    let (status, body) = operator(&app, Some(OPERATOR_TOKEN), acme()).await;
    assert_eq!(status, 409);
    assert!(body["error"].as_str().unwrap().contains("already exists"));
    assert_eq!(count(&app, "organisations").await, 1);
}

#[tokio::test]
async fn the_operator_endpoint_names_every_wrong_field() {
    let app = common::spawn_app_with(&[("SWITCHBOARD_OPERATOR_TOKEN", OPERATOR_TOKEN)]).await;
    let bad = json!({ "name": " ", "admin_email": "nope", "licences": { "fax": 1 }, "admin_language": "fr" });
    let (status, body) = operator(&app, Some(OPERATOR_TOKEN), bad).await;
    assert_eq!(status, 422);
    for field in ["name", "admin_email", "licences", "admin_language"] {
        assert!(
            body["errors"][field].is_string(),
            "{field} missing in {body}"
        );
    }
    let response = app
        .client
        .post(app.url("/operator/organisations"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(count(&app, "organisations").await, 0);
}
