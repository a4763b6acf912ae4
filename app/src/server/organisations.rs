//! Provisioning: a provider creates an organisation, its plan, and its first administrator, who
//! is sent a welcome link (the command line and the operator endpoint both come here).

use super::audit::{self, Action};
use super::db::account_tokens::{self, NewAccountToken, Purpose};
use super::mail::{outbox, templates};
use super::{db, now, AppState};
use crate::domain::{Email, Licences, OrgId, OrgName, Role};
use crate::error::AppError;
use crate::locales::{Key, Locale};

pub struct NewOrganisation {
    pub name: OrgName,
    pub admin: Email,
    pub licences: Licences,
    /// The language of the welcome mail and, until they choose, of the administrator's portal.
    pub admin_locale: Locale,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provisioned {
    pub org: OrgId,
    pub admin_user_id: i64,
    /// The link in the welcome mail; shown once to whoever provisioned, never stored.
    pub welcome_link: String,
    /// The day the link stops working, `YYYY-MM-DD` (UTC).
    pub link_expires_on: String,
}

/// Creates everything in one transaction, with the welcome mail in the outbox. An organisation
/// of the same name (ignoring case) is refused and nothing is written.
pub async fn create(state: &AppState, new: &NewOrganisation) -> Result<Provisioned, AppError> {
    let now = now();
    let expires_at = now + (state.config.welcome_link_days * 24 * 3600) as i64;
    let link_expires_on = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    let org = db::organisations::insert(&mut tx, &new.name, now)
        .await?
        .ok_or(AppError::Conflict(Key::OrganisationExists))?;
    db::licences::insert(&mut tx, org, &new.licences).await?;
    // The organisation starts out speaking its first administrator's language.
    sqlx::query("UPDATE organisations SET default_locale = $1 WHERE id = $2")
        .bind(new.admin_locale.tag())
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    let admin_user_id = db::users::insert_pending(
        &mut tx,
        org,
        &new.admin,
        Role::FullAdmin,
        new.admin_locale,
        expires_at,
        now,
    )
    .await?;
    let token_row = NewAccountToken {
        org,
        user_id: admin_user_id,
        purpose: Purpose::Welcome,
        expires_at,
    };
    let (token_id, token) = account_tokens::insert(&mut tx, token_row, now).await?;
    let welcome_link = format!("{}/welcome/{token}", state.config.public_url);
    let mail = outbox::Outgoing {
        org: Some(org),
        idempotency_key: format!("welcome:{token_id}"),
        kind: "welcome",
        to: &new.admin,
        body: outbox::Body::Rendered(templates::welcome(
            new.admin_locale,
            new.name.as_str(),
            &welcome_link,
            &link_expires_on,
        )),
    };
    outbox::enqueue(&mut tx, mail, state.config.mail_from.email.domain(), now).await?;
    let detail = format!(
        "{} ({}), first administrator {}",
        new.name, new.licences, new.admin
    );
    let event = audit::Event {
        org: Some(org),
        actor: None,
        action: Action::OrganisationProvisioned,
        detail: &detail,
        client_address: None,
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;

    tracing::info!(org = org.0, name = %new.name, "organisation provisioned");
    Ok(Provisioned {
        org,
        admin_user_id,
        welcome_link,
        link_expires_on,
    })
}
