//! The organisation's email domains: adding one gives the DNS TXT record that proves it is theirs;
//! verifying looks the record up through a resolver (the real DNS in production, a fake in tests).

use crate::api::settings::DomainView;
use crate::domain::settings::parse_domain;
use crate::error::AppError;
use crate::locales::Key;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::AppState;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the TXT record's value starts with; the rest is random.
const PREFIX: &str = "switchboard-verification=";

/// Why a lookup gave no answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// Looks up the TXT records of a name.
pub trait TxtResolver: Send + Sync {
    fn txt(&self, name: &str) -> BoxFuture<'_, Result<Vec<String>, LookupError>>;
}

/// The real DNS, through the system's resolver configuration (or public resolvers without one).
pub struct Dns(hickory_resolver::TokioResolver);

impl Dns {
    pub fn new() -> Dns {
        use hickory_resolver::config::ResolverConfig;
        use hickory_resolver::name_server::TokioConnectionProvider;
        use hickory_resolver::Resolver;
        let mut builder = Resolver::builder_tokio().unwrap_or_else(|_| {
            Resolver::builder_with_config(
                ResolverConfig::default(),
                TokioConnectionProvider::default(),
            )
        });
        // An admin waits on the answer: give up after a few seconds rather than the default 10+.
        builder.options_mut().timeout = std::time::Duration::from_secs(3);
        builder.options_mut().attempts = 1;
        Dns(builder.build())
    }
}

impl Default for Dns {
    fn default() -> Self {
        Dns::new()
    }
}

impl TxtResolver for Dns {
    fn txt(&self, name: &str) -> BoxFuture<'_, Result<Vec<String>, LookupError>> {
        let name = format!("{name}.");
        Box::pin(async move {
            match self.0.txt_lookup(name).await {
                Ok(found) => Ok(found
                    .iter()
                    .map(|txt| {
                        txt.txt_data()
                            .iter()
                            .map(|part| String::from_utf8_lossy(part))
                            .collect::<String>()
                    })
                    .collect()),
                Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(Vec::new()),
                Err(error) => Err(LookupError(error.to_string())),
            }
        })
    }
}

/// Records set by hand: what the tests publish, and nothing else exists.
#[derive(Default)]
pub struct FakeDns(Mutex<HashMap<String, Vec<String>>>);

impl FakeDns {
    pub fn publish(&self, name: &str, value: &str) {
        if let Ok(mut records) = self.0.lock() {
            records
                .entry(name.to_owned())
                .or_default()
                .push(value.to_owned());
        }
    }
}

impl TxtResolver for Arc<FakeDns> {
    fn txt(&self, name: &str) -> BoxFuture<'_, Result<Vec<String>, LookupError>> {
        let found = self
            .0
            .lock()
            .map(|records| records.get(name).cloned().unwrap_or_default())
            .map_err(|_| LookupError("fake resolver poisoned".into()));
        Box::pin(async move { found })
    }
}

/// Records read from a file of `NAME VALUE` lines at every lookup (`SWITCHBOARD_TXT_RECORDS_FILE`):
/// browser tests publish a record by appending a line. A missing file has no records.
pub struct TxtFile(pub std::path::PathBuf);

impl TxtResolver for TxtFile {
    fn txt(&self, name: &str) -> BoxFuture<'_, Result<Vec<String>, LookupError>> {
        let name = name.to_owned();
        Box::pin(async move {
            let text = match tokio::fs::read_to_string(&self.0).await {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(error) => return Err(LookupError(error.to_string())),
            };
            Ok(records_in(&text, &name))
        })
    }
}

/// The values of `name`'s records in `NAME VALUE` lines.
fn records_in(text: &str, name: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim().split_once(char::is_whitespace))
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim().to_owned())
        .collect()
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    verification: String,
    verified_at: Option<i64>,
    checked_at: Option<i64>,
}

impl From<Row> for DomainView {
    fn from(row: Row) -> Self {
        DomainView {
            id: row.id,
            record_name: row.name.clone(),
            name: row.name,
            record_value: row.verification,
            verified: row.verified_at.is_some(),
            checked: row.checked_at.is_some(),
        }
    }
}

pub async fn list(state: &AppState, session: &Session) -> Result<Vec<DomainView>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, verification, verified_at, checked_at FROM domains
         WHERE org_id = $1 ORDER BY name",
    )
    .bind(session.org.0)
    .fetch_all(state.db.reader())
    .await?;
    Ok(rows.into_iter().map(DomainView::from).collect())
}

/// Adds a domain (not verified yet); adding one the organisation has already is refused.
pub async fn add(
    state: &AppState,
    session: &Session,
    typed: &str,
    now: i64,
) -> Result<DomainView, AppError> {
    let name =
        parse_domain(typed).ok_or_else(|| AppError::invalid("domain", Key::DomainInvalid))?;
    let mut tx = state.db.begin_write().await?;
    let claimed: Option<i64> = sqlx::query_scalar(
        "SELECT org_id FROM domains WHERE name = $1 AND (org_id = $2 OR verified_at IS NOT NULL)
         ORDER BY org_id = $2 DESC LIMIT 1",
    )
    .bind(&name)
    .bind(session.org.0)
    .fetch_optional(&mut *tx)
    .await?;
    match claimed {
        Some(org) if org == session.org.0 => {
            return Err(AppError::invalid("domain", Key::DomainAlreadyAdded))
        }
        Some(_) => return Err(AppError::invalid("domain", Key::DomainTaken)),
        None => {}
    }
    let value = format!("{PREFIX}{}", crate::server::auth::tokens::generate().raw);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO domains (org_id, name, verification, added_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(session.org.0)
    .bind(&name)
    .bind(&value)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::by(&mut tx, session, Action::DomainAdded, &name, now).await?;
    tx.commit().await?;
    Ok(DomainView {
        id,
        record_name: name.clone(),
        name,
        record_value: value,
        verified: false,
        checked: false,
    })
}

async fn find(state: &AppState, session: &Session, id: i64) -> Result<Row, AppError> {
    sqlx::query_as(
        "SELECT id, name, verification, verified_at, checked_at FROM domains
         WHERE id = $1 AND org_id = $2",
    )
    .bind(id)
    .bind(session.org.0)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(AppError::NotFound)
}

/// Looks for the domain's TXT record. Found: the domain is verified. Not found, or the lookup
/// failed: the answer says so at the domain (field `domain-ID`), and nothing else changes.
pub async fn verify(
    state: &AppState,
    session: &Session,
    id: i64,
    now: i64,
) -> Result<(), AppError> {
    let row = find(state, session, id).await?;
    if row.verified_at.is_some() {
        return Ok(());
    }
    let field = format!("domain-{id}");
    let lookup = state.resolver.txt(&row.name).await;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE domains SET checked_at = $1 WHERE id = $2 AND org_id = $3")
        .bind(now)
        .bind(id)
        .bind(session.org.0)
        .execute(&mut *tx)
        .await?;
    let refusal = match lookup {
        Err(error) => {
            tracing::info!(domain = %row.name, "TXT lookup failed: {error}");
            Some(Key::DomainLookupFailed)
        }
        Ok(records) if !records.iter().any(|r| r.trim() == row.verification) => {
            Some(Key::DomainRecordMissing)
        }
        Ok(_) => {
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM domains WHERE name = $1 AND verified_at IS NOT NULL AND org_id <> $2",
            )
            .bind(&row.name)
            .bind(session.org.0)
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                Some(Key::DomainTaken)
            } else {
                sqlx::query("UPDATE domains SET verified_at = $1 WHERE id = $2 AND org_id = $3")
                    .bind(now)
                    .bind(id)
                    .bind(session.org.0)
                    .execute(&mut *tx)
                    .await?;
                audit::by(&mut tx, session, Action::DomainVerified, &row.name, now).await?;
                None
            }
        }
    };
    tx.commit().await?;
    match refusal {
        Some(reason) => Err(AppError::invalid(&field, reason)),
        None => Ok(()),
    }
}

pub async fn remove(
    state: &AppState,
    session: &Session,
    id: i64,
    now: i64,
) -> Result<(), AppError> {
    let row = find(state, session, id).await?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("DELETE FROM domains WHERE id = $1 AND org_id = $2")
        .bind(id)
        .bind(session.org.0)
        .execute(&mut *tx)
        .await?;
    audit::by(&mut tx, session, Action::DomainRemoved, &row.name, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_file_answers_by_name() {
        let text =
            "acme.example switchboard-verification=abc\nother.example x\n\nACME.example  second \n";
        assert_eq!(
            records_in(text, "acme.example"),
            ["switchboard-verification=abc", "second"]
        );
        assert!(records_in(text, "none.example").is_empty());
    }
}
