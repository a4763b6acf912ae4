//! Phone activation through HTTP: people given calling (by paste or on their page) are mailed a
//! code, kept hashed; the phone is activated with it, once; wrong, used, replaced and expired
//! codes each get their answer; guessing is slowed; a phone of another organisation is refused.

mod common;

use app::api::numbers::CallingLine;
use app::api::phones::Activated;
use app::domain::Role;
use common::{browser, refused, TestApp};

/// The activation code in the mail `to` received last (`1234 5678 9012 3456`).
fn code_for(app: &TestApp, to: &str) -> Option<String> {
    app.state
        .mail
        .sent()
        .into_iter()
        .rev()
        .filter(|m| m.to.iter().any(|t| t == to))
        .find_map(|m| code_in(&m.raw))
}

fn code_in(raw: &str) -> Option<String> {
    let raw = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = raw.as_bytes();
    (0..bytes.len().saturating_sub(19)).find_map(|i| {
        let candidate = &raw.get(i..i + 19)?;
        let shaped = candidate.char_indices().all(|(j, c)| {
            if j % 5 == 4 {
                c == ' '
            } else {
                c.is_ascii_digit()
            }
        });
        shaped.then(|| candidate.to_string())
    })
}

async fn wait_for_code(app: &TestApp, to: &str, not: Option<&str>) -> String {
    for _ in 0..250 {
        if let Some(code) = code_for(app, to).filter(|c| Some(c.as_str()) != not) {
            return code;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no activation code mailed to {to}");
}

async fn add_with_calling(app: &TestApp, admin: &reqwest::Client, text: &str) {
    let answer = app
        .call_as(
            admin,
            "users/add",
            &[
                ("text", text),
                ("submission", text),
                ("messaging", "on"),
                ("calling", "on"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 200, "users/add");
}

async fn activate(app: &TestApp, code: &str, model: &str, mac: &str) -> reqwest::Response {
    // The phone has no session: a plain client.
    app.call_as(
        &browser(),
        "phones/activate",
        &[("code", code), ("model", model), ("mac", mac)],
    )
    .await
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

async fn line(app: &TestApp, admin: &reqwest::Client, id: i64) -> CallingLine {
    let answer = app
        .call_as(admin, "numbers/person", &[("id", &id.to_string())])
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

#[tokio::test]
async fn people_given_calling_are_mailed_a_code_that_activates_their_phone_once() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add_with_calling(&app, &admin, "Ana, ana@acme.example\nBo, bo@acme.example").await;
    let ana_code = wait_for_code(&app, "ana@acme.example", None).await;
    let bo_code = wait_for_code(&app, "bo@acme.example", None).await;
    assert_ne!(ana_code, bo_code);
    let mail = app
        .state
        .mail
        .sent()
        .into_iter()
        .find(|m| m.to == ["ana@acme.example"] && m.raw.contains("Your phone for Acme"))
        .expect("the calling welcome");
    assert!(
        mail.raw.contains("/activate"),
        "it links to the activation page"
    );

    // Kept only as a hash.
    let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM activation_codes")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(hashes.len(), 2);
    let digits = ana_code.replace(' ', "");
    assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains(&digits)));

    // Typed with dashes, and a MAC written the Windows way.
    let typed = ana_code.replace(' ', "-");
    let answer = activate(&app, &typed, "Cisco 8845", "00-1A-2B-3C-4D-5E").await;
    assert_eq!(answer.status(), 200);
    let activated: Activated = answer.json().await.unwrap();
    assert_eq!(
        activated,
        Activated {
            name: "Ana".into(),
            model: "Cisco 8845".into()
        }
    );
    let ana = user_id(&app, "ana@acme.example").await;
    let seen = line(&app, &admin, ana).await;
    assert_eq!(seen.devices.len(), 1);
    assert_eq!(seen.devices[0].mac, "00:1a:2b:3c:4d:5e");
    assert!(seen.code.as_ref().is_some_and(|c| c.used));
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'phone_activated'")
            .fetch_all(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(audit, ["ana@acme.example: Cisco 8845 00:1a:2b:3c:4d:5e"]);

    // Once only.
    let again = activate(&app, &ana_code, "Cisco 8845", "00:1a:2b:3c:4d:5e").await;
    assert_eq!(
        refused(again).await,
        [("code".into(), "ActivationCodeUsed".into())]
    );

    // The phone passed on to Bo moves to him.
    let moved = activate(&app, &bo_code, "Cisco 8845", "001a2b3c4d5e").await;
    assert_eq!(moved.status(), 200);
    let bo = user_id(&app, "bo@acme.example").await;
    assert!(line(&app, &admin, ana).await.devices.is_empty());
    assert_eq!(line(&app, &admin, bo).await.devices.len(), 1);

    // A phone another organisation registered is refused, and the code stays unused.
    let (_, other_admin) = app.admin_of("Globex", "admin@globex.example").await;
    add_with_calling(&app, &other_admin, "Cy, cy@globex.example").await;
    let cy_code = wait_for_code(&app, "cy@globex.example", None).await;
    let taken = activate(&app, &cy_code, "Yealink T54W", "00:1a:2b:3c:4d:5e").await;
    assert_eq!(
        refused(taken).await,
        [("mac".into(), "DeviceMacTaken".into())]
    );
    let ok = activate(&app, &cy_code, "Yealink T54W", "80:5e:c0:00:00:01").await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn wrong_replaced_expired_and_malformed_codes_each_get_their_answer() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add_with_calling(&app, &admin, "Ana, ana@acme.example").await;
    let first = wait_for_code(&app, "ana@acme.example", None).await;
    let ana = user_id(&app, "ana@acme.example").await;

    // Every field at once.
    let malformed = activate(&app, "1234", " ", "00:1a:2b").await;
    assert_eq!(
        refused(malformed).await,
        [
            ("code".into(), "ActivationCodeFormat".into()),
            ("model".into(), "DeviceModelNeeded".into()),
            ("mac".into(), "DeviceMacInvalid".into()),
        ]
    );

    // An administrator sends a new code: the first stops working.
    let sent = app
        .call_as(&admin, "phones/new-code", &[("id", &ana.to_string())])
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    let second = wait_for_code(&app, "ana@acme.example", Some(&first)).await;
    let old = activate(&app, &first, "Cisco 8845", "00:1a:2b:3c:4d:5e").await;
    assert_eq!(
        refused(old).await,
        [("code".into(), "ActivationCodeReplaced".into())]
    );

    // Seven days later it has expired.
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE activation_codes SET expires_at = 0 WHERE replaced_at IS NULL")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let late = activate(&app, &second, "Cisco 8845", "00:1a:2b:3c:4d:5e").await;
    assert_eq!(
        refused(late).await,
        [("code".into(), "ActivationCodeExpired".into())]
    );
    let state = line(&app, &admin, ana).await.code.expect("a code");
    assert!(state.expired && !state.used);

    // Only people with calling, and only by a user administrator of their organisation.
    let plain = app
        .add_active_user(org.org, "plain@acme.example", Role::User)
        .await;
    let no_calling = app
        .call_as(&admin, "phones/new-code", &[("id", &plain.to_string())])
        .await;
    assert_eq!(
        refused(no_calling).await,
        [("code".into(), "ActivationNeedsCalling".into())]
    );
    app.add_active_user(org.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    let (_, reader) = app.sign_in("reader@acme.example", common::PASSWORD).await;
    let forbidden = app
        .call_as(&reader, "phones/new-code", &[("id", &ana.to_string())])
        .await;
    assert_eq!(forbidden.status(), 403);
    let signed_out = app
        .call_as(&browser(), "phones/new-code", &[("id", &ana.to_string())])
        .await;
    assert_eq!(signed_out.status(), 401);
}

#[tokio::test]
async fn guessing_codes_is_slowed_after_ten_wrong_tries() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add_with_calling(&app, &admin, "Ana, ana@acme.example").await;
    let code = wait_for_code(&app, "ana@acme.example", None).await;
    for guess in 0..10 {
        let wrong = activate(&app, &format!("{guess:016}"), "Cisco 8845", "001a2b3c4d5e").await;
        assert_eq!(
            refused(wrong).await,
            [("code".into(), "ActivationCodeWrong".into())]
        );
    }
    // Now even the right code waits.
    let throttled = activate(&app, &code, "Cisco 8845", "001a2b3c4d5e").await;
    assert_eq!(throttled.status(), 429);
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM failed_activations")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(failures, 10);
}

#[tokio::test]
async fn giving_someone_calling_on_their_page_mails_a_code_and_taking_it_does_not() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let ana = app
        .add_active_user(org.org, "ana@acme.example", Role::User)
        .await;
    let set = |services: &'static [(&'static str, &'static str)]| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let mut form = vec![("id", ana.to_string())];
            form.extend(services.iter().map(|(k, v)| (*k, (*v).to_owned())));
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = app.call_as(&admin, "users/set-services", &form).await;
            assert!(answer.status().is_success(), "{}", answer.status());
        }
    };
    set(&[("messaging", "on")]).await;
    let codes = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM activation_codes WHERE user_id = $1")
            .bind(ana)
            .fetch_one(app.state.db.reader())
            .await
            .unwrap()
    };
    assert_eq!(codes().await, 0);
    set(&[("messaging", "on"), ("calling", "on")]).await;
    wait_for_code(&app, "ana@acme.example", None).await;
    assert_eq!(codes().await, 1);
    // Saving again with calling still ticked sends nothing new.
    set(&[("calling", "on")]).await;
    assert_eq!(codes().await, 1);
}
