//! Steps several scenarios share: the first administrator taking the welcome link, signing in.

use super::{Outcome, Page, Portal};

/// The organisation most scenarios start from: `org create` arguments for the server binary.
pub const ACME: &[&str] = &[
    "org",
    "create",
    "--name",
    "Acme Trading",
    "--admin-email",
    "admin@acme.example",
    "--licences",
    "messaging=50,meetings=50,calling=10",
];

/// The password the scenarios' administrators choose.
pub const PASSWORD: &str = "violet tapir lantern";

/// Follows the welcome link from the mail the portal wrote, creates the administrator account,
/// and waits for the setup wizard's first step.
pub async fn create_first_admin(page: &Page, portal: &Portal) -> Outcome {
    let link = portal.link_in_mail("/welcome/").await;
    page.open_link(&link).await?;
    page.fill("#field-name", "Wei Zhang").await?;
    page.fill("#field-password", PASSWORD).await?;
    page.fill("#field-password_again", PASSWORD).await?;
    page.click("button[type=submit].primary").await?;
    page.wait_for("[data-test=step-plan]").await?;
    page.wait_for_text("[data-test=person]", "Wei Zhang").await
}

/// Signs in on the sign-in page (which must be open).
pub async fn sign_in(page: &Page, email: &str, password: &str) -> Outcome {
    page.fill("#field-email", email).await?;
    page.fill("#field-password", password).await?;
    page.click("button[type=submit].primary").await
}
