//! Adding people in a real browser: paste 20 lines with 2 bad ones, see the preview, choose
//! services, submit, find the bad lines back in the box and 18 Invite pending in the table; one
//! of them accepts in a second browser and the admin's table shows them Active. Then the row
//! actions and the person's page. All of it with JavaScript on and off.

use end2end::flows::{create_first_admin, ACME, PASSWORD};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

fn twenty_lines_two_bad() -> String {
    let mut lines: Vec<String> = (1..=18)
        .map(|n| format!("Person {n}, person{n}@acme.example"))
        .collect();
    lines.insert(4, "not an address".to_owned());
    lines.insert(11, "Broken <broken@>".to_owned());
    lines.join("\n")
}

async fn add_people(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/users").await?;
    page.wait_for_text("#add-people-title", "Add people")
        .await?;
    page.fill("#paste-text", &twenty_lines_two_bad()).await?;
    if page.scripting == Scripting::On {
        page.wait_for_text("[data-test=preview-ready]", "18 ready to add")
            .await?;
        let problems = page.text("[data-test=preview-problems]").await?;
        check(
            problems.contains("Line 5: “not an address”: No email address on this line.")
                && problems.contains("Line 12:"),
            format!("the preview does not show both bad lines: {problems:?}"),
        )?;
        page.check_accessibility().await?;
        if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
        {
            page.screenshot(&workspace_root().join("docs/add-people.png"))
                .await?;
        }
    }
    page.click("input[name=messaging]").await?;
    page.click("input[name=meetings]").await?;
    page.click(".add-people button[type=submit]").await?;
    page.wait_for("[data-test=add-result]").await?;
    let result = page.text("[data-test=add-result]").await?;
    check(
        result.contains("18 added and invited.") && result.contains("2 lines need fixing"),
        format!("unexpected result: {result:?}"),
    )?;
    if page.scripting == Scripting::On {
        let kept = page
            .execute("return document.querySelector('#paste-text').value;")
            .await?;
        check(
            kept.as_str() == Some("not an address\nBroken <broken@>"),
            format!("the box should hold the two bad lines, holds {kept:?}"),
        )?;
    }
    page.visit("/").await?;
    page.wait_for_text("[data-test=count-invite-pending] dd", "18")
        .await?;
    the_table_follows_an_accepted_invitation(page, portal).await?;
    row_actions_and_the_person_page(page, portal).await
}

const PENDING_ROWS: &str = "[data-test=user-row][data-status=invite_pending]";

async fn rows(page: &Page, css: &str) -> Result<usize, end2end::Failure> {
    let count = page
        .execute(&format!(
            "return document.querySelectorAll('{css}').length;"
        ))
        .await?;
    Ok(count.as_u64().unwrap_or(0) as usize)
}

/// 18 Invite pending in the table; Person 7 accepts in another browser; the table says Active
/// (by itself with scripting, after a reload without).
async fn the_table_follows_an_accepted_invitation(page: &Page, portal: &Portal) -> Outcome {
    page.visit("/users").await?;
    page.wait_for("[data-test=users-table]").await?;
    check(
        page.attribute("details.add-people", "open")
            .await?
            .is_none(),
        "with people in the organisation, adding people should be folded away",
    )?;
    let pending = rows(page, PENDING_ROWS).await?;
    check(
        pending == 18,
        format!("{pending} Invite pending rows, not 18"),
    )?;
    page.wait_for_text(
        "[data-test=status-counts] [data-status=invite_pending] .n",
        "18",
    )
    .await?;
    page.wait_for_text("[data-test=status-counts] [data-status=active] .n", "1")
        .await?;
    if page.browser == Browser::Chromium
        && page.scripting == Scripting::On
        && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
    {
        page.screenshot(&workspace_root().join("docs/users-table.png"))
            .await?;
    }

    let link = portal
        .link_in_mail_to("person7@acme.example", "/welcome/")
        .await;
    let invitee = Page::open(page.browser, Scripting::On, &portal.url).await;
    let accepted = async {
        invitee.open_link(&link).await?;
        invitee.fill("#field-name", "Person Seven").await?;
        invitee.fill("#field-password", PASSWORD).await?;
        invitee.fill("#field-password_again", PASSWORD).await?;
        invitee.click("button[type=submit].primary").await?;
        invitee.wait_for("[data-test=person]").await.map(|_| ())
    }
    .await;
    invitee.close().await;
    accepted?;

    let active = "[data-test=user-row][data-email='person7@acme.example'][data-status=active]";
    if page.scripting == Scripting::Off {
        page.visit("/users").await?;
    }
    page.wait_for(active).await?;
    let pending = rows(page, PENDING_ROWS).await?;
    check(
        pending == 17,
        format!("{pending} Invite pending rows, not 17"),
    )
}

/// The first link of a resent invitation reads as expired; its holder asks for a new one, which
/// arrives by mail.
async fn the_replaced_link_offers_a_new_invitation(page: &Page, portal: &Portal) -> Outcome {
    let links = portal
        .links_in_mail_to("person3@acme.example", "/welcome/", 2)
        .await;
    let holder = Page::open(page.browser, page.scripting, &portal.url).await;
    let asked: Outcome = async {
        holder.open_link(&links[0]).await?;
        holder.wait_for_text("h1", "This link has expired").await?;
        holder.click("button[type=submit].primary").await?;
        holder
            .wait_for("[data-test=invitation-sent]:not([hidden])")
            .await?;
        if holder.browser == Browser::Chromium
            && holder.scripting == Scripting::On
            && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
        {
            holder
                .screenshot(&workspace_root().join("docs/new-invitation.png"))
                .await?;
        }
        Ok(())
    }
    .await;
    holder.close().await;
    asked?;
    let after = portal
        .links_in_mail_to("person3@acme.example", "/welcome/", 3)
        .await;
    check(
        after.len() == 3,
        format!("{} invitation links to person3", after.len()),
    )
}

/// Resend from a row, then the person's page: services saved, role shown to full admins.
async fn row_actions_and_the_person_page(page: &Page, portal: &Portal) -> Outcome {
    page.visit("/users?q=person3%40").await?;
    let shown = rows(page, "[data-test=user-row]").await?;
    check(shown == 1, format!("searching person3@ shows {shown} rows"))?;
    page.click("[data-test=user-row] button[name=row]").await?;
    page.wait_for_text("[data-test=act-result]", "Invitations sent: 1.")
        .await?;
    the_replaced_link_offers_a_new_invitation(page, portal).await?;

    // Two ticked rows, one bulk action.
    page.visit("/users?status=invite_pending&sort=email")
        .await?;
    page.click("[data-email='person10@acme.example'] input[type=checkbox]")
        .await?;
    page.click("[data-email='person11@acme.example'] input[type=checkbox]")
        .await?;
    page.click("#bulk-actions button[value=revoke]").await?;
    page.wait_for_text("[data-test=act-result]", "Invitations revoked: 2.")
        .await?;
    page.visit("/users?status=expired").await?;
    let expired = rows(page, "[data-test=user-row][data-status=expired]").await?;
    check(
        expired == 2,
        format!("{expired} Expired rows after revoking 2"),
    )?;

    page.visit("/users?q=person3%40").await?;
    page.click("[data-test=user-row] a.name").await?;
    page.wait_for_text("h1", "Person 3").await?;
    page.wait_until_interactive().await?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium
        && page.scripting == Scripting::On
        && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some()
    {
        page.screenshot(&workspace_root().join("docs/person.png"))
            .await?;
    }
    page.click("input[name=calling]").await?;
    page.click("section[aria-labelledby=person-services] button[type=submit]")
        .await?;
    page.wait_for_text("[data-test=saved]", "Services saved.")
        .await?;
    let checked = page
        .execute("return document.querySelector('input[name=calling]').checked;")
        .await?;
    check(
        checked.as_bool() == Some(true),
        "calling is not ticked after saving",
    )?;

    // A new administrator by address: invited, with the role, on their own page.
    page.visit("/users").await?;
    page.fill("#field-email", "helper@acme.example").await?;
    page.select("#add-admin-role", "user_admin").await?;
    page.click("section[aria-labelledby=add-admin-title] button[type=submit]")
        .await?;
    page.wait_for_text("[data-test=saved]", "Role saved.")
        .await?;
    page.wait_for_text("h1", "helper@acme.example").await?;
    let role = page
        .execute("return document.querySelector('#person-role-select').value;")
        .await?;
    check(
        role.as_str() == Some("user_admin"),
        format!("the new administrator's role reads {role:?}"),
    )?;
    // From the page without its "saved" note, so the note can only come from this save; then a
    // fresh load shows what was stored (the select shows the choice before it is saved).
    let person_path = page.path().await?;
    page.visit(&person_path).await?;
    page.select("#person-role-select", "read_only_admin")
        .await?;
    page.click("section[aria-labelledby=person-role] button[type=submit]")
        .await?;
    page.wait_for_text("[data-test=saved]", "Role saved.")
        .await?;
    page.visit(&person_path).await?;
    let role = page
        .execute("return document.querySelector('#person-role-select').value;")
        .await?;
    check(
        role.as_str() == Some("read_only_admin"),
        format!("after saving read-only the role reads {role:?}"),
    )?;

    // Deleting asks first, behind a fold that says it cannot be undone.
    page.click("details.danger-zone summary").await?;
    page.click("details.danger-zone button.danger").await?;
    page.wait_for_text("[data-test=act-result]", "Deleted: 1.")
        .await?;
    check(
        page.path().await? == "/users",
        "after deleting someone the admin is back on the table",
    )
}

#[tokio::test]
async fn add_people_with_javascript() {
    in_both("add_people", Scripting::On, &[ACME], add_people).await;
}

#[tokio::test]
async fn add_people_without_javascript() {
    in_both("add_people_no_js", Scripting::Off, &[ACME], add_people).await;
}
