//! The first-time setup wizard and the settings it shares with the Services and Settings tabs,
//! through HTTP: each step's validation, Back and a refused Next keeping what was typed, resuming,
//! finishing once, the number pool, domain verification through the resolver, and the roles.

mod common;

use app::api::settings::{SettingsView, SetupView};
use app::domain::settings::SetupStep;
use app::domain::Role;
use common::{refused, TestApp, PASSWORD};

async fn state_of(app: &TestApp, client: &reqwest::Client) -> SetupView {
    let answer = app.call_as(client, "setup/state", &[]).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.expect("setup state")
}

async fn settings_of(app: &TestApp, client: &reqwest::Client) -> SettingsView {
    let answer = app.call_as(client, "settings/view", &[]).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.expect("settings")
}

/// Where a redirecting answer sends the browser.
fn location(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The refused fields of a 422 answer, with their messages' values.
async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action || ' ' || detail FROM audit_events ORDER BY id")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap()
}

fn calling_form<'a>(numbers: &'a str, caller_id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("location", "Beijing office"),
        ("time_zone", "Asia/Shanghai"),
        ("extension_length", "4"),
        ("extension_first", "2000"),
        ("extension_last", "2999"),
        ("numbers", numbers),
        ("caller_id", caller_id),
        ("voicemail_default", "on"),
    ]
}

#[tokio::test]
async fn the_wizard_saves_each_step_keeps_what_was_typed_and_resumes() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;

    // A full administrator of an organisation not set up yet is taken to the wizard.
    let (signed_in, admin) = {
        let (answer, client) = app.sign_in("admin@acme.example", PASSWORD).await;
        drop(admin);
        (location(&answer), client)
    };
    assert_eq!(signed_in, "/setup");
    let state = state_of(&app, &admin).await;
    assert_eq!(state.step, SetupStep::Plan);
    assert_eq!(state.steps, SetupStep::ALL);
    assert!(!state.finished);
    assert_eq!(state.settings.plan.len(), 3);

    let next = app.call_as(&admin, "setup/plan", &[("go", "next")]).await;
    assert_eq!(location(&next), "/setup/calling");

    // Every calling problem at once, each at its field; the numbers by line.
    let mut bad = calling_form(
        "+86 10 5555 0100\n010 5555 0101\n+86 10 5555 0199 - +86 10 5555 0100",
        "",
    );
    bad[0].1 = " ";
    bad[1].1 = "Mars/Olympus";
    bad[4].1 = "1999";
    bad.push(("go", "next"));
    let errors = refused(app.call_as(&admin, "settings/calling", &bad).await).await;
    assert_eq!(
        errors,
        [
            ("location".into(), "SettingsRequired".into()),
            ("time_zone".into(), "SettingsTimeZoneUnknown".into()),
            ("extension_last".into(), "SettingsExtensionOrder".into()),
            ("numbers".into(), "NumberNeedsCountryCode".into()),
            ("numbers".into(), "NumberRangeOrder".into()),
        ]
    );
    let state = state_of(&app, &admin).await;
    assert_eq!(state.step, SetupStep::Calling, "a refused Next stays");
    let kept = state.settings.calling.expect("calling").form;
    assert_eq!(kept.time_zone, "Mars/Olympus", "what was typed is kept");
    assert!(kept.numbers.contains("010 5555 0101"));
    assert_eq!(
        settings_of(&app, &admin).await.calling.unwrap().pool.len(),
        0,
        "nothing written"
    );

    // A caller ID outside the pool is refused; one inside it is kept.
    let mut outside = calling_form("+86 10 5555 0100 - +86 10 5555 0109", "+86 10 5555 0300");
    outside.push(("go", "next"));
    let errors = refused(app.call_as(&admin, "settings/calling", &outside).await).await;
    assert_eq!(errors, [("caller_id".into(), "CallerIdNotInPool".into())]);
    let mut good = calling_form(
        "+86 10 5555 0100 - +86 10 5555 0109\n+86 10 5555 0200",
        "+86 10 5555 0100",
    );
    good.push(("go", "next"));
    let saved = app.call_as(&admin, "settings/calling", &good).await;
    assert_eq!(location(&saved), "/setup/messaging");
    let state = state_of(&app, &admin).await;
    assert_eq!(state.step, SetupStep::Messaging);
    let calling = state.settings.calling.expect("calling");
    assert_eq!(calling.pool_size(), 11);
    assert_eq!(calling.form.caller_id, "+861055550100");
    assert_eq!(calling.form.numbers, "", "the draft is gone once saved");

    // Back keeps what was typed, even what is not valid yet, and the wizard resumes there.
    let back = app
        .call_as(
            &admin,
            "settings/messaging",
            &[("retention_days", "ninety"), ("go", "back")],
        )
        .await;
    assert_eq!(location(&back), "/setup/calling");
    let state = state_of(&app, &admin).await;
    assert_eq!(state.step, SetupStep::Calling);
    let messaging = state.settings.messaging.expect("messaging");
    assert_eq!(messaging.retention_days, "ninety");
    assert_eq!(
        messaging.file_sharing, None,
        "the unticked box is kept unticked"
    );
    // Next again from calling, with the pool already there: nothing new, nothing refused.
    let again = app.call_as(&admin, "settings/calling", &good).await;
    assert_eq!(location(&again), "/setup/messaging");

    let errors = refused(
        app.call_as(
            &admin,
            "settings/messaging",
            &[("retention_days", "ninety"), ("go", "next")],
        )
        .await,
    )
    .await;
    assert_eq!(
        errors,
        [("retention_days".into(), "SettingsNumberBetween".into())]
    );
    let next = app
        .call_as(
            &admin,
            "settings/messaging",
            &[
                ("external_messaging", "on"),
                ("retention_days", "90"),
                ("go", "next"),
            ],
        )
        .await;
    assert_eq!(location(&next), "/setup/enterprise");

    // A new sign-in resumes at the saved step.
    let (_, again) = app.sign_in("admin@acme.example", PASSWORD).await;
    assert_eq!(state_of(&app, &again).await.step, SetupStep::Enterprise);

    app.admin_of("Globex", "admin@globex.example").await;
    let errors = refused(
        app.call_as(
            &admin,
            "settings/enterprise",
            &[
                ("display_name", "GLOBEX"),
                ("default_language", "fr"),
                ("invitation_days", "0"),
                ("go", "next"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        errors,
        [
            ("default_language".into(), "SettingsLanguageUnknown".into()),
            ("invitation_days".into(), "SettingsNumberBetween".into()),
        ]
    );
    let errors = refused(
        app.call_as(
            &admin,
            "settings/enterprise",
            &[
                ("display_name", "GLOBEX"),
                ("default_language", "zh-CN"),
                ("invitation_days", "30"),
                ("go", "next"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        errors,
        [("display_name".into(), "SettingsOrgNameTaken".into())]
    );
    let next = app
        .call_as(
            &admin,
            "settings/enterprise",
            &[
                ("display_name", "Acme Trading"),
                ("default_language", "zh-CN"),
                ("invitation_days", "30"),
                ("go", "next"),
            ],
        )
        .await;
    assert_eq!(location(&next), "/setup/users");

    let back = app.call_as(&admin, "setup/finish", &[("go", "back")]).await;
    assert_eq!(location(&back), "/setup/enterprise");
    let done = app
        .call_as(&admin, "setup/finish", &[("go", "finish")])
        .await;
    assert_eq!(location(&done), "/setup/done");
    let twice = app
        .call_as(&admin, "setup/finish", &[("go", "finish")])
        .await;
    assert_eq!(location(&twice), "/setup/done");
    let state = state_of(&app, &admin).await;
    assert!(state.finished);
    assert_eq!(state.settings.enterprise.display_name, "Acme Trading");
    assert_eq!(state.settings.enterprise.default_language, "zh-CN");
    let days: i64 =
        sqlx::query_scalar("SELECT invitation_days FROM organisations WHERE name = 'Acme Trading'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(days, 30, "new invitations use the new expiry");

    // The wizard does not start again.
    let (answer, _) = app.sign_in("admin@acme.example", PASSWORD).await;
    assert_eq!(location(&answer), "/");

    let actions = audit_actions(&app).await;
    let of = |prefix: &str| actions.iter().filter(|a| a.starts_with(prefix)).count();
    assert_eq!(of("setup_finished"), 1);
    assert_eq!(of("numbers_added 11 numbers"), 1);
    assert!(
        actions.contains(
            &"settings_changed messaging: external_messaging, file_sharing, retention_days"
                .to_owned()
        ),
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .any(|a| a
                == "settings_changed enterprise: default_language, display_name, invitation_days"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_plan_without_calling_skips_its_step_and_refuses_its_settings() {
    let app = common::spawn_app().await;
    let (_, admin) = app
        .admin_of_plan(
            "Initech",
            "admin@initech.example",
            "messaging=20,meetings=20",
        )
        .await;
    let state = state_of(&app, &admin).await;
    assert!(!state.steps.contains(&SetupStep::Calling));
    assert!(state.settings.calling.is_none());
    let next = app.call_as(&admin, "setup/plan", &[("go", "next")]).await;
    assert_eq!(location(&next), "/setup/messaging");
    let mut form = calling_form("", "");
    form.push(("go", "next"));
    let answer = app.call_as(&admin, "settings/calling", &form).await;
    assert_eq!(answer.status(), 404);
    let back = app
        .call_as(
            &admin,
            "settings/messaging",
            &[("retention_days", ""), ("go", "back")],
        )
        .await;
    assert_eq!(location(&back), "/setup/plan");
}

#[tokio::test]
async fn a_number_belongs_to_one_organisation() {
    let app = common::spawn_app().await;
    let (_, acme) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, globex) = app.admin_of("Globex", "admin@globex.example").await;
    let saved = app
        .call_as(
            &acme,
            "settings/calling",
            &calling_form("+86 10 5555 0100 - +86 10 5555 0104", ""),
        )
        .await;
    assert_eq!(location(&saved), "/services/calling?saved");
    let errors = refused(
        app.call_as(
            &globex,
            "settings/calling",
            &calling_form("+86 10 5555 0104 - +86 10 5555 0105", ""),
        )
        .await,
    )
    .await;
    assert_eq!(errors, [("numbers".into(), "NumberHeldElsewhere".into())]);
    let globex_pool = settings_of(&app, &globex).await.calling.unwrap();
    assert_eq!(
        globex_pool.pool_size(),
        0,
        "nothing of the refused batch was added"
    );

    // Removing a run takes only the organisation's own numbers.
    let removed = app
        .call_as(
            &globex,
            "settings/remove-numbers",
            &[("first", "+861055550100"), ("last", "+861055550104")],
        )
        .await;
    assert_eq!(removed.status(), 404);
    let removed = app
        .call_as(
            &acme,
            "settings/remove-numbers",
            &[("first", "+861055550100"), ("last", "+861055550101")],
        )
        .await;
    assert!(removed.status().is_success());
    let pool = settings_of(&app, &acme).await.calling.unwrap().pool;
    assert_eq!(
        (pool[0].first.as_str(), pool[0].last.as_str(), pool[0].count),
        ("+861055550102", "+861055550104", 3)
    );
}

#[tokio::test]
async fn domains_are_verified_through_the_resolver() {
    let app = common::spawn_app().await;
    let (_, acme) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, globex) = app.admin_of("Globex", "admin@globex.example").await;
    for (typed, reason) in [
        ("wang@acme.example", "DomainInvalid"),
        ("", "DomainInvalid"),
    ] {
        let errors = refused(
            app.call_as(&acme, "domains/add", &[("domain", typed)])
                .await,
        )
        .await;
        assert_eq!(errors, [("domain".into(), reason.into())], "{typed}");
    }
    let added: app::api::settings::DomainView = app
        .call_as(&acme, "domains/add", &[("domain", " Acme.Example ")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(added.name, "acme.example");
    assert!(added.record_value.starts_with("switchboard-verification="));
    assert!(!added.verified);
    let errors = refused(
        app.call_as(&acme, "domains/add", &[("domain", "acme.example")])
            .await,
    )
    .await;
    assert_eq!(errors, [("domain".into(), "DomainAlreadyAdded".into())]);
    // Globex may claim it too until someone proves it is theirs.
    let theirs: app::api::settings::DomainView = app
        .call_as(&globex, "domains/add", &[("domain", "acme.example")])
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(theirs.record_value, added.record_value);

    let id = added.id.to_string();
    let field = format!("domain-{id}");
    let errors = refused(app.call_as(&acme, "domains/verify", &[("id", &id)]).await).await;
    assert_eq!(errors, [(field.clone(), "DomainRecordMissing".into())]);
    // A record with someone else's value proves nothing.
    app.dns.publish("acme.example", &theirs.record_value);
    let errors = refused(app.call_as(&acme, "domains/verify", &[("id", &id)]).await).await;
    assert_eq!(errors, [(field, "DomainRecordMissing".into())]);
    app.dns.publish("acme.example", &added.record_value);
    let verified = app.call_as(&acme, "domains/verify", &[("id", &id)]).await;
    assert!(verified.status().is_success());
    let domains = settings_of(&app, &acme).await.domains;
    assert!(domains[0].verified);

    // Verified by Acme, the domain is Acme's: Globex can neither verify nor add it.
    app.dns.publish("acme.example", &theirs.record_value);
    let theirs_id = theirs.id.to_string();
    let errors = refused(
        app.call_as(&globex, "domains/verify", &[("id", &theirs_id)])
            .await,
    )
    .await;
    assert_eq!(
        errors,
        [(format!("domain-{theirs_id}"), "DomainTaken".into())]
    );
    let errors = refused(
        app.call_as(&globex, "domains/add", &[("domain", "ACME.example")])
            .await,
    )
    .await;
    assert_eq!(errors, [("domain".into(), "DomainAlreadyAdded".into())]);
    let removed = app
        .call_as(&globex, "domains/remove", &[("id", &theirs_id)])
        .await;
    assert!(removed.status().is_success());
    let errors = refused(
        app.call_as(&globex, "domains/add", &[("domain", "acme.example")])
            .await,
    )
    .await;
    assert_eq!(errors, [("domain".into(), "DomainTaken".into())]);

    let actions = audit_actions(&app).await;
    assert!(
        actions.contains(&"domain_verified acme.example".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_tab_save_comes_back_to_the_tab_and_audits_only_changes() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let saved = app
        .call_as(&admin, "settings/meetings", &[("recording_allowed", "on")])
        .await;
    assert_eq!(location(&saved), "/services/meetings?saved");
    let meetings = settings_of(&app, &admin).await.meetings.unwrap();
    assert!(!meetings.guests_allowed && meetings.recording_allowed);
    app.call_as(&admin, "settings/meetings", &[("recording_allowed", "on")])
        .await;
    let changes: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|a| a.starts_with("settings_changed"))
        .collect();
    assert_eq!(changes, ["settings_changed meetings: guests_allowed"]);
    // A tab's save does not move the wizard.
    assert_eq!(state_of(&app, &admin).await.step, SetupStep::Plan);
}

#[tokio::test]
async fn only_full_administrators_change_settings() {
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    app.add_active_user(org.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    app.add_active_user(org.org, "users@acme.example", Role::UserAdmin)
        .await;
    let (answer, reader) = app.sign_in("reader@acme.example", PASSWORD).await;
    assert_eq!(
        location(&answer),
        "/",
        "only full administrators run the wizard"
    );
    let view = settings_of(&app, &reader).await;
    assert!(!view.can_edit);
    let (_, user_admin) = app.sign_in("users@acme.example", PASSWORD).await;
    let stranger = common::browser();
    let writes: &[(&str, &[(&str, &str)])] = &[
        ("setup/state", &[]),
        ("setup/plan", &[("go", "next")]),
        ("settings/messaging", &[("retention_days", "")]),
        ("settings/meetings", &[]),
        (
            "settings/enterprise",
            &[
                ("display_name", "X"),
                ("default_language", "en"),
                ("invitation_days", "3"),
            ],
        ),
        ("domains/add", &[("domain", "acme.example")]),
        ("setup/finish", &[("go", "finish")]),
    ];
    for (endpoint, form) in writes {
        for (who, client, status) in [
            ("reader", &reader, 403),
            ("user admin", &user_admin, 403),
            ("stranger", &stranger, 401),
        ] {
            let answer = app.call_as(client, endpoint, form).await;
            assert_eq!(answer.status(), status, "{endpoint} as {who}");
        }
    }
    let answer = app.call_as(&stranger, "settings/view", &[]).await;
    assert_eq!(answer.status(), 401);
    assert!(audit_actions(&app)
        .await
        .iter()
        .all(|a| !a.starts_with("settings_changed")));
}

#[tokio::test]
async fn without_javascript_a_refused_step_comes_back_with_its_errors_and_what_was_typed() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let answer = admin
        .post(app.url("/api/settings/messaging"))
        .header("accept", "text/html")
        .header("referer", app.url("/setup/messaging"))
        .form(&[("retention_days", "forty"), ("go", "next")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let back = location(&answer);
    assert!(
        back.contains("/setup/messaging?") && back.contains("__err="),
        "{back}"
    );
    let page = admin.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Enter a whole number from 1 to 3650."),
        "{page}"
    );
    assert!(
        page.contains("value=\"forty\""),
        "the typed value is back: {page}"
    );

    let answer = admin
        .post(app.url("/api/settings/messaging"))
        .header("accept", "text/html")
        .header("referer", app.url("/setup/messaging"))
        .form(&[("retention_days", "40"), ("go", "next")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&answer), "/setup/enterprise");
}

#[tokio::test]
async fn people_added_by_paste_are_invited_in_the_organisations_default_language() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let saved = app
        .call_as(
            &admin,
            "settings/enterprise",
            &[
                ("display_name", "Acme"),
                ("default_language", "zh-CN"),
                ("invitation_days", "14"),
            ],
        )
        .await;
    assert_eq!(location(&saved), "/settings?saved");
    // The admin reads the portal in English; the new person's language is not known.
    let added = app
        .call_as(
            &admin,
            "users/add",
            &[
                ("text", "li.na@acme.example"),
                ("submission", "default-language"),
                ("messaging", "on"),
            ],
        )
        .await;
    assert_eq!(added.status(), 200);
    let locale: String =
        sqlx::query_scalar("SELECT locale FROM users WHERE email = 'li.na@acme.example'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(locale, "zh-CN");
    let sent = app.wait_for_mail(2).await;
    let invitation = sent
        .iter()
        .find(|m| m.to == ["li.na@acme.example"])
        .expect("invitation sent");
    // An English subject for "Acme" is plain ASCII; the Chinese one is encoded.
    assert!(
        invitation.raw.contains("Subject: =?utf-8?"),
        "not in Chinese: {}",
        invitation.raw
    );
}
