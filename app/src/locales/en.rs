//! English messages.

use super::Key;

pub(super) fn text(key: Key) -> &'static str {
    match key {
        Key::ProductName => "Switchboard",
        Key::SkipToContent => "Skip to main content",
        Key::MainNavigation => "Main",
        Key::NavOverview => "Overview",
        Key::NavUsers => "Users",
        Key::NavServices => "Services",
        Key::NavSettings => "Settings",
        Key::Language => "Language",
        Key::ChangeLanguage => "Change",
        Key::Loading => "Loading…",
        Key::TryAgain => "Try again",
        Key::OverviewTitle => "Overview",
        Key::OverviewUsersHeading => "People in your organisation",
        Key::OverviewTotalUsers => "All users",
        Key::StatusActive => "Active",
        Key::StatusInvitePending => "Invite pending",
        Key::StatusExpired => "Expired",
        Key::StatusDeactivated => "Deactivated",
        Key::OverviewCreated => "Organisation created {date}",
        Key::NoOrganisationTitle => "No organisation yet",
        Key::NoOrganisationBody => {
            "Create one with: scripts/run org create --name \"Acme\" --admin-email admin@acme.example --licences messaging=50,meetings=50,calling=10"
        }
        Key::UsersTitle => "Users",
        Key::ServicesTitle => "Services",
        Key::SettingsTitle => "Settings",
        Key::NotBuiltYet => "This part of the portal is not available yet.",
        Key::NotFoundTitle => "Page not found",
        Key::NotFoundBody => "There is no page at this address. It may have moved, or the link may be mistyped.",
        Key::BackToOverview => "Go to the overview",
        Key::ErrorUnauthorized => "Please sign in to continue.",
        Key::ErrorForbidden => "Your role does not allow this.",
        Key::ErrorNotFound => "We could not find what you asked for.",
        Key::ErrorInvalid => "Some of what you entered needs another look.",
        Key::ErrorInternal => "Something went wrong on our side. Nothing was changed.",
        Key::ErrorUnreachable => "We could not reach the server. Check your connection and try again.",
        Key::ErrorReference => "Reference: {id}",
        Key::OrganisationExists => "An organisation with this name already exists.",
        Key::EmailInvalid => "This is not a valid email address.",
        Key::OrganisationNameInvalid => "Give the organisation a name of 1 to 100 characters.",
        Key::MailGreeting => "Hello,",
        Key::MailLinkFallback => "If the button does not work, paste this address into your browser:",
        Key::MailFooter => "You received this email because {org} uses Switchboard.",
        Key::MailWelcomeSubject => "Set up {org} on Switchboard",
        Key::MailWelcomeBody => "You are the first administrator of {org}. Create your administrator account to set up the organisation and add its people.",
        Key::MailWelcomeAction => "Create your administrator account",
        Key::MailWelcomeExpiry => "This link works once and expires on {date}. If it has expired, ask your provider for a new one.",
        Key::ServiceMessaging => "Messaging",
        Key::ServiceMeetings => "Meetings",
        Key::ServiceCalling => "Calling",
    }
}
