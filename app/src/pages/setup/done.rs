//! The wizard's last page: a summary of what was set up, and where to go next.

use crate::api::settings::{setup_state, SettingsView};
use crate::components::error_panel::ErrorPanel;
use crate::components::settings::PlanBars;
use crate::locales::{t, use_locale, Key, Locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn SetupDonePage() -> impl IntoView {
    if !super::full_admin() {
        return view! { <super::FullAdminsOnly/> }.into_any();
    }
    let state = Resource::new(|| (), |_| setup_state());
    view! {
        <Title text=t(Key::SetupDoneTitle)/>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    state.await.map(|view| {
                        if view.finished {
                            view! { <Summary settings=view.settings/> }.into_any()
                        } else {
                            view! { <Redirect path="/setup"/> }.into_any()
                        }
                    })
                })}
            </Suspense>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn Summary(settings: SettingsView) -> impl IntoView {
    let locale = use_locale();
    let yes_no = move |on: bool| locale.text(if on { Key::SettingOn } else { Key::SettingOff });
    let mut rows: Vec<(Key, String)> = Vec::new();
    if let Some(calling) = &settings.calling {
        let f = &calling.form;
        rows.push((
            Key::CallingLocationName,
            format!("{} ({})", f.location, f.time_zone.replace('_', " ")),
        ));
        rows.push((
            Key::CallingExtensions,
            format!("{} – {}", f.extension_first, f.extension_last),
        ));
        let size = calling.pool_size().to_string();
        rows.push((
            Key::CallingNumbers,
            locale.format(Key::PoolSize, &[("count", &size)]),
        ));
        rows.push((
            Key::CallingVoicemail,
            yes_no(f.voicemail_default.is_some()).to_owned(),
        ));
    }
    if let Some(m) = &settings.messaging {
        rows.push((
            Key::MessagingFileSharing,
            yes_no(m.file_sharing.is_some()).to_owned(),
        ));
        rows.push((
            Key::MessagingExternal,
            yes_no(m.external_messaging.is_some()).to_owned(),
        ));
        let kept = if m.retention_days.is_empty() {
            locale.text(Key::MessagingKeptForEver).to_owned()
        } else {
            locale.format(Key::MessagingKeptDays, &[("days", &m.retention_days)])
        };
        rows.push((Key::MessagingRetention, kept));
    }
    let e = &settings.enterprise;
    rows.push((Key::EnterpriseDisplayName, e.display_name.clone()));
    let language = Locale::from_tag(&e.default_language).unwrap_or_default();
    rows.push((Key::EnterpriseLanguage, language.native_name().to_owned()));
    rows.push((Key::EnterpriseInvitationDays, e.invitation_days.clone()));
    let domains = if settings.domains.is_empty() {
        locale.text(Key::DomainsNone).to_owned()
    } else {
        settings
            .domains
            .iter()
            .map(|d| {
                let state = locale.text(if d.verified {
                    Key::DomainVerified
                } else {
                    Key::DomainNotVerified
                });
                format!("{} ({state})", d.name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.push((Key::DomainsTitle, domains));
    view! {
        <h1>{t(Key::SetupDoneTitle)}</h1>
        <p class="notice" role="status" data-test="setup-done">{t(Key::SetupDoneIntro)}</p>
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t(Key::SetupSummary)}</h2>
            <PlanBars plan=settings.plan/>
            <dl class="summary" data-test="summary">
                {rows
                    .into_iter()
                    .map(|(label, value)| view! { <dt>{locale.text(label)}</dt><dd>{value}</dd> })
                    .collect_view()}
            </dl>
            <p class="hint">{t(Key::SetupDoneChangeLater)}</p>
            <div class="actions">
                <a class="button primary" href="/" data-test="to-overview">{t(Key::SetupToOverview)}</a>
                <a class="button" href="/users?add#add-people">{t(Key::SetupUsersPaste)}</a>
                <a class="button" href="/users/import">{t(Key::SetupUsersCsv)}</a>
                <a class="button" href="/users/directory">{t(Key::DirectoryFromLink)}</a>
            </div>
        </section>
    }
    .into_any()
}
