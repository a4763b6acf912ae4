//! Add users › From a directory: where the LDAP / Active Directory is and how to read it, which
//! groups give which services, how often it syncs; then a dry run that shows what a sync would
//! do, and the syncs themselves with their progress.

mod dry_run;
mod syncs;

use crate::api::directory::{
    directory_settings, DirectoryView, RemoveDirectory, SaveDirectory, StartDirectorySync,
};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::components::settings::{reasons, Choice, Input, TextArea, Tick};
use crate::domain::directory::{group_field, Schedule};
use crate::domain::Service;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DirectorySyncPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveDirectory>::new();
    let remove = ServerAction::<RemoveDirectory>::new();
    let start = ServerAction::<StartDirectorySync>::new();
    // Read again only after a change took: a refused save keeps the form as typed.
    let changed = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(())))
            || matches!(remove.value().get(), Some(Ok(())))
        {
            changed.update(|n| *n += 1);
        }
    });
    let settings = Resource::new(move || changed.get(), |_| directory_settings());
    // What the last change did: from the query after a plain form post, else from the answer.
    let note = RwSignal::new({
        let query = query.read_untracked();
        if query.get("started").is_some() {
            Some(Key::DirectorySyncStarted)
        } else if query.get("saved").is_some() {
            Some(Key::DirectorySaved)
        } else if query.get("removed").is_some() {
            Some(Key::DirectoryRemoved)
        } else {
            None
        }
    });
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            note.set(Some(Key::DirectorySaved));
        }
    });
    Effect::new(move |_| {
        if matches!(start.value().get(), Some(Ok(_))) {
            note.set(Some(Key::DirectorySyncStarted));
        }
    });
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            note.set(Some(Key::DirectoryRemoved));
        }
    });
    view! {
        <Title text=t(Key::DirectoryTitle)/>
        <nav class="breadcrumb" aria-label=t(Key::ImportBreadcrumb)>
            <a href="/users">{t(Key::UsersTitle)}</a>
        </nav>
        <h1>{t(Key::DirectoryTitle)}</h1>
        <p class="intro">{t(Key::DirectoryIntro)}</p>
        {move || note.get().map(|key| view! { <p class="notice" role="status" data-test="directory-note">{t(key)}</p> })}
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    settings.await.map(|view| {
                        let configured = view.configured;
                        let can_edit = view.can_edit;
                        let syncs = view.syncs.clone();
                        let now = view.now;
                        view! {
                            <SettingsForm view save remove/>
                            {configured.then(|| view! {
                                <dry_run::DryRunCard can_edit start/>
                                <syncs::SyncList first=syncs now start/>
                            })}
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn SettingsForm(
    view: DirectoryView,
    save: ServerAction<SaveDirectory>,
    remove: ServerAction<RemoveDirectory>,
) -> impl IntoView {
    let locale = use_locale();
    let answer = save.value();
    let form = view.form;
    let schedules = Schedule::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), locale.text(s.label()).to_owned()))
        .collect();
    let next_run = view.next_run_at.map(|at| {
        locale.format(
            Key::DirectoryNextRun,
            &[("in", &locale.duration(at - view.now))],
        )
    });
    let password_hint = if view.configured {
        Key::DirectoryPasswordKept
    } else {
        Key::DirectoryPasswordHint
    };
    let everyone = view
        .services
        .iter()
        .map(|service| {
            let name = match service {
                Service::Messaging => "everyone_messaging",
                Service::Meetings => "everyone_meetings",
                Service::Calling => "everyone_calling",
            };
            view! { <Tick name label=service.label() checked=form.everyone.contains(service)/> }
        })
        .collect_view();
    let groups = view
        .services
        .iter()
        .map(|service| {
            let label = match service {
                Service::Messaging => Key::DirectoryGroupsMessaging,
                Service::Meetings => Key::DirectoryGroupsMeetings,
                Service::Calling => Key::DirectoryGroupsCalling,
            };
            let name = group_field(*service);
            view! { <TextArea name label value=form.groups_for(*service) refused=reasons(answer, name)/> }
        })
        .collect_view();
    let can_edit = view.can_edit;
    view! {
        <section class="card directory-settings" aria-labelledby="directory-settings-title">
            <h2 id="directory-settings-title">{t(Key::DirectoryConnection)}</h2>
            <ActionForm action=save attr:class="settings-form" attr:data-test="directory-form">
                <FormError answer/>
                <fieldset disabled=!can_edit>
                    <Input name="url" label=Key::DirectoryUrl value=form.url hint=Key::DirectoryUrlHint refused=reasons(answer, "url") required=true/>
                    <div class="field-row">
                        <Input name="bind_dn" label=Key::DirectoryBindDn value=form.bind_dn refused=reasons(answer, "bind_dn") required=true/>
                        <Input name="password" label=Key::DirectoryPassword value=String::new() kind="password" hint=password_hint refused=reasons(answer, "password")/>
                    </div>
                    <div class="field-row">
                        <Input name="base_dn" label=Key::DirectoryBaseDn value=form.base_dn refused=reasons(answer, "base_dn") required=true/>
                        <Input name="filter" label=Key::DirectoryFilter value=form.filter hint=Key::DirectoryFilterHint refused=reasons(answer, "filter") required=true/>
                    </div>
                    <fieldset>
                        <legend>{t(Key::DirectoryAttributes)}</legend>
                        <p class="hint">{t(Key::DirectoryAttributesHint)}</p>
                        <div class="field-row">
                            <Input name="attribute_email" label=Key::CsvFieldEmail value=form.attribute_email refused=reasons(answer, "attribute_email")/>
                            <Input name="attribute_first_name" label=Key::CsvFieldFirstName value=form.attribute_first_name refused=reasons(answer, "attribute_first_name")/>
                            <Input name="attribute_last_name" label=Key::CsvFieldLastName value=form.attribute_last_name refused=reasons(answer, "attribute_last_name")/>
                            <Input name="attribute_display_name" label=Key::CsvFieldDisplayName value=form.attribute_display_name refused=reasons(answer, "attribute_display_name")/>
                            <Input name="attribute_phone" label=Key::CsvFieldPhone value=form.attribute_phone refused=reasons(answer, "attribute_phone")/>
                        </div>
                    </fieldset>
                    <fieldset>
                        <legend>{t(Key::DirectoryServices)}</legend>
                        <p class="hint">{t(Key::DirectoryServicesHint)}</p>
                        <p class="field-label">{t(Key::DirectoryEveryone)}</p>
                        {everyone}
                        <ul class="field-error" data-test="error-everyone">
                            {move || reasons(answer, "everyone").get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                        </ul>
                        {groups}
                    </fieldset>
                    <Choice name="schedule" label=Key::DirectorySchedule options=schedules selected=form.schedule refused=reasons(answer, "schedule")/>
                    {next_run.map(|line| view! { <p class="hint" data-test="next-run">{line}</p> })}
                </fieldset>
                {can_edit.then(|| view! {
                    <p class="step-buttons">
                        <button type="submit" class="primary" data-test="save-directory">{t(Key::DirectorySave)}</button>
                    </p>
                })}
            </ActionForm>
            {(can_edit && view.configured).then(|| view! {
                <ActionForm action=remove attr:class="remove-directory">
                    <button type="submit" class="danger" data-test="remove-directory">{t(Key::DirectoryRemove)}</button>
                    <span class="hint">{t(Key::DirectoryRemoveHint)}</span>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
