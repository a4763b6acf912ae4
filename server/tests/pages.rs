//! Pages as the server sends them: rendered data, language, 404, and the headers on every response.

mod common;

#[tokio::test]
async fn overview_page_is_rendered_on_the_server_with_real_data() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme Trading", "admin@acme.example").await;
    let response = admin.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#), "{html}");
    assert!(html.contains("Acme Trading"));
    assert!(html.contains("First Admin") && html.contains("Full administrator"));
    assert!(html.contains(r#"data-test="count-invite-pending""#));
    assert!(html.contains("Invite pending"));
}

#[tokio::test]
async fn the_sign_in_page_says_how_to_start_when_there_is_no_organisation() {
    let app = common::spawn_app().await;
    let html = app.get("/sign-in").await.text().await.unwrap();
    assert!(html.contains(r#"data-test="no-organisation""#));
    assert!(html.contains("scripts/run org create"));
    assert!(html.contains("--licences"));
    app.create_org("Acme", "admin@acme.example").await;
    let html = app.get("/sign-in").await.text().await.unwrap();
    assert!(!html.contains(r#"data-test="no-organisation""#));
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_fresh_nonce() {
    let app = common::spawn_app().await;
    let first = app.get("/sign-in").await;
    let headers = first.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));

    // Every inline script the page carries is allowed by this response's nonce, and only by it.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    let html = first.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!(r#"nonce="{nonce}""#)).count(),
        scripts,
        "{html}"
    );

    let second = app.get("/sign-in").await;
    let csp2 = second.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!csp2.contains(&nonce), "nonces must not repeat");

    let health = app.get("/healthz").await;
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn unknown_addresses_get_a_translated_404_page() {
    let app = common::spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("content-security-policy"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));

    let response = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("找不到页面"));
}

#[tokio::test]
async fn the_language_follows_accept_language_then_the_remembered_choice() {
    let app = common::spawn_app().await;
    let zh = app
        .client
        .get(app.url("/sign-in"))
        .header("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    let html = zh.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#));
    assert!(html.contains("忘记密码"));

    let switched = app
        .client
        .post(app.url("/language"))
        .form(&[("lang", "en"), ("return_to", "/forgot-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/forgot-password");
    let cookie = switched.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lang=en;"));
    assert!(cookie.contains("SameSite=Lax"));

    let en = app
        .client
        .get(app.url("/forgot-password"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    let html = en.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="en""#),
        "the cookie is remembered"
    );
    assert!(html.contains("Set a new password"));
}

#[tokio::test]
async fn the_language_form_never_sends_the_admin_off_site_and_refuses_unknown_languages() {
    let app = common::spawn_app().await;
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "",
    ] {
        let response = app
            .client
            .post(app.url("/language"))
            .form(&[("lang", "zh-CN"), ("return_to", evil)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/", "return_to {evil:?}");
    }
    let response = app
        .client
        .post(app.url("/language"))
        .form(&[("lang", "tlh")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(!response.headers().contains_key("set-cookie"));
}

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    let app = common::spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let cases: [(&str, &str, u16); 5] = [
        ("origin", "http://evil.example", 403),
        ("sec-fetch-site", "cross-site", 403),
        ("sec-fetch-site", "same-site", 403),
        ("sec-fetch-site", "same-origin", 303),
        ("origin", &format!("http://{host}"), 303),
    ];
    for (header, value, expected) in cases {
        let response = app
            .client
            .post(app.url("/language"))
            .header(header, value)
            .form(&[("lang", "zh-CN"), ("return_to", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{header}: {value}");
    }
    // Server functions are covered by the same rule, signed in or not, and nothing happens.
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    for endpoint in [
        "overview",
        "account/sign-in",
        "account/sign-out",
        "account/create",
        "account/forgot-password",
        "account/reset-password",
        "account/change-password",
    ] {
        let response = admin
            .post(app.url(&format!("/api/{endpoint}")))
            .header("origin", "http://evil.example")
            .form(&[
                ("email", "admin@acme.example"),
                ("password", common::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{endpoint}");
        let response = admin
            .post(app.url(&format!("/api/{endpoint}")))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(sessions, 1, "no sign-in and no sign-out got through");
}
