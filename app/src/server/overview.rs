//! The organisation at a glance: what the Overview page and the header show.

use super::{db, AppState};
use crate::api::overview::{Overview, Task, UserCounts};
use crate::domain::{OrgId, UserStatus};
use crate::error::AppError;

pub async fn load(state: &AppState, org: OrgId) -> Result<Overview, AppError> {
    let row = db::organisations::find(state.db.reader(), org)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut users = UserCounts::default();
    for (status, count) in db::users::count_by_status(state.db.reader(), org).await? {
        match status {
            UserStatus::Active => users.active = count,
            UserStatus::InvitePending => users.invite_pending = count,
            UserStatus::Expired => users.expired = count,
            UserStatus::Deactivated => users.deactivated = count,
        }
    }
    let created_on = time::OffsetDateTime::from_unix_timestamp(row.created_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    let db = state.db.reader();
    let plan = super::settings::plan(db, org).await?;
    let invitations_failing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE org_id = $1 AND kind = 'invitation' AND status = 'failed'",
    )
    .bind(org.0)
    .fetch_one(db)
    .await?;
    let mut imports = super::imports::list(state, org).await?;
    imports.truncate(3);
    #[derive(sqlx::FromRow)]
    struct Progress {
        finished: bool,
        verified: bool,
        numbers: bool,
        people: bool,
        admins: i64,
    }
    let progress: Progress = sqlx::query_as(
        "SELECT setup_finished_at IS NOT NULL AS finished,
                EXISTS (SELECT 1 FROM domains WHERE org_id = $1 AND verified_at IS NOT NULL) AS verified,
                EXISTS (SELECT 1 FROM pool_numbers WHERE org_id = $1) AS numbers,
                EXISTS (SELECT 1 FROM users WHERE org_id = $1 AND role = 'user') AS people,
                (SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'full_admin' AND status <> 'deactivated') AS admins
         FROM organisations WHERE id = $1",
    )
    .bind(org.0)
    .fetch_one(db)
    .await?;
    let has_calling = plan
        .iter()
        .any(|l| l.service == crate::domain::Service::Calling);
    let mut checklist = vec![
        (Task::FinishSetup, progress.finished),
        (Task::VerifyDomain, progress.verified),
    ];
    if has_calling {
        checklist.push((Task::AddNumbers, progress.numbers));
    }
    checklist.push((Task::AddPeople, progress.people));
    checklist.push((Task::SecondAdministrator, progress.admins > 1));
    Ok(Overview {
        org_name: row.name,
        created_on,
        users,
        plan,
        invitations_failing,
        imports,
        checklist,
        portal_url: state.config.public_url.clone(),
        now: super::now(),
    })
}
