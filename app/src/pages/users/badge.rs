//! A person's status as a badge, with the detail an admin needs to act on it: when an invitation
//! was sent and when it runs out, when it expired or was withdrawn, when someone last signed in.

use crate::api::user_table::UserRow;
use crate::domain::UserStatus;
use crate::locales::{Key, Locale};
use leptos::prelude::*;

/// The line under the badge, if there is something to say.
pub fn detail(row: &UserRow, now: i64, locale: Locale) -> Option<String> {
    let ago = |at: i64| locale.duration(now - at);
    match row.status {
        UserStatus::InvitePending => {
            let sent = row.invited_at.unwrap_or(row.created_at);
            Some(match row.invitation_expires_at {
                Some(expires) => locale.format(
                    Key::BadgeSent,
                    &[
                        ("ago", &ago(sent)),
                        ("left", &locale.duration(expires - now)),
                    ],
                ),
                None => locale.format(Key::BadgeSentNoExpiry, &[("ago", &ago(sent))]),
            })
        }
        UserStatus::Expired => Some(match row.invitation_revoked_at {
            Some(at) => locale.format(Key::BadgeRevoked, &[("ago", &ago(at))]),
            None => locale.format(
                Key::BadgeExpired,
                &[("ago", &ago(row.invitation_expires_at.unwrap_or(now)))],
            ),
        }),
        UserStatus::Active => row
            .last_sign_in_at
            .map(|at| locale.format(Key::BadgeLastSignIn, &[("ago", &ago(at))])),
        UserStatus::Deactivated => row
            .deactivated_at
            .map(|at| locale.format(Key::BadgeDeactivated, &[("ago", &ago(at))])),
    }
}

#[component]
pub fn StatusBadge(row: UserRow, now: i64, locale: Locale) -> impl IntoView {
    let detail = detail(&row, now, locale);
    view! {
        <span class=format!("badge {}", row.status.as_str()) data-test="status">
            {locale.text(row.status.label())}
        </span>
        {detail.map(|d| view! { <span class="badge-detail">{d}</span> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    const DAY: i64 = 86_400;

    fn row(status: UserStatus) -> UserRow {
        UserRow {
            id: 1,
            email: "li.na@example.com".into(),
            name: None,
            role: Role::User,
            status,
            services: Vec::new(),
            created_at: 0,
            invited_at: Some(0),
            invitation_expires_at: Some(14 * DAY),
            invitation_revoked_at: None,
            last_sign_in_at: None,
            deactivated_at: None,
        }
    }

    #[test]
    fn pending_says_when_it_was_sent_and_when_it_runs_out() {
        let text = detail(&row(UserStatus::InvitePending), 3 * DAY, Locale::En);
        assert_eq!(text.as_deref(), Some("Sent 3 days ago, expires in 11 days"));
    }

    #[test]
    fn expired_says_whether_it_ran_out_or_was_withdrawn() {
        let expired = row(UserStatus::Expired);
        assert_eq!(
            detail(&expired, 16 * DAY, Locale::En).as_deref(),
            Some("Expired 2 days ago")
        );
        let mut revoked = expired;
        revoked.invitation_revoked_at = Some(15 * DAY);
        assert_eq!(
            detail(&revoked, 16 * DAY, Locale::En).as_deref(),
            Some("Withdrawn 1 day ago")
        );
    }

    #[test]
    fn active_says_when_they_last_signed_in() {
        let mut active = row(UserStatus::Active);
        active.last_sign_in_at = Some(DAY - 7_200);
        assert_eq!(
            detail(&active, DAY, Locale::En).as_deref(),
            Some("Last signed in 2 hours ago")
        );
    }
}
