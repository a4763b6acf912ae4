//! The Users screen: the table of everyone in the organisation, adding people (full
//! administrators), adding administrators, and one person's page.

mod add;
mod admins;
mod badge;
mod bulk;
pub mod calling_line;
mod person;
mod table;
mod unlicensed;

use crate::api::account::Me;
use crate::domain::Role;
use crate::locales::{t, Key};
use add::AddPeople;
use admins::AddAdministrator;
use leptos::prelude::*;
use leptos_meta::Title;
pub use person::PersonPage;
use table::UserTable;
pub use unlicensed::UnlicensedPage;

#[component]
pub fn UsersPage() -> impl IntoView {
    let full_admin = use_context::<Me>().is_some_and(|me| me.role == Role::FullAdmin);
    view! {
        <Title text=t(Key::UsersTitle)/>
        <h1>{t(Key::UsersTitle)}</h1>
        {full_admin.then(|| view! { <AddPeople/> })}
        <FileActions full_admin/>
        <UserTable/>
        {full_admin.then(|| view! { <AddAdministrator/> })}
    }
}

/// Import from a file (full administrators) and export the people the table's filter shows.
#[component]
fn FileActions(full_admin: bool) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let export = move || {
        let query = query.read();
        let mut filter = leptos_router::params::ParamsMap::new();
        for name in ["q", "status", "service"] {
            if let Some(value) = query.get(name) {
                filter.replace(name, value);
            }
        }
        format!("/api/users/export.csv{}", filter.to_query_string())
    };
    view! {
        <p class="actions file-actions">
            {full_admin.then(|| view! {
                <a class="button" href="/users/import" id="import-link">{t(Key::ImportFromFile)}</a>
                <a class="button" href="/users/directory" id="directory-link">{t(Key::DirectoryFromLink)}</a>
            })}
            <a class="button" href=export id="export-link" download="users.csv">{t(Key::ExportToFile)}</a>
            <UnlicensedLink/>
        </p>
    }
}

/// The way to the people who signed up on their own, with how many wait.
#[component]
fn UnlicensedLink() -> impl IntoView {
    let locale = crate::locales::use_locale();
    let count = Resource::new(|| (), |_| crate::api::unlicensed::unlicensed_count());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let waiting = count.await.unwrap_or(0);
                let label = if waiting > 0 {
                    locale.format(Key::UnlicensedLinkCount, &[("count", &waiting.to_string())])
                } else {
                    locale.text(Key::UnlicensedLink).to_owned()
                };
                view! {
                    <a class="button" href="/users/unlicensed" data-test="unlicensed-link">{label}</a>
                }
            })}
        </Suspense>
    }
}
