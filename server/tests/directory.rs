//! Directory sync against a real LDAP directory (slapd): every person read across pages and
//! mapped, a refused bind and an unreachable server each said; then through HTTP the settings
//! (checked, the password sealed), the dry run, and syncs that add with invitations, update,
//! give services by group, deactivate and reactivate; the guards (nobody returned, licences
//! short, one sync at a time), the schedule, and roles.

mod common;

use app::api::directory::{DirectoryView, DryRun, SyncView};
use app::domain::{OrgId, Role};
use app::server::directory::ldap::{self, Attributes, Directory, DirectoryError};
use common::ldap::{Slapd, BASE, BIND_DN, PASSWORD, PHONES};
use common::TestApp;
use ldap3::{LdapConnAsync, Mod};
use std::collections::HashSet;

fn directory(url: &str, password: &str) -> Directory {
    Directory {
        url: url.to_owned(),
        bind_dn: BIND_DN.to_owned(),
        password: password.to_owned(),
        base_dn: format!("ou=people,{BASE}"),
        filter: "(objectClass=inetOrgPerson)".to_owned(),
        attributes: Attributes::default(),
        everyone: Vec::new(),
        groups: Vec::new(),
    }
}

#[tokio::test]
async fn five_thousand_people_are_read_in_pages_and_mapped() {
    let slapd = Slapd::start(5_000);
    let read = ldap::read(&directory(&slapd.url, PASSWORD))
        .await
        .expect("the directory");
    assert_eq!(
        read.people.len(),
        5_000,
        "more than the 500 a search without paging gets"
    );
    assert_eq!(
        read.without_address,
        [format!("uid=nomail,ou=people,{BASE}")]
    );
    let p42 = read
        .people
        .iter()
        .find(|p| p.dn == format!("uid=p42,ou=people,{BASE}"))
        .expect("p42");
    assert_eq!(
        p42.email.as_str(),
        "p42@acme.example",
        "addresses are kept lower-case"
    );
    assert_eq!(p42.first_name.as_deref(), Some("Given42"));
    assert_eq!(p42.last_name.as_deref(), Some("Family42"));
    assert_eq!(p42.display_name.as_deref(), Some("Given42 Family42"));
    assert_eq!(p42.phone.as_deref(), Some("+861055550042"), "kept in E.164");
    assert_eq!(p42.services, None, "no services managed");

    // Another mapping: the common name as the display name; and services by group.
    let mut by_cn = directory(&slapd.url, PASSWORD);
    by_cn.attributes.display_name = "CN".to_owned();
    by_cn.filter = "(|(uid=p1)(uid=p7))".to_owned();
    by_cn.everyone = vec![app::domain::Service::Messaging];
    by_cn.groups = vec![(app::domain::Service::Calling, PHONES.to_uppercase())];
    let read = ldap::read(&by_cn).await.expect("the directory");
    assert_eq!(read.people.len(), 2);
    let p1 = read.people.iter().find(|p| p.dn.contains("p1")).unwrap();
    let p7 = read.people.iter().find(|p| p.dn.contains("p7")).unwrap();
    assert_eq!(p7.display_name.as_deref(), Some("Person 7"));
    use app::domain::Service::{Calling, Messaging};
    assert_eq!(
        p1.services,
        Some(vec![Messaging, Calling]),
        "a member written with spaces"
    );
    assert_eq!(p7.services, Some(vec![Messaging]));

    let mut missing = by_cn.clone();
    missing.groups = vec![(Calling, format!("cn=nobody,ou=groups,{BASE}"))];
    assert_eq!(
        ldap::read(&missing).await.unwrap_err(),
        DirectoryError::GroupMissing(format!("cn=nobody,ou=groups,{BASE}"))
    );
}

#[tokio::test]
async fn a_refused_bind_and_an_unreachable_server_are_each_said() {
    let slapd = Slapd::start(1);
    let refused = ldap::read(&directory(&slapd.url, "wrong"))
        .await
        .unwrap_err();
    assert_eq!(refused, DirectoryError::BindRefused);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("ldap://127.0.0.1:{port}");
    let unreachable = ldap::read(&directory(&nowhere, PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(unreachable, DirectoryError::Unreachable(nowhere));
}

/// The settings form for `url`, with `extra` replacing or adding fields.
fn form<'a>(url: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("url", url),
        ("bind_dn", BIND_DN),
        ("password", PASSWORD),
        ("base_dn", "ou=people,dc=acme,dc=example"),
        ("filter", "(objectClass=inetOrgPerson)"),
        ("attribute_email", "mail"),
        ("attribute_first_name", "givenName"),
        ("attribute_last_name", "sn"),
        ("attribute_display_name", "displayName"),
        ("attribute_phone", "telephoneNumber"),
        ("schedule", "off"),
    ];
    for (name, value) in extra {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.call_as(client, "directory/save", fields).await
}

async fn settings(app: &TestApp, client: &reqwest::Client) -> DirectoryView {
    let answer = app.call_as(client, "directory/settings", &[]).await;
    assert_eq!(answer.status(), 200, "settings");
    answer.json().await.expect("the settings")
}

async fn signed_in(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    app.call_as(client, "account/signed-in", &[])
        .await
        .json()
        .await
        .expect("who is signed in")
}

async fn dry_run(app: &TestApp, client: &reqwest::Client) -> DryRun {
    let answer = app.call_as(client, "directory/dry-run", &[]).await;
    assert_eq!(answer.status(), 200, "dry run");
    answer.json().await.expect("a dry run")
}

async fn syncs(app: &TestApp, client: &reqwest::Client) -> Vec<SyncView> {
    let answer = app.call_as(client, "directory/syncs", &[]).await;
    assert_eq!(answer.status(), 200);
    answer
        .json::<(Vec<SyncView>, i64)>()
        .await
        .expect("syncs")
        .0
}

/// Starts a sync and waits until it ends; the sync as it ended.
async fn sync(app: &TestApp, client: &reqwest::Client) -> SyncView {
    let answer = app.call_as(client, "directory/sync", &[]).await;
    assert_eq!(answer.status(), 200, "sync started");
    finished(app, client).await
}

async fn finished(app: &TestApp, client: &reqwest::Client) -> SyncView {
    let started = std::time::Instant::now();
    loop {
        let latest = syncs(app, client).await.into_iter().next().expect("a sync");
        if latest.state != "running" {
            return latest;
        }
        assert!(started.elapsed().as_secs() < 30, "the sync did not end");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn status_of(app: &TestApp, org: OrgId, email: &str) -> (String, Option<String>, String) {
    sqlx::query_as(
        "SELECT u.status, u.first_name,
                COALESCE((SELECT group_concat(service, ',') FROM
                    (SELECT service FROM user_services s WHERE s.user_id = u.id ORDER BY service)), '')
         FROM users u WHERE u.org_id = $1 AND u.email = $2",
    )
    .bind(org.0)
    .bind(email)
    .fetch_one(app.state.db.reader())
    .await
    .expect("the person")
}

async fn execute(app: &TestApp, sql: &'static str, org: OrgId) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(sql)
        .bind(org.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Changes the directory as its administrator would.
async fn change_directory(url: &str, change: impl AsyncFnOnce(&mut ldap3::Ldap)) {
    let (connection, mut ldap) = LdapConnAsync::new(url).await.expect("connect");
    ldap3::drive!(connection);
    ldap.simple_bind(BIND_DN, PASSWORD)
        .await
        .and_then(|r| r.success())
        .expect("bind");
    change(&mut ldap).await;
    let _ = ldap.unbind().await;
}

#[tokio::test]
async fn settings_are_checked_kept_with_the_password_sealed_and_read_by_any_administrator() {
    let slapd = Slapd::start(2);
    let app = common::spawn_app().await;
    let (org, admin) = app
        .admin_of_plan("Acme", "admin@acme.example", "messaging=10,calling=5")
        .await;

    let empty = settings(&app, &admin).await;
    assert!(!empty.configured);
    assert_eq!(
        empty.form.attribute_email, "mail",
        "OpenLDAP's names to start"
    );

    // Every wrong field at once; nothing saved.
    let wrong = save(
        &app,
        &admin,
        &form(
            "http://acme.example",
            &[
                ("password", ""),
                ("base_dn", "people"),
                ("filter", "(objectClass=person"),
                ("groups_calling", "cn=phones,dc=x\nphones"),
                ("groups_meetings", PHONES),
            ],
        ),
    )
    .await;
    let fields: HashSet<String> = common::refused(wrong)
        .await
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        ["url", "password", "base_dn", "filter", "groups_calling"]
            .map(String::from)
            .into()
    );
    let not_in_plan = save(
        &app,
        &admin,
        &form(&slapd.url, &[("groups_meetings", PHONES)]),
    )
    .await;
    assert_eq!(
        common::refused(not_in_plan).await,
        [(
            "groups_meetings".to_owned(),
            "DirectoryServiceNotInPlan".to_owned()
        )]
    );

    let saved = save(
        &app,
        &admin,
        &form(&slapd.url, &[("groups_calling", PHONES)]),
    )
    .await;
    assert_eq!(saved.status(), 200);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT bind_password FROM directory_configs")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert!(
        !stored
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "sealed at rest"
    );
    let view = settings(&app, &admin).await;
    assert!(view.configured);
    assert_eq!(view.form.password, "", "never sent back");
    assert_eq!(view.form.groups_for(app::domain::Service::Calling), PHONES);
    // While a directory syncs, people added by hand are warned about.
    let me = signed_in(&app, &admin).await;
    assert_eq!(me["provisioned"], true, "{me}");

    // An empty password keeps the stored one: the directory still binds.
    let again = save(&app, &admin, &form(&slapd.url, &[("password", "")])).await;
    assert_eq!(again.status(), 200);
    assert_eq!(dry_run(&app, &admin).await.read, 2);

    // A wrong password is said by the dry run, in words.
    save(&app, &admin, &form(&slapd.url, &[("password", "wrong")])).await;
    let refused = app.call_as(&admin, "directory/dry-run", &[]).await;
    assert_eq!(
        common::refused(refused).await,
        [("directory".to_owned(), "DirectoryBindRefused".to_owned())]
    );

    // A read-only administrator reads, and changes nothing.
    app.add_active_user(org.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    let (_, reader) = app.sign_in("reader@acme.example", common::PASSWORD).await;
    let read = settings(&app, &reader).await;
    assert!(read.configured && !read.can_edit);
    for endpoint in ["directory/dry-run", "directory/sync", "directory/remove"] {
        let answer = app.call_as(&reader, endpoint, &[]).await;
        assert_eq!(answer.status(), 403, "{endpoint}");
    }
    let answer = save(&app, &reader, &form(&slapd.url, &[])).await;
    assert_eq!(answer.status(), 403);

    // Another organisation sees none of it.
    let (_, other) = app.admin_of("Other", "admin@other.example").await;
    let theirs = settings(&app, &other).await;
    assert!(!theirs.configured);
    assert_eq!(
        app.call_as(&other, "directory/dry-run", &[]).await.status(),
        422
    );

    // Removing forgets it; people stay.
    let removed = app.call_as(&admin, "directory/remove", &[]).await;
    assert_eq!(removed.status(), 200);
    let gone = settings(&app, &admin).await;
    assert!(!gone.configured);
    let me = signed_in(&app, &admin).await;
    assert_eq!(me["provisioned"], false);
}

#[tokio::test]
async fn syncs_add_with_invitations_update_give_services_by_group_and_deactivate() {
    let slapd = Slapd::start(3);
    let app = common::spawn_app().await;
    let (org, admin) = app
        .admin_of_plan("Acme", "admin@acme.example", "messaging=10,calling=5")
        .await;
    app.add_active_user(org.org, "left@acme.example", Role::User)
        .await;
    let fields = form(
        &slapd.url,
        &[("everyone_messaging", "on"), ("groups_calling", PHONES)],
    );
    assert_eq!(save(&app, &admin, &fields).await.status(), 200);
    let sent_before = app.state.mail.sent().len();

    // The dry run says what will happen and writes nothing.
    let plan = dry_run(&app, &admin).await;
    assert_eq!(plan.read, 3);
    let added: Vec<&str> = plan.add.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(
        added,
        ["p0@acme.example", "p1@acme.example", "p2@acme.example"]
    );
    assert_eq!(plan.deactivate, ["left@acme.example"]);
    assert_eq!(plan.kept_admins, ["admin@acme.example"]);
    assert_eq!(plan.without_address_count, 1);
    assert!(plan.shortfalls.is_empty() && !plan.looks_wrong);
    assert_eq!(
        status_of(&app, org.org, "left@acme.example").await.0,
        "active"
    );

    let done = sync(&app, &admin).await;
    assert_eq!(done.state, "done", "{:?}", done.error);
    assert_eq!(
        (
            done.added,
            done.updated,
            done.deactivated,
            done.done,
            done.total
        ),
        (3, 0, 1, 4, 4)
    );
    assert_eq!(
        status_of(&app, org.org, "p0@acme.example").await,
        (
            "invite_pending".into(),
            Some("Given0".into()),
            "calling,messaging".into()
        )
    );
    assert_eq!(
        status_of(&app, org.org, "p2@acme.example").await.2,
        "messaging"
    );
    assert_eq!(
        status_of(&app, org.org, "left@acme.example").await.0,
        "deactivated"
    );
    assert_eq!(
        status_of(&app, org.org, "admin@acme.example").await.0,
        "active",
        "administrators are kept"
    );
    // Three invitations and two activation codes (the phones group), from the outbox.
    let mail = app.wait_for_mail(sent_before + 5).await;
    let new: Vec<_> = mail[sent_before..].iter().collect();
    assert_eq!(new.len(), 5);
    let codes: HashSet<&str> = new
        .iter()
        .filter(|m| m.raw.contains("/activate"))
        .map(|m| m.to[0].as_str())
        .collect();
    assert_eq!(codes, HashSet::from(["p0@acme.example", "p1@acme.example"]));
    let phone: Option<String> =
        sqlx::query_scalar("SELECT phone_number FROM users WHERE email = 'p2@acme.example'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(phone.as_deref(), Some("+861055550002"));

    // Again at once: nothing to do, no second invitation.
    assert_eq!(dry_run(&app, &admin).await.changes(), 0);
    let idle = sync(&app, &admin).await;
    assert_eq!((idle.state.as_str(), idle.done), ("done", 0));
    assert_eq!(app.state.mail.sent().len(), sent_before + 5);

    // The directory changes: p2 renamed and added to the phones group, p1 gone.
    let url = slapd.url.clone();
    change_directory(&url, async |ldap| {
        let p2 = format!("uid=p2,ou=people,{BASE}");
        ldap.modify(&p2, vec![Mod::Replace("givenName", HashSet::from(["Pat"]))])
            .await
            .and_then(|r| r.success())
            .expect("rename");
        ldap.modify(
            PHONES,
            vec![Mod::Add("member", HashSet::from([p2.as_str()]))],
        )
        .await
        .and_then(|r| r.success())
        .expect("group");
        ldap.delete(&format!("uid=p1,ou=people,{BASE}"))
            .await
            .and_then(|r| r.success())
            .expect("delete");
    })
    .await;
    let plan = dry_run(&app, &admin).await;
    assert_eq!(plan.update.len(), 1);
    assert_eq!(plan.update[0].email, "p2@acme.example");
    assert_eq!(plan.update[0].fields, ["first_name", "services"]);
    assert_eq!(plan.deactivate, ["p1@acme.example"]);
    let second = sync(&app, &admin).await;
    assert_eq!(
        (second.updated, second.deactivated, second.added),
        (1, 1, 0)
    );
    assert_eq!(
        status_of(&app, org.org, "p2@acme.example").await,
        (
            "invite_pending".into(),
            Some("Pat".into()),
            "calling,messaging".into()
        )
    );
    assert_eq!(
        status_of(&app, org.org, "p1@acme.example").await.0,
        "deactivated"
    );
    let mail = app.wait_for_mail(sent_before + 6).await;
    assert!(
        mail.iter()
            .any(|m| m.to == ["p2@acme.example"] && m.raw.contains("/activate")),
        "p2 gained calling, so gets a code"
    );

    // p1 comes back: reactivated.
    change_directory(&url, async |ldap| {
        ldap.add(
            &format!("uid=p1,ou=people,{BASE}"),
            vec![
                ("objectClass", HashSet::from(["inetOrgPerson"])),
                ("uid", HashSet::from(["p1"])),
                ("cn", HashSet::from(["Person 1"])),
                ("sn", HashSet::from(["Family1"])),
                ("mail", HashSet::from(["p1@acme.example"])),
            ],
        )
        .await
        .and_then(|r| r.success())
        .expect("add");
    })
    .await;
    let third = sync(&app, &admin).await;
    assert_eq!(third.reactivated, 1, "{third:?}");
    assert_ne!(
        status_of(&app, org.org, "p1@acme.example").await.0,
        "deactivated"
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND action = 'directory_synced'",
    )
    .bind(org.org.0)
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(audited, 4);
}

#[tokio::test]
async fn a_directory_that_returns_nobody_or_too_many_for_the_licences_changes_nothing() {
    let slapd = Slapd::start(3);
    let app = common::spawn_app().await;
    let (org, admin) = app
        .admin_of_plan("Acme", "admin@acme.example", "messaging=10,calling=1")
        .await;
    app.add_active_user(org.org, "kept@acme.example", Role::User)
        .await;

    // A filter that matches nobody looks exactly like a directory that lost everyone.
    save(
        &app,
        &admin,
        &form(&slapd.url, &[("filter", "(uid=nobody)")]),
    )
    .await;
    let plan = dry_run(&app, &admin).await;
    assert!(plan.looks_wrong);
    assert_eq!(plan.deactivate, ["kept@acme.example"]);
    let failed = sync(&app, &admin).await;
    assert_eq!(failed.state, "failed");
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("returned nobody"),
        "{failed:?}"
    );
    assert_eq!(
        status_of(&app, org.org, "kept@acme.example").await.0,
        "active"
    );

    // Two in the phones group, one calling licence.
    save(
        &app,
        &admin,
        &form(&slapd.url, &[("groups_calling", PHONES)]),
    )
    .await;
    let plan = dry_run(&app, &admin).await;
    assert_eq!(plan.shortfalls.len(), 1);
    assert_eq!(
        (plan.shortfalls[0].needed, plan.shortfalls[0].seats),
        (2, 1)
    );
    let failed = sync(&app, &admin).await;
    assert_eq!(failed.state, "failed");
    assert!(failed
        .error
        .unwrap_or_default()
        .contains("2 Calling licences"));
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE org_id = $1")
        .bind(org.org.0)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(people, 2, "nothing was added");

    // One sync at a time.
    execute(
        &app,
        "INSERT INTO directory_syncs (org_id, state, started_at) VALUES ($1, 'running', 0)",
        org.org,
    )
    .await;
    let busy = app.call_as(&admin, "directory/sync", &[]).await;
    assert_eq!(
        common::refused(busy).await,
        [("directory".to_owned(), "DirectorySyncRunning".to_owned())]
    );
    // A restarted server closes what it left running.
    app::server::directory::apply::fail_interrupted(&app.state)
        .await
        .unwrap();
    assert_eq!(syncs(&app, &admin).await[0].state, "failed");
}

#[tokio::test]
async fn the_schedule_runs_due_syncs_as_the_administrator_who_saved_them() {
    let slapd = Slapd::start(2);
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    save(&app, &admin, &form(&slapd.url, &[("schedule", "hourly")])).await;
    let view = settings(&app, &admin).await;
    let next = view.next_run_at.expect("a next run");
    assert!((next - view.now - 3600).abs() < 60);

    use app::server::directory::schedule::start_due;
    assert_eq!(start_due(&app.state, next - 1).await.unwrap(), 0, "not yet");
    assert_eq!(start_due(&app.state, next).await.unwrap(), 1);
    let done = finished(&app, &admin).await;
    assert!(done.scheduled && done.state == "done" && done.added == 2);
    assert_eq!(
        start_due(&app.state, next + 10).await.unwrap(),
        0,
        "the next run moved on an hour"
    );

    // The administrator who set it up is no longer one: the schedule stops, and says why.
    execute(
        &app,
        "UPDATE users SET role = 'user' WHERE org_id = $1 AND email = 'admin@acme.example'",
        org.org,
    )
    .await;
    assert_eq!(start_due(&app.state, next + 3600).await.unwrap(), 0);
    let (state, error, next_run): (String, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT s.state, s.error, c.next_run_at FROM directory_syncs s
         JOIN directory_configs c ON c.org_id = s.org_id ORDER BY s.id DESC LIMIT 1",
    )
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(state, "failed");
    assert!(error.unwrap_or_default().contains("no longer"));
    assert_eq!(next_run, None);
}

#[tokio::test]
async fn a_sync_of_five_thousand_people_adds_them_all_in_batches() {
    let slapd = Slapd::start(5_000);
    let app = common::spawn_app().await;
    let (org, admin) = app
        .admin_of_plan("Acme", "admin@acme.example", "messaging=6000")
        .await;
    save(
        &app,
        &admin,
        &form(&slapd.url, &[("everyone_messaging", "on")]),
    )
    .await;
    let done = sync(&app, &admin).await;
    assert_eq!(
        (done.state.as_str(), done.added, done.total),
        ("done", 5_000, 5_000),
        "{:?}",
        done.error
    );
    let (people, services, invitations): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users WHERE org_id = $1),
                (SELECT COUNT(*) FROM user_services WHERE org_id = $1),
                (SELECT COUNT(*) FROM outbox WHERE org_id = $1)",
    )
    .bind(org.org.0)
    .fetch_one(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!((people, services), (5_001, 5_000));
    assert!(invitations >= 5_000, "{invitations} invitations");
}
