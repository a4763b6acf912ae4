//! The portal in a real browser: the first administrator's welcome link, signing out and in, the
//! Overview with real data, navigation after hydration, switching language, the 404 page, and all
//! of it again with JavaScript off.

use end2end::flows::{create_first_admin, sign_in, ACME, PASSWORD};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};
use std::time::Duration;

/// Welcome link → account → the setup wizard; sign out; a wrong password is answered clearly;
/// sign in again and the wizard resumes (setup is not finished).
async fn first_administrator(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.wait_for_text("h1", "Set up your organisation").await?;
    check(
        page.path().await? == "/setup/plan",
        "not sent to the wizard's first step",
    )?;
    page.check_accessibility().await?;

    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    check(
        page.path().await? == "/sign-in",
        "signing out did not land on /sign-in",
    )?;
    // Signed out, the portal's pages send you back to sign in.
    page.visit("/users").await?;
    page.wait_for_text("h1", "Sign in").await?;

    sign_in(page, "admin@acme.example", "not my password").await?;
    page.wait_for_text(
        "[data-test=error-password]",
        "That email address and password do not match. Check both and try again.",
    )
    .await?;
    let invalid = page.attribute("#field-password", "aria-invalid").await?;
    check(
        invalid.as_deref() == Some("true"),
        "the password field is not marked invalid",
    )?;
    page.check_accessibility().await?;

    sign_in(page, "admin@acme.example", PASSWORD).await?;
    page.wait_for("[data-test=step-plan]").await?;
    page.visit("/").await?;
    page.wait_for_text("[data-test=count-active] dd", "1")
        .await?;
    // The used link now says so.
    let link = portal.link_in_mail("/welcome/").await;
    page.open_link(&link).await?;
    page.wait_for_text(
        "[data-test=link-problem]",
        "This link has already been used",
    )
    .await
}

#[tokio::test]
async fn first_administrator_with_javascript() {
    in_both(
        "first_administrator",
        Scripting::On,
        &[ACME],
        first_administrator,
    )
    .await;
}

#[tokio::test]
async fn first_administrator_without_javascript() {
    in_both(
        "first_administrator_no_js",
        Scripting::Off,
        &[ACME],
        first_administrator,
    )
    .await;
}

/// Changing the password on the account page (a wrong current password is answered at its field),
/// then forgetting it: the reset link from the mail sets a new one and signs in.
async fn passwords(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.click("[data-test=person]").await?;
    page.wait_for_text("h1", "Your account").await?;
    page.check_accessibility().await?;
    page.fill("#field-current", "not my password").await?;
    page.fill("#field-password", "a brand new passphrase")
        .await?;
    page.fill("#field-password_again", "a brand new passphrase")
        .await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for_text(
        "[data-test=error-current]",
        "Your current password is not right.",
    )
    .await?;
    page.fill("#field-current", PASSWORD).await?;
    page.fill("#field-password", "a brand new passphrase")
        .await?;
    page.fill("#field-password_again", "a brand new passphrase")
        .await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for_text(
        "[data-test=password-changed]",
        "Password changed. Everywhere else you were signed in has been signed out.",
    )
    .await?;

    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    page.click("a[href='/forgot-password']").await?;
    page.wait_for_text("h1", "Set a new password").await?;
    page.fill("#field-email", "admin@acme.example").await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for("[data-test=reset-sent]:not([hidden])")
        .await?;
    page.check_accessibility().await?;
    let link = portal.link_in_mail("/reset-password/").await;
    page.open_link(&link).await?;
    page.wait_for_text("h1", "Choose a new password").await?;
    page.fill("#field-password", "third time lucky friend")
        .await?;
    page.fill("#field-password_again", "third time lucky friend")
        .await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for_text("h1", "Overview").await?;
    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    sign_in(page, "admin@acme.example", "third time lucky friend").await?;
    page.wait_for("[data-test=step-plan]").await.map(drop)
}

#[tokio::test]
async fn passwords_with_javascript() {
    in_both("passwords", Scripting::On, &[ACME], passwords).await;
}

#[tokio::test]
async fn passwords_without_javascript() {
    in_both("passwords_no_js", Scripting::Off, &[ACME], passwords).await;
}

async fn overview_shows_the_organisation(page: &Page) -> Outcome {
    page.visit("/").await?;
    page.wait_for_text("h1", "Overview").await?;
    page.wait_for_text("[data-test=org-name]", "Acme Trading")
        .await?;
    page.wait_for_text("#organisation-name", "Acme Trading")
        .await?;
    page.wait_for_text("[data-test=count-invite-pending] dd", "0")
        .await?;
    page.wait_for_text("[data-test=count-total] dd", "1")
        .await?;
    page.wait_for_text("[data-test=count-active] dd", "1")
        .await?;
    let current = page.attribute("nav a[href='/']", "aria-current").await?;
    check(
        current.as_deref() == Some("page"),
        format!("Overview link not marked current: {current:?}"),
    )
}

#[tokio::test]
async fn overview_and_navigation_with_javascript() {
    in_both(
        "overview_and_navigation",
        Scripting::On,
        &[ACME],
        async |page: &Page, portal: &Portal| {
            create_first_admin(page, portal).await?;
            overview_shows_the_organisation(page).await?;
            if page.browser == Browser::Chromium
                && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
            {
                page.screenshot(&workspace_root().join("docs/overview.png"))
                    .await?;
            }
            // A marker on `window` survives only client-side navigation: proof that the page hydrated
            // and the router, not a full page load, handled the click.
            page.execute("window.__stayed = true; return null;").await?;
            page.click("nav a[href='/users']").await?;
            page.wait_for_text("h1", "Users").await?;
            check(
                page.path().await? == "/users",
                "the address did not change to /users",
            )?;
            let stayed = page.execute("return window.__stayed === true;").await?;
            check(
                stayed == serde_json::Value::Bool(true),
                "navigation reloaded the page: hydration is broken",
            )?;
            let current = page
                .attribute("nav a[href='/users']", "aria-current")
                .await?;
            check(
                current.as_deref() == Some("page"),
                "Users link not marked current after navigation",
            )?;
            page.check_accessibility().await?;
            page.click("nav a[href='/']").await?;
            page.wait_for_text("[data-test=count-active] dd", "1").await
        },
    )
    .await;
}

#[tokio::test]
async fn overview_and_navigation_without_javascript() {
    in_both(
        "overview_and_navigation_no_js",
        Scripting::Off,
        &[ACME],
        async |page: &Page, portal: &Portal| {
            create_first_admin(page, portal).await?;
            overview_shows_the_organisation(page).await?;
            let hydrated = page.hydrated_within(Duration::from_millis(1500)).await?;
            check(!hydrated, "the page hydrated: JavaScript was not off")?;
            page.click("nav a[href='/settings']").await?;
            page.wait_for_text("h1", "Settings").await?;
            check(
                page.path().await? == "/settings",
                "the address did not change to /settings",
            )
        },
    )
    .await;
}

async fn switch_language(page: &Page) -> Outcome {
    page.visit("/users").await?;
    page.wait_for_text("h1", "Users").await?;
    page.select("#language-select", "zh-CN").await?;
    page.click("form.language button").await?;
    page.wait_for_text("h1", "用户").await?;
    check(
        page.path().await? == "/users",
        "switching language left the page",
    )?;
    let lang = page.attribute("html", "lang").await?;
    check(
        lang.as_deref() == Some("zh-CN"),
        format!("<html lang> is {lang:?}"),
    )?;
    page.wait_for_text("nav a[href='/']", "概览").await?;
    page.check_accessibility().await?;

    // The choice is remembered on the next visit.
    page.visit("/").await?;
    page.wait_for_text("h1", "概览").await?;
    page.wait_for_text("[data-test=count-invite-pending] dt", "邀请待接受")
        .await?;
    page.wait_for_text("[data-test=role]", "完全管理员").await?;

    page.select("#language-select", "en").await?;
    page.click("form.language button").await?;
    page.wait_for_text("h1", "Overview").await
}

#[tokio::test]
async fn language_switch_with_javascript() {
    in_both(
        "language_switch",
        Scripting::On,
        &[ACME],
        async |page: &Page, portal: &Portal| {
            create_first_admin(page, portal).await?;
            switch_language(page).await
        },
    )
    .await;
}

#[tokio::test]
async fn language_switch_without_javascript() {
    in_both(
        "language_switch_no_js",
        Scripting::Off,
        &[ACME],
        async |page: &Page, portal: &Portal| {
            create_first_admin(page, portal).await?;
            switch_language(page).await
        },
    )
    .await;
}

#[tokio::test]
async fn empty_portal_and_missing_pages() {
    in_both(
        "empty_and_404",
        Scripting::On,
        &[],
        async |page: &Page, _: &Portal| {
            page.visit("/").await?;
            page.wait_for_text("h1", "Sign in").await?;
            page.wait_for("[data-test=no-organisation]").await?;
            page.visit("/no/such/page").await?;
            page.wait_for_text("h1", "Page not found").await?;
            page.click("a.button").await?;
            page.wait_for_text("h1", "Sign in").await
        },
    )
    .await;
}

/// The harness's own check: an image without a text alternative must fail the accessibility check,
/// or the check proves nothing on the pages above.
#[tokio::test]
async fn the_accessibility_check_catches_a_violation() {
    in_both("accessibility_check", Scripting::On, &[], async |page: &Page, _: &Portal| {
        page.visit("/").await?;
        page.execute("const img = document.createElement('img'); img.src = '/favicon.svg'; document.querySelector('main').appendChild(img); return null;").await?;
        let verdict = page.check_accessibility().await;
        check(verdict.as_ref().is_err_and(|e| e.0.contains("image-alt")), format!("axe missed an image without alt: {verdict:?}"))
    })
    .await;
}
