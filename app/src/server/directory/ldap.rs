//! Reading people from an LDAP directory: bind, one paged subtree search, each entry mapped by
//! the configured attribute names. Entries without a usable address are counted, not dropped
//! silently.

use crate::domain::{Email, Service};
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use std::time::Duration;

/// Entries asked for per page: below Active Directory's default MaxPageSize (1,000).
const PAGE: i32 = 500;

/// Where the directory is and how to read it.
#[derive(Clone, Debug)]
pub struct Directory {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    pub bind_dn: String,
    pub password: String,
    pub base_dn: String,
    /// Which entries are people, e.g. `(objectClass=inetOrgPerson)` or, for Active Directory,
    /// `(&(objectCategory=person)(objectClass=user))`.
    pub filter: String,
    pub attributes: Attributes,
    /// Services everyone from the directory gets.
    pub everyone: Vec<Service>,
    /// Groups (DNs) whose members get a service.
    pub groups: Vec<(Service, String)>,
}

impl Directory {
    /// Whether the directory decides people's services: only when it names some.
    pub fn manages_services(&self) -> bool {
        !self.everyone.is_empty() || !self.groups.is_empty()
    }
}

/// The directory's attribute for each field the portal keeps.
#[derive(Clone, Debug)]
pub struct Attributes {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub phone: String,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            email: "mail".into(),
            first_name: "givenName".into(),
            last_name: "sn".into(),
            display_name: "displayName".into(),
            phone: "telephoneNumber".into(),
        }
    }
}

/// A person as the directory has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub dn: String,
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    /// The services the directory gives them; none when it manages no services.
    pub services: Option<Vec<Service>>,
}

/// Everything read: the people, and the entries that had no usable address.
#[derive(Clone, Debug, Default)]
pub struct Read {
    pub people: Vec<Person>,
    pub without_address: Vec<String>,
}

/// Why the directory could not be read, in words for the administrator.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("the directory at {0} cannot be reached")]
    Unreachable(String),
    #[error("the directory refused the bind DN and password")]
    BindRefused,
    #[error("the search failed: {0}")]
    Search(String),
    #[error("the group {0} is not in the directory")]
    GroupMissing(String),
}

/// A DN as compared: lower case, without spaces around `,` and `=`.
fn normal_dn(dn: &str) -> String {
    dn.split(',')
        .map(|part| match part.split_once('=') {
            Some((name, value)) => format!("{}={}", name.trim(), value.trim()),
            None => part.trim().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

fn all(entry: &SearchEntry, attribute: &str) -> Vec<String> {
    entry
        .attrs
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(attribute))
        .flat_map(|(_, values)| values.iter().map(|v| normal_dn(v)))
        .collect()
}

fn first(entry: &SearchEntry, attribute: &str) -> Option<String> {
    // Attribute names are case-insensitive in LDAP; the server answers in its own case.
    entry
        .attrs
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(attribute))
        .and_then(|(_, values)| values.first())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Reads every person under the base DN the filter matches.
pub async fn read(directory: &Directory) -> Result<Read, DirectoryError> {
    let settings = LdapConnSettings::new().set_conn_timeout(Duration::from_secs(5));
    let (connection, mut ldap) = LdapConnAsync::with_settings(settings, &directory.url)
        .await
        .map_err(|_| DirectoryError::Unreachable(directory.url.clone()))?;
    ldap3::drive!(connection);
    ldap.simple_bind(&directory.bind_dn, &directory.password)
        .await
        .and_then(|result| result.success())
        .map_err(|_| DirectoryError::BindRefused)?;
    let a = &directory.attributes;
    let wanted = vec![
        a.email.clone(),
        a.first_name.clone(),
        a.last_name.clone(),
        a.display_name.clone(),
        a.phone.clone(),
        "memberOf".to_owned(),
    ];
    let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
        Box::new(EntriesOnly::new()),
        Box::new(PagedResults::new(PAGE)),
    ];
    let search_error = |e: ldap3::LdapError| DirectoryError::Search(e.to_string());
    let mut search = ldap
        .streaming_search_with(
            adapters,
            &directory.base_dn,
            Scope::Subtree,
            &directory.filter,
            wanted,
        )
        .await
        .map_err(search_error)?;
    let mut read = Read::default();
    let mut member_of = Vec::new();
    while let Some(entry) = search.next().await.map_err(search_error)? {
        let entry = SearchEntry::construct(entry);
        let Some(email) = first(&entry, &a.email).and_then(|m| Email::parse(&m).ok()) else {
            read.without_address.push(entry.dn);
            continue;
        };
        read.people.push(Person {
            email,
            first_name: first(&entry, &a.first_name),
            last_name: first(&entry, &a.last_name),
            display_name: first(&entry, &a.display_name),
            // Kept in E.164 like every number of the portal; one it cannot read is left out.
            phone: first(&entry, &a.phone)
                .and_then(|p| crate::server::settings::number_pool::parse_number(&p).ok()),
            services: None,
            dn: entry.dn.clone(),
        });
        member_of.push(all(&entry, "memberOf"));
    }
    search.finish().await.success().map_err(search_error)?;
    if directory.manages_services() {
        let members = group_members(&mut ldap, directory).await?;
        for (person, groups) in read.people.iter_mut().zip(member_of) {
            let dn = normal_dn(&person.dn);
            let services = Service::ALL
                .into_iter()
                .filter(|service| {
                    directory.everyone.contains(service)
                        || members.iter().any(|(s, group, members)| {
                            s == service && (members.contains(&dn) || groups.contains(group))
                        })
                })
                .collect();
            person.services = Some(services);
        }
    }
    let _ = ldap.unbind().await;
    Ok(read)
}

/// Each configured group with its members' DNs (from `member` or `uniqueMember`; Active
/// Directory also lists a person's groups in their `memberOf`, which `read` asks for).
async fn group_members(
    ldap: &mut ldap3::Ldap,
    directory: &Directory,
) -> Result<Vec<(Service, String, std::collections::HashSet<String>)>, DirectoryError> {
    let mut found = Vec::new();
    for (service, group) in &directory.groups {
        let answer = ldap
            .search(
                group,
                Scope::Base,
                "(objectClass=*)",
                vec!["member", "uniqueMember"],
            )
            .await
            .map_err(|e| DirectoryError::Search(e.to_string()))?;
        let (entries, result) = (answer.0, answer.1);
        // 32: noSuchObject.
        if result.rc == 32 || entries.is_empty() {
            return Err(DirectoryError::GroupMissing(group.clone()));
        }
        result
            .success()
            .map_err(|e| DirectoryError::Search(e.to_string()))?;
        let mut members = std::collections::HashSet::new();
        for entry in entries {
            let entry = SearchEntry::construct(entry);
            members.extend(all(&entry, "member"));
            members.extend(all(&entry, "uniqueMember"));
        }
        found.push((*service, normal_dn(group), members));
    }
    Ok(found)
}
