//! The plan's services as SCIM Groups (`messaging`, `meetings`, `calling`): a person in the group
//! has the service. Providers add and remove members (within the licences bought); the groups
//! themselves are the plan's, so they are neither created nor deleted here.

use super::{ScimError, LIST_SCHEMA, PATCH_SCHEMA};
use crate::domain::{OrgId, Service};
use crate::locales::Locale;
use crate::server::audit::{self, Action};
use crate::server::auth::sessions::Session;
use crate::server::auth::tokens;
use crate::server::settings::saved;
use crate::server::{db, phones, users, AppState};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// The service group `id` names, if the plan has it.
async fn service(state: &AppState, org: OrgId, id: &str) -> Result<Service, ScimError> {
    let service =
        Service::parse(&id.to_ascii_lowercase()).ok_or_else(|| ScimError::not_found(id))?;
    let plan = saved::plan(state.db.reader(), org).await?;
    if plan.iter().any(|line| line.service == service) {
        Ok(service)
    } else {
        Err(ScimError::not_found(id))
    }
}

fn display_name(service: Service) -> String {
    Locale::En.text(service.label()).to_owned()
}

async fn members(
    state: &AppState,
    org: OrgId,
    service: Service,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email FROM user_services s JOIN users u ON u.id = s.user_id
         WHERE s.org_id = $1 AND s.service = $2 ORDER BY u.id",
    )
    .bind(org.0)
    .bind(service.as_str())
    .fetch_all(state.db.reader())
    .await
}

/// The group with its members (unless left out), and its ETag.
async fn resource(
    state: &AppState,
    org: OrgId,
    service: Service,
    with_members: bool,
    base: &str,
) -> Result<(Value, String), ScimError> {
    let members = members(state, org, service).await?;
    let ids: Vec<String> = members.iter().map(|(id, _)| id.to_string()).collect();
    let version = format!(
        "W/\"{}\"",
        tokens::hex(&Sha256::digest(ids.join(",").as_bytes())[..8])
    );
    let mut group = json!({
        "schemas": [GROUP_SCHEMA],
        "id": service.as_str(),
        "displayName": display_name(service),
        "meta": {
            "resourceType": "Group",
            "location": format!("{base}/Groups/{}", service.as_str()),
            "version": version,
        }
    });
    if with_members {
        group["members"] = members
            .iter()
            .map(|(id, email)| {
                json!({"value": id.to_string(), "display": email, "$ref": format!("{base}/Users/{id}")})
            })
            .collect();
    }
    Ok((group, version))
}

pub async fn get(
    state: &AppState,
    org: OrgId,
    id: &str,
    with_members: bool,
    base: &str,
) -> Result<(Value, String), ScimError> {
    let service = service(state, org, id).await?;
    resource(state, org, service, with_members, base).await
}

/// The plan's groups, or the one `displayName eq "…"` names.
pub async fn list(
    state: &AppState,
    org: OrgId,
    filter: Option<&str>,
    with_members: bool,
    base: &str,
) -> Result<Value, ScimError> {
    let wanted = match filter.map(str::trim).filter(|f| !f.is_empty()) {
        Some(filter) => {
            let invalid = || {
                ScimError::new(
                    400,
                    Some("invalidFilter"),
                    format!("Unsupported filter: {filter}"),
                )
            };
            let mut parts = filter.splitn(3, char::is_whitespace);
            let (attribute, op, value) = (parts.next(), parts.next(), parts.next());
            match (attribute, op, value) {
                (Some(a), Some(op), Some(value))
                    if a.eq_ignore_ascii_case("displayName") && op.eq_ignore_ascii_case("eq") =>
                {
                    let value: String =
                        serde_json::from_str(value.trim()).map_err(|_| invalid())?;
                    Some(value.to_lowercase())
                }
                _ => return Err(invalid()),
            }
        }
        None => None,
    };
    let plan = saved::plan(state.db.reader(), org).await?;
    let mut groups = Vec::new();
    for line in plan {
        if wanted
            .as_ref()
            .is_none_or(|name| *name == display_name(line.service).to_lowercase())
        {
            groups.push(
                resource(state, org, line.service, with_members, base)
                    .await?
                    .0,
            );
        }
    }
    Ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": groups.len(),
        "startIndex": 1,
        "itemsPerPage": groups.len(),
        "Resources": groups,
    }))
}

/// Member ids from `[{"value": "42"}, …]`.
fn member_ids(value: &Value) -> Result<Vec<i64>, ScimError> {
    let list = match value {
        Value::Array(list) => list.clone(),
        Value::Object(_) => vec![value.clone()],
        _ => {
            return Err(ScimError::invalid_value(
                "members must be a list of {\"value\": id}",
            ))
        }
    };
    list.iter()
        .map(|member| {
            member["value"]
                .as_str()
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or_else(|| ScimError::invalid_value("Each member needs the value of a User id"))
        })
        .collect()
}

/// `members[value eq "42"]`: the one member a remove names.
fn member_in_path(path: &str) -> Option<i64> {
    let inner = path.strip_prefix("members[")?.strip_suffix(']')?;
    let mut parts = inner.splitn(3, char::is_whitespace);
    let (attribute, op, value) = (parts.next()?, parts.next()?, parts.next()?);
    if !attribute.eq_ignore_ascii_case("value") || !op.eq_ignore_ascii_case("eq") {
        return None;
    }
    serde_json::from_str::<String>(value.trim())
        .ok()?
        .parse()
        .ok()
}

/// Adds and removes members (RFC 7644 §3.5.2), all or none, within the licences bought.
pub async fn patch(
    state: &AppState,
    session: &Session,
    id: &str,
    body: &Value,
    base: &str,
    now: i64,
) -> Result<(Value, String), ScimError> {
    let service = service(state, session.org, id).await?;
    let is_patch = body["schemas"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s == PATCH_SCHEMA));
    let operations = body["Operations"]
        .as_array()
        .filter(|_| is_patch)
        .ok_or_else(|| ScimError::invalid_value("Expected a PatchOp with Operations"))?;
    let current: Vec<i64> = members(state, session.org, service)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut wanted = current.clone();
    for operation in operations {
        let op = operation["op"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path = operation["path"].as_str().unwrap_or_default();
        let value = &operation["value"];
        match op.as_str() {
            "add" if path.eq_ignore_ascii_case("members") || path.is_empty() => {
                let value = if path.is_empty() {
                    &value["members"]
                } else {
                    value
                };
                for id in member_ids(value)? {
                    if !wanted.contains(&id) {
                        wanted.push(id);
                    }
                }
            }
            "replace" if path.eq_ignore_ascii_case("members") => wanted = member_ids(value)?,
            "replace" if path.eq_ignore_ascii_case("displayName") || path.is_empty() => {}
            "remove" if path.eq_ignore_ascii_case("members") => {
                if value.is_null() {
                    wanted.clear();
                } else {
                    let gone = member_ids(value)?;
                    wanted.retain(|id| !gone.contains(id));
                }
            }
            "remove" => {
                let gone = member_in_path(path).ok_or_else(|| {
                    ScimError::new(
                        400,
                        Some("invalidPath"),
                        format!("Unsupported path: {path}"),
                    )
                })?;
                wanted.retain(|id| *id != gone);
            }
            _ => {
                return Err(ScimError::new(
                    400,
                    Some("invalidPath"),
                    format!("Unsupported operation {op} {path}"),
                ))
            }
        }
    }
    set_members(state, session, service, &current, &wanted, now).await?;
    resource(state, session.org, service, true, base).await
}

/// Replaces the members with those sent (RFC 7644 §3.5.1).
pub async fn replace(
    state: &AppState,
    session: &Session,
    id: &str,
    body: &Value,
    base: &str,
    now: i64,
) -> Result<(Value, String), ScimError> {
    let service = service(state, session.org, id).await?;
    let wanted = match &body["members"] {
        Value::Null => Vec::new(),
        members => member_ids(members)?,
    };
    let current: Vec<i64> = members(state, session.org, service)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    set_members(state, session, service, &current, &wanted, now).await?;
    resource(state, session.org, service, true, base).await
}

async fn set_members(
    state: &AppState,
    session: &Session,
    service: Service,
    current: &[i64],
    wanted: &[i64],
    now: i64,
) -> Result<(), ScimError> {
    let org = session.org;
    let added: Vec<i64> = wanted
        .iter()
        .copied()
        .filter(|id| !current.contains(id))
        .collect();
    let removed: Vec<i64> = current
        .iter()
        .copied()
        .filter(|id| !wanted.contains(id))
        .collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    users::check_licences(state, org, &[service], added.len(), Locale::En).await?;
    let mut tx = state.db.begin_write().await?;
    // Every member must be a person of this organisation.
    let mut found = 0i64;
    for chunk in added.chunks(500) {
        let sql = format!(
            "SELECT COUNT(*) FROM users WHERE org_id = $1 AND id IN ({})",
            db::numbered(2, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for id in chunk {
            query = query.bind(*id);
        }
        found += query.fetch_one(&mut *tx).await?;
    }
    if found != added.len() as i64 {
        return Err(ScimError::invalid_value(
            "A member is not a User of this organisation",
        ));
    }
    for id in &added {
        sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(id)
            .bind(service.as_str())
            .execute(&mut *tx)
            .await?;
    }
    db::execute_for_ids(
        &mut tx,
        &format!(
            "DELETE FROM user_services WHERE org_id = $1 AND service = '{}' AND user_id IN ({{ids}})",
            service.as_str()
        ),
        &[org.0],
        &removed,
    )
    .await?;
    if service == Service::Calling {
        phones::send_codes(&mut tx, state, org, &added, now).await?;
    }
    let detail = format!(
        "{} (SCIM): {} added, {} removed",
        service.as_str(),
        added.len(),
        removed.len()
    );
    audit::by(&mut tx, session, Action::ServicesChanged, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_named_in_a_path_is_read() {
        assert_eq!(member_in_path("members[value eq \"42\"]"), Some(42));
        assert_eq!(member_in_path("members[display eq \"42\"]"), None);
        assert_eq!(member_in_path("members"), None);
        assert_eq!(
            member_ids(&json!([{"value": "7"}, {"value": "9"}])).unwrap(),
            [7, 9]
        );
        assert!(member_ids(&json!([{"value": "x"}])).is_err());
    }
}
