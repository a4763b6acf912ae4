//! The Overview: the organisation, what is left to set up, licence use, people by status,
//! invitations, the latest imports, and the address to bookmark.

use crate::api::overview::{get_overview, Overview};
use crate::components::error_panel::ErrorPanel;
use crate::components::settings::PlanBars;
use crate::locales::{t, use_locale, Key};
use crate::pages::imports::state_label;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text=t(Key::OverviewTitle)/>
        <h1>{t(Key::OverviewTitle)}</h1>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    overview.await.map(|overview| view! { <OrganisationSummary overview/> }.into_any())
                })}
            </Suspense>
        </ErrorBoundary>
    }
}

#[component]
fn OrganisationSummary(overview: Overview) -> impl IntoView {
    let locale = use_locale();
    let users = overview.users.clone();
    let cards = [
        (Key::OverviewTotalUsers, users.total(), "total"),
        (Key::StatusActive, users.active, "active"),
        (
            Key::StatusInvitePending,
            users.invite_pending,
            "invite-pending",
        ),
        (Key::StatusExpired, users.expired, "expired"),
        (Key::StatusDeactivated, users.deactivated, "deactivated"),
    ];
    view! {
        <section class="organisation" aria-labelledby="organisation-name">
            <h2 id="organisation-name">{overview.org_name.clone()}</h2>
            <p class="muted">{locale.format(Key::OverviewCreated, &[("date", &overview.created_on)])}</p>
        </section>
        <section aria-labelledby="users-heading">
            <h2 id="users-heading">{t(Key::OverviewUsersHeading)}</h2>
            <dl class="counts">
                {cards
                    .into_iter()
                    .map(|(label, count, kind)| {
                        view! {
                            <div class=format!("count count-{kind}") data-test=format!("count-{kind}")>
                                <dt>{locale.text(label)}</dt>
                                <dd>{count}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
        <Checklist overview=overview.clone()/>
        <section class="card" aria-labelledby="licences-heading">
            <h2 id="licences-heading">{t(Key::OverviewLicences)}</h2>
            <PlanBars plan=overview.plan.clone()/>
        </section>
        <Invitations pending=overview.users.invite_pending failing=overview.invitations_failing/>
        <LatestImports overview=overview.clone()/>
        <p class="hint bookmark" data-test="bookmark">
            {t(Key::OverviewBookmark)}" "<code>{overview.portal_url.clone()}</code>
        </p>
    }
    .into_any()
}

#[component]
fn Checklist(overview: Overview) -> impl IntoView {
    let locale = use_locale();
    let left = overview.checklist.iter().filter(|(_, done)| !done).count();
    view! {
        <section class="card" aria-labelledby="checklist-heading">
            <h2 id="checklist-heading">{t(Key::OverviewChecklist)}</h2>
            {(left == 0).then(|| view! { <p class="notice">{t(Key::OverviewAllDone)}</p> })}
            <ul class="checklist" data-test="checklist">
                {overview
                    .checklist
                    .into_iter()
                    .map(|(task, done)| {
                        let label = locale.text(task.label());
                        view! {
                            <li class:done=done data-test=format!("task-{task:?}")>
                                <span class="check" aria-hidden="true">{if done { "✓" } else { "○" }}</span>
                                {if done {
                                    view! { <span>{label}</span> }.into_any()
                                } else {
                                    view! { <a href=task.path()>{label}</a> }.into_any()
                                }}
                                <span class="visually-hidden">
                                    {locale.text(if done { Key::TaskDone } else { Key::TaskToDo })}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn Invitations(pending: i64, failing: i64) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">{t(Key::OverviewInvitations)}</h2>
            <dl class="counts">
                <div class="count" data-test="invitations-pending">
                    <dt><a href="/users?status=invite_pending">{t(Key::OverviewInvitationsPending)}</a></dt>
                    <dd>{pending}</dd>
                </div>
                <div class="count" class:failing={failing > 0} data-test="invitations-failing">
                    <dt>{t(Key::OverviewInvitationsFailing)}</dt>
                    <dd>{failing}</dd>
                </div>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn LatestImports(overview: Overview) -> impl IntoView {
    let locale = use_locale();
    let now = overview.now;
    view! {
        <section class="card" aria-labelledby="imports-heading">
            <h2 id="imports-heading">{t(Key::OverviewImports)}</h2>
            {overview.imports.is_empty().then(|| view! { <p class="muted">{t(Key::ImportHistoryEmpty)}</p> })}
            <ul class="latest-imports" data-test="latest-imports">
                {overview
                    .imports
                    .into_iter()
                    .map(|import| {
                        let ago = locale.duration(now - import.created_at);
                        let created = import.created.to_string();
                        let failed = import.failed.to_string();
                        view! {
                            <li>
                                <a href=format!("/users/imports/{}", import.id)>{import.file_name}</a>
                                " · "{locale.text(state_label(import.state))}
                                " · "{locale.format(Key::OverviewImportCounts, &[("created", &created), ("failed", &failed)])}
                                " · "{locale.format(Key::ImportAgo, &[("ago", &ago)])}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
