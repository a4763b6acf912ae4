//! The organisation's people as SCIM Users: read, listed with `userName eq`, `emails.value eq` or
//! `externalId eq` filters and pages, created (and invited), replaced, patched and deleted. The
//! ETag is a hash of what the resource says, so any change gives a new one.

use super::{ScimError, LIST_SCHEMA, PATCH_SCHEMA, USER_SCHEMA};
use crate::api::user_actions::Action;
use crate::domain::{Email, OrgId, UserStatus};
use crate::locales::Locale;
use crate::server::audit::{self, Action as Audited};
use crate::server::auth::sessions::Session;
use crate::server::auth::tokens;
use crate::server::invitations::{self, Invitee, Round};
use crate::server::user_actions::{self, Chosen};
use crate::server::AppState;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

pub const MAX_COUNT: i64 = 200;

#[derive(sqlx::FromRow, Clone)]
struct Row {
    id: i64,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    status: String,
    created_at: i64,
    scim_external_id: Option<String>,
}

const COLUMNS: &str =
    "id, email, first_name, last_name, display_name, status, created_at, scim_external_id";

fn stamp(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| {
            format!(
                "{}T{:02}:{:02}:{:02}Z",
                t.date(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

impl Row {
    fn active(&self) -> bool {
        self.status != UserStatus::Deactivated.as_str()
    }

    /// A weak ETag of what the resource says.
    fn version(&self) -> String {
        let said = format!(
            "{}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{}\u{0}{:?}",
            self.email,
            self.first_name,
            self.last_name,
            self.display_name,
            self.active(),
            self.scim_external_id
        );
        let hash = tokens::hex(&Sha256::digest(said.as_bytes())[..8]);
        format!("W/\"{hash}\"")
    }

    fn resource(&self, base: &str) -> Value {
        let mut name = Map::new();
        if let Some(given) = &self.first_name {
            name.insert("givenName".into(), json!(given));
        }
        if let Some(family) = &self.last_name {
            name.insert("familyName".into(), json!(family));
        }
        let formatted = [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        if !formatted.is_empty() {
            name.insert("formatted".into(), json!(formatted));
        }
        let mut user = json!({
            "schemas": [USER_SCHEMA],
            "id": self.id.to_string(),
            "userName": self.email,
            "name": name,
            "emails": [{"value": self.email, "type": "work", "primary": true}],
            "active": self.active(),
            "meta": {
                "resourceType": "User",
                "created": stamp(self.created_at),
                "lastModified": stamp(self.created_at),
                "location": format!("{base}/Users/{}", self.id),
                "version": self.version(),
            }
        });
        if let Some(display) = &self.display_name {
            user["displayName"] = json!(display);
        }
        if let Some(external) = &self.scim_external_id {
            user["externalId"] = json!(external);
        }
        user
    }
}

async fn find(state: &AppState, org: OrgId, id: &str) -> Result<Row, ScimError> {
    let number: i64 = id.parse().map_err(|_| ScimError::not_found(id))?;
    let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 AND id = $2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(number)
        .fetch_optional(state.db.reader())
        .await?
        .ok_or_else(|| ScimError::not_found(id))
}

/// The resource and its ETag.
pub async fn get(
    state: &AppState,
    org: OrgId,
    id: &str,
    base: &str,
) -> Result<(Value, String), ScimError> {
    let row = find(state, org, id).await?;
    Ok((row.resource(base), row.version()))
}

/// `attribute eq "value"`, for the attributes providers look people up by.
fn parse_filter(filter: &str) -> Result<(&'static str, String), ScimError> {
    let invalid = || {
        ScimError::new(
            400,
            Some("invalidFilter"),
            format!("Unsupported filter: {filter}"),
        )
    };
    let filter = filter.trim();
    let mut parts = filter.splitn(3, char::is_whitespace);
    let (attribute, op, value) = (
        parts.next().ok_or_else(invalid)?,
        parts.next().ok_or_else(invalid)?,
        parts.next().ok_or_else(invalid)?.trim(),
    );
    if !op.eq_ignore_ascii_case("eq") {
        return Err(invalid());
    }
    let column = match attribute.to_ascii_lowercase().as_str() {
        "username" | "emails.value" | "emails[type eq \"work\"].value" => "lower(email)",
        "externalid" => "scim_external_id",
        _ => return Err(invalid()),
    };
    let value: String = serde_json::from_str(value).map_err(|_| invalid())?;
    let value = if column == "lower(email)" {
        value.to_lowercase()
    } else {
        value
    };
    Ok((column, value))
}

/// A page of the people the filter matches, in id order (RFC 7644 §3.4.2).
pub async fn list(
    state: &AppState,
    org: OrgId,
    filter: Option<&str>,
    start: Option<i64>,
    count: Option<i64>,
    base: &str,
) -> Result<Value, ScimError> {
    let start = start.unwrap_or(1).max(1);
    let count = count.unwrap_or(100).clamp(0, MAX_COUNT);
    let (condition, value) = match filter.filter(|f| !f.trim().is_empty()) {
        Some(filter) => {
            let (column, value) = parse_filter(filter)?;
            (format!("AND {column} = $2"), Some(value))
        }
        None => ("AND $2 IS NULL".to_owned(), None),
    };
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM users WHERE org_id = $1 {condition}"
    )))
    .bind(org.0)
    .bind(&value)
    .fetch_one(state.db.reader())
    .await?;
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE org_id = $1 {condition} ORDER BY id LIMIT $3 OFFSET $4"
    )))
    .bind(org.0)
    .bind(&value)
    .bind(count)
    .bind(start - 1)
    .fetch_all(state.db.reader())
    .await?;
    Ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": rows.len(),
        "Resources": rows.iter().map(|r| r.resource(base)).collect::<Vec<_>>(),
    }))
}

/// What a request asks a person to be; `None` leaves a value as it is.
#[derive(Default, Debug)]
struct Wanted {
    user_name: Option<String>,
    given: Option<Option<String>>,
    family: Option<Option<String>>,
    display: Option<Option<String>>,
    active: Option<bool>,
    external_id: Option<Option<String>>,
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `true`, or the strings "True"/"False" some providers send.
fn boolean(value: &Value) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value("active must be true or false")),
    }
}

impl Wanted {
    /// Sets attribute `path` (as a PATCH names it) to `value` (`Null` to remove).
    fn set(&mut self, path: &str, value: &Value) -> Result<(), ScimError> {
        let lower = path.to_ascii_lowercase();
        // A path may name the core schema in full (RFC 7644 §3.10).
        let lower = lower
            .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:user:")
            .unwrap_or(&lower);
        match lower {
            "username" => self.user_name = text(value),
            "name.givenname" => self.given = Some(text(value)),
            "name.familyname" => self.family = Some(text(value)),
            "name" => {
                let empty = Map::new();
                let name = value.as_object().unwrap_or(&empty);
                self.given = Some(name.get("givenName").and_then(text));
                self.family = Some(name.get("familyName").and_then(text));
            }
            "displayname" => self.display = Some(text(value)),
            "active" => self.active = Some(boolean(value)?),
            "externalid" => self.external_id = Some(text(value)),
            other if kept_elsewhere(other) => {}
            other => {
                return Err(ScimError::new(
                    400,
                    Some("invalidPath"),
                    format!("Unsupported attribute: {other}"),
                ))
            }
        }
        Ok(())
    }

    /// A whole resource, as POST and PUT send it: what is absent is cleared.
    fn whole(body: &Value) -> Result<Wanted, ScimError> {
        let object = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_value("The body must be a User"))?;
        let mut wanted = Wanted {
            given: Some(None),
            family: Some(None),
            display: Some(None),
            external_id: Some(None),
            ..Wanted::default()
        };
        for (key, value) in object {
            if key.starts_with("urn:") {
                continue;
            }
            wanted.set(key, value)?;
        }
        if wanted.user_name.is_none() {
            return Err(ScimError::invalid_value("userName is required"));
        }
        Ok(wanted)
    }
}

/// Attributes of the User schema (and its extensions) the portal does not keep: accepted and left
/// out, as Microsoft Entra's and Okta's default mappings send them with every person. The
/// address is the userName; a work email given alongside it is the same.
fn kept_elsewhere(path: &str) -> bool {
    const ROOTS: [&str; 19] = [
        "emails",
        "name",
        "nickname",
        "title",
        "usertype",
        "preferredlanguage",
        "locale",
        "timezone",
        "profileurl",
        "phonenumbers",
        "addresses",
        "ims",
        "photos",
        "groups",
        "entitlements",
        "roles",
        "x509certificates",
        "password",
        "schemas",
    ];
    let root = path.split(['.', '[']).next().unwrap_or_default();
    ROOTS.contains(&root)
        || matches!(path, "meta" | "id")
        || path.starts_with("urn:ietf:params:scim:schemas:extension:")
}

fn email(user_name: &str) -> Result<Email, ScimError> {
    Email::parse(user_name).map_err(|_| {
        ScimError::invalid_value(format!("userName {user_name} is not an email address"))
    })
}

/// Creates and invites a person (RFC 7644 §3.3); 409 if the address is taken.
pub async fn create(
    state: &AppState,
    session: &Session,
    body: &Value,
    base: &str,
    now: i64,
) -> Result<(Value, String), ScimError> {
    let wanted = Wanted::whole(body)?;
    let address = email(wanted.user_name.as_deref().unwrap_or_default())?;
    let org = session.org;
    let mut tx = state.db.begin_write().await?;
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE org_id = $1 AND email = $2")
            .bind(org.0)
            .bind(address.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(ScimError::new(
            409,
            Some("uniqueness"),
            format!("{} is already a user", address.as_str()),
        ));
    }
    let (days, language): (i64, String) =
        sqlx::query_as("SELECT invitation_days, default_locale FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_one(&mut *tx)
            .await?;
    let locale = Locale::from_tag(&language).unwrap_or_default();
    let id = crate::server::db::users::insert_pending(
        &mut tx,
        org,
        &address,
        crate::domain::Role::User,
        locale,
        now + days * 24 * 3600,
        now,
    )
    .await?;
    write_names(&mut tx, org, id, &wanted).await?;
    if wanted.active == Some(false) {
        sqlx::query("UPDATE users SET status = 'deactivated', deactivated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    } else {
        let inviter = session.display_name.clone().unwrap_or_default();
        let invitee = Invitee {
            user_id: id,
            email: address.clone(),
            locale,
        };
        invitations::send(&mut tx, state, org, &[invitee], &inviter, Round::First, now).await?;
    }
    let detail = format!("{} (SCIM)", address.as_str());
    audit::by(&mut tx, session, Audited::UsersAdded, &detail, now).await?;
    tx.commit().await?;
    get(state, org, &id.to_string(), base).await
}

async fn write_names(
    tx: &mut crate::server::db::WriteTx,
    org: OrgId,
    id: i64,
    wanted: &Wanted,
) -> Result<(), sqlx::Error> {
    // Each given value replaces the stored one; a value not given keeps it.
    sqlx::query(
        "UPDATE users SET
            first_name = CASE WHEN $1 THEN $2 ELSE first_name END,
            last_name = CASE WHEN $3 THEN $4 ELSE last_name END,
            display_name = CASE WHEN $5 THEN $6 ELSE display_name END,
            scim_external_id = CASE WHEN $7 THEN $8 ELSE scim_external_id END
         WHERE org_id = $9 AND id = $10",
    )
    .bind(wanted.given.is_some())
    .bind(wanted.given.clone().flatten())
    .bind(wanted.family.is_some())
    .bind(wanted.family.clone().flatten())
    .bind(wanted.display.is_some())
    .bind(wanted.display.clone().flatten())
    .bind(wanted.external_id.is_some())
    .bind(wanted.external_id.clone().flatten())
    .bind(org.0)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// `If-Match` must name the current version when sent (RFC 7644 §3.14).
fn check_version(row: &Row, if_match: Option<&str>) -> Result<(), ScimError> {
    match if_match {
        Some(tag) if tag.trim() != "*" && tag.trim() != row.version() => Err(ScimError::new(
            412,
            None,
            "The resource has changed since it was read",
        )),
        _ => Ok(()),
    }
}

/// Applies `wanted` to person `id`: names, and deactivating or reactivating through the same
/// rules as the portal's (seats, the last full administrator).
async fn apply(
    state: &AppState,
    session: &Session,
    row: &Row,
    wanted: &Wanted,
    now: i64,
) -> Result<(), ScimError> {
    if let Some(user_name) = &wanted.user_name {
        if !user_name.eq_ignore_ascii_case(&row.email) {
            return Err(ScimError::new(
                400,
                Some("mutability"),
                "userName cannot change: it is the address the person signs in with",
            ));
        }
    }
    let mut tx = state.db.begin_write().await?;
    write_names(&mut tx, session.org, row.id, wanted).await?;
    tx.commit().await?;
    let action = match wanted.active {
        Some(false) if row.active() => Some(Action::Deactivate),
        Some(true) if !row.active() => Some(Action::Reactivate),
        _ => None,
    };
    match action {
        Some(action) => act_on(state, session, action, row.id, now).await,
        None => Ok(()),
    }
}

/// Carries out `action` for one person through the portal's own rules; a refusal (the last
/// full administrator, say) is SCIM's `mutability` error.
async fn act_on(
    state: &AppState,
    session: &Session,
    action: Action,
    id: i64,
    now: i64,
) -> Result<(), ScimError> {
    // Deleting needs its confirmation; SCIM's DELETE is that confirmation.
    let outcome = user_actions::act(
        state,
        session,
        action,
        Chosen::Ids(vec![id]),
        true,
        Locale::En,
        now,
    )
    .await?;
    match outcome.refused.first() {
        Some((_, reason)) => Err(ScimError::new(
            400,
            Some("mutability"),
            Locale::En.text(*reason),
        )),
        None => Ok(()),
    }
}

/// Replaces person `id` with the resource sent (RFC 7644 §3.5.1).
pub async fn replace(
    state: &AppState,
    session: &Session,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    base: &str,
    now: i64,
) -> Result<(Value, String), ScimError> {
    let row = find(state, session.org, id).await?;
    check_version(&row, if_match)?;
    let wanted = Wanted::whole(body)?;
    apply(state, session, &row, &wanted, now).await?;
    get(state, session.org, id, base).await
}

/// Applies PATCH operations (RFC 7644 §3.5.2): add, replace and remove, with or without a path.
pub async fn patch(
    state: &AppState,
    session: &Session,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    base: &str,
    now: i64,
) -> Result<(Value, String), ScimError> {
    let row = find(state, session.org, id).await?;
    check_version(&row, if_match)?;
    let is_patch = body["schemas"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s == PATCH_SCHEMA));
    let operations = body["Operations"]
        .as_array()
        .filter(|_| is_patch)
        .ok_or_else(|| ScimError::invalid_value("Expected a PatchOp with Operations"))?;
    let mut wanted = Wanted::default();
    for operation in operations {
        let op = operation["op"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let value = &operation["value"];
        match (op.as_str(), operation["path"].as_str()) {
            ("add" | "replace", Some(path)) => wanted.set(path, value)?,
            ("add" | "replace", None) => {
                let attributes = value.as_object().ok_or_else(|| {
                    ScimError::invalid_value("A value without a path must be an object")
                })?;
                for (path, value) in attributes {
                    wanted.set(path, value)?;
                }
            }
            ("remove", Some(path)) => {
                if path.eq_ignore_ascii_case("userName") || path.eq_ignore_ascii_case("active") {
                    return Err(ScimError::new(
                        400,
                        Some("mutability"),
                        format!("{path} cannot be removed"),
                    ));
                }
                wanted.set(path, &Value::Null)?;
            }
            ("remove", None) => {
                return Err(ScimError::new(400, Some("noTarget"), "remove needs a path"));
            }
            _ => return Err(ScimError::invalid_value(format!("Unknown operation {op}"))),
        }
    }
    apply(state, session, &row, &wanted, now).await?;
    get(state, session.org, id, base).await
}

/// Removes a person who never signed in; deactivates anyone else (their history stays). Either
/// way they no longer use the service (RFC 7644 §3.6).
pub async fn delete(
    state: &AppState,
    session: &Session,
    id: &str,
    if_match: Option<&str>,
    now: i64,
) -> Result<(), ScimError> {
    let row = find(state, session.org, id).await?;
    check_version(&row, if_match)?;
    let action = if row.status == UserStatus::InvitePending.as_str() {
        Action::Delete
    } else if row.active() {
        Action::Deactivate
    } else {
        return Ok(());
    };
    act_on(state, session, action, row.id, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_providers_send_are_read() {
        assert_eq!(
            parse_filter("userName eq \"Ana@Acme.example\"").unwrap(),
            ("lower(email)", "ana@acme.example".to_owned())
        );
        assert_eq!(
            parse_filter("emails.value EQ \"ana@acme.example\"")
                .unwrap()
                .0,
            "lower(email)"
        );
        assert_eq!(
            parse_filter("externalId eq \"00u1ab\"").unwrap(),
            ("scim_external_id", "00u1ab".to_owned())
        );
        for wrong in [
            "userName sw \"a\"",
            "title eq \"x\"",
            "userName eq ana",
            "userName",
        ] {
            let error = parse_filter(wrong).unwrap_err();
            assert_eq!(
                (error.status, error.scim_type),
                (400, Some("invalidFilter")),
                "{wrong}"
            );
        }
    }

    #[test]
    fn booleans_come_as_json_or_as_words() {
        assert!(!boolean(&json!(false)).unwrap());
        assert!(boolean(&json!("True")).unwrap());
        assert!(boolean(&json!("yes")).is_err());
    }
}
