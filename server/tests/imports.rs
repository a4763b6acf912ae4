//! CSV import and export through HTTP: the upload refused whole for each kind of bad file or a
//! licence shortfall, the job with its progress and result file, re-uploading, updating, cancel,
//! undo, the export and its round trip, and who may do what.

mod common;

use app::api::imports::{ImportHistory, ImportProgress, ImportState, ImportSummary, UndoPlan};
use app::domain::{OrgId, Role};
use common::{TestApp, PASSWORD};
use serde_json::Value;
use std::time::{Duration, Instant};

const HEADER: &str = "First name,Last name,Display name,Email,Messaging,Meetings,Calling,Phone number,Extension,Language\r\n";

/// Uploads `bytes` as the import page does; the status and the JSON answer.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
    query: &str,
) -> (u16, Value) {
    let answer = client
        .post(app.url(&format!("/api/imports/upload?name={name}&{query}")))
        .body(bytes)
        .send()
        .await
        .expect("upload request");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Uploads and expects the import to start; its id.
async fn start(app: &TestApp, client: &reqwest::Client, text: &str, query: &str) -> i64 {
    let (status, body) = upload(app, client, "people.csv", text.as_bytes().to_vec(), query).await;
    assert_eq!(status, 200, "upload: {body}");
    body["id"].as_i64().expect("an import id")
}

async fn progress(app: &TestApp, client: &reqwest::Client, id: i64) -> (u16, Value) {
    let answer = app
        .call_as(client, "imports/get", &[("id", &id.to_string())])
        .await;
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Waits until import `id` has finished; its summary.
async fn finished(app: &TestApp, client: &reqwest::Client, id: i64) -> ImportSummary {
    let started = Instant::now();
    loop {
        let (status, body) = progress(app, client, id).await;
        assert_eq!(status, 200, "imports/get: {body}");
        let progress: ImportProgress = serde_json::from_value(body).expect("progress");
        if progress.summary.state.is_finished() {
            return progress.summary;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "import never ends"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn counts(summary: &ImportSummary) -> (i64, i64, i64, i64) {
    (
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.failed,
    )
}

async fn users(app: &TestApp, org: OrgId) -> Vec<(String, Option<String>, String, Option<String>)> {
    sqlx::query_as(
        "SELECT email, display_name, status, phone_number FROM users WHERE org_id = $1 ORDER BY email",
    )
    .bind(org.0)
    .fetch_all(app.state.db.reader())
    .await
    .expect("users")
}

async fn services_of(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT s.service FROM user_services s JOIN users u ON u.id = s.user_id
         WHERE u.email = $1 ORDER BY s.service",
    )
    .bind(email)
    .fetch_all(app.state.db.reader())
    .await
    .expect("services")
}

async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let answer = client.get(url).send().await.expect("GET");
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_file_is_applied_as_a_job_with_every_row_accounted_for() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let file = format!(
        "{HEADER}\
         Wei,Zhang,,zhang.wei@acme.test,TRUE,TRUE,FALSE,+86 10 5555 0100,100,zh-CN\r\n\
         Ana,Silva,\"Silva, Ana\",ana@acme.test,TRUE,,TRUE,,101,en\r\n\
         ,,Bob,bob@acme.test,,,,,,\r\n\
         ,,Broken,not-an-address,,,,,,\r\n\
         ,,Again,ANA@acme.test,,,,,,\r\n"
    );
    let id = start(&app, &admin, &file, "services=meetings").await;
    let summary = finished(&app, &admin, id).await;
    assert_eq!(summary.state, ImportState::Done);
    assert_eq!(counts(&summary), (3, 0, 0, 2));
    assert_eq!((summary.total, summary.done), (5, 5));

    let people = users(&app, org.org).await;
    let zhang = people
        .iter()
        .find(|p| p.0 == "zhang.wei@acme.test")
        .expect("zhang");
    assert_eq!(zhang.1.as_deref(), Some("Wei Zhang"));
    assert_eq!(zhang.2, "invite_pending");
    assert_eq!(zhang.3.as_deref(), Some("+861055550100"));
    assert_eq!(
        services_of(&app, "zhang.wei@acme.test").await,
        ["meetings", "messaging"]
    );
    // An empty cell takes the default chosen for new people; FALSE does not.
    assert_eq!(
        services_of(&app, "ana@acme.test").await,
        ["calling", "meetings", "messaging"]
    );
    assert_eq!(services_of(&app, "bob@acme.test").await, ["meetings"]);

    // Each new person gets an invitation, in their own language.
    let mail = app.wait_for_mail(4).await;
    let to_zhang = mail
        .iter()
        .find(|m| m.to.iter().any(|t| t == "zhang.wei@acme.test"))
        .expect("zhang's invitation");
    assert!(to_zhang.raw.contains("/welcome/"));
    assert!(to_zhang.raw.contains("Content-Language: zh-CN") || to_zhang.raw.contains("zh-CN"));
    for who in ["ana@acme.test", "bob@acme.test"] {
        assert!(mail.iter().any(|m| m.to.iter().any(|t| t == who)), "{who}");
    }

    // The result file has every row, with its outcome and why.
    let (status, result) =
        get_text(&admin, &app.url(&format!("/api/imports/{id}/result.csv"))).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = result.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 6, "{result}");
    assert!(lines[0].ends_with("Row,Outcome,Reason"), "{}", lines[0]);
    assert!(lines[1].contains(",2,Created,"), "{}", lines[1]);
    assert!(
        lines[4].contains(",5,Failed,") && lines[4].contains("Email"),
        "{}",
        lines[4]
    );
    assert!(lines[5].contains("row 3"), "{}", lines[5]);

    // The history lists it.
    let answer = app.call_as(&admin, "imports/list", &[]).await;
    let history: ImportHistory = answer.json().await.expect("history");
    assert_eq!(history.imports.len(), 1);
    assert_eq!(history.imports[0].file_name, "people.csv");
    assert_eq!(history.imports[0].started_by, "First Admin");
}

#[tokio::test]
async fn uploading_the_same_file_again_adds_no_one_and_sends_no_second_invitation() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let file =
        format!("{HEADER},,One,one@acme.test,TRUE,,,,,\r\n,,Two,two@acme.test,TRUE,,,,,\r\n");
    let first = start(&app, &admin, &file, "").await;
    assert_eq!(counts(&finished(&app, &admin, first).await), (2, 0, 0, 0));
    let sent = app.wait_for_mail(3).await.len();

    let again = start(&app, &admin, &file, "update=1").await;
    assert_eq!(counts(&finished(&app, &admin, again).await), (0, 0, 2, 0));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.state.mail.sent().len(), sent, "no second invitation");
    assert_eq!(users(&app, org.org).await.len(), 3);
}

#[tokio::test]
async fn a_file_that_fits_only_because_its_people_are_here_already_is_taken() {
    let app = common::spawn_app().await;
    let (_org, admin) = app
        .admin_of_plan("Acme", "admin@acme.test", "messaging=2")
        .await;
    let both =
        format!("{HEADER},,One,one@acme.test,TRUE,,,,,\r\n,,Two,two@acme.test,TRUE,,,,,\r\n");
    let first = start(&app, &admin, &both, "").await;
    assert_eq!(counts(&finished(&app, &admin, first).await), (2, 0, 0, 0));

    // Counted as if everyone were new, this file needs 2 seats and none are left; counted with
    // who is here, it needs none.
    let renamed = both.replace(",One,", ",One Renamed,");
    let again = start(&app, &admin, &renamed, "update=1").await;
    assert_eq!(counts(&finished(&app, &admin, again).await), (0, 1, 1, 0));

    // One new person more does not fit, and the refusal counts only the new one.
    let three = format!("{both},,Three,three@acme.test,TRUE,,,,,\r\n");
    let (status, body) = upload(&app, &admin, "people.csv", three.into_bytes(), "update=1").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["Invalid"][0]["args"],
        serde_json::json!([
            ["service", "Messaging"],
            ["left", "0"],
            ["needed", "1"],
            ["short", "1"]
        ]),
        "{body}"
    );
}

#[tokio::test]
async fn existing_people_are_updated_only_when_asked_and_undo_puts_them_back() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let first = start(
        &app,
        &admin,
        &format!("{HEADER},,Old Name,pat@acme.test,TRUE,FALSE,,,,\r\n"),
        "",
    )
    .await;
    finished(&app, &admin, first).await;
    let changed = format!(
        "{HEADER},,New Name,pat@acme.test,FALSE,TRUE,,,200,\r\n,,Newcomer,new@acme.test,,,,,,\r\n"
    );

    // Without "update existing users" Pat stays as they are.
    let kept = start(&app, &admin, &changed, "").await;
    assert_eq!(counts(&finished(&app, &admin, kept).await), (1, 0, 1, 0));
    assert_eq!(services_of(&app, "pat@acme.test").await, ["messaging"]);

    let updating = start(&app, &admin, &changed.replace("new@", "newer@"), "update=1").await;
    assert_eq!(
        counts(&finished(&app, &admin, updating).await),
        (1, 1, 0, 0)
    );
    assert_eq!(services_of(&app, "pat@acme.test").await, ["meetings"]);
    let pat = users(&app, org.org)
        .await
        .into_iter()
        .find(|p| p.0 == "pat@acme.test")
        .expect("pat");
    assert_eq!(pat.1.as_deref(), Some("New Name"));

    // Undo says what it will do, then does it: Newer removed, Pat restored.
    let id = updating.to_string();
    let answer = app
        .call_as(&admin, "imports/undo-plan", &[("id", &id)])
        .await;
    let plan: UndoPlan = answer.json().await.expect("plan");
    assert_eq!((plan.remove, plan.restore, plan.keep), (1, 1, 0));
    assert_eq!(
        users(&app, org.org).await.len(),
        4,
        "the plan changes nothing"
    );
    let answer = app.call_as(&admin, "imports/undo", &[("id", &id)]).await;
    assert_eq!(answer.status(), 200);
    let emails: Vec<String> = users(&app, org.org)
        .await
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        emails,
        ["admin@acme.test", "new@acme.test", "pat@acme.test"]
    );
    assert_eq!(services_of(&app, "pat@acme.test").await, ["messaging"]);
    let pat = users(&app, org.org)
        .await
        .into_iter()
        .find(|p| p.0 == "pat@acme.test")
        .expect("pat");
    assert_eq!(pat.1.as_deref(), Some("Old Name"));
    let (_, body) = progress(&app, &admin, updating).await;
    assert_eq!(body["summary"]["state"], "Undone");

    // An import is undone once.
    let answer = app.call_as(&admin, "imports/undo", &[("id", &id)]).await;
    assert_eq!(answer.status(), 409);
}

#[tokio::test]
async fn undo_keeps_people_who_accepted_and_cancels_invitations_not_sent() {
    // The state alone: no mail worker, so the invitations wait in the outbox.
    let dir = tempfile::tempdir().expect("folder");
    let state = common::open_state(&dir, "http://portal.test", &[]).await;
    let org =
        app::server::organisations::create(&state, &common::new_org("Acme", "admin@acme.test"))
            .await
            .expect("organisation");
    let admin = app::server::auth::sessions::Session {
        id: 0,
        org: org.org,
        user_id: org.admin_user_id,
        role: Role::FullAdmin,
        email: "admin@acme.test".to_owned(),
        display_name: Some("Admin".to_owned()),
    };
    let file = format!(
        "{HEADER},,A,a@acme.test,,,TRUE,,,\r\n,,B,b@acme.test,,,,,,\r\n,,C,c@acme.test,,,TRUE,,,\r\n"
    );
    let id = app::server::imports::start(
        &state,
        &admin,
        app::server::imports::Upload {
            file_name: "three.csv".to_owned(),
            ..Default::default()
        },
        file.into_bytes(),
        app::locales::Locale::En,
    )
    .await
    .expect("started");
    let started = Instant::now();
    while !app::server::imports::summary(&state, org.org, id)
        .await
        .expect("summary")
        .state
        .is_finished()
    {
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // C accepted their invitation (as the welcome page would record it).
    let mut tx = state.db.begin_write().await.expect("tx");
    sqlx::query(
        "UPDATE users SET status = 'active', password_hash = 'x' WHERE email = 'c@acme.test'",
    )
    .execute(&mut *tx)
    .await
    .expect("accept");
    tx.commit().await.expect("commit");

    let plan = app::server::imports::undo_plan(&state, org.org, id)
        .await
        .expect("plan");
    assert_eq!(
        plan,
        UndoPlan {
            remove: 2,
            keep: 1,
            restore: 0,
            // A's and B's invitations, and A's activation code.
            mails: 3,
        }
    );
    app::server::imports::undo(&state, &admin, id)
        .await
        .expect("undone");
    let left: Vec<String> =
        sqlx::query_scalar("SELECT email FROM users WHERE org_id = $1 ORDER BY email")
            .bind(org.org.0)
            .fetch_all(state.db.reader())
            .await
            .expect("users");
    assert_eq!(left, ["admin@acme.test", "c@acme.test"]);
    let pending: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE status = 'pending' AND kind = 'invitation' ORDER BY recipient",
    )
    .fetch_all(state.db.reader())
    .await
    .expect("outbox");
    assert_eq!(pending, ["c@acme.test"]);
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE status = 'pending' AND kind = 'activation'",
    )
    .fetch_all(state.db.reader())
    .await
    .expect("outbox");
    assert_eq!(
        codes,
        ["c@acme.test"],
        "C, given calling, keeps their activation code"
    );
}

#[tokio::test]
async fn cancelling_stops_at_a_batch_boundary_and_says_what_was_done() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let mut file = HEADER.to_owned();
    for n in 0..20_000 {
        file.push_str(&format!(",,Person {n},person{n}@acme.test,,,,,,\r\n"));
    }
    let id = start(&app, &admin, &file, "").await;
    let answer = app
        .call_as(&admin, "imports/cancel", &[("id", &id.to_string())])
        .await;
    assert_eq!(answer.status(), 200);
    let summary = finished(&app, &admin, id).await;
    assert_eq!(summary.state, ImportState::Cancelled);
    assert!(summary.done < summary.total, "{summary:?}");
    assert_eq!(summary.created % 1_000, 0, "whole batches: {summary:?}");
    let people = users(&app, org.org).await.len() as i64;
    assert_eq!(people, summary.created + 1);
    let (_, result) = get_text(&admin, &app.url(&format!("/api/imports/{id}/result.csv"))).await;
    assert!(result.contains("Not imported (the import was cancelled)"));
}

#[tokio::test]
async fn bad_files_and_licence_shortfalls_are_refused_whole_with_their_reason() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let too_many_calling: String = (0..11)
        .map(|n| format!(",,P{n},p{n}@acme.test,,,TRUE,,,\r\n"))
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("picture.csv", png, "is a picture"),
        ("empty.csv", Vec::new(), "is empty"),
        ("header.csv", HEADER.as_bytes().to_vec(), "nobody under it"),
        (
            "names.csv",
            b"Name,Phone\r\nAna,123\r\n".to_vec(),
            "no column holds email",
        ),
        (
            "calling.csv",
            format!("{HEADER}{too_many_calling}").into_bytes(),
            "licencesh",
        ),
    ];
    for (name, bytes, says) in cases {
        let (status, body) = upload(&app, &admin, name, bytes, "").await;
        assert_eq!(status, 422, "{name}: {body}");
        let said = body.to_string().to_lowercase();
        assert!(
            said.contains(&says.to_lowercase()),
            "{name} should say {says:?}: {said}"
        );
    }
    // A file over 50 MB is refused before it is read.
    let huge = vec![b'a'; app::import::csv::MAX_BYTES + 1];
    let (status, body) = upload(&app, &admin, "huge.csv", huge, "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("50"), "{body}");

    assert_eq!(users(&app, org.org).await.len(), 1, "nothing written");
    let imports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM imports")
        .fetch_one(app.state.db.reader())
        .await
        .expect("count");
    assert_eq!(imports, 0);
}

#[tokio::test]
async fn export_escapes_formulas_and_importing_it_back_changes_nothing() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let file = format!(
        "{HEADER}\
         ,,\"=HYPERLINK(\"\"http://evil\"\")\",formula@acme.test,TRUE,,,+1 415 555 0100,,\r\n\
         李,娜,,li.na@acme.test,,TRUE,TRUE,,300,zh-CN\r\n\
         ,,\"Quote \"\"and\"\", comma\",quote@acme.test,,,,,,\r\n"
    );
    let id = start(&app, &admin, &file, "").await;
    assert_eq!(counts(&finished(&app, &admin, id).await), (3, 0, 0, 0));

    let (status, export) = get_text(&admin, &app.url("/api/users/export.csv")).await;
    assert_eq!(status, 200);
    assert!(export.starts_with('\u{feff}'));
    assert!(export.contains("'=HYPERLINK"), "{export}");
    assert!(export.contains("'+14155550100"), "{export}");
    assert_eq!(export.trim_end().lines().count(), 5, "{export}");

    // The filtered table exports only what it shows.
    let (_, filtered) = get_text(&admin, &app.url("/api/users/export.csv?q=li.na")).await;
    assert_eq!(filtered.trim_end().lines().count(), 2, "{filtered}");

    let again = start(&app, &admin, &export, "update=1").await;
    let summary = finished(&app, &admin, again).await;
    assert_eq!(counts(&summary), (0, 0, 4, 0), "{summary:?}");
    let (_, second) = get_text(&admin, &app.url("/api/users/export.csv")).await;
    assert_eq!(second, export);
    assert_eq!(users(&app, org.org).await.len(), 4);
}

#[tokio::test]
async fn only_full_administrators_import_and_other_organisations_imports_are_not_found() {
    let app = common::spawn_app().await;
    let (acme, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let (_, other) = app.admin_of("Globex", "admin@globex.test").await;
    let id = start(
        &app,
        &admin,
        &format!("{HEADER},,A,a@acme.test,,,,,,\r\n"),
        "",
    )
    .await;
    finished(&app, &admin, id).await;

    app.add_active_user(acme.org, "reader@acme.test", Role::ReadOnlyAdmin)
        .await;
    let (_, reader) = app.sign_in("reader@acme.test", PASSWORD).await;
    let (status, _) = upload(&app, &reader, "x.csv", HEADER.as_bytes().to_vec(), "").await;
    assert_eq!(status, 403);
    let (status, _) = upload(
        &app,
        &common::browser(),
        "x.csv",
        HEADER.as_bytes().to_vec(),
        "",
    )
    .await;
    assert_eq!(status, 401);
    // A read-only administrator sees the history, the progress and the result, and changes nothing.
    assert_eq!(progress(&app, &reader, id).await.0, 200);
    let (_, body) = progress(&app, &reader, id).await;
    assert_eq!(body["can_change"], false);
    let id_text = id.to_string();
    for endpoint in ["imports/undo", "imports/undo-plan", "imports/cancel"] {
        let answer = app.call_as(&reader, endpoint, &[("id", &id_text)]).await;
        assert_eq!(answer.status(), 403, "{endpoint}");
    }
    let (status, _) = get_text(&reader, &app.url(&format!("/api/imports/{id}/result.csv"))).await;
    assert_eq!(status, 200);

    // Another organisation's administrator finds nothing.
    assert_eq!(progress(&app, &other, id).await.0, 404);
    for endpoint in ["imports/undo", "imports/undo-plan", "imports/cancel"] {
        let answer = app.call_as(&other, endpoint, &[("id", &id_text)]).await;
        assert_eq!(answer.status(), 404, "{endpoint}");
    }
    let (status, _) = get_text(&other, &app.url(&format!("/api/imports/{id}/result.csv"))).await;
    assert_eq!(status, 404);
    let (_, export) = get_text(&other, &app.url("/api/users/export.csv")).await;
    assert!(!export.contains("acme.test"), "{export}");
    let answer = app.call_as(&other, "imports/list", &[]).await;
    let history: ImportHistory = answer.json().await.expect("history");
    assert!(history.imports.is_empty());
    let answer = app
        .call_as(&other, "imports/known", &[("emails[0]", "a@acme.test")])
        .await;
    assert_eq!(
        answer.json::<Value>().await.expect("json"),
        serde_json::json!([])
    );
    let answer = app
        .call_as(
            &admin,
            "imports/known",
            &[
                ("emails[0]", "A@acme.test"),
                ("emails[1]", "nobody@acme.test"),
            ],
        )
        .await;
    let known: Value = answer.json().await.expect("json");
    assert_eq!(known[0]["email"], "a@acme.test", "{known}");
    assert_eq!(known.as_array().map(Vec::len), Some(1));
    // The template is for anyone.
    let (status, template) =
        get_text(&common::browser(), &app.url("/users/import/template.csv")).await;
    assert_eq!(status, 200);
    assert!(template.contains("Email"));
}

/// The addresses the users table finds for search `q`, in its order.
async fn search(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<String> {
    let answer = app.call_as(client, "users/list", &[("q", q)]).await;
    assert_eq!(answer.status(), 200, "users/list q={q}");
    let page: app::api::user_table::UserPage = answer.json().await.expect("a UserPage");
    page.rows.into_iter().map(|row| row.email).collect()
}

#[tokio::test]
async fn imported_people_are_found_by_the_users_table_search() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let file = format!(
        "{HEADER}\
         Wei,Zhang,,zhang.wei@acme.test,TRUE,,,,,\r\n\
         ,,Ana Silva,ana@branch.test,TRUE,,,,,\r\n"
    );
    let id = start(&app, &admin, &file, "").await;
    assert_eq!(counts(&finished(&app, &admin, id).await), (2, 0, 0, 0));
    // By part of a name the import made up, of a display name, and of an address.
    assert_eq!(
        search(&app, &admin, "WEI ZH").await,
        ["zhang.wei@acme.test"]
    );
    assert_eq!(search(&app, &admin, "ana sil").await, ["ana@branch.test"]);
    assert_eq!(search(&app, &admin, "branch.te").await, ["ana@branch.test"]);

    // An update is found by its new name and no longer by the old one.
    let renamed = format!("{HEADER},,Ana Costa,ana@branch.test,TRUE,,,,,\r\n");
    let id = start(&app, &admin, &renamed, "update=1").await;
    assert_eq!(counts(&finished(&app, &admin, id).await), (0, 1, 0, 0));
    assert_eq!(search(&app, &admin, "ana cos").await, ["ana@branch.test"]);
    assert!(search(&app, &admin, "ana sil").await.is_empty());
}

#[tokio::test]
async fn people_whose_row_names_no_language_get_the_organisations_default() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.test").await;
    let saved = app
        .call_as(
            &admin,
            "settings/enterprise",
            &[
                ("display_name", "Acme"),
                ("default_language", "zh-CN"),
                ("invitation_days", "14"),
            ],
        )
        .await;
    assert!(saved.status().is_success());
    let file = format!("{HEADER},,Bo,bo@acme.test,,,,,,\r\n,,Cy,cy@acme.test,,,,,,en\r\n");
    let id = start(&app, &admin, &file, "").await;
    assert_eq!(finished(&app, &admin, id).await.state, ImportState::Done);
    let locales: Vec<(String, String)> = sqlx::query_as(
        "SELECT email, locale FROM users WHERE email IN ('bo@acme.test', 'cy@acme.test') ORDER BY email",
    )
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(
        locales,
        [
            ("bo@acme.test".to_owned(), "zh-CN".to_owned()),
            ("cy@acme.test".to_owned(), "en".to_owned())
        ]
    );
}
