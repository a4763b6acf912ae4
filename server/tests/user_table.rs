//! The users table through HTTP: keyset paging both ways, search, filters, counts and sorting;
//! the row and bulk actions and who may take them; services, roles and administrators; and asking
//! for a new invitation from an expired link.

mod common;

use app::api::account::LinkStatus;
use app::api::user_actions::{ActOutcome, Action};
use app::api::user_table::{UserDetail, UserPage, UserRow};
use app::domain::{Role, Service, UserStatus};
use app::locales::Key;
use common::{browser, TestApp, PASSWORD};
use serde_json::Value;
use std::cmp::Reverse;
use std::sync::atomic::{AtomicUsize, Ordering};

const DAY: i64 = 24 * 3600;

/// Adds the people in `text` (lines "Name, email") with `services`, as the add form does.
async fn add(app: &TestApp, client: &reqwest::Client, text: &str, services: &[&str]) -> Value {
    static SUBMISSIONS: AtomicUsize = AtomicUsize::new(0);
    let submission = format!("submission-{}", SUBMISSIONS.fetch_add(1, Ordering::Relaxed));
    let mut form = vec![("text", text), ("submission", submission.as_str())];
    form.extend(services.iter().map(|s| (*s, "on")));
    let answer = app.call_as(client, "users/add", &form).await;
    assert_eq!(answer.status(), 200, "users/add");
    answer.json().await.expect("add outcome")
}

/// Calls `endpoint` with owned values; the status and the JSON body (Null when there is none).
async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, String)],
) -> (u16, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = app.call_as(client, endpoint, &form).await;
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// One page of the table; the call must succeed.
async fn list(app: &TestApp, client: &reqwest::Client, form: &[(&str, String)]) -> UserPage {
    let (status, body) = call(app, client, "users/list", form).await;
    assert_eq!(status, 200, "users/list {form:?}: {body}");
    serde_json::from_value(body).expect("a UserPage")
}

/// Every page of the table from the first, following `next`.
async fn walk_forwards(
    app: &TestApp,
    client: &reqwest::Client,
    filter: &[(&str, String)],
) -> Vec<UserPage> {
    let mut pages = vec![list(app, client, filter).await];
    while let Some(next) = pages.last().unwrap().next.clone() {
        assert!(pages.len() < 20, "paging does not end");
        let mut form = filter.to_vec();
        form.push(("after", next));
        pages.push(list(app, client, &form).await);
    }
    pages
}

/// Takes an action; the status and the outcome (None when refused whole).
async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    form: &[(&str, String)],
) -> (u16, Option<ActOutcome>, Value) {
    let (status, body) = call(app, client, "users/act", form).await;
    let outcome = serde_json::from_value(body.clone()).ok();
    (status, outcome, body)
}

/// `action` on the one person `id`, as a row's button sends it.
async fn act_on(
    app: &TestApp,
    client: &reqwest::Client,
    action: &str,
    id: i64,
) -> (u16, Option<ActOutcome>, Value) {
    act(app, client, &[("row", format!("{action}:{id}"))]).await
}

fn ticked(action: &str, ids: &[i64]) -> Vec<(&'static str, String)> {
    const NAMES: [&str; 4] = ["ids[0]", "ids[1]", "ids[2]", "ids[3]"];
    let mut form = vec![("action", action.to_owned())];
    form.extend(NAMES.iter().zip(ids).map(|(k, id)| (*k, id.to_string())));
    form
}

fn owned(form: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    form.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// A number from the database.
async fn set_role(app: &TestApp, client: &reqwest::Client, id: &str, role: &str) -> (u16, Value) {
    call(
        app,
        client,
        "users/set-role",
        &owned(&[("id", id), ("role", role)]),
    )
    .await
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

/// A number from the database, for `$1` = `value`.
async fn count(app: &TestApp, sql: &str, value: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(value.to_owned())
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

async fn execute(app: &TestApp, sql: &str) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn id_of(app: &TestApp, email: &str) -> i64 {
    count(app, "SELECT id FROM users WHERE email = $1", email).await
}

async fn invitations_to(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'invitation' AND recipient = $1",
        email,
    )
    .await
}

async fn user_column(app: &TestApp, email: &str, column: &str) -> Option<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM users WHERE email = $1"
    )))
    .bind(email)
    .fetch_one(app.state.db.reader())
    .await
    .unwrap()
}

async fn stored(app: &TestApp, email: &str) -> (String, String) {
    sqlx::query_as("SELECT status, role FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap()
}

fn token_in(raw: &str) -> Option<String> {
    let raw = raw.replace("=\r\n", "").replace("=\n", "");
    let start = raw.find("/welcome/")? + "/welcome/".len();
    Some(
        raw[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
            .collect(),
    )
}

/// The newest welcome link of `email`, read from the mail it was sent in.
async fn welcome_token(app: &TestApp, email: &str) -> String {
    let hash: String = sqlx::query_scalar(
        "SELECT t.token_hash FROM account_tokens t JOIN users u ON u.id = t.user_id
         WHERE u.email = $1 AND t.purpose = 'welcome' ORDER BY t.id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    let queued = scalar(app, "SELECT COUNT(*) FROM outbox").await;
    let mail = app.wait_for_mail(queued as usize).await;
    mail.iter()
        .filter(|m| m.to == [email])
        .filter_map(|m| token_in(&m.raw))
        .find(|t| app::server::auth::tokens::hash(t) == hash)
        .unwrap_or_else(|| panic!("no mail to {email} holds the newest link"))
}

async fn link_status(app: &TestApp, token: &str) -> LinkStatus {
    let (status, body) = call(
        app,
        &browser(),
        "account/welcome-link",
        &[("token", token.to_owned())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).expect("a LinkStatus")
}

async fn get(app: &TestApp, client: &reqwest::Client, id: i64) -> UserRow {
    let (status, body) = call(app, client, "users/get", &[("id", id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value::<UserDetail>(body).unwrap().user
}

fn emails(rows: &[UserRow]) -> Vec<&str> {
    rows.iter().map(|r| r.email.as_str()).collect()
}

fn field_reason(body: &Value, field: &str) -> Value {
    body["Invalid"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["field"] == field))
        .map(|e| e["reason"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn pages_run_forwards_and_back_through_more_than_a_hundred_people() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    // Names come in pairs, so pages end inside a run of equal names.
    let text: String = (0..120)
        .map(|n| format!("Person {:03}, p{n:03}@acme.example\n", n / 2))
        .collect();
    assert_eq!(add(&app, &admin, &text, &[]).await["added"], 120);

    // Times with many ties, so the id decides within each.
    execute(
        &app,
        "UPDATE users SET created_at = id % 7,
                last_sign_in_at = CASE WHEN id % 3 = 0 THEN id % 5 END",
    )
    .await;

    for sort in [
        "name",
        "-name",
        "email",
        "-email",
        "-added",
        "added",
        "-signed-in",
    ] {
        let filter = [("sort", sort.to_owned())];
        let pages = walk_forwards(&app, &admin, &filter).await;
        let sizes: Vec<usize> = pages.iter().map(|p| p.rows.len()).collect();
        assert_eq!(sizes, [50, 50, 21], "{sort}");
        assert_eq!(pages[0].previous, None, "{sort}");
        assert!(pages[1].previous.is_some() && pages[2].previous.is_some());
        let rows: Vec<&UserRow> = pages.iter().flat_map(|p| &p.rows).collect();
        let mut expected = rows.clone();
        let name = |r: &UserRow| r.name.clone().unwrap_or_default().to_lowercase();
        match sort {
            "name" => expected.sort_by_key(|r| (name(r), r.id)),
            "-name" => expected.sort_by_key(|r| Reverse((name(r), r.id))),
            "email" => expected.sort_by_key(|r| (r.email.clone(), r.id)),
            "-email" => expected.sort_by_key(|r| Reverse((r.email.clone(), r.id))),
            "added" => expected.sort_by_key(|r| (r.created_at, r.id)),
            "-added" => expected.sort_by_key(|r| Reverse((r.created_at, r.id))),
            _ => expected.sort_by_key(|r| Reverse((r.last_sign_in_at.unwrap_or(0), r.id))),
        }
        assert_eq!(rows, expected, "{sort}: every row once, in order");
        let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 121, "{sort}: nobody twice, nobody missed");
        assert_eq!(pages[0].count(UserStatus::InvitePending), 120);
        assert_eq!(pages[0].count(UserStatus::Active), 1);

        // Back from the last page: each page equals the one seen on the way forwards.
        let mut back = pages[2].clone();
        for earlier in [&pages[1], &pages[0]] {
            let before = back.previous.clone().expect("a page before");
            back = list(&app, &admin, &[filter[0].clone(), ("before", before)]).await;
            assert_eq!(back.rows, earlier.rows, "{sort}");
            assert_eq!(back.next, earlier.next, "{sort}");
            assert_eq!(back.previous, earlier.previous, "{sort}");
        }
    }

    // Paging within a filter: the first sixty people's invitations have run out.
    execute(
        &app,
        "UPDATE users SET invitation_expires_at = 1 WHERE email < 'p060'",
    )
    .await;
    let filter = owned(&[("status", "expired"), ("sort", "-name"), ("q", "PERSON 0")]);
    let pages = walk_forwards(&app, &admin, &filter).await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.rows.len()).collect();
    assert_eq!(sizes, [50, 10]);
    assert_eq!(pages[0].rows[0].email, "p059@acme.example");
    assert_eq!(pages[1].rows[9].email, "p000@acme.example");
    assert!(pages
        .iter()
        .flat_map(|p| &p.rows)
        .all(|r| r.status == UserStatus::Expired));
    let mut form = filter.clone();
    form.push(("before", pages[1].previous.clone().unwrap()));
    let back = list(&app, &admin, &form).await;
    assert_eq!(back.rows, pages[0].rows);
    assert_eq!(back.previous, None);
    assert_eq!(back.count(UserStatus::Expired), 60);

    let first = list(&app, &admin, &owned(&[("sort", "name")])).await;
    assert_eq!(first.rows[0].email, "admin@acme.example", "First Admin");
    assert_eq!(
        emails(&first.rows[1..5]),
        [
            "p000@acme.example",
            "p001@acme.example",
            "p002@acme.example",
            "p003@acme.example"
        ]
    );
    let descending = list(&app, &admin, &owned(&[("sort", "-name")])).await;
    assert_eq!(
        emails(&descending.rows[..3]),
        [
            "p119@acme.example",
            "p118@acme.example",
            "p117@acme.example"
        ]
    );
    let by_email = list(&app, &admin, &owned(&[("sort", "-email")])).await;
    assert_eq!(by_email.rows[0].email, "p119@acme.example");
    assert_eq!(by_email.rows[49].email, "p070@acme.example");
}

#[tokio::test]
async fn search_finds_part_of_a_name_or_an_address_in_any_case() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "Li Na, li.na@acme.example\n\
         Wang Wei, wang.wei@branch.example\n\
         Zoë Ämmälä, zoe@acme.example\n\
         张伟, zhang@acme.example\n\
         Under Score, a_b@acme.example\n\
         Not Under, axb@acme.example",
        &[],
    )
    .await;
    for (q, expected) in [
        ("LI N", vec!["li.na@acme.example"]),
        ("  wang WEI ", vec!["wang.wei@branch.example"]),
        ("BRANCH.Ex", vec!["wang.wei@branch.example"]),
        ("Ämmälä", vec!["zoe@acme.example"]),
        ("zoë ÄMM", vec!["zoe@acme.example"]),
        ("张", vec!["zhang@acme.example"]),
        ("a_b", vec!["a_b@acme.example"]),
        ("first adm", vec!["admin@acme.example"]),
        ("nobody-at-all", vec![]),
    ] {
        let page = list(&app, &admin, &owned(&[("q", q)])).await;
        assert_eq!(emails(&page.rows), expected, "search {q:?}");
        assert_eq!(
            page.count(UserStatus::InvitePending),
            6,
            "counts ignore the filter"
        );
    }
}

#[tokio::test]
async fn each_status_has_its_filter_and_its_count() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.add_active_user(provisioned.org, "on1@acme.example", Role::User)
        .await;
    let gone = app
        .add_active_user(provisioned.org, "gone@acme.example", Role::User)
        .await;
    add(
        &app,
        &admin,
        "Wait Ing, waiting@acme.example\nLa Te, late1@acme.example\nLa Ter, late2@acme.example",
        &[],
    )
    .await;
    execute(
        &app,
        "UPDATE users SET invitation_expires_at = 1 WHERE email LIKE 'late%'",
    )
    .await;
    let (status, outcome, body) = act_on(&app, &admin, "deactivate", gone).await;
    assert_eq!((status, outcome.map(|o| o.done)), (200, Some(1)), "{body}");

    for (status, expected) in [
        (None, 6),
        (Some(("active", UserStatus::Active)), 2),
        (Some(("invite_pending", UserStatus::InvitePending)), 1),
        (Some(("expired", UserStatus::Expired)), 2),
        (Some(("deactivated", UserStatus::Deactivated)), 1),
    ] {
        let form = status.map_or(vec![], |(s, _)| owned(&[("status", s)]));
        let page = list(&app, &admin, &form).await;
        assert_eq!(page.rows.len(), expected, "{status:?}");
        if let Some((_, want)) = status {
            assert!(page.rows.iter().all(|r| r.status == want), "{status:?}");
        }
        assert_eq!(
            page.counts,
            vec![
                (UserStatus::Active, 2),
                (UserStatus::InvitePending, 1),
                (UserStatus::Expired, 2),
                (UserStatus::Deactivated, 1),
            ]
        );
    }
    let expired = list(
        &app,
        &admin,
        &owned(&[("status", "expired"), ("sort", "email")]),
    )
    .await;
    assert_eq!(
        emails(&expired.rows),
        ["late1@acme.example", "late2@acme.example"]
    );
    let deactivated = list(&app, &admin, &owned(&[("status", "deactivated")])).await;
    assert_eq!(deactivated.rows[0].id, gone);
    assert!(deactivated.rows[0].deactivated_at.is_some());
    let active = list(
        &app,
        &admin,
        &owned(&[("status", "active"), ("sort", "email")]),
    )
    .await;
    assert_eq!(
        emails(&active.rows),
        ["admin@acme.example", "on1@acme.example"]
    );
}

#[tokio::test]
async fn the_service_filter_shows_who_has_the_service() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "c1@acme.example\nc2@acme.example",
        &["calling", "messaging"],
    )
    .await;
    add(&app, &admin, "m1@acme.example", &["meetings"]).await;
    add(&app, &admin, "m2@acme.example", &["meetings", "messaging"]).await;
    execute(
        &app,
        "UPDATE users SET invitation_expires_at = 1 WHERE email = 'c2@acme.example'",
    )
    .await;
    for (form, expected) in [
        (
            vec![("service", "calling")],
            vec!["c1@acme.example", "c2@acme.example"],
        ),
        (
            vec![("service", "meetings")],
            vec!["m1@acme.example", "m2@acme.example"],
        ),
        (
            vec![("service", "messaging")],
            vec!["c1@acme.example", "c2@acme.example", "m2@acme.example"],
        ),
        (
            vec![("service", "calling"), ("status", "expired")],
            vec!["c2@acme.example"],
        ),
        (
            vec![("service", "messaging"), ("q", "C1@")],
            vec!["c1@acme.example"],
        ),
    ] {
        let mut form = owned(&form);
        form.push(("sort", "email".to_owned()));
        let page = list(&app, &admin, &form).await;
        assert_eq!(emails(&page.rows), expected, "{form:?}");
    }
    let page = list(&app, &admin, &owned(&[("q", "m2@")])).await;
    assert_eq!(
        page.rows[0].services,
        [Service::Messaging, Service::Meetings]
    );
}

#[tokio::test]
async fn one_person_in_full_and_nobody_of_another_organisation() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    add(&app, &admin, "Li Na, li.na@acme.example", &["calling"]).await;
    let id = id_of(&app, "li.na@acme.example").await;
    let (status, body) = call(&app, &admin, "users/get", &[("id", id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    let detail: UserDetail = serde_json::from_value(body).unwrap();
    assert_eq!(detail.user.name.as_deref(), Some("Li Na"));
    assert_eq!(detail.user.status, UserStatus::InvitePending);
    assert_eq!(detail.user.services, [Service::Calling]);
    assert!(detail.user.invitation_expires_at.unwrap() > detail.now + 13 * DAY);
    let calling = detail
        .licences
        .iter()
        .find(|l| l.service == Service::Calling)
        .unwrap();
    assert_eq!((calling.seats, calling.used), (10, 1));
    assert_eq!(detail.viewer_role, Role::FullAdmin);

    let (status, _) = call(&app, &other, "users/get", &[("id", id.to_string())]).await;
    assert_eq!(status, 404, "another organisation's person is not found");
    let (_, outcome, _) = act_on(&app, &other, "deactivate", id).await;
    assert_eq!(outcome.map(|o| o.done), Some(0));
    let (status, _) = set_role(&app, &other, &id.to_string(), "user_admin").await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        &other,
        "users/set-services",
        &owned(&[("id", &id.to_string()), ("messaging", "on")]),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(get(&app, &admin, id).await.services, [Service::Calling]);
    assert_eq!(
        stored(&app, "li.na@acme.example").await,
        ("invite_pending".into(), "user".into())
    );
}

#[tokio::test]
async fn resending_makes_a_new_link_and_the_old_one_reads_expired() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(&app, &admin, "Li Na, li.na@acme.example", &[]).await;
    let id = id_of(&app, "li.na@acme.example").await;
    let old = welcome_token(&app, "li.na@acme.example").await;
    assert!(matches!(
        link_status(&app, &old).await,
        LinkStatus::Valid { .. }
    ));
    execute(
        &app,
        "UPDATE users SET invited_at = 5, invitation_expires_at = 1 WHERE email = 'li.na@acme.example'",
    )
    .await;

    let (status, outcome, body) = act(
        &app,
        &admin,
        &ticked("resend", &[id, provisioned.admin_user_id]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let outcome = outcome.unwrap();
    assert_eq!(outcome.action, Action::Resend);
    assert_eq!(
        (outcome.done, outcome.skipped),
        (1, 1),
        "the active admin is skipped"
    );
    assert!(outcome.refused.is_empty());
    assert_eq!(invitations_to(&app, "li.na@acme.example").await, 2);
    let new = welcome_token(&app, "li.na@acme.example").await;
    assert_ne!(new, old);
    assert_eq!(link_status(&app, &old).await, LinkStatus::Expired);
    assert!(matches!(
        link_status(&app, &new).await,
        LinkStatus::Valid { .. }
    ));
    let row = get(&app, &admin, id).await;
    assert_eq!(row.status, UserStatus::InvitePending, "no longer expired");
    assert!(row.invited_at.unwrap() > 5);
    assert!(row.invitation_expires_at.unwrap() > row.invited_at.unwrap());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'invitations_sent' AND detail = $1",
            "li.na@acme.example"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn revoking_withdraws_the_link_and_the_person_shows_as_expired() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(&app, &admin, "li.na@acme.example\nwang@acme.example", &[]).await;
    let id = id_of(&app, "li.na@acme.example").await;
    let token = welcome_token(&app, "li.na@acme.example").await;
    let (status, outcome, body) = act_on(&app, &admin, "revoke", id).await;
    assert_eq!(status, 200, "{body}");
    let outcome = outcome.unwrap();
    assert_eq!((outcome.action, outcome.done), (Action::Revoke, 1));
    assert_eq!(link_status(&app, &token).await, LinkStatus::Revoked);
    let row = get(&app, &admin, id).await;
    assert_eq!(row.status, UserStatus::Expired);
    assert!(row.invitation_revoked_at.is_some());
    let (status, body) = call(
        &app,
        &browser(),
        "account/create",
        &owned(&[
            ("token", &token),
            ("name", "Li Na"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(status, 409, "a withdrawn link makes no account: {body}");
    let other = get(&app, &admin, id_of(&app, "wang@acme.example").await).await;
    assert_eq!(
        other.status,
        UserStatus::InvitePending,
        "only the one chosen"
    );

    let (_, outcome, _) = act_on(&app, &admin, "revoke", id).await;
    assert_eq!(
        outcome.map(|o| (o.done, o.skipped)),
        Some((0, 1)),
        "an expired invitation has nothing to withdraw"
    );
}

#[tokio::test]
async fn deactivating_ends_sessions_and_reactivating_lets_people_back() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let person = app
        .add_active_user(provisioned.org, "person@acme.example", Role::User)
        .await;
    execute(
        &app,
        "UPDATE users SET first_sign_in_at = 1 WHERE email = 'person@acme.example'",
    )
    .await;
    add(&app, &admin, "pending@acme.example", &[]).await;
    let pending = id_of(&app, "pending@acme.example").await;
    let (answer, signed_in) = app.sign_in("person@acme.example", PASSWORD).await;
    assert!(answer.status().is_success() || answer.status().is_redirection());
    let (status, _) = call(&app, &signed_in, "account/signed-in", &[]).await;
    assert_eq!(status, 200);

    let (status, outcome, body) =
        act(&app, &admin, &ticked("deactivate", &[person, pending])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(outcome.map(|o| o.done), Some(2));
    let (status, _) = call(&app, &signed_in, "account/signed-in", &[]).await;
    assert_eq!(status, 401, "their session ended");
    let (answer, _) = app.sign_in("person@acme.example", PASSWORD).await;
    assert!(
        !answer.status().is_success() && !answer.status().is_redirection(),
        "a deactivated person cannot sign in: {}",
        answer.status()
    );
    let token = welcome_token(&app, "pending@acme.example").await;
    assert_eq!(link_status(&app, &token).await, LinkStatus::Revoked);
    assert_eq!(
        get(&app, &admin, person).await.status,
        UserStatus::Deactivated
    );
    let (_, outcome, _) = act_on(&app, &admin, "deactivate", person).await;
    assert_eq!(outcome.map(|o| (o.done, o.skipped)), Some((0, 1)));

    let (status, outcome, body) =
        act(&app, &admin, &ticked("reactivate", &[person, pending])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(outcome.map(|o| o.done), Some(2));
    assert_eq!(
        stored(&app, "person@acme.example").await.0,
        "active",
        "someone who had signed in is active again"
    );
    assert_eq!(
        user_column(&app, "person@acme.example", "deactivated_at").await,
        None
    );
    assert_eq!(
        stored(&app, "pending@acme.example").await.0,
        "invite_pending",
        "someone who never signed in is invited again"
    );
    assert_eq!(get(&app, &admin, pending).await.status, UserStatus::Expired);
    let (answer, client) = app.sign_in("person@acme.example", PASSWORD).await;
    assert!(answer.status().is_success() || answer.status().is_redirection());
    let (status, _) = call(&app, &client, "account/signed-in", &[]).await;
    assert_eq!(status, 200);
    let (_, outcome, _) = act_on(&app, &admin, "reactivate", person).await;
    assert_eq!(outcome.map(|o| (o.done, o.skipped)), Some((0, 1)));
}

#[tokio::test]
async fn deleting_needs_a_confirmation_and_removes_the_person() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "Li Na, li.na@acme.example\nkeep@acme.example",
        &["messaging"],
    )
    .await;
    let id = id_of(&app, "li.na@acme.example").await;
    let (status, outcome, body) = act_on(&app, &admin, "delete", id).await;
    assert_eq!(status, 422, "{body}");
    assert!(outcome.is_none());
    assert_eq!(field_reason(&body, "confirm"), "DeleteNeedsConfirmation");
    let mut form = ticked("delete", &[id]);
    form.push(("confirm", "no".to_owned()));
    assert_eq!(act(&app, &admin, &form).await.0, 422);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "li.na@acme.example"
        )
        .await,
        1
    );

    form.pop();
    form.push(("confirm", "yes".to_owned()));
    let (status, outcome, body) = act(&app, &admin, &form).await;
    assert_eq!(status, 200, "{body}");
    let outcome = outcome.unwrap();
    assert_eq!((outcome.action, outcome.done), (Action::Delete, 1));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "li.na@acme.example"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM user_services s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
            "keep@acme.example"
        )
        .await,
        1,
        "the others keep theirs"
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM user_services WHERE user_id = {id}")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM account_tokens WHERE user_id = {id}")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'users_deleted' AND detail = $1",
            "li.na@acme.example"
        )
        .await,
        1
    );
    let (status, _) = call(&app, &admin, "users/get", &[("id", id.to_string())]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn nobody_locks_themselves_out() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let me = provisioned.admin_user_id;
    let other = app
        .add_active_user(provisioned.org, "other@acme.example", Role::User)
        .await;
    for action in ["deactivate", "delete"] {
        let mut form = ticked(action, &[me, other]);
        form.push(("confirm", "yes".to_owned()));
        let (status, outcome, body) = act(&app, &admin, &form).await;
        assert_eq!(status, 200, "{action}: {body}");
        let outcome = outcome.unwrap();
        assert_eq!(outcome.done, 1, "{action}");
        assert_eq!(
            outcome.refused,
            [("admin@acme.example".to_owned(), Key::RefusedYourself)],
            "{action}"
        );
        if action == "deactivate" {
            act_on(&app, &admin, "reactivate", other).await;
        }
    }
    assert_eq!(
        stored(&app, "admin@acme.example").await,
        ("active".into(), "full_admin".into())
    );
    let (status, _) = call(&app, &admin, "account/signed-in", &[]).await;
    assert_eq!(status, 200, "still signed in");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "other@acme.example"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_filtered_scope_acts_on_everyone_the_filter_matches() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let team_a: String = (0..55)
        .map(|n| format!("Team A {n}, a{n}@team-a.example\n"))
        .collect();
    add(&app, &admin, &team_a, &[]).await;
    add(&app, &admin, "Team A Gone, gone@team-a.example", &[]).await;
    add(
        &app,
        &admin,
        "b0@team-b.example\nb1@team-b.example",
        &["calling"],
    )
    .await;
    add(
        &app,
        &admin,
        "b2@team-b.example\nb3@team-b.example",
        &["meetings"],
    )
    .await;
    let gone = id_of(&app, "gone@team-a.example").await;
    act_on(&app, &admin, "deactivate", gone).await;

    // Beyond the first page: all 55 of team A still pending, not the one deactivated.
    let (status, outcome, body) = act(
        &app,
        &admin,
        &owned(&[
            ("action", "revoke"),
            ("scope", "filtered"),
            (
                "back",
                "q=TEAM+A&status=invite_pending&sort=-name&after=9.x",
            ),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let outcome = outcome.unwrap();
    assert_eq!((outcome.done, outcome.skipped), (55, 0));
    let page = list(&app, &admin, &[]).await;
    assert_eq!(page.count(UserStatus::Expired), 55);
    assert_eq!(page.count(UserStatus::InvitePending), 4, "team B untouched");

    // A service and a search together.
    let (status, outcome, body) = act(
        &app,
        &admin,
        &owned(&[
            ("action", "deactivate"),
            ("scope", "filtered"),
            ("back", "service=calling&q=team-b"),
            ("ids[0]", &gone.to_string()),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        outcome.map(|o| (o.done, o.skipped)),
        Some((2, 0)),
        "the filter, not the ticked rows"
    );
    let left = list(
        &app,
        &admin,
        &owned(&[("status", "invite_pending"), ("sort", "email")]),
    )
    .await;
    assert_eq!(
        emails(&left.rows),
        ["b2@team-b.example", "b3@team-b.example"]
    );
    let deactivated = list(
        &app,
        &admin,
        &owned(&[("status", "deactivated"), ("sort", "email")]),
    )
    .await;
    assert_eq!(
        emails(&deactivated.rows),
        [
            "b0@team-b.example",
            "b1@team-b.example",
            "gone@team-a.example"
        ]
    );

    let (status, outcome, body) = act(
        &app,
        &admin,
        &owned(&[
            ("action", "resend"),
            ("scope", "filtered"),
            ("back", "status=expired"),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(outcome.map(|o| o.done), Some(55));
    assert_eq!(invitations_to(&app, "a54@team-a.example").await, 2);
    assert_eq!(invitations_to(&app, "b2@team-b.example").await, 1);
    let page = list(&app, &admin, &[]).await;
    assert_eq!(page.count(UserStatus::InvitePending), 57);
    assert_eq!(page.count(UserStatus::Expired), 0);
}

#[tokio::test]
async fn resending_to_the_long_pending_reaches_only_them() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "old1@acme.example\nold2@acme.example\nrecent@acme.example",
        &[],
    )
    .await;
    let now = app::server::now();
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(
        "UPDATE users SET invited_at = $1, invitation_expires_at = $2 WHERE email LIKE 'old%'",
    )
    .bind(now - 10 * DAY)
    .bind(now + 4 * DAY)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE users SET invited_at = $1 WHERE email = 'recent@acme.example'")
        .bind(now - 3 * DAY)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let (status, _, body) = act(&app, &admin, &owned(&[("action", "archive")])).await;
    assert_eq!(status, 422);
    assert_eq!(field_reason(&body, "action"), "ErrorInvalid");
    for days in ["0", "3651", "soon", ""] {
        let (status, _, body) = act(
            &app,
            &admin,
            &owned(&[("action", "resend-older"), ("days", days)]),
        )
        .await;
        assert_eq!(status, 422, "{days:?}");
        assert_eq!(field_reason(&body, "days"), "DaysInvalid");
    }
    let (status, outcome, body) = act(
        &app,
        &admin,
        &owned(&[("action", "resend-older"), ("days", " 7 ")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let outcome = outcome.unwrap();
    assert_eq!((outcome.action, outcome.done), (Action::ResendOlder, 2));
    assert_eq!(invitations_to(&app, "old1@acme.example").await, 2);
    assert_eq!(invitations_to(&app, "old2@acme.example").await, 2);
    assert_eq!(invitations_to(&app, "recent@acme.example").await, 1);
    assert!(
        user_column(&app, "old1@acme.example", "invited_at")
            .await
            .unwrap()
            >= now
    );

    let (_, outcome, _) = act(
        &app,
        &admin,
        &owned(&[("action", "resend-older"), ("days", "2")]),
    )
    .await;
    assert_eq!(
        outcome.map(|o| o.done),
        Some(1),
        "only recent is now older than 2 days"
    );
    assert_eq!(invitations_to(&app, "recent@acme.example").await, 2);
}

#[tokio::test]
async fn a_plain_form_post_comes_back_to_the_table() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(&app, &admin, "li.na@acme.example\nwang@acme.example", &[]).await;
    let li = id_of(&app, "li.na@acme.example").await;
    let me = id_of(&app, "admin@acme.example").await;
    let wang = id_of(&app, "wang@acme.example").await;
    let (li, me, wang) = (li.to_string(), me.to_string(), wang.to_string());
    let answer = admin
        .post(app.url("/api/users/act"))
        .header("Accept", "text/html")
        .form(&[
            ("action", "deactivate"),
            ("ids[0]", &li),
            ("ids[1]", &me),
            ("back", "q=acme&status=invite_pending&evil=x&sort=-name"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        matches!(answer.status().as_u16(), 302 | 303),
        "{}",
        answer.status()
    );
    assert_eq!(
        answer.headers()["location"],
        "/users?q=acme&status=invite_pending&sort=-name&acted=deactivate&done=1&skipped=0&refused=1"
    );
    assert_eq!(stored(&app, "li.na@acme.example").await.0, "deactivated");

    let answer = admin
        .post(app.url("/api/users/act"))
        .header("Accept", "text/html")
        .form(&[("row", format!("resend:{wang}")), ("back", String::new())])
        .send()
        .await
        .unwrap();
    assert!(matches!(answer.status().as_u16(), 302 | 303));
    assert_eq!(
        answer.headers()["location"],
        "/users?acted=resend&done=1&skipped=0&refused=0"
    );
    assert_eq!(invitations_to(&app, "wang@acme.example").await, 2);
}

#[tokio::test]
async fn read_only_administrators_look_and_plain_users_do_not() {
    let app = common::spawn_app().await;
    let (provisioned, _) = app.admin_of("Acme", "admin@acme.example").await;
    let target = app
        .add_active_user(provisioned.org, "person@acme.example", Role::User)
        .await;
    app.add_active_user(provisioned.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    let (_, reader) = app.sign_in("reader@acme.example", PASSWORD).await;
    let page = list(&app, &reader, &[]).await;
    assert_eq!(page.rows.len(), 3);
    assert_eq!(page.viewer_role, Role::ReadOnlyAdmin);
    assert_eq!(
        get(&app, &reader, target).await.email,
        "person@acme.example"
    );
    let id = target.to_string();
    for (endpoint, form) in [
        ("users/act", owned(&[("row", &format!("deactivate:{id}"))])),
        (
            "users/set-services",
            owned(&[("id", &id), ("calling", "on")]),
        ),
        (
            "users/set-role",
            owned(&[("id", &id), ("role", "user_admin")]),
        ),
        (
            "users/add-admin",
            owned(&[("email", "x@acme.example"), ("role", "user_admin")]),
        ),
        ("users/known", owned(&[("text", "person@acme.example")])),
    ] {
        let (status, _) = call(&app, &reader, endpoint, &form).await;
        assert_eq!(status, 403, "{endpoint}");
    }
    assert_eq!(stored(&app, "person@acme.example").await.0, "active");

    let (_, person) = app.sign_in("person@acme.example", PASSWORD).await;
    for (endpoint, form) in [
        ("users/list", vec![]),
        ("users/get", owned(&[("id", &id)])),
        ("users/act", owned(&[("row", &format!("deactivate:{id}"))])),
    ] {
        let (status, _) = call(&app, &person, endpoint, &form).await;
        assert_eq!(status, 403, "{endpoint}");
        let (status, _) = call(&app, &browser(), endpoint, &form).await;
        assert_eq!(status, 401, "{endpoint} signed out");
    }
}

#[tokio::test]
async fn user_administrators_change_users_but_not_administrators() {
    let app = common::spawn_app().await;
    let (provisioned, _) = app.admin_of("Acme", "admin@acme.example").await;
    let person = app
        .add_active_user(provisioned.org, "person@acme.example", Role::User)
        .await;
    let reader = app
        .add_active_user(provisioned.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    app.add_active_user(provisioned.org, "users@acme.example", Role::UserAdmin)
        .await;
    let (_, users_admin) = app.sign_in("users@acme.example", PASSWORD).await;

    let (status, outcome, body) = act(
        &app,
        &users_admin,
        &ticked("deactivate", &[person, reader, provisioned.admin_user_id]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut outcome = outcome.unwrap();
    outcome.refused.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(outcome.done, 1);
    assert_eq!(
        outcome.refused,
        [
            ("admin@acme.example".to_owned(), Key::RefusedAdministrator),
            ("reader@acme.example".to_owned(), Key::RefusedAdministrator),
        ]
    );
    assert_eq!(stored(&app, "person@acme.example").await.0, "deactivated");
    assert_eq!(stored(&app, "reader@acme.example").await.0, "active");
    assert_eq!(stored(&app, "admin@acme.example").await.0, "active");

    let (status, _) = call(
        &app,
        &users_admin,
        "users/set-services",
        &owned(&[("id", &person.to_string()), ("messaging", "on")]),
    )
    .await;
    assert_eq!(status, 200, "a user administrator sets a user's services");
    let (status, _) = call(
        &app,
        &users_admin,
        "users/set-services",
        &owned(&[("id", &reader.to_string()), ("messaging", "on")]),
    )
    .await;
    assert_eq!(status, 403, "but not an administrator's");
    for (endpoint, form) in [
        (
            "users/set-role",
            owned(&[("id", &person.to_string()), ("role", "user_admin")]),
        ),
        (
            "users/add-admin",
            owned(&[("email", "new@acme.example"), ("role", "read_only_admin")]),
        ),
        ("users/known", owned(&[("text", "person@acme.example")])),
    ] {
        let (status, _) = call(&app, &users_admin, endpoint, &form).await;
        assert_eq!(status, 403, "{endpoint}");
    }
    assert_eq!(stored(&app, "person@acme.example").await.1, "user");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "new@acme.example"
        )
        .await,
        0
    );
}

async fn role_changes(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'role_changed' ORDER BY id")
        .fetch_all(app.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_last_active_full_administrator_cannot_step_down() {
    let app = common::spawn_app().await;
    let (provisioned, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let me = provisioned.admin_user_id.to_string();
    let (status, body) = set_role(&app, &admin, &me, "user_admin").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["Conflict"], "LastFullAdmin");

    // A full administrator who has not signed in yet does not count.
    let (status, body) = call(
        &app,
        &admin,
        "users/add-admin",
        &owned(&[("email", "invited@acme.example"), ("role", "full_admin")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = set_role(&app, &admin, &me, "read_only_admin").await;
    assert_eq!(status, 409);
    assert_eq!(stored(&app, "admin@acme.example").await.1, "full_admin");
    assert_eq!(
        role_changes(&app).await,
        ["invited@acme.example: user -> full_admin"]
    );

    let second = app
        .add_active_user(provisioned.org, "second@acme.example", Role::User)
        .await;
    let (status, body) = set_role(&app, &admin, &second.to_string(), "full_admin").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = set_role(&app, &admin, &me, "user_admin").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stored(&app, "admin@acme.example").await.1, "user_admin");
    assert_eq!(
        role_changes(&app).await,
        [
            "invited@acme.example: user -> full_admin",
            "second@acme.example: user -> full_admin",
            "admin@acme.example: full_admin -> user_admin",
        ]
    );
    let (status, _) = set_role(&app, &admin, &me, "full_admin").await;
    assert_eq!(status, 403, "no longer a full administrator");

    let (_, second_client) = app.sign_in("second@acme.example", PASSWORD).await;
    let (status, _) = set_role(&app, &second_client, &second.to_string(), "user").await;
    assert_eq!(status, 409, "now the last one");
    let (status, body) = set_role(&app, &second_client, &me, "owner").await;
    assert_eq!(status, 422);
    assert_eq!(field_reason(&body, "role"), "ErrorInvalid");
    assert_eq!(role_changes(&app).await.len(), 3);
}

#[tokio::test]
async fn services_are_set_within_the_licences() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await; // calling=10
    let ten: String = (0..10).map(|n| format!("c{n}@acme.example\n")).collect();
    add(&app, &admin, &ten, &["calling"]).await;
    add(&app, &admin, "Li Na, li.na@acme.example", &["messaging"]).await;
    let li = id_of(&app, "li.na@acme.example").await.to_string();
    let c0 = id_of(&app, "c0@acme.example").await;

    let (status, body) = call(
        &app,
        &admin,
        "users/set-services",
        &owned(&[("id", &li), ("meetings", "on"), ("messaging", "on")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let row = get(&app, &admin, li.parse().unwrap()).await;
    assert_eq!(row.services, [Service::Messaging, Service::Meetings]);

    let (status, body) = call(
        &app,
        &admin,
        "users/set-services",
        &owned(&[("id", &li), ("calling", "on")]),
    )
    .await;
    assert_eq!(status, 422, "no calling seat is left: {body}");
    assert_eq!(field_reason(&body, "services"), "LicenceShort");
    assert_eq!(
        get(&app, &admin, li.parse().unwrap()).await.services,
        [Service::Messaging, Service::Meetings],
        "nothing changed"
    );

    // Keeping a service that is full is no gain.
    let (status, body) = call(
        &app,
        &admin,
        "users/set-services",
        &owned(&[
            ("id", &c0.to_string()),
            ("calling", "on"),
            ("meetings", "on"),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        get(&app, &admin, c0).await.services,
        [Service::Meetings, Service::Calling]
    );

    // A deactivated person's seat is free; reactivating them needs it back.
    let (_, outcome, _) = act_on(&app, &admin, "deactivate", c0).await;
    assert_eq!(outcome.map(|o| o.done), Some(1));
    let (status, body) = call(
        &app,
        &admin,
        "users/set-services",
        &owned(&[("id", &li), ("calling", "on")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        get(&app, &admin, li.parse().unwrap()).await.services,
        [Service::Calling]
    );
    let (status, _, body) = act_on(&app, &admin, "reactivate", c0).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_reason(&body, "services"), "LicenceShort");
    assert_eq!(stored(&app, "c0@acme.example").await.0, "deactivated");

    let (status, _) = call(&app, &admin, "users/set-services", &owned(&[("id", &li)])).await;
    assert_eq!(status, 200);
    assert!(get(&app, &admin, li.parse().unwrap())
        .await
        .services
        .is_empty());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'services_changed' AND detail LIKE $1",
            "li.na@acme.example:%"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn administrators_are_made_from_people_or_invited() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(&app, &admin, "Li Na, li.na@acme.example", &["messaging"]).await;
    let li = id_of(&app, "li.na@acme.example").await;
    let users_before = scalar(&app, "SELECT COUNT(*) FROM users").await;

    let answer = app
        .call_as(
            &admin,
            "users/add-admin",
            &[("email", " LI.NA@acme.example "), ("role", "user_admin")],
        )
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["location"],
        format!("/users/{li}?saved=role")
    );
    assert_eq!(
        stored(&app, "li.na@acme.example").await,
        ("invite_pending".into(), "user_admin".into())
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users").await,
        users_before
    );
    assert_eq!(
        invitations_to(&app, "li.na@acme.example").await,
        1,
        "no new mail"
    );

    let answer = app
        .call_as(
            &admin,
            "users/add-admin",
            &[("email", "new@acme.example"), ("role", "read_only_admin")],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let new = id_of(&app, "new@acme.example").await;
    assert_eq!(
        answer.headers()["location"],
        format!("/users/{new}?saved=role")
    );
    let row = get(&app, &admin, new).await;
    assert_eq!(
        (row.status, row.role),
        (UserStatus::InvitePending, Role::ReadOnlyAdmin)
    );
    assert!(row.invitation_expires_at.unwrap() > row.invited_at.unwrap());
    assert_eq!(invitations_to(&app, "new@acme.example").await, 1);
    let token = welcome_token(&app, "new@acme.example").await;
    match link_status(&app, &token).await {
        LinkStatus::Valid { email, role, .. } => {
            assert_eq!(
                (email.as_str(), role),
                ("new@acme.example", Role::ReadOnlyAdmin)
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'users_added' AND detail = $1",
            "new@acme.example"
        )
        .await,
        1
    );

    for (email, role, field) in [
        ("plain@acme.example", "user", "role"),
        ("plain@acme.example", "boss", "role"),
        ("not an address", "user_admin", "email"),
    ] {
        let (status, body) = call(
            &app,
            &admin,
            "users/add-admin",
            &owned(&[("email", email), ("role", role)]),
        )
        .await;
        assert_eq!(status, 422, "{email} {role}: {body}");
        assert_ne!(field_reason(&body, field), Value::Null, "{body}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "plain@acme.example"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn known_says_which_pasted_addresses_are_already_people() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    add(&app, &admin, "Li Na, li.na@acme.example", &[]).await;
    add(&app, &other, "someone@globex.example", &[]).await;
    let (status, body) = call(
        &app,
        &admin,
        "users/known",
        &owned(&[(
            "text",
            "Li Na <LI.NA@acme.example>\nnew@acme.example\nsomeone@globex.example\nnot an address\nadmin@acme.example",
        )]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!(["admin@acme.example", "li.na@acme.example"])
    );
    let (status, body) = call(&app, &admin, "users/known", &owned(&[("text", "")])).await;
    assert_eq!((status, body), (200, serde_json::json!([])));
}

/// Asks for a new invitation with `token`; the answer must not tell whether one was sent.
async fn ask_for_a_new_invitation(app: &TestApp, token: &str) {
    let answer = app
        .call_as(&browser(), "account/new-invitation", &[("token", token)])
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["location"],
        format!("/welcome/{token}?sent")
    );
}

#[tokio::test]
async fn an_expired_invitation_asks_for_a_new_one_three_times_a_day() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(&app, &admin, "Li Na, li.na@acme.example", &[]).await;
    let id = id_of(&app, "li.na@acme.example").await;
    let old = welcome_token(&app, "li.na@acme.example").await;

    ask_for_a_new_invitation(&app, &old).await;
    assert_eq!(
        invitations_to(&app, "li.na@acme.example").await,
        1,
        "a link still valid gets nothing new"
    );

    execute(&app, "UPDATE account_tokens SET expires_at = 1").await;
    execute(&app, "UPDATE users SET invitation_expires_at = 1").await;
    assert_eq!(get(&app, &admin, id).await.status, UserStatus::Expired);
    assert_eq!(link_status(&app, &old).await, LinkStatus::Expired);

    ask_for_a_new_invitation(&app, &old).await;
    assert_eq!(invitations_to(&app, "li.na@acme.example").await, 2);
    let second = welcome_token(&app, "li.na@acme.example").await;
    assert_ne!(second, old);
    assert!(matches!(
        link_status(&app, &second).await,
        LinkStatus::Valid { .. }
    ));
    assert_eq!(
        get(&app, &admin, id).await.status,
        UserStatus::InvitePending
    );

    // Three links a day (the first invitation counts): one more, then no more.
    ask_for_a_new_invitation(&app, &old).await;
    assert_eq!(invitations_to(&app, "li.na@acme.example").await, 3);
    let third = welcome_token(&app, "li.na@acme.example").await;
    assert_eq!(link_status(&app, &second).await, LinkStatus::Expired);
    ask_for_a_new_invitation(&app, &second).await;
    ask_for_a_new_invitation(&app, &old).await;
    assert_eq!(invitations_to(&app, "li.na@acme.example").await, 3);
    assert!(matches!(
        link_status(&app, &third).await,
        LinkStatus::Valid { .. }
    ));
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM account_tokens WHERE purpose = 'welcome' AND user_id = {id}"
            )
        )
        .await,
        3
    );
}

#[tokio::test]
async fn no_new_invitation_for_the_active_the_revoked_or_a_stranger() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    add(
        &app,
        &admin,
        "Li Na, li.na@acme.example\nWang Wei, wang@acme.example",
        &[],
    )
    .await;
    let li = id_of(&app, "li.na@acme.example").await;
    let wang = id_of(&app, "wang@acme.example").await;
    let li_first = welcome_token(&app, "li.na@acme.example").await;
    let wang_first = welcome_token(&app, "wang@acme.example").await;

    // Li Na accepts a resent invitation; her first link is then expired but she is active.
    act_on(&app, &admin, "resend", li).await;
    let li_second = welcome_token(&app, "li.na@acme.example").await;
    let (status, body) = call(
        &app,
        &browser(),
        "account/create",
        &owned(&[
            ("token", &li_second),
            ("name", "Li Na"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(link_status(&app, &li_first).await, LinkStatus::Expired);
    ask_for_a_new_invitation(&app, &li_first).await;
    assert_eq!(invitations_to(&app, "li.na@acme.example").await, 2);

    // Wang's invitation is withdrawn; his link, even once past its time, asks for nothing.
    act_on(&app, &admin, "revoke", wang).await;
    execute(&app, "UPDATE account_tokens SET expires_at = 1").await;
    assert_eq!(link_status(&app, &wang_first).await, LinkStatus::Revoked);
    ask_for_a_new_invitation(&app, &wang_first).await;
    assert_eq!(invitations_to(&app, "wang@acme.example").await, 1);

    ask_for_a_new_invitation(&app, "not-a-real-token").await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE kind = $1",
            "invitation"
        )
        .await,
        3
    );
}

/// The per-status counts the triggers keep, against a recount of the people themselves.
async fn counts_agree(app: &TestApp) {
    let kept: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT org_id, status, n FROM user_counts WHERE n <> 0 ORDER BY org_id, status",
    )
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    let recounted: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT org_id, status, COUNT(*) FROM users GROUP BY org_id, status ORDER BY org_id, status",
    )
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(kept, recounted);
}

#[tokio::test]
async fn the_counts_stay_true_through_every_kind_of_change() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.admin_of("Beta", "admin@beta.example").await;
    counts_agree(&app).await;
    add(
        &app,
        &admin,
        "a@acme.example\nb@acme.example\nc@acme.example\nd@acme.example",
        &["messaging"],
    )
    .await;
    counts_agree(&app).await;
    let (a, b, c) = (
        id_of(&app, "a@acme.example").await,
        id_of(&app, "b@acme.example").await,
        id_of(&app, "c@acme.example").await,
    );
    for (action, id) in [("deactivate", a), ("revoke", b), ("reactivate", a)] {
        let (status, _, body) = act_on(&app, &admin, action, id).await;
        assert_eq!(status, 200, "{action}: {body}");
        counts_agree(&app).await;
    }
    let mut form = ticked("delete", &[c, b]);
    form.push(("confirm", "yes".to_owned()));
    assert_eq!(act(&app, &admin, &form).await.0, 200);
    counts_agree(&app).await;
    // a, deactivated while pending, lost its link: back as Expired until it is resent.
    let page = list(&app, &admin, &[]).await;
    assert_eq!(
        page.counts,
        [
            (UserStatus::Active, 1),
            (UserStatus::InvitePending, 1),
            (UserStatus::Expired, 1),
            (UserStatus::Deactivated, 0),
        ]
    );
}
