//! Gives a server function's `AppError` its HTTP status (401, 403, 404, 422...) instead of the
//! blanket 500 the server function layer answers for every error.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are a small JSON value; anything larger is left as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_app_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_server_fn_error = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER);
    if !is_server_fn_error {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::locales::Key;
    use axum::routing::post;
    use axum::Router;
    use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
    use tower::ServiceExt;

    /// A route that fails the way a server function does: 500, the marker header, a JSON error.
    async fn answer(error: AppError, marked: bool) -> Response {
        let app = Router::new()
            .route(
                "/api/x",
                post(move || async move {
                    let body = serde_json::to_string(&error).unwrap_or_default();
                    let mut response = Response::new(Body::from(body));
                    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                    if marked {
                        response
                            .headers_mut()
                            .insert(SERVER_FN_ERROR_HEADER, "/api/x".parse().unwrap());
                    }
                    response
                }),
            )
            .layer(axum::middleware::from_fn(status_from_app_error));
        let request = Request::post("/api/x").body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn each_app_error_gets_its_own_status_and_keeps_its_body() {
        let cases = [
            (AppError::Unauthorized, 401),
            (AppError::Forbidden, 403),
            (AppError::NotFound, 404),
            (AppError::invalid("email", Key::EmailInvalid), 422),
            (AppError::Conflict(Key::OrganisationExists), 409),
            (
                AppError::Internal {
                    request_id: "r1".into(),
                },
                500,
            ),
        ];
        for (error, status) in cases {
            let response = answer(error.clone(), true).await;
            assert_eq!(response.status(), status, "{error:?}");
            let body = to_bytes(response.into_body(), MAX_ERROR_BODY)
                .await
                .unwrap();
            assert_eq!(serde_json::from_slice::<AppError>(&body).unwrap(), error);
        }
    }

    #[tokio::test]
    async fn other_responses_are_left_alone() {
        let response = answer(AppError::NotFound, false).await;
        assert_eq!(response.status(), 500);
    }
}
