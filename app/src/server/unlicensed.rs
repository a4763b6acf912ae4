//! Unlicensed users: self-signups whose address is in a domain the organisation verified. The
//! list is scoped by the organisation's verified domains alone, so unverifying or removing a
//! domain takes its people off it. Adding them makes them Active users (they have a password),
//! with services, activation codes for calling, and a notice mail, all or none.

use super::audit::{self, Action};
use super::auth::sessions::Session;
use super::db::{self, WriteTx};
use super::mail::{outbox, templates};
use super::AppState;
use crate::api::unlicensed::{AddedOutcome, UnlicensedPerson};
use crate::domain::{Email, OrgId, Role, Service, UserStatus};
use crate::error::{AppError, FieldError};
use crate::locales::{Key, Locale};

/// The most the page lists (and "add everyone listed" adds) at once.
pub const LIST_LIMIT: i64 = 500;

/// The self-signups in the organisation's verified domains, confirmed and not yet added.
const WAITING: &str = "FROM signups s
     JOIN domains d ON d.name = s.domain AND d.org_id = $1 AND d.verified_at IS NOT NULL
     WHERE s.confirmed_at IS NOT NULL AND s.converted_at IS NULL";

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    display_name: String,
    email: String,
    created_at: i64,
    taken: bool,
}

pub async fn list(state: &AppState, org: OrgId) -> Result<Vec<UnlicensedPerson>, AppError> {
    let sql = format!(
        "SELECT s.id, s.display_name, s.email, s.created_at,
                EXISTS (SELECT 1 FROM users u WHERE u.org_id = $1 AND u.email = s.email) AS taken
         {WAITING} ORDER BY s.created_at, s.id LIMIT $2"
    );
    let rows: Vec<ListRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(LIST_LIMIT)
        .fetch_all(state.db.reader())
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| UnlicensedPerson {
            id: row.id,
            name: row.display_name,
            email: row.email,
            signed_up_on: time::OffsetDateTime::from_unix_timestamp(row.created_at)
                .map(|t| t.date().to_string())
                .unwrap_or_default(),
            taken: row.taken,
        })
        .collect())
}

pub async fn count(state: &AppState, org: OrgId) -> Result<i64, AppError> {
    let sql = format!("SELECT COUNT(*) {WAITING}");
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .fetch_one(state.db.reader())
        .await?)
}

/// Whom to add.
#[derive(Debug, PartialEq, Eq)]
pub enum Chosen {
    Ids(Vec<i64>),
    /// Everyone listed (not those whose address is taken).
    All,
}

impl Chosen {
    /// What the form asked for: a row's button (`row` = id) wins over the ticks, and
    /// `scope` = `all` means everyone listed. A row that is no id is not found.
    pub fn from_form(
        row: Option<&str>,
        scope: Option<&str>,
        ids: Option<Vec<i64>>,
    ) -> Result<Chosen, AppError> {
        match (row.map(|r| r.trim().parse::<i64>()), scope) {
            (Some(Ok(id)), _) => Ok(Chosen::Ids(vec![id])),
            (Some(Err(_)), _) => Err(AppError::NotFound),
            (None, Some("all")) => Ok(Chosen::All),
            (None, _) => Ok(Chosen::Ids(ids.unwrap_or_default())),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Candidate {
    id: i64,
    email: String,
    display_name: String,
    locale: String,
    password_hash: Option<String>,
    confirmed_at: Option<i64>,
    converted_at: Option<i64>,
    taken: bool,
}

/// The chosen self-signups in the organisation's verified domains, converted or not. Ids outside
/// those domains are simply not found, so nothing says they exist.
async fn candidates(
    tx: &mut WriteTx,
    org: OrgId,
    chosen: &Chosen,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let select = "SELECT s.id, s.email, s.display_name, s.locale, s.password_hash, s.confirmed_at,
                s.converted_at,
                EXISTS (SELECT 1 FROM users u WHERE u.org_id = $1 AND u.email = s.email) AS taken
         FROM signups s
         JOIN domains d ON d.name = s.domain AND d.org_id = $1 AND d.verified_at IS NOT NULL";
    match chosen {
        Chosen::All => {
            let sql = format!(
                "{select} WHERE s.confirmed_at IS NOT NULL AND s.converted_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM users u WHERE u.org_id = $1 AND u.email = s.email)
                 ORDER BY s.created_at, s.id LIMIT $2"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(org.0)
                .bind(LIST_LIMIT)
                .fetch_all(&mut **tx)
                .await
        }
        Chosen::Ids(ids) => {
            let mut found = Vec::new();
            for chunk in ids.chunks(500) {
                let sql = format!("{select} WHERE s.id IN ({})", db::numbered(2, chunk.len()));
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0);
                for id in chunk {
                    query = query.bind(*id);
                }
                found.extend(query.fetch_all(&mut **tx).await?);
            }
            Ok(found)
        }
    }
}

/// Adds the chosen people to the organisation as Active users with `services`, or nobody: ids
/// not in the list are not found, people added before are a conflict, addresses already in the
/// organisation are named, and the licences must cover everyone.
pub async fn convert(
    state: &AppState,
    admin: &Session,
    chosen: Chosen,
    services: &[Service],
    locale: Locale,
    now: i64,
) -> Result<AddedOutcome, AppError> {
    let org = admin.org;
    super::scim::tokens::check_hand_adds(state, org, "ids").await?;
    let mut ids = match &chosen {
        Chosen::Ids(ids) => ids.clone(),
        Chosen::All => Vec::new(),
    };
    ids.sort_unstable();
    ids.dedup();
    if matches!(chosen, Chosen::Ids(_)) && ids.is_empty() {
        return Err(AppError::invalid("ids", Key::UnlicensedNoneChosen));
    }
    let chosen = match chosen {
        Chosen::Ids(_) => Chosen::Ids(ids.clone()),
        all => all,
    };

    let mut tx = state.db.begin_write().await?;
    let people = candidates(&mut tx, org, &chosen).await?;
    if let Chosen::Ids(_) = chosen {
        if people.len() != ids.len() || people.iter().any(|p| p.confirmed_at.is_none()) {
            return Err(AppError::NotFound);
        }
    }
    if people.is_empty() {
        return Err(AppError::invalid("ids", Key::UnlicensedNoneChosen));
    }
    if people.iter().any(|p| p.converted_at.is_some()) {
        return Err(AppError::Conflict(Key::UnlicensedAlreadyAdded));
    }
    let taken: Vec<FieldError> = people
        .iter()
        .filter(|p| p.taken)
        .map(|p| FieldError {
            field: "ids".to_owned(),
            reason: Key::UnlicensedAddressTaken,
            args: vec![("email".to_owned(), p.email.clone())],
        })
        .collect();
    if !taken.is_empty() {
        return Err(AppError::Invalid(taken));
    }
    super::users::check_licences(state, org, services, people.len(), locale).await?;

    let mut user_ids = Vec::with_capacity(people.len());
    for person in &people {
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (org_id, email, display_name, role, status, locale, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(org.0)
        .bind(&person.email)
        .bind(&person.display_name)
        .bind(Role::User.as_str())
        .bind(UserStatus::Active.as_str())
        .bind(&person.locale)
        .bind(&person.password_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        // The hash now lives on the user; the self-signup keeps only who it became.
        let marked = sqlx::query(
            "UPDATE signups SET converted_at = $1, converted_org_id = $2, converted_user_id = $3,
                                password_hash = NULL
             WHERE id = $4 AND converted_at IS NULL",
        )
        .bind(now)
        .bind(org.0)
        .bind(user_id)
        .bind(person.id)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            return Err(AppError::Conflict(Key::UnlicensedAlreadyAdded));
        }
        for service in services {
            sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, $3)")
                .bind(org.0)
                .bind(user_id)
                .bind(service.as_str())
                .execute(&mut *tx)
                .await?;
        }
        user_ids.push(user_id);
    }
    if services.contains(&Service::Calling) {
        super::phones::send_codes(&mut tx, state, org, &user_ids, now).await?;
    }
    send_notices(&mut tx, state, org, &people, &user_ids, now).await?;
    let added: Vec<String> = people.iter().map(|p| p.email.clone()).collect();
    let detail = format!(
        "{} added ({}): {}",
        added.len(),
        services
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        added.join(", ")
    );
    audit::by(&mut tx, admin, Action::UnlicensedUsersAdded, &detail, now).await?;
    tx.commit().await?;
    tracing::info!(org = org.0, added = added.len(), "unlicensed users added");
    Ok(AddedOutcome { added })
}

/// "You've been added to ORG", in each person's language, with a sign-in link.
async fn send_notices(
    tx: &mut WriteTx,
    state: &AppState,
    org: OrgId,
    people: &[Candidate],
    user_ids: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    let org_name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_one(&mut **tx)
        .await?;
    let link = format!("{}/sign-in", state.config.public_url);
    let addresses: Vec<Option<Email>> =
        people.iter().map(|p| Email::parse(&p.email).ok()).collect();
    let mails: Vec<outbox::Outgoing> = people
        .iter()
        .zip(user_ids)
        .zip(&addresses)
        .filter_map(|((person, user_id), email)| {
            let locale = Locale::from_tag(&person.locale).unwrap_or_default();
            Some(outbox::Outgoing {
                org: Some(org),
                idempotency_key: format!("added_to_organisation:{user_id}"),
                kind: "added_to_organisation",
                to: email.as_ref()?,
                body: outbox::Body::Rendered(templates::added_to_organisation(
                    locale, &org_name, &link,
                )),
            })
        })
        .collect();
    let sender = state.config.mail_from.email.domain().to_owned();
    outbox::enqueue_many(tx, mails, &sender, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_says_whom_to_add() {
        assert_eq!(
            Chosen::from_form(Some("7"), Some("all"), Some(vec![1, 2])),
            Ok(Chosen::Ids(vec![7])),
            "a row's own button adds that row only"
        );
        assert_eq!(
            Chosen::from_form(Some("x"), None, None),
            Err(AppError::NotFound)
        );
        assert_eq!(
            Chosen::from_form(None, Some("all"), Some(vec![1])),
            Ok(Chosen::All)
        );
        assert_eq!(
            Chosen::from_form(None, None, Some(vec![1, 2])),
            Ok(Chosen::Ids(vec![1, 2]))
        );
        assert_eq!(Chosen::from_form(None, None, None), Ok(Chosen::Ids(vec![])));
    }
}
