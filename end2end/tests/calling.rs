//! Calling in a real browser, with JavaScript on and off: a person added with calling gets a
//! number from the pool's list of free numbers; their phone is activated with the code from the
//! mail they were sent, and shows on their details (and in the audit log); then they accept their
//! invitation and change each section of their own settings, which are kept after a reload.

use end2end::flows::{create_first_admin, ACME, PASSWORD};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

async fn checked(page: &Page, css: &str) -> Result<bool, end2end::Failure> {
    page.wait_for(css).await?;
    let found = page
        .execute(&format!("return document.querySelector('{css}').checked;"))
        .await?;
    Ok(found.as_bool().unwrap_or_default())
}

async fn count(page: &Page, css: &str) -> Result<i64, end2end::Failure> {
    let found = page
        .execute(&format!(
            "return document.querySelectorAll('{css}').length;"
        ))
        .await?;
    Ok(found.as_i64().unwrap_or_default())
}

/// Submits with `button` and waits for what the server kept to be shown, with the section's
/// "Saved.", and a page ready for more.
async fn save(page: &Page, button: &str, saved: &str) -> Outcome {
    submit(page, &format!("[data-test={button}]")).await?;
    page.wait_for(&format!("[data-test=saved-{saved}]:not([hidden])"))
        .await?;
    page.wait_until_interactive().await
}

/// Clicks the submit button `css` and waits until the page shows the settings read after it:
/// with scripting, the next version of them; without, the page the post came back to.
async fn submit(page: &Page, css: &str) -> Outcome {
    let version = page
        .attribute("[data-test=my-settings]", "data-version")
        .await?
        .unwrap_or_default();
    page.click(css).await?;
    if page.scripting == Scripting::On {
        let next = version.parse::<u32>().unwrap_or_default() + 1;
        page.wait_for(&format!("[data-test=my-settings][data-version='{next}']"))
            .await?;
    } else {
        page.wait_for("[data-test=my-settings]").await?;
    }
    page.wait_until_interactive().await
}

async fn admin_gives_a_line_and_a_phone(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=next]").await?;
    page.wait_for("[data-test=step-calling]").await?;
    page.wait_until_interactive().await?;
    if page.scripting == Scripting::On {
        // The numbers come from a carrier's CSV, read into the box to be checked before saving.
        let csv = std::env::temp_dir().join(format!("pool-{}.csv", page.browser));
        std::fs::write(
            &csv,
            "Site;DID\r\nBeijing;+86 10 5555 0100 - +86 10 5555 0119\r\n",
        )?;
        page.choose_file("#pool-file", &csv).await?;
        page.says(
            "[data-test=pool-file-status]",
            "1 numbers or ranges read from",
        )
        .await?;
        let typed = page.value("#field-numbers").await?;
        check(
            typed == "+86 10 5555 0100 - +86 10 5555 0119",
            format!("the box holds {typed:?} after reading the file"),
        )?;
    } else {
        page.fill("#field-numbers", "+86 10 5555 0100 - +86 10 5555 0119")
            .await?;
    }
    page.click("[data-test=next]").await?;
    page.wait_for("[data-test=step-messaging]").await?;

    page.visit("/users").await?;
    page.wait_until_interactive().await?;
    page.fill("#paste-text", "Ana Li, ana@acme.example").await?;
    page.click("input[name=messaging]").await?;
    page.click("input[name=calling]").await?;
    page.click(".add-people button[type=submit]").await?;
    page.wait_for("[data-test=add-result]").await?;

    // Her page offers the pool's free numbers as she types.
    page.visit("/users?q=ana").await?;
    page.click("[data-test=user-row] a.name").await?;
    page.wait_for("#field-number").await?;
    page.wait_until_interactive().await?;
    let list = page.attribute("#field-number", "list").await?;
    let offered = count(page, "#free-numbers option").await?;
    check(
        list.as_deref() == Some("free-numbers") && offered == 20,
        format!("the number box offers {offered} free numbers (list {list:?})"),
    )?;
    let person = page.path().await?;
    page.fill("#field-number", "+86 10 5555 0107").await?;
    page.fill("#field-extension", "2107").await?;
    page.click("[data-test=save-number]").await?;
    page.wait_for_text("[data-test=saved]", "Number and extension saved.")
        .await?;
    page.wait_until_interactive().await?;
    page.wait_for_text("[data-test=no-phones]", "No phone activated yet.")
        .await?;

    // The phone is activated with the code from her mail, on the public activation page.
    let code = portal.activation_code_to("ana@acme.example").await;
    page.visit("/activate").await?;
    page.wait_until_interactive().await?;
    page.fill("#field-code", "1234 5678 9012 3456").await?;
    page.fill("#field-model", "Cisco 8845").await?;
    page.fill("#field-mac", "00:1A:2B:3C:4D:5E").await?;
    page.click("[data-test=activate]").await?;
    page.wait_for_text(
        "#field-code-error",
        "This code is not right. Check it against the mail and try again.",
    )
    .await?;
    page.wait_until_interactive().await?;
    page.fill("#field-code", &code).await?;
    page.fill("#field-model", "Cisco 8845").await?;
    page.fill("#field-mac", "00:1A:2B:3C:4D:5E").await?;
    page.click("[data-test=activate]").await?;
    page.wait_for_text("[data-test=activated]", "Phone activated")
        .await?;
    if page.scripting == Scripting::On {
        page.says(
            "[data-test=activated-body]",
            "The Cisco 8845 is now Ana Li's phone.",
        )
        .await?;
    }
    page.check_accessibility().await?;
    page.visit(&person).await?;
    page.says("[data-test=phone]", "Cisco 8845").await?;
    page.says("[data-test=code-state]", "has been used").await?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.screenshot(&workspace_root().join("docs/person-calling.png"))
            .await?;
    }

    // One more number, added on the Numbers page.
    page.visit("/numbers").await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=add-numbers]").await?;
    page.fill("#field-numbers", "+86 10 6666 0100").await?;
    page.click("[data-test=add-numbers-button]").await?;
    page.says("[data-test=numbers-added]", "1 numbers added to the pool.")
        .await?;
    page.says(
        "[data-test=numbers-summary]",
        "21 numbers in the pool, 20 free.",
    )
    .await?;

    // The audit log has all of it; filtered to phone activations, it shows the one.
    page.click("nav a[href='/audit']").await?;
    page.wait_for("[data-test=audit-row]").await?;
    page.wait_until_interactive().await?;
    page.select("#audit-action", "phone_activated").await?;
    page.click("[data-test=audit-filter]").await?;
    // The unfiltered log has a phone activation too: wait for the filtered page itself (without
    // JavaScript the old page stays up until the new one arrives).
    let started = std::time::Instant::now();
    while count(
        page,
        "[data-test=audit-row] [data-action]:not([data-action=phone_activated])",
    )
    .await?
        > 0
    {
        check(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the audit log was not filtered",
        )?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    page.wait_for("[data-action=phone_activated]").await?;
    let rows = count(page, "[data-test=audit-row]").await?;
    check(rows == 1, format!("{rows} rows for phone activations"))?;
    page.says(
        "[data-test=audit-row]",
        "ana@acme.example: Cisco 8845 00:1a:2b:3c:4d:5e",
    )
    .await?;
    let export = page.attribute("[data-test=audit-export]", "href").await?;
    check(
        export.as_deref() == Some("/api/audit/export.csv?action=phone%5Factivated"),
        format!("the download link is {export:?}"),
    )?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.visit("/audit").await?;
        page.wait_for("[data-test=audit-row]").await?;
        page.screenshot(&workspace_root().join("docs/audit.png"))
            .await?;
    }
    Ok(())
}

async fn she_changes_her_own_settings(page: &Page, portal: &Portal) -> Outcome {
    page.click("[data-test=sign-out]").await?;
    page.wait_for_text("h1", "Sign in").await?;
    let link = portal
        .link_in_mail_to("ana@acme.example", "/welcome/")
        .await;
    page.open_link(&link).await?;
    page.fill("#field-name", "Ana Li").await?;
    page.fill("#field-password", PASSWORD).await?;
    page.fill("#field-password_again", PASSWORD).await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for_text("h1", "My calling settings").await?;
    page.says("[data-test=my-line]", "+861055550107").await?;
    page.wait_until_interactive().await?;
    page.check_accessibility().await?;

    // Voicemail.
    page.fill("#field-rings", "6").await?;
    page.click("#field-email_copy").await?;
    save(page, "save-voicemail", "voicemail").await?;
    // A PIN anyone would guess is refused, with the reason; a good one is kept (hashed).
    page.fill("#field-pin", "1234").await?;
    page.fill("#field-pin_again", "1234").await?;
    page.click("[data-test=save-pin]").await?;
    page.says(
        "[data-test=error-pin]",
        "Avoid a run of digits such as 1234",
    )
    .await?;
    page.wait_until_interactive().await?;
    page.fill("#field-pin", "2580").await?;
    page.fill("#field-pin_again", "2580").await?;
    save(page, "save-pin", "pin").await?;
    page.says("[data-test=pin-state]", "You have a PIN.")
        .await?;

    // Forwarding when busy, to her mobile.
    page.click("#field-busy_on").await?;
    page.fill("#field-busy", "+86 139 1234 5678").await?;
    save(page, "save-forwarding", "forwarding").await?;

    // Two speed dials; the second moved to the top.
    for (name, number) in [("Reception", "2100"), ("Mum", "+44 20 7946 0000")] {
        page.fill("#new-dial-name", name).await?;
        page.fill("#new-dial-number", number).await?;
        save(page, "add-speed-dial", "speed-dials").await?;
    }
    submit(
        page,
        "[data-test=speed-dial]:nth-child(2) [data-test=row-up]",
    )
    .await?;
    wait_for_value(page, "#dial-0-name", "Mum").await?;

    // Single number reach: her mobile, after 10 seconds, with a key press to answer.
    page.fill("#new-reach-number", "+86 139 1234 5678").await?;
    save(page, "add-reach-number", "reach").await?;
    page.click("#field-answer_confirmation").await?;
    page.fill("#field-delay_seconds", "10").await?;
    save(page, "save-reach", "reach").await?;

    // All of it kept after a reload.
    page.visit("/me").await?;
    page.wait_for("#field-rings").await?;
    let kept = (
        page.value("#field-rings").await?,
        checked(page, "#field-email_copy").await?,
        checked(page, "#field-busy_on").await?,
        page.value("#field-busy").await?,
        page.value("#dial-0-name").await?,
        page.value("#dial-1-number").await?,
        page.text("[data-test=reach-number] .number").await?,
        page.value("#field-delay_seconds").await?,
        checked(page, "#field-answer_confirmation").await?,
    );
    check(
        kept == (
            "6".into(),
            true,
            true,
            "+8613912345678".into(),
            "Mum".into(),
            "2100".into(),
            "+8613912345678".into(),
            "10".into(),
            true,
        ),
        format!("after a reload the page shows {kept:?}"),
    )?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.screenshot(&workspace_root().join("docs/me.png"))
            .await?;
        page.visit("/activate").await?;
        page.wait_for("[data-test=activate]").await?;
        page.screenshot(&workspace_root().join("docs/activate.png"))
            .await?;
    }
    Ok(())
}

async fn wait_for_value(page: &Page, css: &str, expected: &str) -> Outcome {
    let started = std::time::Instant::now();
    loop {
        let found = page.value(css).await.unwrap_or_default();
        if found == expected {
            return Ok(());
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            return Err(end2end::Failure(format!(
                "{css} holds {found:?}, not {expected:?}"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn calling_from_both_sides(page: &Page, portal: &Portal) -> Outcome {
    admin_gives_a_line_and_a_phone(page, portal).await?;
    she_changes_her_own_settings(page, portal).await
}

#[tokio::test]
async fn calling_with_javascript() {
    in_both("calling", Scripting::On, &[ACME], calling_from_both_sides).await;
}

#[tokio::test]
async fn calling_without_javascript() {
    in_both(
        "calling_no_js",
        Scripting::Off,
        &[ACME],
        calling_from_both_sides,
    )
    .await;
}
