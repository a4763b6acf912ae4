//! Tenant isolation: signed in to organisation A, every server function is called with
//! organisation B's ids; each answers for A only (or refuses), and B is unchanged. When a server
//! function is added, this test fails until a case for it is added here.

mod common;

use common::{TestApp, PASSWORD};
use std::collections::BTreeSet;

/// Everything of B's that a leak or a stray write would touch.
async fn snapshot_of(app: &TestApp, org: i64) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT email || '|' || role || '|' || status || '|' || COALESCE(display_name, '') || '|' || COALESCE(password_hash, '')
         FROM users WHERE org_id = $1 ORDER BY id",
    )
    .bind(org)
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT 'session ' || id FROM sessions WHERE org_id = $1
         UNION ALL SELECT 'token ' || id || ' ' || COALESCE(used_at, 0) || ' ' || COALESCE(revoked_at, 0) || ' ' || expires_at
                   FROM account_tokens WHERE org_id = $1
         UNION ALL SELECT 'invitation ' || id || ' ' || COALESCE(invitation_expires_at, 0) || ' ' || COALESCE(invitation_revoked_at, 0)
                   FROM users WHERE org_id = $1
         UNION ALL SELECT 'line ' || id || COALESCE(phone_number, '') || COALESCE(extension, '') FROM users WHERE org_id = $1
         UNION ALL SELECT 'service ' || user_id || ' ' || service FROM user_services WHERE org_id = $1
         UNION ALL SELECT 'organisation ' || name || directory_rule FROM organisations WHERE id = $1
         UNION ALL SELECT 'licence ' || service || seats FROM licences WHERE org_id = $1
         UNION ALL SELECT 'import ' || id || ' ' || state FROM imports WHERE org_id = $1
         UNION ALL SELECT 'setup ' || setup_step || ' ' || COALESCE(setup_finished_at, 0) || default_locale || invitation_days
                   FROM organisations WHERE id = $1
         UNION ALL SELECT 'draft ' || step || fields FROM setup_drafts WHERE org_id = $1
         UNION ALL SELECT 'messaging ' || file_sharing || external_messaging || COALESCE(retention_days, 0)
                   FROM messaging_settings WHERE org_id = $1
         UNION ALL SELECT 'meetings ' || guests_allowed || recording_allowed FROM meetings_settings WHERE org_id = $1
         UNION ALL SELECT 'calling ' || location || time_zone || extension_first || COALESCE(caller_id, '')
                   FROM calling_settings WHERE org_id = $1
         UNION ALL SELECT 'number ' || number || COALESCE(extension, '') FROM pool_numbers WHERE org_id = $1
         UNION ALL SELECT 'domain ' || name || COALESCE(verified_at, 0) FROM domains WHERE org_id = $1
         UNION ALL SELECT 'code ' || id || COALESCE(used_at, 0) || COALESCE(replaced_at, 0) || expires_at
                   FROM activation_codes WHERE org_id = $1
         UNION ALL SELECT 'device ' || user_id || model || mac FROM devices WHERE org_id = $1
         UNION ALL SELECT 'scim ' || name || COALESCE(revoked_at, 0) FROM scim_tokens WHERE org_id = $1
         UNION ALL SELECT 'preferences ' || user_id || settings || COALESCE(voicemail_pin_hash, '')
                   FROM calling_preferences WHERE org_id = $1
         UNION ALL SELECT 'directory ' || url || base_dn || hex(bind_password) || schedule || updated_at
                   FROM directory_configs WHERE org_id = $1
         UNION ALL SELECT 'directory group ' || service || group_dn FROM directory_groups WHERE org_id = $1
         UNION ALL SELECT 'directory sync ' || id || state FROM directory_syncs WHERE org_id = $1
         UNION ALL SELECT 'signup ' || email || COALESCE(converted_at, 0) || COALESCE(password_hash, '')
                   FROM signups WHERE domain IN (SELECT name FROM domains WHERE org_id = $1)",
    )
    .bind(org)
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    rows.extend(others);
    rows
}

/// A directory's settings; nothing listens at its address.
fn directory_form(group: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("url", "ldap://127.0.0.1:1"),
        ("bind_dn", "cn=admin,dc=example"),
        ("password", "directory-secret"),
        ("base_dn", "dc=example"),
        ("filter", "(objectClass=inetOrgPerson)"),
        ("attribute_email", "mail"),
        ("attribute_first_name", "givenName"),
        ("attribute_last_name", "sn"),
        ("attribute_display_name", "displayName"),
        ("attribute_phone", "telephoneNumber"),
        ("groups_calling", group),
        ("schedule", "daily"),
    ]
}

#[tokio::test]
async fn every_server_function_keeps_to_the_signed_in_organisation() {
    let app = common::spawn_app().await;
    // B first: a query that forgot its scope and took the oldest organisation would find B.
    let (b, admin_b) = app.admin_of("Beta GmbH", "admin@beta.example").await;
    let (a, admin_a) = app.admin_of("Alpha Ltd", "admin@alpha.example").await;
    let b_user = app
        .add_active_user(
            b.org,
            "reader@beta.example",
            app::domain::Role::ReadOnlyAdmin,
        )
        .await;
    // B has someone pending, so resending and revoking have something to find.
    let b_pending: i64 = {
        let mut tx = app.state.db.begin_write().await.unwrap();
        let email = app::domain::Email::parse("pending@beta.example").unwrap();
        let id = app::server::db::users::insert_pending(
            &mut tx,
            b.org,
            &email,
            app::domain::Role::User,
            app::locales::Locale::En,
            i64::MAX,
            0,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let b_ids = [
        ("org_id", b.org.0.to_string()),
        ("org", b.org.0.to_string()),
        ("user_id", b_user.to_string()),
        ("id", b.admin_user_id.to_string()),
        ("ids[0]", b_user.to_string()),
        ("ids[1]", b_pending.to_string()),
        ("ids[2]", b.admin_user_id.to_string()),
    ];
    // B has settings, numbers and a domain, for the settings functions to leave alone.
    let b_domain = {
        let session = app::server::auth::sessions::Session {
            id: 0,
            org: b.org,
            user_id: b.admin_user_id,
            role: app::domain::Role::FullAdmin,
            email: "admin@beta.example".to_owned(),
            display_name: None,
        };
        let form = app::domain::settings::CallingForm {
            numbers: "+86 10 5555 0100 - +86 10 5555 0109".to_owned(),
            ..app::domain::settings::CallingForm::from(
                &app::domain::settings::CallingSettings::starting("Beta", app::locales::Locale::En),
            )
        };
        app::server::settings::save_calling(&app.state, &session, form, None, 0)
            .await
            .unwrap();
        app::server::settings::domains::add(&app.state, &session, "beta.example", 0)
            .await
            .unwrap()
            .id
            .to_string()
    };
    // B's reader has calling, their own settings, a code and a phone, for no one else to touch.
    {
        let mut tx = app.state.db.begin_write().await.unwrap();
        for sql in [
            "INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, 'calling')",
            "INSERT INTO calling_preferences (user_id, org_id, settings, updated_at)
             VALUES ($2, $1, '{\"speed_dials\":[{\"name\":\"Beta desk\",\"number\":\"2001\"}]}', 0)",
            "INSERT INTO activation_codes (org_id, user_id, code_hash, created_at, expires_at)
             VALUES ($1, $2, 'b-code', 0, 9999999999)",
            "INSERT INTO devices (org_id, user_id, model, mac, activated_at)
             VALUES ($1, $2, 'Beta phone', '0000000000b1', 0)",
            "INSERT INTO scim_tokens (org_id, name, token_hash, created_by, created_at)
             VALUES ($1, 'Beta IdP', 'b-scim', $2, 0)",
        ] {
            sqlx::query(sql)
                .bind(b.org.0)
                .bind(b_user)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    // B has a finished import, so cancelling and undoing have something to find.
    let b_import = {
        let session = app::server::auth::sessions::Session {
            id: 0,
            org: b.org,
            user_id: b.admin_user_id,
            role: app::domain::Role::FullAdmin,
            email: "admin@beta.example".to_owned(),
            display_name: None,
        };
        let upload = app::server::imports::Upload {
            file_name: "beta.csv".to_owned(),
            ..Default::default()
        };
        let file = b"Email\r\nimported@beta.example\r\n".to_vec();
        let id = app::server::imports::start(
            &app.state,
            &session,
            upload,
            file,
            app::locales::Locale::En,
        )
        .await
        .unwrap();
        while !app::server::imports::summary(&app.state, b.org, id)
            .await
            .unwrap()
            .state
            .is_finished()
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        id.to_string()
    };
    // B syncs a directory (never reached here: saving does not connect).
    let b_directory = directory_form("cn=phones,ou=groups,dc=beta,dc=example");
    let saved = app.call_as(&admin_b, "directory/save", &b_directory).await;
    assert_eq!(saved.status(), 200, "B's directory");
    // B verified its domain, and someone there signed up on their own: B's unlicensed user.
    let b_signup: i64 = {
        let mut tx = app.state.db.begin_write().await.unwrap();
        sqlx::query("UPDATE domains SET verified_at = 1 WHERE org_id = $1")
            .bind(b.org.0)
            .execute(&mut *tx)
            .await
            .unwrap();
        let id = sqlx::query_scalar(
            "INSERT INTO signups (email, domain, display_name, locale, password_hash, created_at, confirmed_at)
             VALUES ('waiting@beta.example', 'beta.example', 'Beta Waiting', 'en', 'x', 0, 0) RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let delete_b_row = format!("delete:{b_user}");
    let resend_b_row = format!("resend:{b_pending}");
    let before = snapshot_of(&app, b.org.0).await;
    assert!(!before.is_empty());

    // Each server function, with B's ids added to arguments that are its own.
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("overview", &[]),
        ("account/signed-in", &[]),
        ("account/installed", &[]),
        ("account/welcome-link", &[("token", "unknown")]),
        ("account/reset-link", &[("token", "unknown")]),
        (
            "account/forgot-password",
            &[("email", "admin@alpha.example")],
        ),
        (
            "account/create",
            &[
                ("token", "unknown"),
                ("name", "X"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        ),
        (
            "account/reset-password",
            &[
                ("token", "unknown"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        ),
        (
            "account/change-password",
            &[
                ("current", PASSWORD),
                ("password", "alpha changes only"),
                ("password_again", "alpha changes only"),
            ],
        ),
        (
            "account/sign-in",
            &[
                ("email", "admin@alpha.example"),
                ("password", "alpha changes only"),
            ],
        ),
        ("users/add-form", &[]),
        (
            "users/add",
            &[
                ("text", "new.person@alpha.example"),
                ("submission", "isolation"),
                ("messaging", "on"),
            ],
        ),
        ("account/new-invitation", &[("token", "unknown")]),
        ("users/list", &[("q", "beta")]),
        ("users/list", &[("status", "invite_pending")]),
        ("users/get", &[]),
        ("users/act", &[("action", "deactivate")]),
        ("users/act", &[("action", "resend")]),
        ("users/act", &[("action", "revoke")]),
        (
            "users/act",
            &[
                ("action", "delete"),
                ("confirm", "yes"),
                ("scope", "selected"),
            ],
        ),
        ("users/act", &[("row", &delete_b_row), ("confirm", "yes")]),
        ("users/act", &[("row", &resend_b_row)]),
        ("users/act", &[("action", "resend-older"), ("days", "1")]),
        ("users/set-services", &[("calling", "on")]),
        ("users/set-role", &[("role", "user")]),
        (
            "users/known",
            &[("text", "reader@beta.example\nadmin@beta.example")],
        ),
        (
            "users/add-admin",
            &[
                ("email", "second.admin@alpha.example"),
                ("role", "user_admin"),
            ],
        ),
        ("imports/known", &[("emails[0]", "imported@beta.example")]),
        ("imports/list", &[]),
        ("imports/get", &[]),
        ("imports/cancel", &[]),
        ("imports/undo-plan", &[]),
        ("imports/undo", &[]),
        ("setup/state", &[]),
        ("settings/view", &[]),
        ("setup/plan", &[("go", "next")]),
        ("settings/messaging", &[("retention_days", "30")]),
        ("settings/meetings", &[("guests_allowed", "on")]),
        (
            "settings/calling",
            &[
                ("location", "Alpha HQ"),
                ("time_zone", "Asia/Shanghai"),
                ("extension_length", "4"),
                ("extension_first", "1000"),
                ("extension_last", "1999"),
                ("numbers", "+86 10 5555 0300"),
                ("caller_id", ""),
            ],
        ),
        (
            "settings/enterprise",
            &[
                ("display_name", "Alpha Ltd"),
                ("default_language", "en"),
                ("invitation_days", "14"),
            ],
        ),
        (
            "settings/remove-numbers",
            &[("first", "+861055550100"), ("last", "+861055550109")],
        ),
        ("numbers/list", &[("q", "")]),
        ("numbers/person", &[]),
        (
            "numbers/assign",
            &[("number", "+86 10 5555 0300"), ("extension", "")],
        ),
        ("numbers/unassign", &[]),
        ("numbers/add", &[("numbers", "+86 10 5555 0100")]),
        ("scim/tokens", &[]),
        ("scim/create-token", &[("name", "Alpha IdP")]),
        ("scim/revoke-token", &[]),
        ("scim/directory-rule", &[("rule", "refuse")]),
        (
            "audit/list",
            &[("actor", ""), ("action", ""), ("from", ""), ("to", "")],
        ),
        ("numbers/map-plan", &[]),
        ("numbers/map", &[]),
        ("domains/list", &[]),
        ("domains/add", &[("domain", "alpha.example")]),
        ("domains/verify", &[]),
        ("domains/remove", &[]),
        ("setup/finish", &[("go", "finish")]),
        (
            "phones/activate",
            &[
                ("code", "0000 0000 0000 0001"),
                ("model", "X"),
                ("mac", "001a2b3c4d5e"),
            ],
        ),
        ("phones/new-code", &[]),
        ("me/calling", &[]),
        ("me/voicemail", &[("enabled", "on"), ("rings", "3")]),
        ("me/pin", &[("pin", "2580"), ("pin_again", "2580")]),
        (
            "me/forwarding",
            &[
                ("always", ""),
                ("busy", ""),
                ("no_answer", ""),
                ("no_answer_rings", "4"),
                ("unreachable", ""),
            ],
        ),
        (
            "me/speed-dials",
            &[("name", "Beta"), ("number", "+861055550100")],
        ),
        ("me/speed-dial", &[("at", "0"), ("op", "remove")]),
        ("me/reach", &[("delay_seconds", "0")]),
        ("me/reach-numbers", &[("number", "+861055550100")]),
        ("me/reach-number", &[("at", "0"), ("op", "remove")]),
        (
            "signup/start",
            &[("name", "Someone"), ("email", "someone@alpha.example")],
        ),
        ("signup/link", &[("token", "unknown")]),
        (
            "signup/confirm",
            &[
                ("token", "unknown"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        ),
        ("unlicensed/list", &[]),
        ("unlicensed/count", &[]),
        ("unlicensed/add", &[("messaging", "on")]),
        ("unlicensed/add", &[("scope", "all"), ("messaging", "on")]),
        ("account/sign-out", &[]),
        ("directory/settings", &[]),
        (
            "directory/save",
            &directory_form("cn=alpha,dc=alpha,dc=example"),
        ),
        ("directory/dry-run", &[]),
        ("directory/sync", &[]),
        ("directory/syncs", &[]),
        ("directory/remove", &[]),
    ];
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let covered: BTreeSet<String> = cases.iter().map(|(e, _)| (*e).to_owned()).collect();
    assert_eq!(
        registered, covered,
        "every server function needs a case here"
    );

    for (endpoint, args) in cases {
        let mut form: Vec<(&str, &str)> = args.to_vec();
        form.extend(b_ids.iter().map(|(k, v)| (*k, v.as_str())));
        let answer = app.call_as(&admin_a, endpoint, &form).await;
        let status = answer.status().as_u16();
        let body = answer.text().await.unwrap();
        assert!(
            !body.contains("Beta") && !body.contains("beta.example"),
            "{endpoint} leaked organisation B: {body}"
        );
        assert!(
            status < 500,
            "{endpoint} failed ({status}) with B's ids: {body}"
        );
        if *endpoint == "overview" {
            assert!(body.contains("Alpha Ltd"), "{body}");
        }
        if *endpoint == "account/signed-in" {
            assert!(body.contains("admin@alpha.example"), "{body}");
        }
    }
    // The imports' ids are their own: B's import, asked for by id, is not found.
    let (_, admin_a) = app
        .sign_in("admin@alpha.example", "alpha changes only")
        .await;
    for endpoint in ["domains/verify", "domains/remove"] {
        let answer = app
            .call_as(&admin_a, endpoint, &[("id", b_domain.as_str())])
            .await;
        assert_eq!(answer.status(), 404, "{endpoint} with B's domain");
    }
    // A's own provider rule (set above) would refuse first: let A add by hand again.
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE organisations SET directory_rule = 'warn' WHERE id = $1")
        .bind(a.org.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let b_signup_row = b_signup.to_string();
    for form in [
        [("row", b_signup_row.as_str())],
        [("ids[0]", b_signup_row.as_str())],
    ] {
        let answer = app.call_as(&admin_a, "unlicensed/add", &form).await;
        assert_eq!(answer.status(), 404, "B's unlicensed user added by A");
    }
    for endpoint in [
        "imports/get",
        "imports/cancel",
        "imports/undo-plan",
        "imports/undo",
    ] {
        let answer = app
            .call_as(&admin_a, endpoint, &[("id", b_import.as_str())])
            .await;
        assert_eq!(answer.status(), 404, "{endpoint} with B's import");
    }
    let result = admin_a
        .get(app.url(&format!("/api/imports/{b_import}/result.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(result.status(), 404);
    let export = admin_a
        .get(app.url("/api/users/export.csv"))
        .send()
        .await
        .unwrap();
    let export = export.text().await.unwrap();
    assert!(!export.contains("beta.example"), "{export}");
    assert_eq!(
        snapshot_of(&app, b.org.0).await,
        before,
        "organisation B changed"
    );

    // B's administrator is still signed in and sees only B.
    let overview = app
        .call_as(&admin_b, "overview", &[("org_id", &a.org.0.to_string())])
        .await;
    let body = overview.text().await.unwrap();
    assert!(
        body.contains("Beta GmbH") && !body.contains("Alpha"),
        "{body}"
    );
}
