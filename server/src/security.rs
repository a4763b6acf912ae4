//! Security on every response (CSP with a per-request nonce, nosniff, referrer policy, no framing),
//! and refusal of state-changing requests sent from another site.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::nonce::Nonce;

/// The Content-Security-Policy for a response whose inline scripts carry `nonce`. Without
/// `unsafe-inline` or `unsafe-eval`; `wasm-unsafe-eval` lets the browser compile the wasm.
pub fn content_security_policy(nonce: &str, reload_port: Option<u32>) -> String {
    // `cargo leptos watch` reloads the page over a WebSocket on its own port.
    let reload = reload_port
        .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; object-src 'none'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

/// Sets the security headers; `reload_port` is `cargo leptos watch`'s WebSocket port when it runs.
pub async fn headers(
    State(reload_port): State<Option<u32>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce, reload_port)) {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Refuses a POST (or any other unsafe method) that a browser says came from another site:
/// `Sec-Fetch-Site` when the browser sends it, else an `Origin` that does not match `Host`.
/// Requests with neither (command-line clients) carry no ambient browser credentials and pass.
pub async fn refuse_cross_origin_writes(request: Request<Body>, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let cross_site = match header("sec-fetch-site") {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => match (
            headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
            header(HOST.as_str()),
        ) {
            (Some(origin), Some(host)) => {
                origin.split_once("://").map(|(_, authority)| authority) != Some(host)
            }
            (Some(_), None) => true,
            (None, _) => false,
        },
    };
    if cross_site {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site {}", request.method());
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_has_no_unsafe_inline_and_names_the_nonce() {
        let csp = content_security_policy("abc", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("'unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("ws://"));
        assert!(content_security_policy("abc", Some(3001)).contains("ws://127.0.0.1:3001"));
    }
}
