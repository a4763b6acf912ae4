//! Server functions for reading the people of an organisation: one page of the users table (keyset
//! paging, search, filters, sorting, counts per status), and one person in full.

use crate::domain::{Role, Service, UserStatus};
use crate::error::AppError;
use crate::locales::Key;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per page of the users table.
pub const PAGE_SIZE: usize = 50;

/// The orders the table can be sorted in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Name,
    NameDescending,
    Email,
    EmailDescending,
    Newest,
    Oldest,
    RecentSignIn,
}

impl Sort {
    pub const ALL: [Sort; 7] = [
        Sort::Name,
        Sort::NameDescending,
        Sort::Email,
        Sort::EmailDescending,
        Sort::Newest,
        Sort::Oldest,
        Sort::RecentSignIn,
    ];

    /// The value in the page's address.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::NameDescending => "-name",
            Sort::Email => "email",
            Sort::EmailDescending => "-email",
            Sort::Newest => "-added",
            Sort::Oldest => "added",
            Sort::RecentSignIn => "-signed-in",
        }
    }

    pub fn parse(value: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> Key {
        match self {
            Sort::Name => Key::SortName,
            Sort::NameDescending => Key::SortNameDescending,
            Sort::Email => Key::SortEmail,
            Sort::EmailDescending => Key::SortEmailDescending,
            Sort::Newest => Key::SortNewest,
            Sort::Oldest => Key::SortOldest,
            Sort::RecentSignIn => Key::SortRecentSignIn,
        }
    }
}

/// Which people the table shows, as the page's address says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Part of a name or address, any case.
    pub search: String,
    pub status: Option<UserStatus>,
    pub service: Option<Service>,
}

impl Filter {
    /// Reads the filter from the address's values; unknown values mean "any".
    pub fn from_query(search: Option<&str>, status: Option<&str>, service: Option<&str>) -> Filter {
        Filter {
            search: search
                .unwrap_or_default()
                .trim()
                .chars()
                .take(200)
                .collect(),
            status: status.and_then(UserStatus::from_db),
            service: service.and_then(Service::parse),
        }
    }
}

impl Filter {
    /// Reads the filter from the table's address, the part after `?`.
    pub fn from_address(query: &str) -> Filter {
        let (mut search, mut status, mut service) = (None, None, None);
        for pair in query.trim_start_matches('?').split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = leptos_router::location::Url::unescape(&value.replace('+', " "));
            match key {
                "q" => search = Some(value),
                "status" => status = Some(value),
                "service" => service = Some(value),
                _ => {}
            }
        }
        Filter::from_query(search.as_deref(), status.as_deref(), service.as_deref())
    }
}

/// One person as the table shows them; times are seconds since the Unix epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    /// Expired is Invite pending past the invitation's expiry.
    pub status: UserStatus,
    pub services: Vec<Service>,
    pub created_at: i64,
    pub invited_at: Option<i64>,
    pub invitation_expires_at: Option<i64>,
    pub invitation_revoked_at: Option<i64>,
    pub last_sign_in_at: Option<i64>,
    pub deactivated_at: Option<i64>,
}

/// One page of the table, the counts above it, and where the pages before and after start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    /// Everyone in the organisation per status, whatever the filter.
    pub counts: Vec<(UserStatus, i64)>,
    pub next: Option<String>,
    pub previous: Option<String>,
    /// The server's clock, for "expires in 3 days".
    pub now: i64,
    /// Who is looking: their own row gets no actions that would lock them out.
    pub viewer: i64,
    pub viewer_role: Role,
}

impl UserPage {
    pub fn count(&self, status: UserStatus) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
}

/// One page of the users table: every administrator may look.
#[server(prefix = "/api", endpoint = "users/list")]
pub async fn list_users(
    q: Option<String>,
    status: Option<String>,
    service: Option<String>,
    sort: Option<String>,
    after: Option<String>,
    before: Option<String>,
) -> Result<UserPage, AppError> {
    use crate::server::{now, require, user_table};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    let filter = Filter::from_query(q.as_deref(), status.as_deref(), service.as_deref());
    let sort = sort.as_deref().and_then(Sort::parse).unwrap_or_default();
    let position = match (after, before) {
        (Some(after), _) => user_table::Position::After(after),
        (None, Some(before)) => user_table::Position::Before(before),
        (None, None) => user_table::Position::First,
    };
    user_table::page(&state, &session, &filter, sort, position, now()).await
}

/// One person in full, for their page, with the licences left for changing their services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    pub licences: Vec<crate::api::users::LicenceUse>,
    pub now: i64,
    pub viewer: i64,
    pub viewer_role: Role,
}

/// One person in full, for their page.
#[server(prefix = "/api", endpoint = "users/get")]
pub async fn get_user(id: i64) -> Result<UserDetail, AppError> {
    use crate::server::{now, require, user_table};
    let (state, session) = require(Role::ReadOnlyAdmin).await?;
    user_table::one(&state, &session, id, now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_is_read_back_from_the_address() {
        let filter = Filter::from_address("?q=li+na%40&status=expired&service=calling&sort=-name");
        assert_eq!(filter.search, "li na@");
        assert_eq!(filter.status, Some(UserStatus::Expired));
        assert_eq!(filter.service, Some(Service::Calling));
        assert_eq!(
            Filter::from_address("status=nonsense&q="),
            Filter::default()
        );
        assert_eq!(
            Filter::from_address("q=%E5%BC%A0%E4%BC%9F").search,
            "张伟",
            "Chinese names arrive percent-encoded"
        );
    }

    #[test]
    fn sorts_round_trip_through_the_address() {
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(Sort::parse("DROP TABLE"), None);
    }
}
