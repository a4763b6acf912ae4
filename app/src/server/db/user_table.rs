//! The users table's queries: a filtered, sorted page found by keyset (never OFFSET, so page 2,000
//! costs what page 1 does), the counts per status, and the services of the people on a page.

use super::users::{PersonRow, PERSON_COLUMNS};
use crate::api::user_table::{Filter, Sort, UserRow, PAGE_SIZE};
use crate::domain::{OrgId, Role, Service, UserStatus};
use crate::import::csv::Existing;
use crate::locales::Locale;
use sqlx::SqlitePool;
use std::collections::HashMap;

/// A person's status as the admin sees it: Invite pending past its expiry is Expired.
const STATUS: &str = "CASE WHEN u.status = 'invite_pending' AND u.invitation_expires_at <= $2
                      THEN 'expired' ELSE u.status END";

/// Where a page starts: a cursor is the sort key and id of a row, as `id.key`.
pub enum Position {
    First,
    After(String),
    Before(String),
}

/// A value bound into a query built here.
enum Value {
    Int(i64),
    Text(String),
}

fn key_expression(sort: Sort) -> &'static str {
    match sort {
        Sort::Name | Sort::NameDescending => "lower(coalesce(u.display_name, u.email))",
        Sort::Email | Sort::EmailDescending => "u.email",
        Sort::Newest | Sort::Oldest => "u.created_at",
        Sort::RecentSignIn => "coalesce(u.last_sign_in_at, 0)",
    }
}

fn descending(sort: Sort) -> bool {
    matches!(
        sort,
        Sort::NameDescending | Sort::EmailDescending | Sort::Newest | Sort::RecentSignIn
    )
}

fn numeric(sort: Sort) -> bool {
    matches!(sort, Sort::Newest | Sort::Oldest | Sort::RecentSignIn)
}

/// The cursor of `row` in `sort`.
pub fn cursor(sort: Sort, row: &UserRow) -> String {
    let key = match sort {
        Sort::Name | Sort::NameDescending => row
            .name
            .as_deref()
            .unwrap_or(&row.email)
            .to_ascii_lowercase(),
        Sort::Email | Sort::EmailDescending => row.email.clone(),
        Sort::Newest | Sort::Oldest => row.created_at.to_string(),
        Sort::RecentSignIn => row.last_sign_in_at.unwrap_or(0).to_string(),
    };
    format!("{}.{key}", row.id)
}

/// Reads a cursor back; None when it was not made by `cursor` for this sort.
fn parse_cursor(sort: Sort, cursor: &str) -> Option<(Value, i64)> {
    let (id, key) = cursor.split_once('.')?;
    let id = id.parse().ok()?;
    let key = if numeric(sort) {
        Value::Int(key.parse().ok()?)
    } else {
        Value::Text(key.to_owned())
    };
    Some((key, id))
}

/// Adds a value to bind; its placeholder.
fn bind(value: Value, values: &mut Vec<Value>) -> String {
    values.push(value);
    format!("${}", values.len())
}

/// The search as one quoted phrase for the trigram index: any part of a name or address.
fn phrase(search: &str) -> String {
    format!("\"{}\"", search.replace('"', "\"\""))
}

/// `%text%` for LIKE, with LIKE's own characters taken literally. Lower-cased as SQLite's
/// `lower()` does (ASCII only), so a name with `Ä` in it is found by the name as written.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    email: String,
    display_name: Option<String>,
    role: String,
    status: String,
    created_at: i64,
    invited_at: Option<i64>,
    invitation_expires_at: Option<i64>,
    invitation_revoked_at: Option<i64>,
    last_sign_in_at: Option<i64>,
    deactivated_at: Option<i64>,
}

const COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.created_at, u.invited_at,
    u.invitation_expires_at, u.invitation_revoked_at, u.last_sign_in_at, u.deactivated_at";

/// The WHERE conditions for `filter`: `$1` is the organisation, `$2` the time now.
fn filter_conditions(filter: &Filter, values: &mut Vec<Value>) -> Vec<String> {
    let mut conditions = vec!["u.org_id = $1".to_owned()];
    if let Some(status) = filter.status {
        conditions.push(match status {
            UserStatus::Active => "u.status = 'active'".to_owned(),
            UserStatus::Deactivated => "u.status = 'deactivated'".to_owned(),
            UserStatus::InvitePending => "u.status = 'invite_pending'
                AND (u.invitation_expires_at IS NULL OR u.invitation_expires_at > $2)"
                .to_owned(),
            UserStatus::Expired => {
                "u.status = 'invite_pending' AND u.invitation_expires_at <= $2".to_owned()
            }
        });
    }
    if let Some(service) = filter.service {
        let p = bind(Value::Text(service.as_str().to_owned()), values);
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM user_services s WHERE s.user_id = u.id AND s.service = {p})"
        ));
    }
    if filter.search.chars().count() >= 3 {
        // The trigram index finds any part of three characters or more, in any case.
        let p = bind(Value::Text(phrase(&filter.search)), values);
        conditions.push(format!(
            "u.id IN (SELECT rowid FROM user_search WHERE user_search MATCH {p})"
        ));
    } else if !filter.search.is_empty() {
        let p = bind(Value::Text(like_pattern(&filter.search)), values);
        conditions.push(format!(
            "(u.email LIKE {p} ESCAPE '\\' OR lower(u.display_name) LIKE {p} ESCAPE '\\')"
        ));
    }
    conditions
}

/// The ids of everyone `filter` matches, for an action on all of them.
pub async fn ids(
    db: &mut sqlx::SqliteConnection,
    org: OrgId,
    filter: &Filter,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut values = vec![Value::Int(org.0), Value::Int(now)];
    let conditions = filter_conditions(filter, &mut values);
    let sql = format!(
        "SELECT u.id FROM users u WHERE {}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
        };
    }
    query.fetch_all(db).await
}

/// One page in `sort` order from `position`, and whether more rows lie beyond it.
pub async fn page(
    db: &SqlitePool,
    org: OrgId,
    filter: &Filter,
    sort: Sort,
    position: &Position,
    now: i64,
) -> Result<(Vec<UserRow>, bool), sqlx::Error> {
    let key = key_expression(sort);
    let mut values = vec![Value::Int(org.0), Value::Int(now)];
    let mut conditions = filter_conditions(filter, &mut values);
    // Paging backwards walks the order the other way, then turns the rows round.
    let (backwards, from) = match position {
        Position::First => (false, None),
        Position::After(c) => (false, parse_cursor(sort, c)),
        Position::Before(c) => (true, parse_cursor(sort, c)),
    };
    let walk_descending = descending(sort) != backwards;
    if let Some((from_key, from_id)) = from {
        let k = bind(from_key, &mut values);
        let i = bind(Value::Int(from_id), &mut values);
        let op = if walk_descending { "<" } else { ">" };
        conditions.push(format!("({key}, u.id) {op} ({k}, {i})"));
    }
    let direction = if walk_descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {COLUMNS}, {STATUS} AS status FROM users u WHERE {}
         ORDER BY {key} {direction}, u.id {direction} LIMIT {}",
        conditions.join(" AND "),
        PAGE_SIZE + 1
    );
    let mut query = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
        };
    }
    let mut rows = query.fetch_all(db).await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    if backwards {
        rows.reverse();
    }
    let mut services = services_of(db, org, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    Ok((
        rows.into_iter()
            .map(|row| {
                let services = services.remove(&row.id).unwrap_or_default();
                into_user_row(row, services)
            })
            .collect(),
        more,
    ))
}

/// One person of `org`, if there is one with that id.
pub async fn one(
    db: &SqlitePool,
    org: OrgId,
    id: i64,
    now: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, {STATUS} AS status FROM users u WHERE u.org_id = $1 AND u.id = $3"
    );
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(now)
        .bind(id)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut services = services_of(db, org, &[row.id]).await?;
    let services = services.remove(&row.id).unwrap_or_default();
    Ok(Some(into_user_row(row, services)))
}

fn into_user_row(row: Row, mut services: Vec<Service>) -> UserRow {
    services.sort();
    UserRow {
        id: row.id,
        email: row.email,
        name: row.display_name,
        role: Role::from_db(&row.role).unwrap_or(Role::User),
        status: UserStatus::from_db(&row.status).unwrap_or(UserStatus::Active),
        services,
        created_at: row.created_at,
        invited_at: row.invited_at,
        invitation_expires_at: row.invitation_expires_at,
        invitation_revoked_at: row.invitation_revoked_at,
        last_sign_in_at: row.last_sign_in_at,
        deactivated_at: row.deactivated_at,
    }
}

/// The services of each of `ids`.
async fn services_of(
    db: &SqlitePool,
    org: OrgId,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Service>>, sqlx::Error> {
    let mut services: HashMap<i64, Vec<Service>> = HashMap::new();
    if ids.is_empty() {
        return Ok(services);
    }
    // The unary plus keeps the planner off the (org_id, service) index, which would walk every
    // service of the organisation; the primary key finds these people's rows directly.
    let sql = format!(
        "SELECT user_id, service FROM user_services WHERE +org_id = $1 AND user_id IN ({})",
        super::numbered(2, ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql)).bind(org.0);
    for id in ids {
        query = query.bind(*id);
    }
    for (user_id, service) in query.fetch_all(db).await? {
        if let Some(service) = Service::parse(&service) {
            services.entry(user_id).or_default().push(service);
        }
    }
    Ok(services)
}

/// Everyone in `org` per status (Expired counted apart from Invite pending): the stored statuses
/// from the counts the triggers keep, and the expired among the pending from their index.
pub async fn counts(
    db: &SqlitePool,
    org: OrgId,
    now: i64,
) -> Result<Vec<(UserStatus, i64)>, sqlx::Error> {
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, n FROM user_counts WHERE org_id = $1")
            .bind(org.0)
            .fetch_all(db)
            .await?;
    let expired: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users
         WHERE org_id = $1 AND status = 'invite_pending' AND invitation_expires_at <= $2",
    )
    .bind(org.0)
    .bind(now)
    .fetch_one(db)
    .await?;
    let stored = |status: UserStatus| {
        stored
            .iter()
            .find(|(s, _)| UserStatus::from_db(s) == Some(status))
            .map_or(0, |(_, n)| *n)
    };
    Ok(UserStatus::ALL
        .into_iter()
        .map(|status| {
            let n = match status {
                UserStatus::InvitePending => stored(status) - expired,
                UserStatus::Expired => expired,
                _ => stored(status),
            };
            (status, n)
        })
        .collect())
}

/// Someone an action is about to change.
pub struct Person {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub locale: Locale,
    pub services: Vec<Service>,
}

/// The people of `org` among `ids`; ids of other organisations' people are not found.
pub async fn people(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
    ids: &[i64],
    now: i64,
) -> Result<Vec<Person>, sqlx::Error> {
    let mut people = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT u.id, u.email, u.role, u.locale, {STATUS} AS status,
                    (SELECT COUNT(*) FROM user_services s WHERE s.user_id = u.id AND s.service = 'messaging'),
                    (SELECT COUNT(*) FROM user_services s WHERE s.user_id = u.id AND s.service = 'meetings'),
                    (SELECT COUNT(*) FROM user_services s WHERE s.user_id = u.id AND s.service = 'calling')
             FROM users u WHERE u.org_id = $1 AND u.id IN ({})",
            super::numbered(3, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String, String, String, String, i64, i64, i64)>(
            sqlx::AssertSqlSafe(sql),
        )
        .bind(org.0)
        .bind(now);
        for id in chunk {
            query = query.bind(*id);
        }
        for (id, email, role, locale, status, messaging, meetings, calling) in
            query.fetch_all(&mut *conn).await?
        {
            let services = [
                (messaging, Service::Messaging),
                (meetings, Service::Meetings),
                (calling, Service::Calling),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(_, s)| s)
            .collect();
            people.push(Person {
                id,
                email,
                role: Role::from_db(&role).unwrap_or(Role::User),
                status: UserStatus::from_db(&status).unwrap_or(UserStatus::Active),
                locale: Locale::from_tag(&locale).unwrap_or_default(),
                services,
            });
        }
    }
    Ok(people)
}

/// Everyone of `org` still Invite pending (or Expired) who was invited before `invited_before`.
pub async fn pending_since(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
    invited_before: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM users WHERE org_id = $1 AND status = 'invite_pending'
         AND coalesce(invited_at, created_at) <= $2",
    )
    .bind(org.0)
    .bind(invited_before)
    .fetch_all(conn)
    .await
}

/// How many full administrators of `org` can sign in.
pub async fn active_full_admins(
    conn: &mut sqlx::SqliteConnection,
    org: OrgId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'full_admin' AND status = 'active'",
    )
    .bind(org.0)
    .fetch_one(conn)
    .await
}

/// Up to `limit` people `filter` matches with ids above `after`, in id order, as an export writes
/// them, with their services.
pub async fn export_page(
    db: &SqlitePool,
    org: OrgId,
    filter: &Filter,
    after: i64,
    limit: i64,
    now: i64,
) -> Result<Vec<(i64, Existing)>, sqlx::Error> {
    let mut values = vec![Value::Int(org.0), Value::Int(now)];
    let mut conditions = filter_conditions(filter, &mut values);
    // The unary plus: walk the primary key from `after` rather than the organisation's index,
    // which SQLite would read whole and sort again for every page.
    conditions[0] = "+u.org_id = $1".to_owned();
    let a = bind(Value::Int(after), &mut values);
    conditions.push(format!("u.id > {a}"));
    let l = bind(Value::Int(limit), &mut values);
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM users u WHERE {} ORDER BY u.id LIMIT {l}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
        };
    }
    let rows = query.fetch_all(db).await?;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(Vec::new());
    };
    // The services of the id range, by primary key.
    let services: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, service FROM user_services
         WHERE +org_id = $1 AND user_id >= $2 AND user_id <= $3 ORDER BY user_id, service",
    )
    .bind(org.0)
    .bind(first.id)
    .bind(last.id)
    .fetch_all(db)
    .await?;
    let mut by_user: HashMap<i64, Vec<Service>> = HashMap::new();
    for (user_id, service) in services {
        if let Some(service) = Service::parse(&service) {
            by_user.entry(user_id).or_default().push(service);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut services = by_user.remove(&row.id).unwrap_or_default();
            services.sort();
            (row.id, row.with_services(services))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_take_like_characters_literally() {
        assert_eq!(like_pattern("Li_Na"), "%li\\_na%");
        assert_eq!(like_pattern("100%"), "%100\\%%");
    }

    #[test]
    fn search_phrases_quote_what_the_admin_typed() {
        assert_eq!(phrase("li na"), "\"li na\"");
        assert_eq!(phrase("say \"hi\" OR x"), "\"say \"\"hi\"\" OR x\"");
    }

    #[test]
    fn cursors_refuse_what_they_did_not_make() {
        assert!(parse_cursor(Sort::Newest, "12.1700000000").is_some());
        assert!(parse_cursor(Sort::Newest, "12.not-a-time").is_none());
        assert!(parse_cursor(Sort::Name, "x.name").is_none());
        assert!(matches!(
            parse_cursor(Sort::Name, "7.li.na@example.com"),
            Some((Value::Text(key), 7)) if key == "li.na@example.com"
        ));
    }
}
