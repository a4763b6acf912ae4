//! Adding people in a real browser: paste 20 lines with 2 bad ones, see the preview, choose
//! services, submit, and find the bad lines back in the box; and the same form with JavaScript off.

use end2end::flows::create_first_admin;
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

const ACME: &[&str] = &[
    "org",
    "create",
    "--name",
    "Acme Trading",
    "--admin-email",
    "admin@acme.example",
    "--licences",
    "messaging=50,meetings=50,calling=10",
];

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
        .await
}

#[tokio::test]
async fn add_people_with_javascript() {
    in_both("add_people", Scripting::On, &[ACME], add_people).await;
}

#[tokio::test]
async fn add_people_without_javascript() {
    in_both("add_people_no_js", Scripting::Off, &[ACME], add_people).await;
}
