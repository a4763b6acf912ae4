//! Settings › Provisioning in a real browser: the SCIM address, a token made (its text shown once)
//! and revoked. Making a token needs JavaScript (its text never travels in a link); without it
//! the page shows the address and the tokens, and no form that cannot work.

use end2end::flows::{create_first_admin, ACME};
use end2end::{check, in_both, Outcome, Page, Portal, Scripting};

async fn tokens(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/settings").await?;
    page.says("[data-test=scim-base]", "/scim/v2").await?;
    page.wait_for_text("[data-test=no-tokens]", "No tokens yet.")
        .await?;
    page.wait_until_interactive().await?;
    if page.scripting == Scripting::Off {
        let forms = page
            .execute("return document.querySelectorAll('[data-test=create-token]').length;")
            .await?;
        return check(
            forms.as_i64() == Some(0),
            "a token form shown without JavaScript",
        );
    }
    page.fill("#scim-token-name", "Okta").await?;
    page.click("[data-test=create-token]").await?;
    page.says("[data-test=new-token]", "Copy this token now")
        .await?;
    let token = page.text("[data-test=new-token] code").await?;
    check(token.len() == 43, format!("the token reads {token:?}"))?;
    page.says("[data-test=token]", "Okta").await?;
    page.says("[data-test=token]", "never used").await?;
    page.check_accessibility().await?;

    // Refusing people added by hand: the Users page says where to add them instead.
    page.select("#field-rule", "refuse").await?;
    page.click("[data-test=save-rule]").await?;
    page.wait_for("#field-rule option[value=refuse]:checked")
        .await?;
    page.visit("/users").await?;
    page.says(
        "[data-test=directory-notice]",
        "chose to add people only there",
    )
    .await?;
    page.visit("/settings").await?;
    page.wait_until_interactive().await?;
    page.click("[data-test=revoke-token]").await?;
    page.wait_for_text("[data-test=no-tokens]", "No tokens yet.")
        .await?;
    Ok(())
}

#[tokio::test]
async fn provisioning_tokens_with_javascript() {
    in_both("provisioning", Scripting::On, &[ACME], tokens).await;
}

#[tokio::test]
async fn provisioning_without_javascript() {
    in_both("provisioning_no_js", Scripting::Off, &[ACME], tokens).await;
}
