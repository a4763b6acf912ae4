//! The first-time setup wizard in a real browser, with JavaScript on and off: every step, a
//! refused step keeping what was typed, leaving in the middle and resuming, Back keeping what
//! was typed, a domain and its TXT record, finishing, then a setting changed on Services and kept
//! after a reload, the pool's direct lines mapped to extensions, and a number given to a person.

use end2end::flows::{create_first_admin, ACME, PASSWORD};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

/// Clicks a wizard button and waits for the step it leads to.
async fn go(page: &Page, button: &str, step: &str) -> Outcome {
    page.click(&format!("[data-test={button}]")).await?;
    page.wait_for(&format!("[data-test=step-{step}]")).await?;
    page.wait_until_interactive().await
}

async fn walk_the_wizard(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.says("[data-test=stepper] [aria-current=step]", "Your plan")
        .await?;
    page.says("[data-test=plan-calling]", "0 of 10 licences used")
        .await?;
    page.wait_until_interactive().await?;
    go(page, "next", "calling").await?;
    page.check_accessibility().await?;

    // A wrong line is named, and what was typed stays in the box.
    page.fill(
        "#field-numbers",
        "+86 10 5555 0100 - +86 10 5555 0119\n010 5555 0101",
    )
    .await?;
    page.click("[data-test=next]").await?;
    page.says(
        "[data-test=error-numbers]",
        "Line 2: write “010 5555 0101” in international form",
    )
    .await?;
    page.wait_until_interactive().await?;
    let typed = page.value("#field-numbers").await?;
    check(
        typed.contains("010 5555 0101"),
        format!("the numbers typed were lost: {typed:?}"),
    )?;
    page.fill("#field-numbers", "+86 10 5555 0100 - +86 10 5555 0119")
        .await?;
    page.fill("#field-caller_id", "+86 10 5555 0100").await?;
    page.fill("#field-location", "Beijing office").await?;
    go(page, "next", "messaging").await?;

    // Leaving in the middle and coming back resumes at the saved step.
    page.visit("/").await?;
    page.visit("/setup").await?;
    page.wait_for("[data-test=step-messaging]").await?;
    page.wait_until_interactive().await?;
    page.fill("#field-retention_days", "30").await?;
    go(page, "back", "calling").await?;
    page.says("[data-test=pool-size]", "20 numbers in the pool")
        .await?;
    let location = page.value("#field-location").await?;
    check(
        location == "Beijing office",
        format!("location {location:?}"),
    )?;
    go(page, "next", "messaging").await?;
    let kept = page.value("#field-retention_days").await?;
    check(
        kept == "30",
        format!("Back lost the retention typed: {kept:?}"),
    )?;
    go(page, "next", "enterprise").await?;

    page.fill("#field-display_name", "Acme Trading Co").await?;
    page.fill("#field-domain", "acme.example").await?;
    page.click("[data-test=add-domain]").await?;
    page.says(
        "[data-test='domain-acme.example'] [data-test=domain-state]",
        "Not verified yet",
    )
    .await?;
    page.says(
        "[data-test='domain-acme.example'] [data-test=txt-value]",
        "switchboard-verification=",
    )
    .await?;
    page.wait_until_interactive().await?;
    page.check_accessibility().await?;
    if page.scripting == Scripting::On {
        // Adding a domain reloads only the domains: the name typed above is still there.
        let name = page.value("#field-display_name").await?;
        check(
            name == "Acme Trading Co",
            format!("the typed name was lost: {name:?}"),
        )?;
    } else {
        // Without JavaScript adding a domain is its own form post, and the page comes back.
        page.fill("#field-display_name", "Acme Trading Co").await?;
    }
    go(page, "next", "users").await?;
    page.check_accessibility().await?;
    page.click("[data-test=next]").await?;
    page.wait_for("[data-test=setup-done]").await?;
    let summary = page.text("[data-test=summary]").await?;
    for expected in [
        "Acme Trading Co",
        "20 numbers in the pool",
        "30 days",
        "acme.example (Not verified yet)",
    ] {
        check(
            summary.contains(expected),
            format!("the summary lacks {expected:?}: {summary:?}"),
        )?;
    }
    page.check_accessibility().await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=to-overview]").await?;
    page.wait_for_text("h1", "Overview").await?;
    page.wait_for_text("[data-test=org-name]", "Acme Trading Co")
        .await?;
    // The Overview's checklist: setup done, the domain still to verify, there as a link.
    let links = page
        .execute(
            "return [...document.querySelectorAll('[data-test=checklist] li')]
                .map(li => li.dataset.test + '=' + (li.querySelector('a') ? 'todo' : 'done')).join(',');",
        )
        .await?;
    let links = links.as_str().unwrap_or_default().to_owned();
    check(
        links.starts_with("task-FinishSetup=done,task-VerifyDomain=todo,task-AddNumbers=done"),
        format!("checklist: {links}"),
    )?;
    page.says("[data-test=plan-calling]", "0 of 10 licences used")
        .await?;

    // The same setting lives on the Services tab, and a change there is kept.
    page.visit("/services/messaging").await?;
    let shown = page.value("#field-retention_days").await?;
    check(shown == "30", format!("Services shows {shown:?}"))?;
    page.fill("#field-retention_days", "60").await?;
    page.click("[data-test=save]").await?;
    page.wait_for_text("[data-test=saved]", "Saved.").await?;
    page.visit("/services/messaging").await?;
    let kept = page.value("#field-retention_days").await?;
    check(kept == "60", format!("the change was not kept: {kept:?}"))?;
    page.check_accessibility().await?;

    // One click maps the pool's direct lines to extensions, after showing what it will do.
    page.visit("/services/calling").await?;
    page.click("[data-test=show-mapping]").await?;
    page.wait_for_text(
        "[data-test=mapping-summary]",
        "20 extensions will be created from the last 4 digits of each number.",
    )
    .await?;
    page.wait_until_interactive().await?;
    page.check_accessibility().await?;
    page.click("[data-test=apply-mapping]").await?;
    page.wait_for_text("[data-test=mapped]", "20 direct lines now have extensions.")
        .await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=show-mapping]").await?;
    page.wait_for_text("[data-test=mapping-nothing]", "There is nothing to create.")
        .await?;

    // A person with calling gets a free number of the pool and its extension.
    page.visit("/users").await?;
    page.click("[data-test=user-row] a.name").await?;
    page.wait_for("[data-test=person-email]").await?;
    page.wait_until_interactive().await?;
    page.click("input[name=calling]").await?;
    page.click("section[aria-labelledby=person-services] button[type=submit]")
        .await?;
    page.wait_for_text("[data-test=saved]", "Services saved.")
        .await?;
    page.wait_until_interactive().await?;
    let person = page.path().await?;
    page.visit(&person).await?;
    page.fill("#field-number", "+86 10 5555 0105").await?;
    page.fill("#field-extension", "0105").await?;
    page.click("[data-test=save-number]").await?;
    page.wait_for_text("[data-test=saved]", "Number and extension saved.")
        .await?;
    page.visit(&person).await?;
    let number = page.value("#field-number").await?;
    let extension = page.value("#field-extension").await?;
    check(
        number == "+861055550105" && extension == "0105",
        format!("the person's line reads {number:?} {extension:?}"),
    )?;
    page.check_accessibility().await?;

    // The Numbers page shows the pool, who has which number, and finds them.
    page.click("nav a[href='/numbers']").await?;
    page.wait_for_text(
        "[data-test=numbers-summary]",
        "20 numbers in the pool, 19 free. Extensions have 4 digits, from 1000 to 1999. Add numbers or map them to extensions",
    )
    .await?;
    page.wait_until_interactive().await?;
    page.fill("#numbers-q", "wei").await?;
    page.click("form[role=search] button").await?;
    page.says("[data-test=number-row]", "+861055550105").await?;
    page.says("[data-test=number-row]", "Wei Zhang").await?;
    let rows = page
        .execute("return document.querySelectorAll('[data-test=number-row]').length;")
        .await?;
    check(
        rows.as_i64() == Some(1),
        format!("{rows} rows found for \"wei\""),
    )?;
    page.check_accessibility().await?;

    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        screenshots(page).await?;
    }
    Ok(())
}

/// Every step in both languages, for the docs and for looking at.
async fn screenshots(page: &Page) -> Outcome {
    for (language, heading) in [("en", "Overview"), ("zh-CN", "概览")] {
        page.visit("/").await?;
        page.select("#language-select", language).await?;
        page.click("form.language button").await?;
        page.wait_for_text("h1", heading).await?;
        for step in ["plan", "calling", "messaging", "enterprise", "users"] {
            page.visit(&format!("/setup/{step}")).await?;
            page.wait_for(&format!("[data-test=step-{step}]")).await?;
            page.screenshot(&workspace_root().join(format!("docs/setup/{step}-{language}.png")))
                .await?;
        }
        page.visit("/setup/done").await?;
        page.wait_for("[data-test=setup-done]").await?;
        page.screenshot(&workspace_root().join(format!("docs/setup/done-{language}.png")))
            .await?;
    }
    Ok(())
}

/// A read-only administrator sees Services and Settings with nothing to change.
async fn read_only_administrator(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/users").await?;
    page.fill("#field-email", "reader@acme.example").await?;
    page.select("#add-admin-role", "read_only_admin").await?;
    page.click("section[aria-labelledby=add-admin-title] button[type=submit]")
        .await?;
    page.wait_for_text("[data-test=saved]", "Role saved.")
        .await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    let link = portal
        .link_in_mail_to("reader@acme.example", "/welcome/")
        .await;
    page.open_link(&link).await?;
    page.fill("#field-name", "Rita Reader").await?;
    page.fill("#field-password", PASSWORD).await?;
    page.fill("#field-password_again", PASSWORD).await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for_text("[data-test=person]", "Rita Reader")
        .await?;
    for path in ["/services/messaging", "/services/calling", "/settings"] {
        page.visit(path).await?;
        page.says(
            "[data-test=read-only]",
            "only full administrators can change them",
        )
        .await?;
        let editable = page
            .execute(
                "return [...document.querySelectorAll('main input, main select, main textarea')]
                    .filter(e => !e.matches(':disabled') && e.type !== 'hidden').length
                  + document.querySelectorAll('[data-test=save], [data-test=add-domain]').length;",
            )
            .await?;
        check(
            editable.as_i64() == Some(0),
            format!("{path}: {editable} controls a read-only administrator could use"),
        )?;
    }
    // The wizard is for full administrators only.
    page.visit("/setup/plan").await?;
    page.says(
        "[data-test=setup-full-admins-only]",
        "Only full administrators set up",
    )
    .await
}

#[tokio::test]
async fn a_read_only_administrator_sees_settings_and_cannot_change_them() {
    in_both(
        "read_only_settings",
        Scripting::On,
        &[ACME],
        read_only_administrator,
    )
    .await;
}

#[tokio::test]
async fn the_wizard_with_javascript() {
    in_both("setup_wizard", Scripting::On, &[ACME], walk_the_wizard).await;
}

#[tokio::test]
async fn the_wizard_without_javascript() {
    in_both(
        "setup_wizard_no_js",
        Scripting::Off,
        &[ACME],
        walk_the_wizard,
    )
    .await;
}
