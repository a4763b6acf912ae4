//! The provider's operator endpoint: `POST /operator/organisations` provisions an organisation, as
//! `server org create` does, for automation. Authenticated by the bearer token from the config.

use app::domain::{Email, Licences, OrgName};
use app::error::AppError;
use app::locales::Locale;
use app::server::auth::tokens;
use app::server::organisations::{self, NewOrganisation};
use app::server::AppState;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct ProvisionRequest {
    name: String,
    admin_email: String,
    /// Seats per service, e.g. `{"messaging": 500, "calling": 200}`.
    licences: BTreeMap<String, u32>,
    #[serde(default)]
    admin_language: Option<String>,
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// Compares hashes, so the comparison takes the same time however much of the token matches.
fn authorised(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| tokens::hash(given.trim()) == tokens::hash(expected))
}

pub async fn provision(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<ProvisionRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(expected) = state.config.operator_token.as_deref() else {
        return answer(
            StatusCode::NOT_FOUND,
            json!({ "error": "the operator endpoint is not enabled (set SWITCHBOARD_OPERATOR_TOKEN)" }),
        );
    };
    if !authorised(&headers, expected) {
        return answer(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "missing or wrong bearer token" }),
        );
    }
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return answer(
                StatusCode::BAD_REQUEST,
                json!({ "error": rejection.body_text() }),
            )
        }
    };
    let mut errors = BTreeMap::new();
    let name = OrgName::parse(&request.name)
        .map_err(|e| errors.insert("name", e.to_string()))
        .ok();
    let admin = Email::parse(&request.admin_email)
        .map_err(|e| errors.insert("admin_email", e.to_string()))
        .ok();
    let licences = Licences::from_counts(request.licences.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|e| errors.insert("licences", e.to_string()))
        .ok();
    let admin_locale = match request.admin_language.as_deref() {
        None => Some(Locale::En),
        Some(tag) => Locale::from_tag(tag).or_else(|| {
            errors.insert("admin_language", format!("{tag:?}: use en or zh-CN"));
            None
        }),
    };
    let (Some(name), Some(admin), Some(licences), Some(admin_locale)) =
        (name, admin, licences, admin_locale)
    else {
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "errors": errors }),
        );
    };
    let new = NewOrganisation {
        name,
        admin,
        licences,
        admin_locale,
    };
    match organisations::create(&state, &new).await {
        Ok(done) => answer(
            StatusCode::CREATED,
            json!({ "org_id": done.org.0, "welcome_link": done.welcome_link, "link_expires_on": done.link_expires_on }),
        ),
        Err(AppError::Conflict(_)) => answer(
            StatusCode::CONFLICT,
            json!({ "error": format!("an organisation named \"{}\" already exists; nothing was created", new.name) }),
        ),
        Err(other) => answer(other.status(), json!({ "error": other.to_string() })),
    }
}
