//! The HTTP server: the router with its middleware, and serving it until asked to stop.

mod audit;
mod health;
mod imports;
mod language;
mod operator;
mod scim;
mod security;
mod server_fn_status;
mod tracing_layer;

use app::api::imports::UPLOAD_PATH;
use app::server::mail::worker::Worker;
use app::server::AppState;
use app::{shell, App};
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use std::sync::LazyLock;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

/// Provides what every render and server function needs from the request: its language and the
/// CSP nonce the security middleware put in the response header.
fn request_context() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        provide_context(language::locale_for(&parts.headers));
        if let Some(nonce) = parts.extensions.get::<leptos::nonce::Nonce>() {
            provide_context(nonce.clone());
        }
    }
}

/// The app's routes, generated once per process. Generating them renders the app with resource
/// loading suppressed process-wide, so a page rendering at that moment would wait forever
/// (leptos-rs/leptos#4773); tests build many routers in parallel, so build the list only once.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The whole application: pages, server functions, static files, and the middleware around them.
pub fn router(state: AppState) -> Router {
    let routes = routes();
    let body_limit = state.config.body_limit_bytes;
    // `cargo leptos watch` sets LEPTOS_WATCH and reloads pages over a WebSocket on its own port.
    let reload_port = std::env::var_os("LEPTOS_WATCH").map(|_| state.leptos_options.reload_port);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/language", post(language::set_language))
        .route("/operator/organisations", post(operator::provision))
        .leptos_routes_with_context(&state, routes, request_context, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            request_context,
            shell,
        ))
        .layer(middleware::from_fn(server_fn_status::status_from_app_error))
        .layer(RequestBodyLimitLayer::new(body_limit))
        // Added after the body limit above: an upload takes a whole CSV file, and its handler
        // keeps to the import's own limit.
        .route(UPLOAD_PATH, post(imports::upload))
        .route("/api/imports/{id}/result.csv", get(imports::result))
        .route("/api/users/export.csv", get(imports::export))
        .route(app::api::audit::EXPORT_PATH, get(audit::export))
        .merge(scim::routes())
        .route("/users/import/template.csv", get(imports::template))
        .layer(middleware::from_fn(security::refuse_cross_origin_writes))
        .layer(middleware::from_fn_with_state(
            reload_port,
            security::headers,
        ))
        .layer(middleware::from_fn(tracing_layer::trace))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Serves on `listener`, with the mail worker beside it, until `shutdown` resolves; then finishes
/// the requests in flight and the mail batch in hand.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let worker =
        tokio::spawn(Worker::new(&state, state.config.mail_worker.clone()).run(stopping.clone()));
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let stopping_schedule = stopping.clone();
    let mut stopping_http = stopping;
    let shutdown = async move {
        let _ = stopping_http.wait_for(|stop| *stop).await;
    };
    if let Err(error) = app::server::imports::resume_unfinished(&state).await {
        tracing::error!("could not resume unfinished imports: {error}");
    }
    if let Err(error) = app::server::directory::apply::fail_interrupted(&state).await {
        tracing::error!("could not close the interrupted directory syncs: {error}");
    }
    tokio::spawn(app::server::directory::schedule::run(
        state.clone(),
        stopping_schedule,
    ));
    let db = state.db.clone();
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    if let Err(error) = worker.await {
        tracing::error!("mail worker ended abnormally: {error}");
    }
    db.close().await;
    Ok(())
}
