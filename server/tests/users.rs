//! Adding people by paste through HTTP: the batch, services and licences, invitations in the
//! outbox, idempotent resubmission, roles, and accepting an invitation.

mod common;

use app::domain::Role;
use common::{browser, TestApp, PASSWORD};
use serde_json::Value;

async fn add(
    app: &TestApp,
    client: &reqwest::Client,
    text: &str,
    submission: &str,
    services: &[&str],
) -> (u16, Value) {
    let mut form = vec![("text", text), ("submission", submission)];
    form.extend(services.iter().map(|s| (*s, "on")));
    let answer = app.call_as(client, "users/add", &form).await;
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

fn twenty_lines_two_bad() -> String {
    let mut lines: Vec<String> = (1..=18)
        .map(|n| format!("Person {n}, person{n}@acme.example"))
        .collect();
    lines.insert(4, "not an address".to_owned());
    lines.insert(11, "Broken <broken@>".to_owned());
    lines.join("\n")
}

#[tokio::test]
async fn a_paste_adds_the_valid_people_with_invitations_and_keeps_the_bad_lines() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let text = twenty_lines_two_bad();
    let (status, outcome) = add(&app, &admin, &text, "first", &["messaging", "meetings"]).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["added"], 18);
    assert_eq!(outcome["invalid"].as_array().unwrap().len(), 2);
    assert_eq!(outcome["invalid"][0]["line"], 5);
    assert_eq!(outcome["invalid"][1]["line"], 12);
    assert_eq!(outcome["lines_to_fix"], "not an address\nBroken <broken@>");

    assert_eq!(count(&app, "SELECT COUNT(*) FROM users WHERE status = 'invite_pending' AND role = 'user' AND invited_at IS NOT NULL").await, 18);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM user_services").await, 36);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM account_tokens WHERE purpose = 'welcome'"
        )
        .await,
        19
    );
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE email = 'person3@acme.example'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(name, "Person 3");
    let mail = app.wait_for_mail(19).await;
    assert_eq!(mail.len(), 19, "the welcome mail and 18 invitations");
    assert!(mail[1..]
        .iter()
        .all(|m| m.raw.contains("You are invited to Acme on Switchboard")));
    assert!(mail[1..].iter().any(|m| m.to == ["person7@acme.example"]));

    let form: Value = app
        .call_as(&admin, "users/add-form", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(form["submission"].as_str().map(str::len), Some(43));
    let used: Vec<(String, i64)> = form["licences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["service"].as_str().unwrap().to_owned(),
                l["used"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        used,
        [
            ("Messaging".into(), 18),
            ("Meetings".into(), 18),
            ("Calling".into(), 0)
        ]
    );
}

#[tokio::test]
async fn a_double_click_or_a_retry_adds_nothing_twice() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let text = "a@acme.example\nb@acme.example";
    let first = add(&app, &admin, text, "same-key", &["messaging"]).await;
    let again = add(&app, &admin, text, "same-key", &["messaging"]).await;
    assert_eq!(first, again, "the stored answer, not a second batch");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'invitation'"
        )
        .await,
        2
    );

    // A new submit of the same people skips them as existing users.
    let (status, outcome) = add(&app, &admin, "A@acme.example\nc@acme.example", "next", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(outcome["added"], 1);
    assert_eq!(
        outcome["already_users"],
        serde_json::json!(["a@acme.example"])
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, 4);
}

#[tokio::test]
async fn a_batch_over_a_licence_or_over_500_is_refused_whole() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await; // calling=10
    let eleven: String = (0..11).map(|n| format!("p{n}@acme.example\n")).collect();
    let (status, body) = add(&app, &admin, &eleven, "k1", &["messaging", "calling"]).await;
    assert_eq!(status, 422, "{body}");
    let error = &body["Invalid"][0];
    assert_eq!(error["reason"], "LicenceShort");
    assert!(
        error["args"].to_string().contains(r#"["short","1"]"#),
        "{error}"
    );

    let many: String = (0..501).map(|n| format!("p{n}@acme.example\n")).collect();
    let (status, body) = add(&app, &admin, &many, "k2", &[]).await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"][0]["reason"], "PasteTooMany");
    assert!(body["Invalid"][0]["args"]
        .to_string()
        .contains(r#"["given","501"]"#));

    let (status, body) = add(&app, &admin, " \n ", "k3", &[]).await;
    assert_eq!(
        (status, &body["Invalid"][0]["reason"]),
        (422, &Value::from("PasteNothing"))
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users").await,
        1,
        "nothing half-written"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, 0);
}

#[tokio::test]
async fn only_full_administrators_add_people() {
    let app = common::spawn_app().await;
    let (provisioned, _) = app.admin_of("Acme", "admin@acme.example").await;
    for (email, role) in [
        ("users@acme.example", Role::UserAdmin),
        ("reader@acme.example", Role::ReadOnlyAdmin),
        ("person@acme.example", Role::User),
    ] {
        app.add_active_user(provisioned.org, email, role).await;
        let (_, client) = app.sign_in(email, PASSWORD).await;
        let (status, _) = add(&app, &client, "x@acme.example", "k", &[]).await;
        assert_eq!(status, 403, "{role:?}");
    }
    let (status, _) = add(&app, &browser(), "x@acme.example", "k", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = 'x@acme.example'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn an_invited_person_accepts_and_becomes_active() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "Li Na <li.na@acme.example>",
        "k",
        &["messaging"],
    )
    .await;
    let mail = app.wait_for_mail(2).await;
    let raw = mail[1].raw.replace("=\r\n", "").replace("=\n", "");
    let start = raw.find("/welcome/").unwrap() + "/welcome/".len();
    let token: String = raw[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
        .collect();
    let page = app
        .get(&format!("/welcome/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("You have been invited to Acme"), "{page}");

    let person = browser();
    let answer = app
        .call_as(
            &person,
            "account/create",
            &[
                ("token", &token),
                ("name", "Li Na"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        answer.headers()["location"],
        "/me",
        "invited people go to their own settings, not to the setup wizard"
    );
    let (status, first): (String, Option<i64>) = sqlx::query_as(
        "SELECT status, first_sign_in_at FROM users WHERE email = 'li.na@acme.example'",
    )
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(status, "active");
    assert!(first.is_some());
}
