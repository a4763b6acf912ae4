//! The Users screen: the table of everyone in the organisation, adding people (full
//! administrators), adding administrators, and one person's page.

mod add;
mod admins;
mod badge;
mod bulk;
mod person;
mod table;

use crate::api::account::Me;
use crate::domain::Role;
use crate::locales::{t, Key};
use add::AddPeople;
use admins::AddAdministrator;
use leptos::prelude::*;
use leptos_meta::Title;
pub use person::PersonPage;
use table::UserTable;

#[component]
pub fn UsersPage() -> impl IntoView {
    let full_admin = use_context::<Me>().is_some_and(|me| me.role == Role::FullAdmin);
    view! {
        <Title text=t(Key::UsersTitle)/>
        <h1>{t(Key::UsersTitle)}</h1>
        {full_admin.then(|| view! { <AddPeople/> })}
        <UserTable/>
        {full_admin.then(|| view! { <AddAdministrator/> })}
    }
}
