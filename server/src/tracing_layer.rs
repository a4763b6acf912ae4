//! One log span per request, named by its request id, which internal errors also report.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub async fn trace(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let span = tracing::info_span!("request", id = %request_id, method = %request.method(), path = %request.uri().path());
    let started = std::time::Instant::now();
    app::server::request_id::scope(request_id, async move {
        let response = next.run(request).await;
        tracing::info!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "served"
        );
        response
    })
    .instrument(span)
    .await
}
