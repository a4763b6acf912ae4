//! The first administrator's account, signing in and out, sessions, throttling, forgotten and
//! changed passwords, and the audit trail, all through HTTP as the browser calls them.

mod common;

use app::domain::Role;
use common::{browser, TestApp, PASSWORD};
use serde_json::Value;

fn token_of(link: &str) -> String {
    link.rsplit('/').next().expect("token").to_owned()
}

/// The link under `path` in a delivered mail (quoted-printable soft breaks undone).
fn link_in(raw: &str, path: &str) -> String {
    let unfolded = raw.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded.find(path).expect("link in mail");
    unfolded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_/".contains(*c))
        .collect()
}

async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn set_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events ORDER BY id")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap()
}

async fn signed_in_name(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let (status, body) = json(app.call_as(client, "account/signed-in", &[]).await).await;
    (status == 200).then(|| body["name"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn the_welcome_link_creates_the_account_once_and_signs_the_admin_in() {
    let app = common::spawn_app().await;
    let provisioned = app.create_org("Acme Trading", "admin@acme.example").await;
    let token = token_of(&provisioned.welcome_link);

    let page = app
        .get(&format!("/welcome/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("admin@acme.example") && page.contains("Acme Trading"));
    assert!(page.contains(r#"name="password_again""#));

    // Every wrong field is named at once, and nothing is written.
    let client = browser();
    let create = |name: &'static str, password: &'static str, again: &'static str| {
        let (client, token) = (client.clone(), token.clone());
        let app = &app;
        async move {
            json(
                app.call_as(
                    &client,
                    "account/create",
                    &[
                        ("token", &token),
                        ("name", name),
                        ("password", password),
                        ("password_again", again),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let (status, body) = create("  ", "short", "short").await;
    assert_eq!(status, 422, "{body}");
    let fields = body["Invalid"].as_array().unwrap();
    assert!(fields
        .iter()
        .any(|f| f["field"] == "name" && f["reason"] == "NameRequired"));
    assert!(fields
        .iter()
        .any(|f| f["field"] == "password" && f["reason"] == "PasswordTooShort"));
    for (password, again, field, reason) in [
        ("password1", "password1", "password", "PasswordTooCommon"),
        ("Password1", "Password1", "password", "PasswordTooCommon"),
        (
            "admin@acme.example",
            "admin@acme.example",
            "password",
            "PasswordIsEmail",
        ),
        (
            "violet tapir lantern",
            "violet tapir lantren",
            "password_again",
            "PasswordsDiffer",
        ),
    ] {
        let (status, body) = create("Wei Zhang", password, again).await;
        assert_eq!(status, 422);
        assert_eq!(body["Invalid"][0]["field"], field, "{password}");
        assert_eq!(body["Invalid"][0]["reason"], reason, "{password}");
    }
    let long = "長".repeat(128);
    let accepted = app
        .call_as(
            &browser(),
            "account/create",
            &[
                ("token", &token),
                ("name", "x"),
                ("password", &long),
                ("password_again", ""),
            ],
        )
        .await;
    assert_eq!(
        json(accepted).await.1["Invalid"][0]["reason"],
        "PasswordsDiffer",
        "128 characters are allowed"
    );
    assert_eq!(signed_in_name(&app, &client).await, None);

    let answer = app
        .call_as(
            &client,
            "account/create",
            &[
                ("token", &token),
                ("name", " Wei  Zhang "),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    let cookie = set_cookie(&answer);
    assert!(
        answer.status().is_success() || answer.status().is_redirection(),
        "{}",
        answer.status()
    );
    assert!(cookie.starts_with("switchboard_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "plain http in tests");
    assert_eq!(
        signed_in_name(&app, &client).await.as_deref(),
        Some("Wei Zhang")
    );

    let (status, role, first, hash): (String, String, Option<i64>, String) =
        sqlx::query_as("SELECT status, role, first_sign_in_at, password_hash FROM users")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!((status.as_str(), role.as_str()), ("active", "full_admin"));
    assert!(first.is_some());
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));

    // The link is spent: the page says so, and using it again changes nothing.
    let page = app
        .get(&format!("/welcome/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This link has already been used"), "{page}");
    let (status, body) = create(
        "Someone Else",
        "another fine password",
        "another fine password",
    )
    .await;
    assert_eq!(
        (status, body),
        (409, serde_json::json!({"Conflict": "LinkUsedTitle"}))
    );
    assert_eq!(
        audit_actions(&app).await,
        ["organisation_provisioned", "account_created"]
    );
}

#[tokio::test]
async fn expired_and_unknown_links_say_so_and_do_nothing() {
    let app = common::spawn_app().await;
    let provisioned = app.create_org("Acme", "admin@acme.example").await;
    let token = token_of(&provisioned.welcome_link);
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE account_tokens SET expires_at = $1")
        .bind(app::server::now() - 1)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let page = app
        .get(&format!("/welcome/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("This link has expired") && page.contains("Send me a new invitation"),
        "{page}"
    );
    let answer = app
        .call(
            "account/create",
            &[
                ("token", &token),
                ("name", "A"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        json(answer).await,
        (409, serde_json::json!({"Conflict": "LinkExpiredTitle"}))
    );

    let page = app
        .get("/welcome/not-a-real-token")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This link does not work"), "{page}");
    let answer = app
        .call(
            "account/create",
            &[
                ("token", "not-a-real-token"),
                ("name", "A"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status(), 404);
    let status: String = sqlx::query_scalar("SELECT status FROM users")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(status, "invite_pending");
}

#[tokio::test]
async fn sign_in_gives_a_new_session_each_time_and_sign_out_ends_it() {
    let app = common::spawn_app().await;
    let (_, first) = app.admin_of("Acme", "admin@acme.example").await;

    let (answer, second) = app.sign_in("Admin@Acme.example ", PASSWORD).await;
    assert!(answer.status().is_success(), "{}", answer.status());
    let (answer_again, third) = app.sign_in("admin@acme.example", PASSWORD).await;
    assert_ne!(
        set_cookie(&answer),
        set_cookie(&answer_again),
        "a new session id every sign-in"
    );
    for client in [&first, &second, &third] {
        assert_eq!(
            signed_in_name(&app, client).await.as_deref(),
            Some("First Admin")
        );
    }

    let out = app.call_as(&second, "account/sign-out", &[]).await;
    assert!(set_cookie(&out).contains("Max-Age=0"));
    assert_eq!(signed_in_name(&app, &second).await, None);
    assert!(
        signed_in_name(&app, &third).await.is_some(),
        "other sessions stay"
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(sessions, 2);
    assert_eq!(
        audit_actions(&app).await,
        [
            "organisation_provisioned",
            "account_created",
            "signed_in",
            "signed_in",
            "signed_out"
        ]
    );

    // Signed out, the portal's pages send the browser to the sign-in page.
    let page = second
        .get(app.url("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
    assert_eq!(page.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = common::spawn_app().await;
    app.admin_of("Acme", "admin@acme.example").await;
    let (wrong, client) = app.sign_in("admin@acme.example", "not the password").await;
    let (unknown, _) = app.sign_in("nobody@acme.example", "not the password").await;
    let (pending, _) = app.sign_in("pending@acme.example", PASSWORD).await;
    let wrong = json(wrong).await;
    assert_eq!(wrong.0, 422);
    assert_eq!(
        wrong.1["Invalid"][0],
        serde_json::json!({"field": "password", "reason": "SignInFailed"})
    );
    assert_eq!(json(unknown).await, wrong);
    assert_eq!(json(pending).await, wrong);
    assert_eq!(signed_in_name(&app, &client).await, None);
    let (not_an_address, _) = app.sign_in("admin", PASSWORD).await;
    assert_eq!(json(not_an_address).await.1["Invalid"][0]["field"], "email");
    // The failure at a real account is in its organisation's audit trail.
    assert_eq!(
        audit_actions(&app).await.last().map(String::as_str),
        Some("sign_in_failed")
    );
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address_and_per_client() {
    let app = common::spawn_app().await;
    app.admin_of("Acme", "admin@acme.example").await;
    for _ in 0..5 {
        let (answer, _) = app.sign_in("admin@acme.example", "guess guess guess").await;
        assert_eq!(answer.status(), 422);
    }
    // Now even the right password waits, and the answer says why.
    let (answer, _) = app.sign_in("admin@acme.example", PASSWORD).await;
    assert_eq!(
        json(answer).await,
        (429, Value::String("TooManyAttempts".into()))
    );
    // An unknown address is throttled the same way, so the answer reveals nothing.
    for _ in 0..5 {
        app.sign_in("ghost@acme.example", "guess guess guess").await;
    }
    let (answer, _) = app.sign_in("ghost@acme.example", "guess guess guess").await;
    assert_eq!(answer.status(), 429);

    // One client trying many addresses is stopped too: 10 failures so far, 10 more.
    for n in 0..10 {
        app.sign_in(&format!("person{n}@acme.example"), "guess guess guess")
            .await;
    }
    let (answer, _) = app.sign_in("fresh@acme.example", "guess guess guess").await;
    assert_eq!(answer.status(), 429);

    // The window moves on.
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE failed_sign_ins SET at = at - 16 * 60")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (answer, _) = app.sign_in("admin@acme.example", PASSWORD).await;
    assert!(answer.status().is_success());
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM failed_sign_ins")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(kept, 0, "failures older than the window are deleted");
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_after_their_maximum_age() {
    let app = common::spawn_app().await;
    let (_, idle) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, old) = app.sign_in("admin@acme.example", PASSWORD).await;
    let (_, fresh) = app.sign_in("admin@acme.example", PASSWORD).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM sessions ORDER BY id")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap();
    let now = app::server::now();
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now - 31 * 60)
        .bind(ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET created_at = $1 WHERE id = $2")
        .bind(now - 12 * 3600 - 1)
        .bind(ids[1])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now - 29 * 60)
        .bind(ids[2])
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(signed_in_name(&app, &idle).await, None);
    assert_eq!(signed_in_name(&app, &old).await, None);
    assert!(signed_in_name(&app, &fresh).await.is_some());
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM sessions")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(left, [ids[2]], "ended sessions are deleted");
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let app = common::spawn_app_with(&[("SWITCHBOARD_PUBLIC_URL", "https://portal.example")]).await;
    let provisioned = app.create_org("Acme", "admin@acme.example").await;
    let answer = app
        .call(
            "account/create",
            &[
                ("token", &token_of(&provisioned.welcome_link)),
                ("name", "A"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    let cookie = set_cookie(&answer);
    assert!(
        cookie.starts_with("__Host-switchboard_session="),
        "{cookie}"
    );
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_mail_and_other_sessions_end() {
    let app = common::spawn_app().await;
    let (_, elsewhere) = app.admin_of("Acme", "admin@acme.example").await;
    app.wait_for_mail(1).await;

    let answer = app
        .call(
            "account/forgot-password",
            &[("email", "Admin@acme.example")],
        )
        .await;
    let unknown = app
        .call(
            "account/forgot-password",
            &[("email", "nobody@acme.example")],
        )
        .await;
    assert_eq!(answer.headers()["location"], "/forgot-password?sent");
    assert_eq!(unknown.headers()["location"], "/forgot-password?sent");
    assert_eq!(
        json(answer).await,
        json(unknown).await,
        "the same answer either way"
    );
    let mail = app.wait_for_mail(2).await;
    assert_eq!(
        mail.len(),
        2,
        "one reset mail, none for the unknown address"
    );
    assert_eq!(mail[1].to, ["admin@acme.example"]);
    assert!(mail[1].raw.contains("Set a new Switchboard password"));
    let link = link_in(&mail[1].raw, "/reset-password/");
    let token = token_of(&link);

    let page = app.get(&link).await.text().await.unwrap();
    assert!(
        page.contains("Choose a new password") && page.contains("admin@acme.example"),
        "{page}"
    );
    let new_password = "a brand new passphrase";
    let client = browser();
    let answer = app
        .call_as(
            &client,
            "account/reset-password",
            &[
                ("token", &token),
                ("password", new_password),
                ("password_again", new_password),
            ],
        )
        .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert!(
        signed_in_name(&app, &client).await.is_some(),
        "signed in by the reset"
    );
    assert_eq!(
        signed_in_name(&app, &elsewhere).await,
        None,
        "the other session ended"
    );
    assert_eq!(
        app.sign_in("admin@acme.example", PASSWORD).await.0.status(),
        422
    );
    assert!(app
        .sign_in("admin@acme.example", new_password)
        .await
        .0
        .status()
        .is_success());

    let again = app
        .call(
            "account/reset-password",
            &[
                ("token", &token),
                ("password", "yet another passphrase"),
                ("password_again", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);
    assert!(audit_actions(&app)
        .await
        .contains(&"password_changed".to_owned()));

    // A mailbox cannot be flooded: at most three links an hour.
    for _ in 0..5 {
        app.call(
            "account/forgot-password",
            &[("email", "admin@acme.example")],
        )
        .await;
    }
    let links: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM account_tokens WHERE purpose = 'password_reset'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(links, 3);
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = common::spawn_app().await;
    let (_, here) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, there) = app.sign_in("admin@acme.example", PASSWORD).await;
    let change = |current: &'static str, new: &'static str| {
        let here = here.clone();
        let app = &app;
        async move {
            json(
                app.call_as(
                    &here,
                    "account/change-password",
                    &[
                        ("current", current),
                        ("password", new),
                        ("password_again", new),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let (status, body) = change("wrong", "a brand new passphrase").await;
    assert_eq!(
        (status, &body["Invalid"][0]["field"]),
        (422, &Value::from("current"))
    );
    let (status, body) = change(PASSWORD, "qwertyuiop").await;
    assert_eq!(
        (status, &body["Invalid"][0]["reason"]),
        (422, &Value::from("PasswordTooCommon"))
    );
    assert!(
        signed_in_name(&app, &there).await.is_some(),
        "refusals change nothing"
    );

    let (status, _) = change(PASSWORD, "a brand new passphrase").await;
    assert_eq!(status, 200);
    assert!(signed_in_name(&app, &here).await.is_some());
    assert_eq!(signed_in_name(&app, &there).await, None);
    assert!(app
        .sign_in("admin@acme.example", "a brand new passphrase")
        .await
        .0
        .status()
        .is_success());
    let unsigned = app
        .call(
            "account/change-password",
            &[("current", "x"), ("password", "y"), ("password_again", "y")],
        )
        .await;
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn roles_are_checked_on_the_server() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.add_active_user(provisioned.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    app.add_active_user(provisioned.org, "person@acme.example", Role::User)
        .await;
    let (_, reader) = app.sign_in("reader@acme.example", PASSWORD).await;
    let (_, person) = app.sign_in("person@acme.example", PASSWORD).await;

    assert_eq!(app.call_as(&admin, "overview", &[]).await.status(), 200);
    assert_eq!(app.call_as(&reader, "overview", &[]).await.status(), 200);
    assert_eq!(app.call_as(&person, "overview", &[]).await.status(), 403);
    assert_eq!(app.call("overview", &[]).await.status(), 401);

    // A plain user is told the portal is for administrators, not shown its pages.
    let page = person
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-test="admins-only""#), "{page}");
    assert!(!page.contains("People in your organisation"));
    let page = reader
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Read-only administrator"));
}

#[tokio::test]
async fn without_javascript_forms_redirect_and_errors_come_back_in_the_address() {
    let app = common::spawn_app().await;
    app.admin_of("Acme", "admin@acme.example").await;
    let client = browser();
    let post = |password: &'static str| {
        client
            .post(app.url("/api/account/sign-in"))
            .header("accept", "text/html")
            .header("referer", app.url("/sign-in"))
            .form(&[("email", "admin@acme.example"), ("password", password)])
            .send()
    };
    let wrong = post("not it at all").await.unwrap();
    assert_eq!(wrong.status(), 302);
    let location = wrong.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("/sign-in?") && location.contains("__err="),
        "{location}"
    );
    let page = client
        .get(location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("That email address and password do not match"),
        "{page}"
    );

    let right = post(PASSWORD).await.unwrap();
    assert_eq!(right.status(), 302);
    // The organisation is not set up yet: its full administrator goes on with the wizard.
    assert_eq!(right.headers()["location"], "/setup");
    assert!(set_cookie(&right).contains("switchboard_session="));
    let page = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("First Admin"));
}

/// Links name their row (found by id, checked by hash); a link sent before they did still opens
/// by its hash, and a made-up token naming a real row opens nothing.
#[tokio::test]
async fn welcome_links_are_found_by_their_row_and_older_ones_by_their_hash() {
    use app::server::auth::tokens;
    let app = common::spawn_app().await;
    let provisioned = app.create_org("Acme Trading", "admin@acme.example").await;
    let token = token_of(&provisioned.welcome_link);
    let (id, org, user): (i64, i64, i64) =
        sqlx::query_as("SELECT id, org_id, user_id FROM account_tokens")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(
        tokens::id_of(&token),
        Some(id),
        "the mailed token names its row"
    );
    let opens = |token: String| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/welcome/{token}"))
                .await
                .text()
                .await
                .unwrap();
            page.contains(r#"name="password_again""#)
        }
    };
    assert!(opens(token.clone()).await);
    assert!(
        !opens(tokens::generate_for(id).raw).await,
        "right row, wrong secret"
    );
    assert!(
        !opens(tokens::generate_for(id + 1).raw).await,
        "no such row"
    );

    // A link as they were made before tokens named their rows (the migration marked those).
    let older = tokens::generate();
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO account_tokens (org_id, user_id, purpose, token_hash, expires_at, created_at,
                                     found_by_hash)
         VALUES ($1, $2, 'welcome', $3, 4102444800, 0, TRUE)",
    )
    .bind(org)
    .bind(user)
    .bind(&older.hash)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(opens(older.raw.clone()).await, "an older link still opens");
    assert!(!opens(tokens::generate().raw).await);
}
