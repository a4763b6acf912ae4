//! Directory sync from LDAP / Active Directory: the stored configuration, reading the directory
//! with paged searches, the dry run (what a sync would do, writing nothing), and the sync itself
//! as a background job, by hand or on a schedule.

pub mod apply;
pub mod config;
pub mod ldap;
pub mod plan;
pub mod schedule;
mod writes;

use crate::api::directory::{DryRun, PlannedPerson, PlannedUpdate, Shortfall};
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::error::{AppError, FieldError};
use crate::locales::Key;
use crate::server::AppState;
use plan::{Known, SyncPlan};
use std::collections::HashMap;

/// At most this many people of each list are shown; the counts are whole.
const SHOWN: usize = 200;

/// What a sync of the organisation would do, with what it was worked out from.
pub struct Planned {
    pub plan: SyncPlan,
    pub known: Vec<Known>,
    pub read: ldap::Read,
    pub shortfalls: Vec<Shortfall>,
}

impl Planned {
    /// The directory answered with nobody while the organisation has people to deactivate: a
    /// wrong base DN or filter looks exactly like this, so nobody is deactivated for it.
    pub fn looks_wrong(&self) -> bool {
        self.read.people.is_empty() && !self.plan.deactivate.is_empty()
    }
}

/// The organisation's people as the sync compares them.
async fn known(state: &AppState, org: OrgId) -> Result<Vec<Known>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
    )> = sqlx::query_as(
        "SELECT id, email, first_name, last_name, display_name, phone_number, status, role
             FROM users WHERE org_id = $1 ORDER BY id",
    )
    .bind(org.0)
    .fetch_all(state.db.reader())
    .await?;
    let held: Vec<(i64, String)> =
        sqlx::query_as("SELECT user_id, service FROM user_services WHERE org_id = $1")
            .bind(org.0)
            .fetch_all(state.db.reader())
            .await?;
    let mut services: HashMap<i64, Vec<Service>> = HashMap::new();
    for (id, service) in held {
        if let Some(service) = Service::parse(&service) {
            services.entry(id).or_default().push(service);
        }
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, email, first_name, last_name, display_name, phone, status, role)| Known {
                id,
                email,
                first_name,
                last_name,
                display_name,
                phone,
                status: UserStatus::from_db(&status).unwrap_or(UserStatus::Active),
                role: Role::from_db(&role).unwrap_or(Role::User),
                services: services.remove(&id).unwrap_or_default(),
            },
        )
        .collect())
}

/// The seats each service would need after the sync, where it is more than the plan has.
async fn shortfalls(
    state: &AppState,
    org: OrgId,
    plan: &SyncPlan,
    known: &[Known],
) -> Result<Vec<Shortfall>, sqlx::Error> {
    let updated: HashMap<i64, &Option<Vec<Service>>> = plan
        .update
        .iter()
        .map(|u| (u.id, &u.person.services))
        .collect();
    let mut needed: HashMap<Service, i64> = HashMap::new();
    for person in known {
        let leaving = plan.deactivate.iter().any(|(id, _)| *id == person.id);
        let away =
            person.status == UserStatus::Deactivated && !plan.reactivate.contains(&person.id);
        if leaving || away {
            continue;
        }
        let services = match updated.get(&person.id) {
            Some(Some(services)) => services,
            _ => &person.services,
        };
        for service in services {
            *needed.entry(*service).or_default() += 1;
        }
    }
    for person in &plan.add {
        for service in person.services.iter().flatten() {
            *needed.entry(*service).or_default() += 1;
        }
    }
    let seats: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT service, seats FROM licences WHERE org_id = $1")
            .bind(org.0)
            .fetch_all(state.db.reader())
            .await?
            .into_iter()
            .collect();
    let mut short: Vec<Shortfall> = needed
        .into_iter()
        .filter_map(|(service, needed)| {
            let seats = seats.get(service.as_str()).copied().unwrap_or(0);
            (needed > seats).then_some(Shortfall {
                service,
                needed,
                seats,
            })
        })
        .collect();
    short.sort_by_key(|s| s.service);
    Ok(short)
}

/// Reads the directory and works out what a sync would do, writing nothing.
pub async fn plan_sync(
    state: &AppState,
    org: OrgId,
    directory: &ldap::Directory,
) -> Result<Planned, AppError> {
    let read = ldap::read(directory).await.map_err(refusal)?;
    let known = known(state, org).await?;
    let plan = plan::plan(read.people.clone(), &known);
    let shortfalls = shortfalls(state, org, &plan, &known).await?;
    Ok(Planned {
        plan,
        known,
        read,
        shortfalls,
    })
}

/// The dry run as the page shows it.
pub async fn dry_run(state: &AppState, org: OrgId) -> Result<DryRun, AppError> {
    let directory = config::directory(state, org).await?;
    let planned = plan_sync(state, org, &directory).await?;
    let email_of: HashMap<i64, &str> = planned
        .known
        .iter()
        .map(|k| (k.id, k.email.as_str()))
        .collect();
    let plan = &planned.plan;
    Ok(DryRun {
        read: planned.read.people.len(),
        looks_wrong: planned.looks_wrong(),
        added: plan.add.len(),
        updated: plan.update.len(),
        reactivated: plan.reactivate.len(),
        deactivated: plan.deactivate.len(),
        unchanged: plan.unchanged,
        add: plan
            .add
            .iter()
            .take(SHOWN)
            .map(|p| PlannedPerson {
                email: p.email.as_str().to_owned(),
                name: p.display_name.clone().or_else(|| {
                    let parts: Vec<&str> = [&p.first_name, &p.last_name]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(" "))
                }),
                services: p.services.clone().unwrap_or_default(),
            })
            .collect(),
        update: plan
            .update
            .iter()
            .take(SHOWN)
            .map(|u| PlannedUpdate {
                email: u.person.email.as_str().to_owned(),
                fields: u.fields.iter().map(|f| (*f).to_owned()).collect(),
            })
            .collect(),
        reactivate: plan
            .reactivate
            .iter()
            .take(SHOWN)
            .filter_map(|id| email_of.get(id).map(|e| (*e).to_owned()))
            .collect(),
        deactivate: plan
            .deactivate
            .iter()
            .take(SHOWN)
            .map(|(_, email)| email.clone())
            .collect(),
        kept_admins: plan.kept_admins.clone(),
        duplicates: plan.duplicates.iter().take(SHOWN).cloned().collect(),
        without_address: planned
            .read
            .without_address
            .iter()
            .take(SHOWN)
            .cloned()
            .collect(),
        without_address_count: planned.read.without_address.len(),
        shortfalls: planned.shortfalls.clone(),
    })
}

/// A directory that could not be read, as the administrator's field error.
pub fn refusal(error: ldap::DirectoryError) -> AppError {
    let (reason, given) = match &error {
        ldap::DirectoryError::Unreachable(url) => (Key::DirectoryUnreachable, url.clone()),
        ldap::DirectoryError::BindRefused => (Key::DirectoryBindRefused, String::new()),
        ldap::DirectoryError::Search(why) => (Key::DirectorySearchFailed, why.clone()),
        ldap::DirectoryError::GroupMissing(dn) => (Key::DirectoryGroupMissing, dn.clone()),
    };
    AppError::Invalid(vec![FieldError {
        field: "directory".into(),
        reason,
        args: vec![("given".into(), given)],
    }])
}
