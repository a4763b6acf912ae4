//! `/healthz` says whether the database answers.

mod common;

#[tokio::test]
async fn healthz_is_ok_when_the_database_answers() {
    let app = common::spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn healthz_is_unavailable_when_the_database_is_closed() {
    let app = common::spawn_app().await;
    app.state.db.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
}
