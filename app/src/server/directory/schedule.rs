//! Syncs on a schedule: once a minute the server starts the syncs that are due, each acting as the
//! full administrator who last saved its configuration. If that person is no longer an active
//! full administrator, the sync is recorded as failed and runs no more until someone saves the
//! configuration again.

use super::apply;
use crate::domain::{OrgId, Role, UserStatus};
use crate::locales::{Key, Locale};
use crate::server::auth::sessions::Session;
use crate::server::{now, AppState};
use std::time::Duration;

/// How often the server looks for due syncs.
const TICK: Duration = Duration::from_secs(60);

/// Looks for due syncs until `stopping` says the server stops.
pub async fn run(state: AppState, mut stopping: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = start_due(&state, now()).await {
            tracing::error!("could not start the scheduled directory syncs: {error}");
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// Starts every sync due at `now` and moves its next run on; answers how many started.
pub async fn start_due(state: &AppState, now: i64) -> Result<usize, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let due: Vec<(
        i64,
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
    )> = sqlx::query_as(
        "SELECT c.org_id, c.schedule, u.id, u.status, u.role, u.email, u.display_name,
                    o.default_locale
             FROM directory_configs c
             JOIN users u ON u.id = c.configured_by AND u.org_id = c.org_id
             JOIN organisations o ON o.id = c.org_id
             WHERE c.schedule <> 'off' AND c.next_run_at <= $1",
    )
    .bind(now)
    .fetch_all(state.db.reader())
    .await?;
    let mut started = 0;
    for (org, schedule, user_id, status, role, email, display_name, language) in due {
        let every = crate::domain::directory::Schedule::parse(&schedule)
            .and_then(|s| s.every())
            .unwrap_or(24 * 3600);
        let mut tx = state.db.begin_write().await?;
        sqlx::query("UPDATE directory_configs SET next_run_at = $1 WHERE org_id = $2")
            .bind(now + every)
            .bind(org)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let locale = Locale::from_tag(&language).unwrap_or_default();
        let allowed = Role::from_db(&role) == Some(Role::FullAdmin)
            && UserStatus::from_db(&status) == Some(UserStatus::Active);
        if !allowed {
            refuse(state, OrgId(org), locale, now).await?;
            continue;
        }
        let name = display_name.unwrap_or_else(|| email.clone());
        let session = Session {
            id: 0,
            org: OrgId(org),
            user_id,
            role: Role::FullAdmin,
            email,
            display_name: Some(format!(
                "{} ({})",
                name,
                locale.text(Key::DirectoryScheduledBy)
            )),
        };
        match apply::start(state, &session, true, locale, now).await {
            Ok(_) => started += 1,
            Err(error) => tracing::warn!(org, "a scheduled directory sync did not start: {error}"),
        }
    }
    Ok(started)
}

/// Records a scheduled sync that could not act as anyone, and stops the schedule.
async fn refuse(state: &AppState, org: OrgId, locale: Locale, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "INSERT INTO directory_syncs (org_id, scheduled, state, error, started_at, finished_at)
         VALUES ($1, TRUE, 'failed', $2, $3, $3)",
    )
    .bind(org.0)
    .bind(locale.text(Key::DirectoryScheduleOrphaned))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE directory_configs SET next_run_at = NULL WHERE org_id = $1")
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
