//! SCIM 2.0 over HTTP (RFC 7644) at `/scim/v2`: bearer-token authentication, `application/scim+json`
//! bodies and answers, ETags, and errors in SCIM's own shape.

use app::server::auth::sessions::Session;
use app::server::scim::{self, groups, users, ScimError};
use app::server::{now, AppState};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH, LOCATION, WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;

const SCIM_JSON: &str = "application/scim+json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(service_provider_config),
        )
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{id}", get(resource_type))
        .route("/scim/v2/Users", get(list_users).post(create_user))
        .route(
            "/scim/v2/Users/{id}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route("/scim/v2/Groups", get(list_groups).post(create_group))
        .route(
            "/scim/v2/Groups/{id}",
            get(get_group)
                .put(replace_group)
                .patch(patch_group)
                .delete(delete_group),
        )
}

fn base(state: &AppState) -> String {
    format!("{}{}", state.config.public_url, app::api::scim::SCIM_BASE)
}

fn answer(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    response
}

fn failed(error: ScimError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = answer(status, &error.body());
    if error.status == 401 {
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A resource with its ETag (and, for a new one, where it lives).
fn resource(status: StatusCode, (body, version): (Value, String)) -> Response {
    let mut response = answer(status, &body);
    if let Ok(value) = HeaderValue::from_str(&version) {
        response.headers_mut().insert(ETAG, value);
    }
    if status == StatusCode::CREATED {
        if let Some(location) = body["meta"]["location"].as_str() {
            if let Ok(value) = HeaderValue::from_str(location) {
                response.headers_mut().insert(LOCATION, value);
            }
        }
    }
    response
}

/// The organisation (as its token's administrator) a request acts for.
async fn provisioner(state: &AppState, headers: &HeaderMap) -> Result<Session, ScimError> {
    let unauthorized = || ScimError::new(401, None, "A valid bearer token is required");
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(unauthorized)?;
    scim::tokens::authenticate(state, token.trim(), now())
        .await?
        .ok_or_else(unauthorized)
}

fn json_body(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body).map_err(|e| {
        ScimError::new(
            400,
            Some("invalidSyntax"),
            format!("The body is not JSON: {e}"),
        )
    })
}

fn header(headers: &HeaderMap, name: axum::http::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn service_provider_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match provisioner(&state, &headers).await {
        Ok(_) => answer(
            StatusCode::OK,
            &scim::service_provider_config(&base(&state)),
        ),
        Err(error) => failed(error),
    }
}

async fn schemas(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match provisioner(&state, &headers).await {
        Ok(_) => answer(StatusCode::OK, &scim::schemas(&base(&state))),
        Err(error) => failed(error),
    }
}

async fn schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match provisioner(&state, &headers).await {
        Ok(_) if id == scim::USER_SCHEMA => {
            answer(StatusCode::OK, &scim::user_schema(&base(&state)))
        }
        Ok(_) if id == groups::GROUP_SCHEMA => {
            answer(StatusCode::OK, &scim::group_schema(&base(&state)))
        }
        Ok(_) => failed(ScimError::not_found(&id)),
        Err(error) => failed(error),
    }
}

async fn resource_types(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match provisioner(&state, &headers).await {
        Ok(_) => answer(StatusCode::OK, &scim::resource_types(&base(&state))),
        Err(error) => failed(error),
    }
}

async fn resource_type(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match provisioner(&state, &headers).await {
        Ok(_) if id == "User" => answer(StatusCode::OK, &scim::user_resource_type(&base(&state))),
        Ok(_) if id == "Group" => answer(StatusCode::OK, &scim::group_resource_type(&base(&state))),
        Ok(_) => failed(ScimError::not_found(&id)),
        Err(error) => failed(error),
    }
}

/// Whether the answer should list members: not when `excludedAttributes` names them (Entra asks
/// so, to keep large groups' answers small).
fn with_members(query: &HashMap<String, String>) -> bool {
    !query.get("excludedAttributes").is_some_and(|excluded| {
        excluded
            .split(',')
            .any(|a| a.trim().eq_ignore_ascii_case("members"))
    })
}

async fn list_groups(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let filter = query.get("filter").map(String::as_str);
        groups::list(
            &state,
            session.org,
            filter,
            with_members(&query),
            &base(&state),
        )
        .await
    };
    match run.await {
        Ok(body) => answer(StatusCode::OK, &body),
        Err(error) => failed(error),
    }
}

async fn get_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        groups::get(
            &state,
            session.org,
            &id,
            with_members(&query),
            &base(&state),
        )
        .await
    };
    match run.await {
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

/// The groups are the plan's services: they exist already, and no others can be made.
async fn create_group(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        let name = body["displayName"].as_str().unwrap_or_default().to_owned();
        let existing = groups::list(&state, session.org, None, false, &base(&state)).await?;
        let known = existing["Resources"].as_array().and_then(|all| {
            all.iter()
                .find(|g| {
                    g["displayName"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&name))
                })
                .and_then(|g| g["id"].as_str().map(str::to_owned))
        });
        Err::<(), _>(match known {
            Some(id) => ScimError::new(
                409,
                Some("uniqueness"),
                format!("The group {name} exists: its id is {id}"),
            ),
            None => ScimError::invalid_value(format!(
                "Only the plan's services are groups here; {name} is not one of them"
            )),
        })
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => failed(error),
    }
}

async fn replace_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        groups::replace(&state, &session, &id, &body, &base(&state), now()).await
    };
    match run.await {
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

async fn patch_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        groups::patch(&state, &session, &id, &body, &base(&state), now()).await
    };
    match run.await {
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

async fn delete_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        groups::get(&state, session.org, &id, false, &base(&state)).await?;
        Err::<(), _>(ScimError::new(
            400,
            Some("mutability"),
            "A service's group cannot be deleted; remove its members instead",
        ))
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => failed(error),
    }
}

async fn list_users(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            query
                .get(name)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| ScimError::invalid_value(format!("{name} must be a number")))
                })
                .transpose()
        };
        users::list(
            &state,
            session.org,
            query.get("filter").map(String::as_str),
            number("startIndex")?,
            number("count")?,
            &base(&state),
        )
        .await
    };
    match run.await {
        Ok(body) => answer(StatusCode::OK, &body),
        Err(error) => failed(error),
    }
}

async fn get_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        users::get(&state, session.org, &id, &base(&state)).await
    };
    match run.await {
        Ok((_, version)) if header(&headers, IF_NONE_MATCH) == Some(version.as_str()) => {
            StatusCode::NOT_MODIFIED.into_response()
        }
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

async fn create_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        users::create(&state, &session, &body, &base(&state), now()).await
    };
    match run.await {
        Ok(created) => resource(StatusCode::CREATED, created),
        Err(error) => failed(error),
    }
}

async fn replace_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        let if_match = header(&headers, IF_MATCH);
        users::replace(&state, &session, &id, &body, if_match, &base(&state), now()).await
    };
    match run.await {
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

async fn patch_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        let body = json_body(&body)?;
        let if_match = header(&headers, IF_MATCH);
        users::patch(&state, &session, &id, &body, if_match, &base(&state), now()).await
    };
    match run.await {
        Ok(found) => resource(StatusCode::OK, found),
        Err(error) => failed(error),
    }
}

async fn delete_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let run = async {
        let session = provisioner(&state, &headers).await?;
        users::delete(&state, &session, &id, header(&headers, IF_MATCH), now()).await
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => failed(error),
    }
}
