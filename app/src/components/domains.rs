//! The organisation's email domains, on the wizard's enterprise step and the Settings tab: each
//! with the DNS TXT record that proves it and its state, verify and remove, and adding one. The
//! list loads and reloads by itself, so a form elsewhere on the page keeps what was typed in it.

use super::settings::{reasons, Input};
use crate::api::settings::{list_domains, AddDomain, DomainView, RemoveDomain, VerifyDomain};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::FormError;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The list and its three actions. A page makes it at its top, outside any suspense: a resource
/// made inside another resource's suspense is numbered differently on the server and in the
/// browser, and hydration then fails now and then.
#[derive(Clone, Copy)]
pub struct DomainList {
    list: Resource<Result<Vec<DomainView>, AppError>>,
    add: ServerAction<AddDomain>,
    verify: ServerAction<VerifyDomain>,
    remove: ServerAction<RemoveDomain>,
}

impl DomainList {
    pub fn new() -> Self {
        let add = ServerAction::<AddDomain>::new();
        let verify = ServerAction::<VerifyDomain>::new();
        let remove = ServerAction::<RemoveDomain>::new();
        let list = Resource::new(
            move || {
                (
                    add.version().get(),
                    verify.version().get(),
                    remove.version().get(),
                )
            },
            |_| list_domains(),
        );
        DomainList {
            list,
            add,
            verify,
            remove,
        }
    }
}

impl Default for DomainList {
    fn default() -> Self {
        DomainList::new()
    }
}

#[component]
pub fn Domains(domains: DomainList, can_edit: bool) -> impl IntoView {
    let actions = domains;
    let domains = domains.list;
    let locale = use_locale();
    let verify_answer = actions.verify.value();
    // The last lookup's answer belongs to the domain it was for.
    let refusal_for = move |id: i64| {
        Signal::derive(move || {
            verify_answer.with(|answer| match answer {
                Some(Err(AppError::Invalid(errors))) => errors
                    .iter()
                    .filter(|e| e.field == format!("domain-{id}"))
                    .map(|e| e.message(locale))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
        })
    };
    view! {
        <section class="domains" aria-labelledby="domains-heading">
            <h2 id="domains-heading">{t(Key::DomainsTitle)}</h2>
            <p class="hint">{t(Key::DomainsHint)}</p>
            <div class="domain-list-wrap">
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                    <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                        {move || Suspend::new(async move {
                            domains.await.map(|domains| {
                                let empty = domains.is_empty();
                                view! {
                                    {empty.then(|| view! { <p class="muted" data-test="no-domains">{t(Key::DomainsNone)}</p> })}
                                    <ul class="domain-list">
                                        {domains
                                            .into_iter()
                                            .map(|domain| {
                                                let refused = refusal_for(domain.id);
                                                view! { <DomainItem domain actions can_edit refused/> }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                .into_any()
                            })
                        })}
                    </Transition>
                </ErrorBoundary>
            </div>
            {can_edit.then(|| {
                let answer = actions.add.value();
                view! {
                    <ActionForm action=actions.add attr:class="add-domain">
                        <FormError answer/>
                        <Input
                            name="domain"
                            label=Key::DomainAdd
                            value=String::new()
                            hint=Key::DomainAddHint
                            refused=reasons(answer, "domain")
                        />
                        <button type="submit" data-test="add-domain">{t(Key::DomainAddButton)}</button>
                    </ActionForm>
                }
            })}
        </section>
    }
    .into_any()
}

#[component]
fn DomainItem(
    domain: DomainView,
    actions: DomainList,
    can_edit: bool,
    refused: Signal<Vec<String>>,
) -> impl IntoView {
    let id = domain.id.to_string();
    let (state, class) = if domain.verified {
        (Key::DomainVerified, "badge active")
    } else {
        (Key::DomainNotVerified, "badge invite_pending")
    };
    let verified = domain.verified;
    view! {
        <li class="domain" data-test=format!("domain-{}", domain.name)>
            <p class="domain-name">
                <strong>{domain.name.clone()}</strong>
                " "
                <span class=class data-test="domain-state">{t(state)}</span>
            </p>
            {(!verified).then(|| view! {
                <div class="dns-record">
                    <p>{t(Key::DomainRecordIntro)}</p>
                    <dl>
                        <dt>{t(Key::DomainRecordName)}</dt><dd><code>{domain.record_name.clone()}</code></dd>
                        <dt>{t(Key::DomainRecordType)}</dt><dd><code>"TXT"</code></dd>
                        <dt>{t(Key::DomainRecordValue)}</dt><dd><code data-test="txt-value">{domain.record_value.clone()}</code></dd>
                    </dl>
                </div>
            })}
            <ul class="field-error" data-test="domain-error">
                {move || refused.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>
            {can_edit.then(move || view! {
                <div class="actions">
                    {(!verified).then({
                        let id = id.clone();
                        move || view! {
                        <ActionForm action=actions.verify>
                            <input type="hidden" name="id" value=id.clone()/>
                            <button type="submit" data-test="verify-domain">{t(Key::DomainVerify)}</button>
                        </ActionForm>
                    }})}
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="secondary" data-test="remove-domain">{t(Key::DomainRemove)}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
    .into_any()
}
