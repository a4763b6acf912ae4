//! The audit log as administrators read it: what each action is called, and the filter (who,
//! what, from and to which day, in UTC) checked before any query runs.

use crate::domain::settings::Refusals;
use crate::error::FieldError;
use crate::locales::Key;

/// The audit log's actions, as stored, with their names for people. The order is the filter's.
pub const ACTIONS: [(&str, Key); 34] = [
    ("signed_in", Key::AuditSignedIn),
    ("sign_in_failed", Key::AuditSignInFailed),
    ("signed_out", Key::AuditSignedOut),
    ("account_created", Key::AuditAccountCreated),
    ("password_changed", Key::AuditPasswordChanged),
    ("password_reset_requested", Key::AuditPasswordResetRequested),
    ("users_added", Key::AuditUsersAdded),
    ("invitations_sent", Key::AuditInvitationsSent),
    ("invitations_revoked", Key::AuditInvitationsRevoked),
    ("users_deactivated", Key::AuditUsersDeactivated),
    ("users_reactivated", Key::AuditUsersReactivated),
    ("users_deleted", Key::AuditUsersDeleted),
    ("services_changed", Key::AuditServicesChanged),
    ("role_changed", Key::AuditRoleChanged),
    ("import_started", Key::AuditImportStarted),
    ("import_cancelled", Key::AuditImportCancelled),
    ("users_imported", Key::AuditUsersImported),
    ("import_undone", Key::AuditImportUndone),
    ("settings_changed", Key::AuditSettingsChanged),
    ("setup_finished", Key::AuditSetupFinished),
    ("domain_added", Key::AuditDomainAdded),
    ("domain_verified", Key::AuditDomainVerified),
    ("domain_removed", Key::AuditDomainRemoved),
    ("numbers_added", Key::AuditNumbersAdded),
    ("numbers_removed", Key::AuditNumbersRemoved),
    ("numbers_mapped", Key::AuditNumbersMapped),
    ("number_assigned", Key::AuditNumberAssigned),
    ("activation_code_sent", Key::AuditActivationCodeSent),
    ("phone_activated", Key::AuditPhoneActivated),
    (
        "organisation_provisioned",
        Key::AuditOrganisationProvisioned,
    ),
    ("scim_token_created", Key::AuditScimTokenCreated),
    ("scim_token_revoked", Key::AuditScimTokenRevoked),
    ("directory_synced", Key::AuditDirectorySynced),
    ("unlicensed_users_added", Key::AuditUnlicensedUsersAdded),
];

/// The name of a stored action, if it is one of ours.
pub fn action_label(action: &str) -> Option<Key> {
    ACTIONS
        .iter()
        .find(|(stored, _)| *stored == action)
        .map(|(_, key)| *key)
}

/// What the log is filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's address or name; empty for anyone.
    pub actor: String,
    /// One stored action; empty for every one.
    pub action: String,
    /// From the start of this UTC day (seconds since 1970).
    pub from: Option<i64>,
    /// Before the end of this UTC day.
    pub until: Option<i64>,
}

impl AuditFilter {
    /// The filter as typed; each wrong field is named.
    pub fn parse(
        actor: &str,
        action: &str,
        from: &str,
        to: &str,
    ) -> Result<AuditFilter, Vec<FieldError>> {
        let mut refusals = Refusals::default();
        let action = action.trim();
        if !action.is_empty() && action_label(action).is_none() {
            refusals.add("action", Key::AuditActionUnknown, &[]);
        }
        let mut day = |typed: &str| match typed.trim() {
            "" => None,
            typed => day_start(typed).or_else(|| {
                refusals.add("from_to", Key::AuditDateInvalid, &[("given", typed)]);
                None
            }),
        };
        let from = day(from);
        let until = day(to).map(|start| start + 24 * 3600);
        if let (Some(from), Some(until)) = (from, until) {
            if until <= from {
                refusals.add("from_to", Key::AuditDatesOrder, &[]);
            }
        }
        refusals.into_result(AuditFilter {
            actor: actor.trim().to_owned(),
            action: action.to_owned(),
            from,
            until,
        })
    }
}

/// The first second of the UTC day `YYYY-MM-DD`, if it is a real day.
pub fn day_start(typed: &str) -> Option<i64> {
    let mut parts = typed.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    if d < 1 || d > days_in_month[(m - 1) as usize] {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_utc_midnight() {
        assert_eq!(day_start("1970-01-01"), Some(0));
        assert_eq!(day_start("2026-11-27"), Some(1_795_737_600));
        assert_eq!(day_start("2024-02-29"), Some(1_709_164_800));
        for wrong in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-1",
            "27/11/2026",
            "",
            "2026-11-27-1",
        ] {
            assert_eq!(day_start(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn the_filter_checks_each_field() {
        let filter = AuditFilter::parse(" ana ", "signed_in", "2026-11-01", "2026-11-27").unwrap();
        assert_eq!(filter.actor, "ana");
        assert_eq!(filter.from, Some(1_793_491_200));
        assert_eq!(
            filter.until,
            Some(1_795_737_600 + 86_400),
            "the whole last day"
        );
        let refused = AuditFilter::parse("", "drop_tables", "yesterday", "").unwrap_err();
        let fields: Vec<(&str, Key)> = refused
            .iter()
            .map(|e| (e.field.as_str(), e.reason))
            .collect();
        assert_eq!(
            fields,
            [
                ("action", Key::AuditActionUnknown),
                ("from_to", Key::AuditDateInvalid)
            ]
        );
        let backwards = AuditFilter::parse("", "", "2026-11-27", "2026-11-01").unwrap_err();
        assert_eq!(backwards[0].reason, Key::AuditDatesOrder);
        assert_eq!(
            AuditFilter::parse("", "", "", "").unwrap(),
            AuditFilter::default()
        );
    }

    #[test]
    fn every_action_has_a_name() {
        assert_eq!(
            action_label("phone_activated"),
            Some(Key::AuditPhoneActivated)
        );
        assert_eq!(action_label("nonsense"), None);
    }
}
