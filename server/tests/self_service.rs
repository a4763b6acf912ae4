//! A calling user's own settings through HTTP: each section's rules, kept after saving; the PIN
//! stored hashed; lists edited, moved and removed; only people with calling, each only their own;
//! administrators read them on the person's details.

mod common;

use app::api::me::OwnCalling;
use app::api::numbers::CallingLine;
use app::domain::self_service::{Forward, ReachNumber, SpeedDial};
use app::domain::Role;
use common::{browser, refused, TestApp, PASSWORD};

async fn mine(app: &TestApp, client: &reqwest::Client) -> OwnCalling {
    let answer = app.call_as(client, "me/calling", &[]).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn ok(app: &TestApp, client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) {
    let answer = app.call_as(client, endpoint, form).await;
    assert_eq!(
        answer.status(),
        200,
        "{endpoint}: {}",
        answer.text().await.unwrap()
    );
}

/// A user of `org` with calling, signed in.
async fn calling_user(
    app: &TestApp,
    org: app::domain::OrgId,
    email: &str,
) -> (i64, reqwest::Client) {
    let id = app.add_active_user(org, email, Role::User).await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, 'calling')")
        .bind(org.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (answer, client) = app.sign_in(email, PASSWORD).await;
    assert_eq!(
        answer.headers()["location"],
        "/me",
        "a user signs in to their own page"
    );
    (id, client)
}

#[tokio::test]
async fn voicemail_pin_and_forwarding_are_checked_and_kept() {
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, ana) = calling_user(&app, org.org, "ana@acme.example").await;

    let start = mine(&app, &ana).await;
    assert!(start.has_calling);
    assert!(!start.pin_set);
    assert_eq!(start.preferences.voicemail.rings, 4);

    let answer = app
        .call_as(&ana, "me/voicemail", &[("enabled", "on"), ("rings", "11")])
        .await;
    assert_eq!(
        refused(answer).await,
        [("rings".into(), "SettingsNumberBetween".into())]
    );
    ok(
        &app,
        &ana,
        "me/voicemail",
        &[("rings", "6"), ("email_copy", "on")],
    )
    .await;
    let voicemail = mine(&app, &ana).await.preferences.voicemail;
    assert_eq!(
        (voicemail.enabled, voicemail.rings, voicemail.email_copy),
        (false, 6, true)
    );

    for (pin, again, field, reason) in [
        ("123", "123", "pin", "PinDigits"),
        ("12a4", "12a4", "pin", "PinDigits"),
        ("0000", "0000", "pin", "PinRepeated"),
        ("1234", "1234", "pin", "PinSequence"),
        ("9876", "9876", "pin", "PinSequence"),
        ("2580", "2581", "pin_again", "PinsDiffer"),
    ] {
        let answer = app
            .call_as(&ana, "me/pin", &[("pin", pin), ("pin_again", again)])
            .await;
        assert_eq!(
            refused(answer).await,
            [(field.into(), reason.into())],
            "{pin}"
        );
    }
    ok(
        &app,
        &ana,
        "me/pin",
        &[("pin", "2580"), ("pin_again", "2580")],
    )
    .await;
    assert!(mine(&app, &ana).await.pin_set);
    let hash: String = sqlx::query_scalar("SELECT voicemail_pin_hash FROM calling_preferences")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("2580"));
    assert_eq!(
        mine(&app, &ana).await.preferences.voicemail.rings,
        6,
        "the PIN leaves the rest alone"
    );

    let forwarding = |always_on: bool, always: &'static str, rings: &'static str| {
        let mut form = vec![
            ("always", always),
            ("busy_on", "on"),
            ("busy", "+86 10 5555 0100"),
            ("no_answer_on", "on"),
            ("no_answer", "2001"),
            ("no_answer_rings", rings),
            ("unreachable", ""),
        ];
        if always_on {
            form.push(("always_on", "on"));
        }
        form
    };
    let answer = app
        .call_as(&ana, "me/forwarding", &forwarding(true, "", "0"))
        .await;
    assert_eq!(
        refused(answer).await,
        [
            ("always".into(), "ForwardNeedsNumber".into()),
            ("no_answer_rings".into(), "SettingsNumberBetween".into())
        ]
    );
    let answer = app
        .call_as(&ana, "me/forwarding", &forwarding(false, "12", "3"))
        .await;
    assert_eq!(
        refused(answer).await,
        [("always".into(), "PhoneNeedsCountryCode".into())]
    );
    ok(&app, &ana, "me/forwarding", &forwarding(false, "", "3")).await;
    let kept = mine(&app, &ana).await.preferences.forwarding;
    assert_eq!(
        kept.busy,
        Forward {
            enabled: true,
            to: "+861055550100".into()
        }
    );
    assert_eq!(
        kept.no_answer,
        Forward {
            enabled: true,
            to: "2001".into()
        }
    );
    assert_eq!(kept.no_answer_rings, 3);
    assert!(!kept.always.enabled);

    // Without JavaScript the form post comes back to the section saved.
    let html = ana
        .post(app.url("/api/me/voicemail"))
        .header("accept", "text/html")
        .form(&[("rings", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 302);
    assert_eq!(html.headers()["location"], "/me?saved=voicemail#voicemail");
}

#[tokio::test]
async fn speed_dials_and_reach_numbers_are_added_edited_moved_and_removed() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let (ana_id, ana) = calling_user(&app, org.org, "ana@acme.example").await;
    let dial = |name: &str, number: &str| SpeedDial {
        name: name.into(),
        number: number.into(),
    };

    let answer = app
        .call_as(
            &ana,
            "me/speed-dials",
            &[("name", ""), ("number", "call me")],
        )
        .await;
    assert_eq!(
        refused(answer).await,
        [
            ("name".into(), "SpeedDialNeedsName".into()),
            ("number".into(), "PhoneNeedsCountryCode".into())
        ]
    );
    for (name, number) in [
        ("Reception", "2000"),
        ("Mum", "+44 20 7946 0000"),
        ("Desk", "2001"),
    ] {
        ok(
            &app,
            &ana,
            "me/speed-dials",
            &[("name", name), ("number", number)],
        )
        .await;
    }
    ok(&app, &ana, "me/speed-dial", &[("at", "2"), ("op", "up")]).await;
    ok(
        &app,
        &ana,
        "me/speed-dial",
        &[
            ("at", "0"),
            ("op", "save"),
            ("name", "Front desk"),
            ("number", "2000"),
        ],
    )
    .await;
    ok(
        &app,
        &ana,
        "me/speed-dial",
        &[("at", "2"), ("op", "remove")],
    )
    .await;
    assert_eq!(
        mine(&app, &ana).await.preferences.speed_dials,
        [dial("Front desk", "2000"), dial("Desk", "2001")]
    );
    let missing = app
        .call_as(&ana, "me/speed-dial", &[("at", "7"), ("op", "remove")])
        .await;
    assert_eq!(missing.status(), 404);
    let unknown = app
        .call_as(&ana, "me/speed-dial", &[("at", "0"), ("op", "drop")])
        .await;
    assert_eq!(unknown.status(), 404);
    let bad_edit = app
        .call_as(
            &ana,
            "me/speed-dial",
            &[
                ("at", "0"),
                ("op", "save"),
                ("name", "Front desk"),
                ("number", "+1"),
            ],
        )
        .await;
    assert_eq!(
        refused(bad_edit).await,
        [("number".into(), "PhoneInvalid".into())]
    );

    ok(
        &app,
        &ana,
        "me/reach-numbers",
        &[("number", "+1 212 555 0100")],
    )
    .await;
    let twice = app
        .call_as(&ana, "me/reach-numbers", &[("number", "+12125550100")])
        .await;
    assert_eq!(
        refused(twice).await,
        [("number".into(), "ReachNumberTwice".into())]
    );
    ok(
        &app,
        &ana,
        "me/reach-numbers",
        &[("number", "+44 20 7946 0001")],
    )
    .await;
    // Turned off: the box is not sent.
    ok(
        &app,
        &ana,
        "me/reach-number",
        &[("at", "0"), ("op", "save")],
    )
    .await;
    ok(
        &app,
        &ana,
        "me/reach-number",
        &[("at", "1"), ("op", "remove")],
    )
    .await;
    let slow = app
        .call_as(
            &ana,
            "me/reach",
            &[("answer_confirmation", "on"), ("delay_seconds", "31")],
        )
        .await;
    assert_eq!(
        refused(slow).await,
        [("delay_seconds".into(), "SettingsNumberBetween".into())]
    );
    ok(
        &app,
        &ana,
        "me/reach",
        &[("answer_confirmation", "on"), ("delay_seconds", "10")],
    )
    .await;
    let reach = mine(&app, &ana).await.preferences.reach;
    assert_eq!(
        reach.numbers,
        [ReachNumber {
            number: "+12125550100".into(),
            enabled: false
        }]
    );
    assert!(reach.answer_confirmation);
    assert_eq!(reach.delay_seconds, 10);

    // Administrators read them on the person's details.
    let answer = app
        .call_as(&admin, "numbers/person", &[("id", &ana_id.to_string())])
        .await;
    let line: CallingLine = answer.json().await.unwrap();
    let seen = line.preferences.expect("their settings");
    assert_eq!(seen.speed_dials.len(), 2);
    assert_eq!(seen.reach.delay_seconds, 10);
}

#[tokio::test]
async fn only_people_with_calling_have_settings_and_each_changes_only_their_own() {
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, ana) = calling_user(&app, org.org, "ana@acme.example").await;
    let (_, bo) = calling_user(&app, org.org, "bo@acme.example").await;
    app.add_active_user(org.org, "cy@acme.example", Role::User)
        .await;
    let (_, cy) = app.sign_in("cy@acme.example", PASSWORD).await;

    ok(
        &app,
        &ana,
        "me/speed-dials",
        &[("name", "Reception"), ("number", "2000")],
    )
    .await;
    assert!(mine(&app, &bo).await.preferences.speed_dials.is_empty());
    // Bo's list is his own: removing "the first" finds nothing there.
    let answer = app
        .call_as(&bo, "me/speed-dial", &[("at", "0"), ("op", "remove")])
        .await;
    assert_eq!(answer.status(), 404);
    assert_eq!(mine(&app, &ana).await.preferences.speed_dials.len(), 1);

    // Without calling: nothing to change.
    assert!(!mine(&app, &cy).await.has_calling);
    let answer = app
        .call_as(
            &cy,
            "me/speed-dials",
            &[("name", "Reception"), ("number", "2000")],
        )
        .await;
    assert_eq!(answer.status(), 403);
    // Signed out: nothing at all.
    let answer = app.call_as(&browser(), "me/calling", &[]).await;
    assert_eq!(answer.status(), 401);
}
