//! Undoing an import: the people it created who have not accepted their invitation are removed
//! with their unsent mail, and the people it changed are put back as they were. Shown first, then
//! done in one transaction.

use super::writes::{write_person, write_services};
use crate::api::imports::{ImportState, UndoPlan};
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::import::csv::Existing;
use crate::locales::Key;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::{now, user_actions, AppState};
use sqlx::SqliteConnection;

/// The mail not sent yet to the people the import created who have not accepted: invitations,
/// and the activation codes of those given calling.
const UNSENT_INVITATIONS: &str = "FROM outbox WHERE status = 'pending' AND org_id = $2 AND idempotency_key IN (
    SELECT 'invitation:' || t.id FROM account_tokens t
    JOIN import_rows r ON r.user_id = t.user_id
    JOIN users u ON u.id = r.user_id
    WHERE r.import_id = $1 AND r.outcome = 'created' AND u.password_hash IS NULL AND t.org_id = $2
    UNION ALL
    SELECT 'activation:' || c.id FROM activation_codes c
    JOIN import_rows r ON r.user_id = c.user_id
    JOIN users u ON u.id = r.user_id
    WHERE r.import_id = $1 AND r.outcome = 'created' AND u.password_hash IS NULL AND c.org_id = $2)";

/// The work an undo of import `id` would do: the plan, who to remove, and who to restore.
struct Work {
    plan: UndoPlan,
    remove: Vec<i64>,
    restore: Vec<(i64, String)>,
}

async fn work(conn: &mut SqliteConnection, org: OrgId, id: i64) -> Result<Work, AppError> {
    let state: String =
        sqlx::query_scalar("SELECT state FROM imports WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    match ImportState::from_db(&state) {
        Some(ImportState::Running | ImportState::Cancelling) => {
            return Err(AppError::Conflict(Key::ImportStillRunning))
        }
        Some(ImportState::Undone) => return Err(AppError::Conflict(Key::ImportAlreadyUndone)),
        _ => {}
    }
    let created: Vec<(i64, bool)> = sqlx::query_as(
        "SELECT u.id, u.password_hash IS NULL FROM import_rows r JOIN users u ON u.id = r.user_id
         WHERE r.import_id = $1 AND r.outcome = 'created' AND u.org_id = $2",
    )
    .bind(id)
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await?;
    let restore: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, r.previous FROM import_rows r JOIN users u ON u.id = r.user_id
         WHERE r.import_id = $1 AND r.outcome = 'updated' AND r.previous IS NOT NULL AND u.org_id = $2",
    )
    .bind(id)
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await?;
    let mails: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) {UNSENT_INVITATIONS}"
    )))
    .bind(id)
    .bind(org.0)
    .fetch_one(&mut *conn)
    .await?;
    let remove: Vec<i64> = created
        .iter()
        .filter(|(_, pending)| *pending)
        .map(|(id, _)| *id)
        .collect();
    Ok(Work {
        plan: UndoPlan {
            remove: remove.len() as i64,
            keep: (created.len() - remove.len()) as i64,
            restore: restore.len() as i64,
            mails,
        },
        remove,
        restore,
    })
}

/// What undoing import `id` would do, changing nothing.
pub async fn undo_plan(state: &AppState, org: OrgId, id: i64) -> Result<UndoPlan, AppError> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(work(&mut conn, org, id).await?.plan)
}

/// Undoes import `id`, all of it or nothing; what was done.
pub async fn undo(state: &AppState, admin: &Session, id: i64) -> Result<UndoPlan, AppError> {
    let org = admin.org;
    let mut tx = state.db.begin_write().await?;
    let work = work(&mut tx, org, id).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE {UNSENT_INVITATIONS}")))
        .bind(id)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    user_actions::delete_people(&mut tx, org, &work.remove).await?;
    for (user_id, previous) in &work.restore {
        let previous: Existing =
            serde_json::from_str(previous).map_err(crate::server::error::internal)?;
        let held: Vec<Service> = sqlx::query_scalar::<_, String>(
            "SELECT service FROM user_services WHERE org_id = $1 AND user_id = $2",
        )
        .bind(org.0)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .filter_map(|s| Service::parse(s))
        .collect();
        write_person(&mut tx, org, *user_id, &previous).await?;
        write_services(&mut tx, org, *user_id, &held, &previous.services).await?;
    }
    let now = now();
    sqlx::query(
        "UPDATE imports SET state = 'undone', undone_at = $1 WHERE org_id = $2 AND id = $3",
    )
    .bind(now)
    .bind(org.0)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let plan = work.plan;
    let detail = format!(
        "import {id} undone: {} removed, {} kept (accepted), {} restored, {} invitations cancelled",
        plan.remove, plan.keep, plan.restore, plan.mails
    );
    audit::record(
        &mut tx,
        audit::Event {
            org: Some(org),
            actor: Some(admin.user_id),
            action: Action::ImportUndone,
            detail: &detail,
            client_address: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}
