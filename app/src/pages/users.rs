//! The Users screen: adding people (full administrators), and, with the next steps of its issue,
//! the table of everyone in the organisation.

mod add;

use crate::api::account::Me;
use crate::domain::Role;
use crate::locales::{t, Key};
use add::AddPeople;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsersPage() -> impl IntoView {
    let full_admin = use_context::<Me>().is_some_and(|me| me.role == Role::FullAdmin);
    view! {
        <Title text=t(Key::UsersTitle)/>
        <h1>{t(Key::UsersTitle)}</h1>
        {full_admin.then(|| view! { <AddPeople/> })}
    }
}
