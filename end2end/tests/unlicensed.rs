//! Self-signup and unlicensed users in a real browser: someone signs up at /signup, confirms from
//! the mail and chooses a password; the administrator verifies the domain, finds them under
//! Unlicensed users and adds them with a service; the notice arrives, they show Active in the
//! Users table, and they sign in.

use end2end::flows::{create_first_admin, sign_in, ACME, PASSWORD};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

const MEI: &str = "mei.lin@acme.example";

async fn she_signs_up(page: &Page, portal: &Portal) -> Outcome {
    page.visit("/sign-in").await?;
    page.click("[data-test=signup-link]").await?;
    page.wait_for_text("h1", "Sign up").await?;
    page.wait_until_interactive().await?;
    page.fill("#field-name", "Mei Lin").await?;
    page.fill("#field-email", MEI).await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for("[data-test=signup-sent]:not([hidden])")
        .await?;
    page.says("[data-test=signup-sent]", "Check your mail")
        .await?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium
        && page.scripting == Scripting::On
        && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
    {
        page.screenshot(&workspace_root().join("docs/signup.png"))
            .await?;
    }

    let link = portal.link_in_mail_to(MEI, "/signup/confirm/").await;
    page.open_link(&link).await?;
    page.wait_for_text("h1", "Choose your password").await?;
    page.fill("#field-password", PASSWORD).await?;
    page.fill("#field-password_again", PASSWORD).await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for("[data-test=signup-ready]").await?;
    page.check_accessibility().await?;

    // Her account waits: signing in says so, and lets her nowhere.
    page.visit("/sign-in").await?;
    sign_in(page, MEI, PASSWORD).await?;
    page.says("[data-test=form-error]", "Your account is ready")
        .await?;
    let path = page.path().await?;
    check(
        path == "/sign-in",
        format!("a waiting account went to {path}"),
    )
}

async fn the_admin_adds_her(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/settings").await?;
    page.fill("#field-domain", "acme.example").await?;
    page.click("[data-test=add-domain]").await?;
    let domain = "[data-test='domain-acme.example']";
    page.says(
        &format!("{domain} [data-test=txt-value]"),
        "switchboard-verification=",
    )
    .await?;
    let value = page
        .text(&format!("{domain} [data-test=txt-value]"))
        .await?;
    portal.publish_txt("acme.example", value.trim());
    page.wait_until_interactive().await?;
    page.click(&format!("{domain} [data-test=verify-domain]"))
        .await?;
    page.says(&format!("{domain} [data-test=domain-state]"), "Verified")
        .await?;

    page.visit("/users").await?;
    page.says("[data-test=unlicensed-link]", "Unlicensed users (1)")
        .await?;
    page.click("[data-test=unlicensed-link]").await?;
    page.wait_for_text("h1", "Unlicensed users").await?;
    page.wait_until_interactive().await?;
    let row = format!("[data-test=unlicensed-row][data-email='{MEI}']");
    page.says(&row, "Mei Lin").await?;
    if page.scripting == Scripting::On {
        // Select-all appears once the page runs its script.
        page.wait_for("#select-all").await?;
    }
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium
        && page.scripting == Scripting::On
        && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
    {
        page.screenshot(&workspace_root().join("docs/unlicensed.png"))
            .await?;
    }
    if page.scripting == Scripting::On {
        // Select-all ticks her (the only one), and the selection is what is added.
        page.click("#select-all").await?;
        page.wait_for(&format!("{row} input[type=checkbox]:checked"))
            .await?;
    } else {
        page.click(&format!("{row} input[type=checkbox]")).await?;
    }
    page.click("[data-test=service-messaging]").await?;
    page.click("[data-test=add-selected]").await?;
    page.says(
        "[data-test=unlicensed-added]",
        "1 added to your organisation",
    )
    .await?;
    page.wait_for("[data-test=no-unlicensed]").await?;

    let notice = portal.link_in_mail_to(MEI, "/sign-in").await;
    check(
        notice.ends_with("/sign-in"),
        format!("the notice links to {notice}"),
    )?;
    page.visit("/users").await?;
    page.wait_for(&format!(
        "[data-test=user-row][data-email='{MEI}'][data-status=active]"
    ))
    .await?;
    page.says(
        &format!("[data-test=user-row][data-email='{MEI}']"),
        "Messaging",
    )
    .await?;
    page.says("[data-test=unlicensed-link]", "Unlicensed users")
        .await?;

    // She signs in, to her own page.
    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    sign_in(page, MEI, PASSWORD).await?;
    page.wait_for("[data-test=person]").await?;
    page.says("[data-test=person]", "Mei Lin").await
}

async fn scenario(page: &Page, portal: &Portal) -> Outcome {
    she_signs_up(page, portal).await?;
    the_admin_adds_her(page, portal).await
}

#[tokio::test]
async fn unlicensed_users_with_javascript() {
    in_both("unlicensed", Scripting::On, &[ACME], scenario).await;
}

#[tokio::test]
async fn unlicensed_users_without_javascript() {
    in_both("unlicensed_no_js", Scripting::Off, &[ACME], scenario).await;
}
