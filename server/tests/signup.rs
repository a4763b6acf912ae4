//! Self-signup through HTTP: the form's mail and its link (stored hashed, single use, expiring),
//! the same answer for known addresses (which get a sign-in note instead), the throttle, and
//! signing in with an account that waits for an organisation.

mod common;

use common::signups::{html_lang, json, link_in, token_of};
use common::{browser, TestApp, PASSWORD};

async fn sign_up(app: &TestApp, name: &str, email: &str) -> reqwest::Response {
    app.call_as(
        &browser(),
        "signup/start",
        &[("name", name), ("email", email)],
    )
    .await
}

#[tokio::test]
async fn a_sign_up_mails_a_single_use_link_kept_only_as_its_hash() {
    let app = common::spawn_app().await;
    let answer = sign_up(&app, "Mei Lin", "Mei.Lin@Acme.Example").await;
    assert!(answer.status().is_redirection() || answer.status().is_success());
    let mail = app.wait_for_mail(1).await;
    assert_eq!(mail[0].to, ["mei.lin@acme.example"]);
    assert!(mail[0].raw.contains("Confirm your Switchboard account"));
    let link = link_in(&mail[0].raw, "/signup/confirm/");
    let token = token_of(&link);
    assert_eq!(token.len(), 43);
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM signup_tokens")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(stored, [app::server::auth::tokens::hash(&token)]);
    assert!(!stored[0].contains(&token));

    let (status, body) = json(app.call("signup/link", &[("token", &token)]).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["Valid"]["email"], "mei.lin@acme.example");

    // The password rules are the portal's own.
    let weak = app
        .call(
            "signup/confirm",
            &[
                ("token", &token),
                ("password", "password1"),
                ("password_again", "password1"),
            ],
        )
        .await;
    assert_eq!(
        common::refused(weak).await,
        [("password".to_owned(), "PasswordTooCommon".to_owned())]
    );
    let form = [
        ("token", token.as_str()),
        ("password", PASSWORD),
        ("password_again", PASSWORD),
    ];
    let confirmed = app.call("signup/confirm", &form).await;
    assert!(confirmed.status().is_redirection() || confirmed.status().is_success());
    let (hash, confirmed_at): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT password_hash, confirmed_at FROM signups")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert!(hash.unwrap().starts_with("$argon2id$"));
    assert!(confirmed_at.is_some());

    // Once only.
    assert_eq!(app.call("signup/confirm", &form).await.status(), 409);
    let (_, body) = json(app.call("signup/link", &[("token", &token)]).await).await;
    assert_eq!(body, "Used");
    let (_, body) = json(app.call("signup/link", &[("token", "made-up")]).await).await;
    assert_eq!(body, "Unknown");
}

#[tokio::test]
async fn a_link_expires_after_a_day() {
    let app = common::spawn_app().await;
    sign_up(&app, "Mei Lin", "mei@acme.example").await;
    let mail = app.wait_for_mail(1).await;
    let link = link_in(&mail[0].raw, "/signup/confirm/");
    let token = token_of(&link);
    let (created, expires): (i64, i64) =
        sqlx::query_as("SELECT created_at, expires_at FROM signup_tokens")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(expires - created, 24 * 3600);
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE signup_tokens SET expires_at = created_at - 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, body) = json(app.call("signup/link", &[("token", &token)]).await).await;
    assert_eq!(body, "Expired");
    let confirmed = app
        .call(
            "signup/confirm",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(confirmed.status(), 409);
}

#[tokio::test]
async fn a_known_address_gets_a_sign_in_note_and_the_same_answer() {
    let app = common::spawn_app().await;
    app.admin_of("Acme", "admin@acme.example").await;
    let before = app.wait_for_mail(1).await.len();
    let known = sign_up(&app, "Someone", "admin@acme.example").await;
    let unknown = sign_up(&app, "Someone", "new.person@acme.example").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.headers().get("location"),
        unknown.headers().get("location")
    );
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.wait_for_mail(before + 2).await;
    let note = app.mails_to("admin@acme.example");
    let note = note.last().expect("a note to the known address");
    assert!(
        note.contains("You already have a Switchboard account"),
        "{note}"
    );
    assert!(link_in(note, "/sign-in").starts_with("/sign-in"));
    assert!(!note.contains("/signup/confirm/"));
    let signups: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signups WHERE email = $1")
        .bind("admin@acme.example")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(signups, 0);
}

/// Moves the throttle's record of sent mail `seconds` into the past.
async fn age(app: &TestApp, seconds: i64) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE signup_mails SET at = at - $1")
        .bind(seconds)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_form_mails_an_address_once_a_minute_and_a_few_times_an_hour() {
    let app = common::spawn_app().await;
    let email = "mei@acme.example";
    sign_up(&app, "Mei", email).await;
    sign_up(&app, "Mei", email).await;
    app.wait_for_mail(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mails_to(email).len(), 1, "a second mail at once");
    for sent in 2..=app::server::signup::MAILS_PER_HOUR as usize {
        age(&app, 61).await;
        sign_up(&app, "Mei", email).await;
        app.wait_for_mail(sent).await;
        assert_eq!(app.mails_to(email).len(), sent);
    }
    age(&app, 61).await;
    sign_up(&app, "Mei", email).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mails_to(email).len(),
        app::server::signup::MAILS_PER_HOUR as usize,
        "more than the hour allows"
    );
    age(&app, 3600).await;
    sign_up(&app, "Mei", email).await;
    app.wait_for_mail(5).await;
    assert_eq!(app.mails_to(email).len(), 5);
}

#[tokio::test]
async fn a_waiting_account_signs_in_to_a_message_not_the_portal() {
    let app = common::spawn_app().await;
    sign_up(&app, "Mei Lin", "mei@acme.example").await;
    let mail = app.wait_for_mail(1).await;
    let link = link_in(&mail[0].raw, "/signup/confirm/");
    let token = token_of(&link);
    app.call(
        "signup/confirm",
        &[
            ("token", &token),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    )
    .await;
    let (answer, client) = app.sign_in("mei@acme.example", PASSWORD).await;
    assert_eq!(answer.status(), 409);
    assert!(answer.headers().get("set-cookie").is_none());
    let (_, body) = json(answer).await;
    assert_eq!(body["Conflict"], "SignupAccountReady");
    assert_eq!(
        app.call_as(&client, "account/signed-in", &[])
            .await
            .status(),
        401
    );
    let (wrong, _) = app.sign_in("mei@acme.example", "not the password").await;
    assert_eq!(
        common::refused(wrong).await,
        [("password".to_owned(), "SignInFailed".to_owned())]
    );
    // Without JavaScript the sign-in page says so.
    let plain = browser()
        .post(app.url("/api/account/sign-in"))
        .header("accept", "text/html")
        .header("referer", app.url("/sign-in"))
        .form(&[("email", "mei@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let location = plain.headers()["location"].to_str().unwrap().to_owned();
    let page = browser().get(location).send().await.unwrap();
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Your account is ready."));
}

#[tokio::test]
async fn the_pages_answer_without_javascript() {
    let app = common::spawn_app().await;
    let page = app.get("/signup").await.text().await.unwrap();
    assert!(
        page.contains("Sign up") && page.contains("name=\"email\""),
        "{page}"
    );
    let sign_in = app.get("/sign-in").await.text().await.unwrap();
    assert!(sign_in.contains("href=\"/signup\""));
    let plain = app
        .client
        .post(app.url("/api/signup/start"))
        .header("accept", "text/html")
        .header("referer", app.url("/signup"))
        .form(&[("name", "Mei"), ("email", "mei@acme.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 302);
    assert_eq!(plain.headers()["location"], "/signup?sent");
    let sent = app.get("/signup?sent").await.text().await.unwrap();
    assert!(sent.contains("Check your mail"));
    let unknown = app
        .get("/signup/confirm/made-up")
        .await
        .text()
        .await
        .unwrap();
    assert!(unknown.contains("This link does not work"));
}

#[tokio::test]
async fn mail_speaks_the_language_of_the_page_they_signed_up_on() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.domain(&admin, "acme.example", true).await;
    browser()
        .post(app.url("/api/signup/start"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .form(&[("name", "李娜"), ("email", "li.na@acme.example")])
        .send()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while app.mails_to("li.na@acme.example").is_empty() && started.elapsed().as_secs() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let confirmation = app.mails_to("li.na@acme.example");
    assert_eq!(html_lang(&confirmation[0]).as_deref(), Some("zh-CN"));
    let token = token_of(&link_in(&confirmation[0], "/signup/confirm/"));
    app.call(
        "signup/confirm",
        &[
            ("token", &token),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    )
    .await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM signups")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    let added = app
        .call_as(&admin, "unlicensed/add", &[("row", &id.to_string())])
        .await;
    assert_eq!(added.status(), 200);
    let started = std::time::Instant::now();
    while app.mails_to("li.na@acme.example").len() < 2 && started.elapsed().as_secs() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let notice = app.mails_to("li.na@acme.example");
    assert_eq!(html_lang(&notice[1]).as_deref(), Some("zh-CN"));
    let (_, body) = json(app.call_as(&admin, "users/list", &[("q", "li.na")]).await).await;
    assert!(body.to_string().contains("李娜"), "{body}");
}
