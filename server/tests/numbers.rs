//! Mapping the pool's direct lines to extensions, through HTTP: what it would do, conflicts with
//! people and with other numbers, applying once (and again changing nothing), two admins at once,
//! and the roles.

mod common;

use app::api::settings::MappingPlan;
use app::domain::extension_map::{Conflict, Outcome};
use app::domain::Role;
use common::{refused, TestApp, PASSWORD};

async fn plan(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> MappingPlan {
    let answer = app.call_as(client, endpoint, &[]).await;
    assert!(answer.status().is_success() || answer.status().is_redirection());
    answer.json().await.expect("mapping plan")
}

async fn mapped(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT number, extension FROM pool_numbers WHERE extension IS NOT NULL ORDER BY number",
    )
    .fetch_all(app.state.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn direct_lines_map_to_their_last_digits_once_and_conflicts_are_named() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let saved = app
        .call_as(
            &admin,
            "settings/calling",
            &[
                ("location", "Beijing"),
                ("time_zone", "Asia/Shanghai"),
                ("extension_length", "4"),
                ("extension_first", "2000"),
                ("extension_last", "2999"),
                (
                    "numbers",
                    "+86 10 5555 0100 - +86 10 5555 0109\n+86 10 6666 0100",
                ),
                ("caller_id", ""),
            ],
        )
        .await;
    assert_eq!(saved.headers()["location"], "/services/calling?saved");
    // Someone already has extension 0105, with no number of their own.
    let ana = app
        .add_active_user(org.org, "ana@acme.example", Role::User)
        .await;
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE users SET extension = '0105' WHERE id = $1")
        .bind(ana)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let preview = plan(&app, &admin, "numbers/map-plan").await;
    assert_eq!(
        (preview.create, preview.already, preview.conflicts),
        (8, 0, 3)
    );
    assert_eq!(preview.length, 4);
    assert_eq!(preview.sample[0].number, "+861055550101");
    assert_eq!(preview.sample[0].extension, "0101");
    let reasons: Vec<(String, Outcome)> = preview
        .conflicting
        .iter()
        .map(|m| (m.number.clone(), m.outcome.clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "+861055550100".into(),
                Outcome::Conflict(Conflict::SameDigits {
                    numbers: vec!["+861066660100".into()]
                })
            ),
            (
                "+861055550105".into(),
                Outcome::Conflict(Conflict::PersonHasIt {
                    person: "ana@acme.example".into()
                })
            ),
            (
                "+861066660100".into(),
                Outcome::Conflict(Conflict::SameDigits {
                    numbers: vec!["+861055550100".into()]
                })
            ),
        ]
    );
    assert!(mapped(&app).await.is_empty(), "the preview writes nothing");

    // Two admins apply at once: the extensions are created once.
    let (_, second) = app.sign_in("admin@acme.example", PASSWORD).await;
    let (one, two) = tokio::join!(
        app.call_as(&admin, "numbers/map", &[]),
        app.call_as(&second, "numbers/map", &[])
    );
    let mut created = Vec::new();
    for answer in [one, two] {
        assert!(answer.status().is_success());
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let done: MappingPlan = answer.json().await.unwrap();
        assert_eq!(
            location,
            format!("/services/calling?mapped={}", done.create)
        );
        created.push(done.create);
    }
    created.sort();
    assert_eq!(created, [0, 8]);
    let rows = mapped(&app).await;
    assert_eq!(rows.len(), 8);
    assert!(rows.contains(&("+861055550109".into(), "0109".into())));
    let again = plan(&app, &admin, "numbers/map-plan").await;
    assert_eq!((again.create, again.already, again.conflicts), (0, 8, 3));
    let audits: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'numbers_mapped'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(audits, 1);
}

#[tokio::test]
async fn only_full_administrators_of_a_calling_plan_map() {
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    app.add_active_user(org.org, "reader@acme.example", Role::ReadOnlyAdmin)
        .await;
    let (_, reader) = app.sign_in("reader@acme.example", PASSWORD).await;
    for endpoint in ["numbers/map-plan", "numbers/map"] {
        assert_eq!(app.call_as(&reader, endpoint, &[]).await.status(), 403);
        assert_eq!(app.call(endpoint, &[]).await.status(), 401);
    }
    let (_, admin) = app
        .admin_of_plan("Initech", "admin@initech.example", "messaging=20")
        .await;
    assert_eq!(
        app.call_as(&admin, "numbers/map-plan", &[]).await.status(),
        404
    );
}

async fn line(app: &TestApp, client: &reqwest::Client, id: i64) -> app::api::numbers::CallingLine {
    let answer = app
        .call_as(client, "numbers/person", &[("id", &id.to_string())])
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn give_calling(app: &TestApp, org: app::domain::OrgId, id: i64) {
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query("INSERT INTO user_services (org_id, user_id, service) VALUES ($1, $2, 'calling')")
        .bind(org.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_number_and_an_extension_are_one_persons_at_a_time() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    app.call_as(
        &admin,
        "settings/calling",
        &[
            ("location", "Beijing"),
            ("time_zone", "Asia/Shanghai"),
            ("extension_length", "4"),
            ("extension_first", "2000"),
            ("extension_last", "2999"),
            ("numbers", "+86 10 5555 0100 - +86 10 5555 0102"),
            ("caller_id", ""),
        ],
    )
    .await;
    let ana = app
        .add_active_user(org.org, "ana@acme.example", Role::User)
        .await;
    let bo = app
        .add_active_user(org.org, "bo@acme.example", Role::User)
        .await;
    let no_calling = app
        .add_active_user(org.org, "cy@acme.example", Role::User)
        .await;
    give_calling(&app, org.org, ana).await;
    give_calling(&app, org.org, bo).await;
    let dee = app
        .add_active_user(org.org, "dee@acme.example", Role::User)
        .await;
    give_calling(&app, org.org, dee).await;
    assert_eq!(line(&app, &admin, ana).await.free.len(), 3);

    let assign = |id: i64, number: &'static str, extension: &'static str| {
        let client = admin.clone();
        let app = &app;
        async move {
            // Each call as its own request: the two of a race overlap on the server.
            app.call_as(
                &client,
                "numbers/assign",
                &[
                    ("id", &id.to_string()),
                    ("number", number),
                    ("extension", extension),
                ],
            )
            .await
        }
    };
    let done = assign(ana, "+86 10 5555 0100", "2001").await;
    assert_eq!(
        done.headers()["location"],
        format!("/users/{ana}?saved=calling")
    );
    let ana_line = line(&app, &admin, ana).await;
    assert_eq!(ana_line.number.as_deref(), Some("+861055550100"));
    assert_eq!(ana_line.extension.as_deref(), Some("2001"));
    assert_eq!(ana_line.free, ["+861055550101", "+861055550102"]);

    // Taken, not in the pool, the wrong length, no calling service: each said at its field.
    assert_eq!(
        refused(assign(bo, "+861055550100", "2001").await).await,
        [
            ("number".into(), "NumberHeldBy".into()),
            ("extension".into(), "ExtensionHeldBy".into())
        ]
    );
    assert_eq!(
        refused(assign(bo, "+86 10 5555 0999", "20").await).await,
        [
            ("extension".into(), "SettingsExtensionDigits".into()),
            ("number".into(), "NumberNotInPool".into())
        ]
    );
    assert_eq!(
        refused(assign(no_calling, "+861055550101", "").await).await,
        [("number".into(), "NumberNeedsCalling".into())]
    );

    // Two admins give the same free number to two people at once: one wins, the other is told.
    let (one, two) = tokio::join!(
        assign(dee, "+861055550101", ""),
        assign(bo, "+861055550101", "")
    );
    let statuses = [one.status().as_u16(), two.status().as_u16()];
    assert!(
        statuses.contains(&200) && statuses.contains(&422),
        "{statuses:?}"
    );
    let holders: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE phone_number = '+861055550101'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(holders, 1);

    // The Numbers page: the pool, free or whose, found by number, extension or person.
    let list = |q: &'static str| {
        let client = admin.clone();
        let app = &app;
        async move {
            let answer = app.call_as(&client, "numbers/list", &[("q", q)]).await;
            assert_eq!(answer.status(), 200);
            answer
                .json::<app::api::numbers::NumbersView>()
                .await
                .unwrap()
        }
    };
    let all = list("").await;
    assert_eq!((all.total, all.free, all.rows.len()), (3, 1, 3));
    assert_eq!(all.rows[0].holder.as_ref().map(|h| h.0), Some(ana));
    assert_eq!(list("+86 10 5555 0102").await.rows.len(), 1);
    let found = list("ANA@").await.rows;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, "+861055550100");
    assert!(list("100%").await.rows.is_empty(), "% is matched as itself");

    // Taking them back frees them.
    let back = app
        .call_as(&admin, "numbers/unassign", &[("id", &ana.to_string())])
        .await;
    assert!(back.status().is_success());
    let ana_line = line(&app, &admin, ana).await;
    assert_eq!((ana_line.number, ana_line.extension), (None, None));
}

#[tokio::test]
async fn numbers_are_added_on_the_numbers_page_all_or_none() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let pool = || async {
        sqlx::query_scalar::<_, String>("SELECT number FROM pool_numbers ORDER BY number")
            .fetch_all(app.state.db.reader())
            .await
            .unwrap()
    };
    let empty = app
        .call_as(&admin, "numbers/add", &[("numbers", " \n")])
        .await;
    assert_eq!(
        refused(empty).await,
        [("numbers".into(), "NumbersNoneTyped".into())]
    );
    let one_bad = app
        .call_as(
            &admin,
            "numbers/add",
            &[(
                "numbers",
                "+86 10 5555 0100 - +86 10 5555 0104\n010 5555 0200",
            )],
        )
        .await;
    assert_eq!(
        refused(one_bad).await,
        [("numbers".into(), "NumberNeedsCountryCode".into())]
    );
    assert!(
        pool().await.is_empty(),
        "nothing of a refused batch is written"
    );

    let added = app
        .call_as(
            &admin,
            "numbers/add",
            &[(
                "numbers",
                "+86 10 5555 0100 - +86 10 5555 0104\n+86 10 5555 0103",
            )],
        )
        .await;
    assert_eq!(added.status(), 200);
    assert_eq!(
        added.json::<u64>().await.unwrap(),
        5,
        "a repeat counts once"
    );
    let again = app
        .call_as(&admin, "numbers/add", &[("numbers", "+86 10 5555 0100")])
        .await;
    assert_eq!(
        again.json::<u64>().await.unwrap(),
        0,
        "adding again changes nothing"
    );
    assert_eq!(pool().await.len(), 5);

    // Another organisation cannot take them; nothing of its batch is written.
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    let taken = app
        .call_as(
            &other,
            "numbers/add",
            &[("numbers", "+86 10 6666 0100\n+86 10 5555 0102")],
        )
        .await;
    assert_eq!(
        refused(taken).await,
        [("numbers".into(), "NumberHeldElsewhere".into())]
    );
    assert_eq!(pool().await.len(), 5);

    // Only full administrators add numbers; only plans with calling have a pool.
    app.add_active_user(org.org, "users@acme.example", Role::UserAdmin)
        .await;
    let (_, user_admin) = app.sign_in("users@acme.example", PASSWORD).await;
    let forbidden = app
        .call_as(
            &user_admin,
            "numbers/add",
            &[("numbers", "+86 10 6666 0100")],
        )
        .await;
    assert_eq!(forbidden.status(), 403);
    let (_, initech) = app
        .admin_of_plan("Initech", "admin@initech.example", "messaging=5")
        .await;
    let none = app
        .call_as(&initech, "numbers/add", &[("numbers", "+86 10 7777 0100")])
        .await;
    assert_eq!(none.status(), 404);
}
