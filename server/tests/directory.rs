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
