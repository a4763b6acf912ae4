//! Unlicensed users through HTTP: the list is the self-signups of the organisation's verified
//! domains only; administrators add them one by one or all at once, with services and licences,
//! all or none; roles, conflicts, strangers' ids and the directory rule are refused.

mod common;

use app::domain::Role;
use common::signups::{json, link_in};
use common::{browser, TestApp, PASSWORD};

async fn listed(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let (status, body) = json(app.call_as(client, "unlicensed/list", &[]).await).await;
    assert_eq!(status, 200, "{body}");
    body["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(app: &TestApp, client: &reqwest::Client) -> i64 {
    let (_, body) = json(app.call_as(client, "unlicensed/count", &[]).await).await;
    body.as_i64().unwrap()
}

#[tokio::test]
async fn only_confirmed_sign_ups_of_verified_domains_are_listed() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, other_admin) = app.admin_of("Other", "admin@other.example").await;
    app.signed_up("Mei Lin", "mei@acme.example", true).await;
    app.signed_up("Not Yet", "later@acme.example", false).await;
    app.signed_up("Bo Outsider", "bo@elsewhere.example", true)
        .await;
    assert!(listed(&app, &admin).await.is_empty(), "no domain yet");

    let acme = app.domain(&admin, "acme.example", false).await;
    assert!(listed(&app, &admin).await.is_empty(), "not verified yet");
    app.call_as(&admin, "domains/remove", &[("id", &acme)])
        .await;
    let acme = app.domain(&admin, "acme.example", true).await;
    assert_eq!(listed(&app, &admin).await, ["mei@acme.example"]);
    assert_eq!(count(&app, &admin).await, 1);
    assert!(listed(&app, &other_admin).await.is_empty());
    assert_eq!(count(&app, &other_admin).await, 0);

    // The Users page links to them with the count.
    let page = admin.get(app.url("/users")).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("Unlicensed users (1)"));
    let page = admin
        .get(app.url("/users/unlicensed"))
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("mei@acme.example") && page.contains("Mei Lin"));
    assert!(!page.contains("bo@elsewhere.example") && !page.contains("later@acme.example"));

    app.call_as(&admin, "domains/remove", &[("id", &acme)])
        .await;
    assert!(listed(&app, &admin).await.is_empty(), "domain removed");
}

#[tokio::test]
async fn one_person_added_becomes_active_with_their_password_services_and_a_notice() {
    let app = common::spawn_app().await;
    let (acme, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.domain(&admin, "acme.example", true).await;
    let mei = app.signed_up("Mei Lin", "mei@acme.example", true).await;
    let old_hash: String = sqlx::query_scalar("SELECT password_hash FROM signups WHERE id = $1")
        .bind(mei)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    let mails_before = app.state.mail.sent().len();

    let (status, body) = json(
        app.call_as(
            &admin,
            "unlicensed/add",
            &[("row", &mei.to_string()), ("messaging", "on")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["added"], serde_json::json!(["mei@acme.example"]));
    let (status, hash, name): (String, String, String) = sqlx::query_as(
        "SELECT status, password_hash, display_name FROM users WHERE org_id = $1 AND email = $2",
    )
    .bind(acme.org.0)
    .bind("mei@acme.example")
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!((status.as_str(), name.as_str()), ("active", "Mei Lin"));
    assert_eq!(hash, old_hash, "the password they chose comes along");
    let services: Vec<String> = sqlx::query_scalar(
        "SELECT s.service FROM user_services s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    )
    .bind("mei@acme.example")
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(services, ["messaging"]);
    let kept: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM signups WHERE id = $1")
            .bind(mei)
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(kept, None, "the hash is not kept twice");

    let mail = app.wait_for_mail(mails_before + 1).await;
    let notice = &mail[mails_before];
    assert_eq!(notice.to, ["mei@acme.example"]);
    assert!(
        notice.raw.contains("You've been added to Acme"),
        "{}",
        notice.raw
    );
    assert_eq!(link_in(&notice.raw, "/sign-in"), "/sign-in");
    assert!(!notice.raw.contains("/welcome/"), "no invitation needed");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE org_id = $1")
            .bind(acme.org.0)
            .fetch_all(app.state.db.reader())
            .await
            .unwrap();
    assert!(actions.contains(&"unlicensed_users_added".to_owned()));
    assert!(listed(&app, &admin).await.is_empty());

    // They sign in to their own page now.
    let (answer, _) = app.sign_in("mei@acme.example", PASSWORD).await;
    assert!(answer.status().is_redirection() || answer.status().is_success());
    assert!(answer.headers().get("set-cookie").is_some());

    // Added before: a conflict, and nothing changes.
    let again = app
        .call_as(&admin, "unlicensed/add", &[("row", &mei.to_string())])
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn everyone_listed_is_added_at_once_within_the_licences_or_nobody_is() {
    let app = common::spawn_app().await;
    let (acme, admin) = app
        .admin_of_plan("Acme", "admin@acme.example", "messaging=10,calling=2")
        .await;
    app.domain(&admin, "acme.example", true).await;
    let ids = [
        app.signed_up("One", "one@acme.example", true).await,
        app.signed_up("Two", "two@acme.example", true).await,
        app.signed_up("Three", "three@acme.example", true).await,
    ];
    let users = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE org_id = $1")
            .bind(acme.org.0)
            .fetch_one(app.state.db.reader())
            .await
            .unwrap()
    };
    let short = app
        .call_as(
            &admin,
            "unlicensed/add",
            &[("scope", "all"), ("calling", "on")],
        )
        .await;
    let refused = common::refused(short).await;
    assert_eq!(
        refused,
        [("services".to_owned(), "LicenceShort".to_owned())]
    );
    let missing = app
        .call_as(
            &admin,
            "unlicensed/add",
            &[("scope", "all"), ("meetings", "on")],
        )
        .await;
    assert_eq!(
        common::refused(missing).await,
        [("services".to_owned(), "ServiceNotInPlan".to_owned())]
    );
    assert_eq!(users().await, 1, "nobody added");

    // Two ticked, with calling: each gets an activation code and a notice.
    let before = app.state.mail.sent().len();
    let (status, body) = json(
        app.call_as(
            &admin,
            "unlicensed/add",
            &[
                ("ids[0]", &ids[0].to_string()),
                ("ids[1]", &ids[1].to_string()),
                ("calling", "on"),
                ("messaging", "on"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(users().await, 3);
    let mail = app.wait_for_mail(before + 4).await;
    let new: Vec<&app::server::mail::SentMail> = mail[before..].iter().collect();
    assert_eq!(new.len(), 4);
    assert_eq!(
        new.iter()
            .filter(|m| m.raw.contains("Activation code"))
            .count(),
        2
    );
    let rest = app
        .call_as(
            &admin,
            "unlicensed/add",
            &[("scope", "all"), ("messaging", "on")],
        )
        .await;
    let (status, body) = json(rest).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["added"], serde_json::json!(["three@acme.example"]));
    assert_eq!(users().await, 4);
}

#[tokio::test]
async fn strangers_taken_addresses_roles_and_the_directory_rule_are_refused() {
    let app = common::spawn_app().await;
    let (acme, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.domain(&admin, "acme.example", true).await;
    let outsider = app.signed_up("Bo", "bo@elsewhere.example", true).await;
    let unconfirmed = app.signed_up("Later", "later@acme.example", false).await;
    let taken = app.signed_up("Lee", "lee@acme.example", true).await;
    let mei = app.signed_up("Mei", "mei@acme.example", true).await;
    app.add_active_user(acme.org, "lee@acme.example", Role::User)
        .await;

    for id in [outsider, unconfirmed, 999_999] {
        let answer = app
            .call_as(&admin, "unlicensed/add", &[("row", &id.to_string())])
            .await;
        assert_eq!(answer.status(), 404, "id {id}");
        assert!(!answer.text().await.unwrap().contains("elsewhere"));
    }
    let mixed = app
        .call_as(
            &admin,
            "unlicensed/add",
            &[
                ("ids[0]", &mei.to_string()),
                ("ids[1]", &outsider.to_string()),
            ],
        )
        .await;
    assert_eq!(mixed.status(), 404);
    let nothing = app.call_as(&admin, "unlicensed/add", &[]).await;
    assert_eq!(
        common::refused(nothing).await,
        [("ids".to_owned(), "UnlicensedNoneChosen".to_owned())]
    );

    let (_, body) = json(app.call_as(&admin, "unlicensed/list", &[]).await).await;
    let lee = body["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == "lee@acme.example")
        .unwrap()
        .clone();
    assert_eq!(lee["taken"], true);
    let conflict = app
        .call_as(
            &admin,
            "unlicensed/add",
            &[("ids[0]", &taken.to_string()), ("ids[1]", &mei.to_string())],
        )
        .await;
    let (status, body) = json(conflict).await;
    assert_eq!(status, 422);
    assert_eq!(body["Invalid"][0]["reason"], "UnlicensedAddressTaken");
    assert_eq!(body["Invalid"][0]["args"][0][1], "lee@acme.example");

    // Roles: read-only administrators see the list, user administrators add, users do neither.
    for (email, role) in [
        ("reader@acme.example", Role::ReadOnlyAdmin),
        ("helper@acme.example", Role::UserAdmin),
        ("plain@acme.example", Role::User),
    ] {
        app.add_active_user(acme.org, email, role).await;
    }
    let (_, reader) = app.sign_in("reader@acme.example", PASSWORD).await;
    let (_, helper) = app.sign_in("helper@acme.example", PASSWORD).await;
    let (_, plain) = app.sign_in("plain@acme.example", PASSWORD).await;
    assert_eq!(
        app.call_as(&plain, "unlicensed/list", &[]).await.status(),
        403
    );
    assert_eq!(
        app.call_as(&plain, "unlicensed/count", &[]).await.status(),
        403
    );
    let (_, body) = json(app.call_as(&reader, "unlicensed/list", &[]).await).await;
    assert_eq!(body["can_add"], false);
    let row = [("row", mei.to_string())];
    let row: Vec<(&str, &str)> = row.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call_as(&reader, "unlicensed/add", &row).await.status(),
        403
    );
    assert_eq!(
        browser()
            .post(app.url("/api/unlicensed/add"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // An identity provider that refuses hand adds refuses these too.
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO scim_tokens (org_id, name, token_hash, created_by, created_at)
         VALUES ($1, 'IdP', 'x', $2, 0)",
    )
    .bind(acme.org.0)
    .bind(acme.admin_user_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE organisations SET directory_rule = 'refuse' WHERE id = $1")
        .bind(acme.org.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let refused = app.call_as(&helper, "unlicensed/add", &row).await;
    assert_eq!(
        common::refused(refused).await,
        [("ids".to_owned(), "DirectoryRefusesHandAdds".to_owned())]
    );
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE organisations SET directory_rule = 'warn' WHERE id = $1")
        .bind(acme.org.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let added = app.call_as(&helper, "unlicensed/add", &row).await;
    assert_eq!(added.status(), 200);
}

#[tokio::test]
async fn without_javascript_adding_comes_back_to_the_page_with_the_count() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.domain(&admin, "acme.example", true).await;
    let mei = app.signed_up("Mei", "mei@acme.example", true).await;
    let answer = admin
        .post(app.url("/api/unlicensed/add"))
        .header("accept", "text/html")
        .header("referer", app.url("/users/unlicensed"))
        .form(&[("ids[0]", mei.to_string()), ("messaging", "on".to_owned())])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(answer.headers()["location"], "/users/unlicensed?added=1");
    let page = admin
        .get(app.url("/users/unlicensed?added=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("1 added to your organisation."), "{page}");
}
