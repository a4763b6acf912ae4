//! Reading a real LDAP directory (slapd): every person across pages, mapped by attribute name,
//! entries without an address named; a refused bind and an unreachable server each said.

mod common;

use app::server::directory::ldap::{self, Attributes, Directory, DirectoryError};
use common::ldap::{Slapd, BASE, BIND_DN, PASSWORD};

fn directory(url: &str, password: &str) -> Directory {
    Directory {
        url: url.to_owned(),
        bind_dn: BIND_DN.to_owned(),
        password: password.to_owned(),
        base_dn: format!("ou=people,{BASE}"),
        filter: "(objectClass=inetOrgPerson)".to_owned(),
        attributes: Attributes::default(),
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
    assert_eq!(p42.phone.as_deref(), Some("+86 10 5555 0042"));

    // Another mapping: the common name as the display name.
    let mut by_cn = directory(&slapd.url, PASSWORD);
    by_cn.attributes.display_name = "CN".to_owned();
    by_cn.filter = "(uid=p7)".to_owned();
    let read = ldap::read(&by_cn).await.expect("the directory");
    assert_eq!(read.people.len(), 1);
    assert_eq!(read.people[0].display_name.as_deref(), Some("Person 7"));
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

#[tokio::test]
async fn a_dry_run_compares_the_directory_with_the_organisation_and_writes_nothing() {
    let slapd = Slapd::start(3);
    let app = common::spawn_app().await;
    let (org, _) = app.admin_of("Acme", "admin@acme.example").await;
    // p0 is here already under another name; someone the directory does not have is active.
    app.add_active_user(org.org, "p0@acme.example", app::domain::Role::User)
        .await;
    app.add_active_user(org.org, "left@acme.example", app::domain::Role::User)
        .await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();

    let (plan, without_address) =
        app::server::directory::dry_run(&app.state, org.org, &directory(&slapd.url, PASSWORD))
            .await
            .expect("a dry run");
    let added: Vec<&str> = plan.add.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(added, ["p1@acme.example", "p2@acme.example"]);
    assert_eq!(plan.update.len(), 1);
    assert_eq!(plan.update[0].person.email.as_str(), "p0@acme.example");
    assert!(plan.update[0].fields.contains(&"display_name"));
    let gone: Vec<&str> = plan.deactivate.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(gone, ["left@acme.example"]);
    assert_eq!(plan.kept_admins, ["admin@acme.example"]);
    assert_eq!(without_address.len(), 1);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(before, after, "a dry run writes nothing");
}
