//! Add users › From a directory in a real browser, against a real slapd: the settings refused
//! with the reasons and then saved, the dry run (who is added, the administrator kept), the sync
//! applied and followed to its end, and the people it added in the Users table. With JavaScript
//! and without.

#[path = "../../server/tests/common/ldap.rs"]
mod ldap;

use end2end::flows::{create_first_admin, ACME};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};
use ldap::{Slapd, BIND_DN, PASSWORD, PHONES};
use std::time::{Duration, Instant};

async fn settings_dry_run_and_sync(page: &Page, portal: &Portal) -> Outcome {
    let slapd = Slapd::start(3);
    create_first_admin(page, portal).await?;
    page.visit("/users").await?;
    page.click("#directory-link").await?;
    page.wait_for("[data-test=directory-form]").await?;
    page.wait_until_interactive().await?;

    if page.scripting == Scripting::On {
        // Refused: each wrong field says why, and what was typed stays.
        page.fill("#field-url", "http://directory.acme.example")
            .await?;
        page.fill("#field-bind_dn", BIND_DN).await?;
        page.fill("#field-base_dn", "ou=people,dc=acme,dc=example")
            .await?;
        page.fill("#field-groups_calling", "phones group").await?;
        page.click("[data-test=save-directory]").await?;
        page.says("[data-test=error-url]", "ldaps://").await?;
        page.says("[data-test=error-password]", "password").await?;
        page.says("[data-test=error-groups_calling]", "Line 1")
            .await?;
        let kept = page.value("#field-bind_dn").await?;
        check(kept == BIND_DN, format!("the bind DN now reads {kept:?}"))?;
    }
    page.fill("#field-url", &slapd.url).await?;
    page.fill("#field-bind_dn", BIND_DN).await?;
    page.fill("#field-password", PASSWORD).await?;
    page.fill("#field-base_dn", "ou=people,dc=acme,dc=example")
        .await?;
    page.click("#field-everyone_messaging").await?;
    page.fill("#field-groups_calling", PHONES).await?;
    page.select("#field-schedule", "daily").await?;
    page.click("[data-test=save-directory]").await?;
    page.says("[data-test=directory-note]", "Directory settings saved.")
        .await?;
    // A day from the save, read a moment later: "1 day" or, a second on, "23 hours".
    page.says("[data-test=next-run]", "Next sync in").await?;
    let next = page.text("[data-test=next-run]").await?;
    check(
        next == "Next sync in 1 day." || next == "Next sync in 23 hours.",
        format!("the next sync reads {next:?}"),
    )?;
    page.says("#field-password-hint", "Leave this empty to keep it")
        .await?;

    page.click("[data-test=dry-run]").await?;
    page.says("[data-test=dry-run-outcome]", "holds 3 people")
        .await?;
    page.says(".count-add", "3").await?;
    page.says("[data-test=kept-admins]", "admin@acme.example")
        .await?;
    page.says("[data-test=to-add]", "p0@acme.example").await?;
    page.says("[data-test=without-address]", "email address: 1")
        .await?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.screenshot(&workspace_root().join("docs/directory.png"))
            .await?;
    }

    page.click("[data-test=apply-sync]").await?;
    page.says("[data-test=directory-note]", "The sync started")
        .await?;
    // With JavaScript the list follows the sync; without, the admin reloads the page.
    let started = Instant::now();
    loop {
        let said = page.text("[data-test=syncs]").await.unwrap_or_default();
        if said.contains("3 added") && said.contains("Done") {
            break;
        }
        check(
            started.elapsed() < Duration::from_secs(20),
            format!("the sync did not end: {said:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        if page.scripting == Scripting::Off {
            page.visit("/users/directory").await?;
        }
    }
    page.says("[data-test=syncs]", "Wei Zhang").await?;

    page.visit("/users").await?;
    page.says("table", "p2@acme.example").await?;
    page.says("table", "Invite pending").await?;
    let invited = portal.link_in_mail_to("p0@acme.example", "/welcome/").await;
    check(!invited.is_empty(), "p0 was invited")?;
    drop(slapd);
    Ok(())
}

#[tokio::test]
async fn directory_sync_with_javascript() {
    in_both(
        "directory",
        Scripting::On,
        &[ACME],
        settings_dry_run_and_sync,
    )
    .await;
}

#[tokio::test]
async fn directory_sync_without_javascript() {
    in_both(
        "directory_no_js",
        Scripting::Off,
        &[ACME],
        settings_dry_run_and_sync,
    )
    .await;
}
