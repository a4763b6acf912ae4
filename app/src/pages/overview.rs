//! The Overview: the organisation and how many of its people are in each status.

use crate::api::overview::{get_overview, Overview};
use crate::components::error_panel::ErrorPanel;
use crate::locales::{t, use_locale, Key};
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
                    overview.await.map(|overview| view! { <OrganisationSummary overview/> })
                })}
            </Suspense>
        </ErrorBoundary>
    }
}

#[component]
fn OrganisationSummary(overview: Overview) -> impl IntoView {
    let locale = use_locale();
    let users = overview.users;
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
            <h2 id="organisation-name">{overview.org_name}</h2>
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
    }
}
