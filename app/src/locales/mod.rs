//! The message catalog: every visible string, in English and Simplified Chinese, chosen per request.

mod en;
mod zh_cn;

use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};

/// The languages the portal speaks. The tag is what `<html lang>`, the cookie and mail use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    ZhCn,
}

/// Name of the cookie that remembers the admin's choice of language.
pub const LANGUAGE_COOKIE: &str = "lang";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The language's own name for itself, the same in every catalog so a lost reader finds theirs.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }

    /// Accepts `en`, `en-GB`, `zh`, `zh-CN`, `zh-Hans`... in any case; `None` for other languages.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "zh" => Some(Locale::ZhCn),
            _ => None,
        }
    }

    /// Picks the supported language the browser ranks highest in `Accept-Language`.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }

    /// The text of `key` in this language.
    pub fn text(self, key: Key) -> &'static str {
        match self {
            Locale::En => en::text(key),
            Locale::ZhCn => zh_cn::text(key),
        }
    }

    /// A span of time as people say it: "3 days", "1 hour", "a moment".
    pub fn duration(self, seconds: i64) -> String {
        let seconds = seconds.max(0);
        let (n, one, many) = if seconds >= 86_400 {
            (seconds / 86_400, Key::DurationOneDay, Key::DurationDays)
        } else if seconds >= 3_600 {
            (seconds / 3_600, Key::DurationOneHour, Key::DurationHours)
        } else if seconds >= 60 {
            (seconds / 60, Key::DurationOneMinute, Key::DurationMinutes)
        } else {
            return self.text(Key::DurationMoment).to_owned();
        };
        if n == 1 {
            self.text(one).to_owned()
        } else {
            self.format(many, &[("n", &n.to_string())])
        }
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn format(self, key: Key, args: &[(&str, &str)]) -> String {
        let mut out = self.text(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// The language of the page being rendered (provided by the server per request, and by the
/// browser from `<html lang>` at hydration).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The text of `key` in the page's language.
pub fn t(key: Key) -> &'static str {
    use_locale().text(key)
}

/// Every message the portal shows. Both catalogs match on it exhaustively, so a message cannot be
/// added in one language only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    ProductName,
    SkipToContent,
    MainNavigation,
    NavOverview,
    NavUsers,
    NavServices,
    NavSettings,
    Language,
    ChangeLanguage,
    Loading,
    TryAgain,
    OverviewTitle,
    OverviewUsersHeading,
    OverviewTotalUsers,
    StatusActive,
    StatusInvitePending,
    StatusExpired,
    StatusDeactivated,
    OverviewCreated,
    NoOrganisationTitle,
    NoOrganisationBody,
    UsersTitle,
    ServicesTitle,
    SettingsTitle,
    NotFoundTitle,
    NotFoundBody,
    BackToOverview,
    ErrorUnauthorized,
    ErrorForbidden,
    ErrorNotFound,
    ErrorInvalid,
    ErrorInternal,
    ErrorUnreachable,
    ErrorReference,
    OrganisationExists,
    EmailInvalid,
    OrganisationNameInvalid,
    MailGreeting,
    MailLinkFallback,
    MailFooter,
    MailWelcomeSubject,
    MailWelcomeBody,
    MailWelcomeAction,
    MailWelcomeExpiry,
    ServiceMessaging,
    ServiceMeetings,
    ServiceCalling,
    PasswordTooShort,
    PasswordTooLong,
    PasswordsDiffer,
    PasswordTooCommon,
    PasswordIsEmail,
    WelcomeTitle,
    WelcomeIntro,
    FieldName,
    FieldEmail,
    FieldPassword,
    FieldPasswordAgain,
    PasswordHint,
    CreateAccount,
    NameRequired,
    NameTooLong,
    LinkUsedTitle,
    LinkUsedBody,
    LinkExpiredTitle,
    ResetExpiredBody,
    LinkUnknownTitle,
    LinkUnknownBody,
    SignInTitle,
    SignIn,
    SignInFailed,
    SignInThrottled,
    ForgotPassword,
    SignOut,
    ForgotTitle,
    ForgotIntro,
    SendLink,
    ForgotSent,
    BackToSignIn,
    ResetTitle,
    ResetIntro,
    SavePassword,
    MailResetSubject,
    MailResetBody,
    MailResetAction,
    MailResetExpiry,
    SetupTitle,
    AccountTitle,
    CurrentPassword,
    NewPassword,
    ChangePassword,
    PasswordChanged,
    CurrentPasswordWrong,
    AdminsOnlyTitle,
    AdminsOnlyBody,
    RoleFullAdmin,
    RoleUserAdmin,
    RoleReadOnlyAdmin,
    RoleUser,
    EmailEmpty,
    EmailTooLong,
    EmailLocalPartTooLong,
    PasteNoAddress,
    PasteSeveralNamesAndAddresses,
    PasteNameInvalid,
    PasteTooMany,
    PasteNothing,
    // CSV import parser
    CsvFieldFirstName,
    CsvFieldLastName,
    CsvFieldDisplayName,
    CsvFieldEmail,
    CsvFieldPhone,
    CsvFieldExtension,
    CsvFieldLanguage,
    CsvTooLarge,
    CsvEmpty,
    CsvNotTextImage,
    CsvNotTextArchive,
    CsvNotTextPdf,
    CsvNotTextOther,
    CsvHeaderOnly,
    CsvTooManyRows,
    CsvNoEmailColumn,
    CsvFieldTwice,
    CsvMalformed,
    CsvEmailMissing,
    CsvNameInvalid,
    CsvServiceInvalid,
    CsvPhoneInvalid,
    CsvExtensionInvalid,
    CsvLanguageInvalid,
    LicenceShort,
    ServiceNotInPlan,
    MailInviteSubject,
    MailInviteBody,
    MailInviteAction,
    MailInviteExpiry,
    InviteTitle,
    InviteIntro,
    AddPeopleTitle,
    AddressesLabel,
    AddressesHint,
    PreviewReady,
    PreviewInvalid,
    PreviewDuplicate,
    ServicesLegend,
    LicencesLeft,
    AddPeopleSubmit,
    AddedResult,
    AlreadyUsersResult,
    InvalidResult,
    ActedDeactivate,
    ActedDelete,
    ActedReactivate,
    ActedRefused,
    ActedResend,
    ActedRevoke,
    ActedSkipped,
    ActionDeactivate,
    ActionDelete,
    ActionReactivate,
    ActionResend,
    ActionRevoke,
    AddAdminHint,
    AddAdminSubmit,
    AddAdminTitle,
    BadgeDeactivated,
    BadgeExpired,
    BadgeLastSignIn,
    BadgeRevoked,
    BadgeSent,
    BadgeSentNoExpiry,
    BulkLegend,
    BulkScopeFiltered,
    BulkScopeSelected,
    ColumnActions,
    ColumnName,
    ColumnRole,
    ColumnServices,
    ColumnStatus,
    CountAll,
    DaysInvalid,
    DaysUnit,
    DeleteConfirm,
    DeleteNeedsConfirmation,
    DeleteSummary,
    DeleteWarning,
    DeleteWarningOne,
    DurationDays,
    DurationHours,
    DurationMinutes,
    DurationMoment,
    DurationOneDay,
    DurationOneHour,
    DurationOneMinute,
    FilterAny,
    FilterApply,
    FilterService,
    FilterStatus,
    LastFullAdmin,
    LinkRevokedBody,
    LinkRevokedTitle,
    ManageLink,
    NewInvitationBody,
    NewInvitationSent,
    NewInvitationSubmit,
    NoServices,
    NoUsersMatch,
    PageNext,
    PagePrevious,
    PagesLabel,
    PeopleTitle,
    PersonActionsTitle,
    PersonBack,
    PersonRoleTitle,
    PersonServicesTitle,
    PreviewAlreadyUsers,
    RefusedAdministrator,
    RefusedYourself,
    ResendOlderLabel,
    RoleHint,
    RoleLabel,
    RoleNone,
    SaveRole,
    SaveServices,
    SavedRole,
    SavedServices,
    SearchLabel,
    SelectColumn,
    SelectRow,
    SortEmail,
    SortEmailDescending,
    SortLabel,
    SortName,
    SortNameDescending,
    SortNewest,
    SortOldest,
    SortRecentSignIn,
    You,
    // CSV import and export
    ImportFailedHint,
    ImportFileRefused,
    ImportMappingStale,
    ImportDuplicateOf,
    ImportFileNameMissing,
    ImportNotUpdated,
    ImportPhoneTaken,
    ImportExtensionTaken,
    ImportNoSeatLeft,
    ImportStillRunning,
    ImportAlreadyUndone,
    ImportOutcomeCreated,
    ImportOutcomeUpdated,
    ImportOutcomeUnchanged,
    ImportOutcomeFailed,
    ImportOutcomeNotDone,
    ImportResultRow,
    ImportResultOutcome,
    ImportResultReason,
    ImportReading,
    ImportChecking,
    ImportLookingUp,
    ImportUnreadable,
    ImportTitle,
    ImportBreadcrumb,
    ImportChooseTitle,
    ImportColumnsHint,
    ImportTemplate,
    ImportNeedsScript,
    ImportDropHere,
    ImportChooseFile,
    ImportLimits,
    ImportPreviewTitle,
    ImportNothingWrittenYet,
    ImportEncoding,
    ImportEncodingHint,
    ImportMappingTitle,
    ImportColumnInFile,
    ImportReadAs,
    ImportFirstValue,
    ImportIgnored,
    ImportCountsLabel,
    ImportCountNew,
    ImportCountUpdated,
    ImportCountUnchanged,
    ImportCountInvalid,
    ImportCountDuplicates,
    ImportCountCreated,
    ImportCountFailed,
    ImportOptions,
    ImportUpdateExisting,
    ImportDefaultServicesHint,
    ImportSeatsEnough,
    ImportSampleTitle,
    ImportRow,
    ImportEmail,
    ImportPhone,
    ImportExtension,
    ImportOutcome,
    ImportProblemsTitle,
    ImportColumn,
    ImportValue,
    ImportReason,
    ImportMoreProblems,
    ImportStarting,
    ImportStart,
    ImportNothingToDo,
    ImportStateRunning,
    ImportStateCancelling,
    ImportStateCancelled,
    ImportStateDone,
    ImportStateUndone,
    ImportProgressTitle,
    ImportCancel,
    ImportCancelHint,
    ImportResultFile,
    ImportSeeUsers,
    ImportRowsDone,
    ImportRate,
    ImportTimeLeft,
    UndoTitle,
    UndoHint,
    UndoAsk,
    UndoWillDo,
    UndoRemove,
    UndoMails,
    UndoRestore,
    UndoKeep,
    UndoConfirm,
    UndoDone,
    ImportHistoryTitle,
    ImportHistoryEmpty,
    ImportFile,
    ImportStartedBy,
    ImportWhen,
    ImportAgo,
    ImportFromFile,
    ExportToFile,
    SetupStepPlan,
    SetupStepCalling,
    SetupStepMessaging,
    SetupStepEnterprise,
    SetupStepUsers,
    SettingsNumberBetween,
    SettingsRequired,
    SettingsTooLong,
    SettingsTimeZoneUnknown,
    SettingsExtensionDigits,
    SettingsExtensionOrder,
    SettingsOrgNameInvalid,
    SettingsLanguageUnknown,
    NumberNeedsCountryCode,
    NumberInvalid,
    NumberRangeLengths,
    NumberRangeOrder,
    NumberRangeTooLong,
    NumberTooMany,
    NumberHeldElsewhere,
    CallerIdNotInPool,
    SettingsOrgNameTaken,
    DomainInvalid,
    DomainAlreadyAdded,
    DomainTaken,
    DomainLookupFailed,
    DomainRecordMissing,
    CallerIdInvalid,
    CallingLocation,
    CallingLocationName,
    CallingTimeZone,
    CallingExtensions,
    CallingExtensionLength,
    CallingExtensionLengthHint,
    CallingExtensionFirst,
    CallingExtensionLast,
    CallingNumbers,
    CallingAddNumbers,
    CallingAddNumbersHint,
    CallingCallerId,
    CallingCallerIdHint,
    CallingVoicemail,
    DomainsTitle,
    DomainsHint,
    DomainsNone,
    DomainAdd,
    DomainAddHint,
    DomainAddButton,
    DomainVerified,
    DomainNotVerified,
    DomainRecordIntro,
    DomainRecordName,
    DomainRecordType,
    DomainRecordValue,
    DomainVerify,
    DomainRemove,
    EnterpriseDisplayName,
    EnterpriseDisplayNameHint,
    EnterpriseLanguage,
    EnterpriseInvitationDays,
    EnterpriseInvitationDaysHint,
    MeetingsGuests,
    MeetingsGuestsHint,
    MeetingsRecording,
    MessagingFileSharing,
    MessagingExternal,
    MessagingExternalHint,
    MessagingRetention,
    MessagingRetentionHint,
    MessagingKeptForEver,
    MessagingKeptDays,
    PlanSeatsUsed,
    PoolTitle,
    PoolEmpty,
    PoolRemove,
    PoolRun,
    PoolSize,
    SettingOn,
    SettingOff,
    SettingsReadOnly,
    SettingsSave,
    SettingsSaved,
    SetupBack,
    SetupNext,
    SetupFinish,
    SetupProgress,
    SetupStepOf,
    SetupPlanIntro,
    SetupPlanChange,
    SetupCallingIntro,
    SetupMessagingIntro,
    SetupEnterpriseIntro,
    SetupUsersIntro,
    SetupUsersPaste,
    SetupUsersPasteHint,
    SetupUsersCsv,
    SetupUsersCsvHint,
    SetupUsersLater,
    SetupDoneTitle,
    SetupDoneIntro,
    SetupSummary,
    SetupDoneChangeLater,
    SetupToOverview,
    TaskFinishSetup,
    TaskVerifyDomain,
    TaskAddNumbers,
    TaskAddPeople,
    TaskSecondAdministrator,
    TaskDone,
    TaskToDo,
    OverviewChecklist,
    OverviewAllDone,
    OverviewLicences,
    OverviewInvitations,
    OverviewInvitationsPending,
    OverviewInvitationsFailing,
    OverviewImports,
    OverviewImportCounts,
    OverviewBookmark,
    SetupFullAdminsOnly,
    MappingTitle,
    MappingHint,
    MappingShow,
    MappingWillCreate,
    MappingAlready,
    MappingConflicts,
    MappingNothing,
    MappingApply,
    MappingDone,
    MappingNumber,
    MappingExtension,
    MappingReason,
    ConflictMappedOtherwise,
    ConflictPersonHasIt,
    ConflictNumberHasIt,
    ConflictSameDigits,
    NumberNeedsCalling,
    NumberNotInPool,
    NumberHeldBy,
    ExtensionHeldBy,
    ExtensionMappedTo,
    PersonCallingTitle,
    PersonNumber,
    PersonNumberHint,
    PersonExtensionHint,
    PersonNumberSave,
    PersonNumberTakeBack,
    SavedCalling,
    NavNumbers,
    NumbersTitle,
    NumbersSearch,
    NumbersSearchButton,
    NumbersSummary,
    NumbersPlan,
    NumbersManage,
    NumbersNone,
    NumbersHolder,
    NumbersFree,
    NumbersMore,
    ForwardAlways,
    ForwardBusy,
    ForwardNoAnswer,
    ForwardUnreachable,
    PinDigits,
    PinRepeated,
    PinSequence,
    PinsDiffer,
    ForwardNeedsNumber,
    SpeedDialNeedsName,
    SpeedDialNameLong,
    SpeedDialsFull,
    ReachNumberTwice,
    ReachTooMany,
    PhoneNeedsCountryCode,
    PhoneInvalid,
    MailActivationSubject,
    MailActivationBody,
    MailActivationNumber,
    MailActivationExtension,
    MailActivationCode,
    MailActivationAction,
    MailActivationExpiry,
    ActivationDeactivated,
    ActivationCodeFormat,
    ActivationCodeWrong,
    ActivationCodeUsed,
    ActivationCodeReplaced,
    ActivationCodeExpired,
    DeviceModelNeeded,
    DeviceMacInvalid,
    DeviceMacTaken,
    ActivationNeedsCalling,
    ActivateTitle,
    ActivateIntro,
    FieldActivationCode,
    FieldActivationCodeHint,
    FieldDeviceModel,
    FieldDeviceMac,
    FieldDeviceMacHint,
    ActivateButton,
    ActivatedTitle,
    ActivatedBody,
    ActivatedBodyPlain,
    ActivationThrottled,
    ActivateAnother,
    MeTitle,
    NavMe,
    MeNoCalling,
    MeNoNumber,
    MeNumber,
    MeExtension,
    VoicemailTitle,
    VoicemailOn,
    VoicemailRings,
    VoicemailCopy,
    PinTitle,
    PinSet,
    PinNotSet,
    FieldPin,
    FieldPinAgain,
    PinHint,
    PinSave,
    ForwardingTitle,
    ForwardHint,
    ForwardTo,
    ForwardNoAnswerRings,
    SpeedDialsTitle,
    SpeedDialsNone,
    SpeedDialName,
    SpeedDialNumber,
    SpeedDialAdd,
    MoveUp,
    MoveDown,
    ReachTitle,
    ReachIntro,
    ReachNone,
    ReachNumber,
    ReachAdd,
    ReachEnabled,
    ReachConfirm,
    ReachDelay,
    PhonesTitle,
    PhonesNone,
    PhonesActivate,
    PhoneActivatedOn,
    CodeNone,
    CodeWaiting,
    CodeUsed,
    CodeExpired,
    CodeSend,
    SavedCode,
    TheirSettingsTitle,
    TheirVoicemailOn,
    ReachRingTitle,
    TheirVoicemailCopy,
    PoolFile,
    PoolFileHint,
    PoolFileRead,
    NumbersNoneTyped,
    NumbersAddTitle,
    NumbersAddButton,
    NumbersAdded,
    NavAudit,
    AuditTitle,
    AuditWho,
    AuditWhat,
    AuditWhen,
    AuditDetail,
    AuditClient,
    AuditFrom,
    AuditTo,
    AuditAnyAction,
    AuditDownload,
    AuditNone,
    AuditOlder,
    AuditNoActor,
    AuditActionUnknown,
    AuditDateInvalid,
    AuditDatesOrder,
    AuditSignedIn,
    AuditSignInFailed,
    AuditSignedOut,
    AuditAccountCreated,
    AuditPasswordChanged,
    AuditPasswordResetRequested,
    AuditUsersAdded,
    AuditInvitationsSent,
    AuditInvitationsRevoked,
    AuditUsersDeactivated,
    AuditUsersReactivated,
    AuditUsersDeleted,
    AuditServicesChanged,
    AuditRoleChanged,
    AuditImportStarted,
    AuditImportCancelled,
    AuditUsersImported,
    AuditImportUndone,
    AuditSettingsChanged,
    AuditSetupFinished,
    AuditDomainAdded,
    AuditDomainVerified,
    AuditDomainRemoved,
    AuditNumbersAdded,
    AuditNumbersRemoved,
    AuditNumbersMapped,
    AuditNumberAssigned,
    AuditActivationCodeSent,
    AuditPhoneActivated,
    AuditOrganisationProvisioned,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(Locale::En.duration(10), "a moment");
        assert_eq!(Locale::En.duration(-5), "a moment");
        assert_eq!(Locale::En.duration(60), "1 minute");
        assert_eq!(Locale::En.duration(3_599), "59 minutes");
        assert_eq!(Locale::En.duration(7_200), "2 hours");
        assert_eq!(Locale::En.duration(86_400), "1 day");
        assert_eq!(Locale::En.duration(13 * 86_400 + 3_600), "13 days");
        assert_eq!(Locale::ZhCn.duration(3 * 86_400), "3 天");
    }

    #[test]
    fn negotiates_the_highest_ranked_supported_language() {
        assert_eq!(
            Locale::negotiate("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Locale::ZhCn)
        );
        assert_eq!(
            Locale::negotiate("fr-FR, en;q=0.5, zh;q=0.7"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::negotiate("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::negotiate("de, zh-Hans;q=0.1"), Some(Locale::ZhCn));
        assert_eq!(Locale::negotiate("zh;q=0, en;q=0.2"), Some(Locale::En));
    }

    #[test]
    fn negotiation_gives_up_on_unsupported_or_garbage() {
        assert_eq!(Locale::negotiate(""), None);
        assert_eq!(Locale::negotiate("fr, de;q=0.5"), None);
        assert_eq!(Locale::negotiate(";;;,q=,"), None);
        assert_eq!(Locale::negotiate("en;q=abc"), None);
    }

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn format_fills_named_placeholders() {
        assert_eq!(
            Locale::En.format(Key::ErrorReference, &[("id", "abc123")]),
            "Reference: abc123"
        );
        assert!(Locale::ZhCn
            .format(Key::ErrorReference, &[("id", "abc123")])
            .contains("abc123"));
    }
}
