//! Mapping the pool's direct lines to extensions in one click: what it would do (asked first),
//! then doing it in one transaction that decides again, so two admins at once change nothing twice.

use super::saved;
use crate::api::settings::MappingPlan;
use crate::domain::extension_map::{self, Outcome, PersonLine, PoolLine};
use crate::domain::settings::CallingSettings;
use crate::domain::{OrgId, Service};
use crate::error::AppError;
use crate::locales::Locale;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::AppState;
use std::collections::HashMap;

/// The most conflicts an answer lists (the counts are always whole).
const CONFLICTS_SHOWN: usize = 200;

async fn decide(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
    length: u32,
) -> Result<Vec<extension_map::Mapping>, sqlx::Error> {
    let pool: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT number, extension FROM pool_numbers WHERE org_id = $1 ORDER BY number",
    )
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await?;
    let people: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT extension, email, phone_number FROM users WHERE org_id = $1 AND extension IS NOT NULL",
    )
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<PoolLine<'_>> = pool
        .iter()
        .map(|(number, extension)| PoolLine {
            number,
            extension: extension.as_deref(),
        })
        .collect();
    let people: HashMap<&str, PersonLine<'_>> = people
        .iter()
        .map(|(extension, who, number)| {
            (
                extension.as_str(),
                PersonLine {
                    who,
                    number: number.as_deref(),
                },
            )
        })
        .collect();
    Ok(extension_map::plan(&lines, &people, length as usize))
}

async fn length(state: &AppState, org: OrgId) -> Result<u32, AppError> {
    let plan = saved::plan(state.db.reader(), org).await?;
    if !plan.iter().any(|line| line.service == Service::Calling) {
        return Err(AppError::NotFound);
    }
    let calling = saved::calling(state.db.reader(), org, || {
        CallingSettings::starting("", Locale::En)
    })
    .await?;
    Ok(calling.extension_length)
}

fn summary(length: u32, mappings: Vec<extension_map::Mapping>) -> MappingPlan {
    let mut plan = MappingPlan {
        length,
        create: 0,
        already: 0,
        conflicts: 0,
        sample: Vec::new(),
        conflicting: Vec::new(),
    };
    for mapping in mappings {
        match mapping.outcome {
            Outcome::Create => {
                plan.create += 1;
                if plan.sample.len() < 10 {
                    plan.sample.push(mapping);
                }
            }
            Outcome::AlreadyMapped => plan.already += 1,
            Outcome::Conflict(_) => {
                plan.conflicts += 1;
                if plan.conflicting.len() < CONFLICTS_SHOWN {
                    plan.conflicting.push(mapping);
                }
            }
        }
    }
    plan
}

/// What mapping would do now.
pub async fn plan(state: &AppState, session: &Session) -> Result<MappingPlan, AppError> {
    let length = length(state, session.org).await?;
    let mut conn = state.db.reader().acquire().await?;
    let mappings = decide(&mut conn, session.org, length).await?;
    Ok(summary(length, mappings))
}

/// Creates every extension the plan would, deciding again inside the transaction; answers what
/// was done. Mapping again creates nothing.
pub async fn map(state: &AppState, session: &Session, now: i64) -> Result<MappingPlan, AppError> {
    let length = length(state, session.org).await?;
    let mut tx = state.db.begin_write().await?;
    let mappings = decide(&mut tx, session.org, length).await?;
    let creating: Vec<&str> = mappings
        .iter()
        .filter(|m| m.outcome == Outcome::Create)
        .map(|m| m.number.as_str())
        .collect();
    if !creating.is_empty() {
        let numbers = serde_json::to_string(&creating).map_err(crate::server::error::internal)?;
        // The extension is the number's last digits: one statement for the whole pool, the list
        // read once into an IN set (joining the JSON per row was quadratic: 25 s for 10,000).
        sqlx::query(
            "UPDATE pool_numbers SET extension = substr(number, -$1)
             WHERE org_id = $2 AND number IN (SELECT value FROM json_each($3))",
        )
        .bind(i64::from(length))
        .bind(session.org.0)
        .bind(numbers)
        .execute(&mut *tx)
        .await?;
        let detail = format!("{} direct lines mapped to extensions", creating.len());
        audit::by(&mut tx, session, Action::NumbersMapped, &detail, now).await?;
    }
    tx.commit().await?;
    Ok(summary(length, mappings))
}
