//! Settings › Provisioning: the SCIM address and tokens for identity providers. A new token's
//! text is shown once, on the page that made it; it needs JavaScript, so the text never travels
//! in a link or a redirect.

use crate::api::scim::{
    scim_tokens, CreateScimToken, Provisioning, RevokeScimToken, SetDirectoryRule,
};
use crate::components::form::FormError;
use crate::components::settings::{reasons, Choice, Input};
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ProvisioningCard(can_edit: bool) -> impl IntoView {
    let create = ServerAction::<CreateScimToken>::new();
    let revoke = ServerAction::<RevokeScimToken>::new();
    let rule = ServerAction::<SetDirectoryRule>::new();
    let provisioning = Resource::new(
        move || {
            let changes = (create.version().get(), revoke.version().get());
            (changes, rule.version().get())
        },
        |_| scim_tokens(),
    );
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let answer = create.value();
    let new_token = move || answer.get().and_then(Result::ok);
    view! {
        <section class="card" id="provisioning" aria-labelledby="provisioning-heading">
            <h2 id="provisioning-heading">{t(Key::ScimTitle)}</h2>
            <p>{t(Key::ScimIntro)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    provisioning
                        .await
                        .map(|p| {
                            let refuse = p.refuse_hand_adds;
                            view! {
                                <Tokens provisioning=p revoke can_edit/>
                                <Rule refuse rule can_edit/>
                            }
                            .into_any()
                        })
                        .unwrap_or_else(|_| ().into_any())
                })}
            </Transition>
            {move || new_token().map(|token| view! {
                <div class="notice" role="status" data-test="new-token">
                    <p>{t(Key::ScimShownOnce)}</p>
                    <code class="token">{token}</code>
                </div>
            })}
            <Show when=move || can_edit && interactive.get()>
                <ActionForm action=create attr:class="add-row">
                    <FormError answer/>
                    <Input name="name" id="scim-token-name" label=Key::ScimNewToken value=String::new() refused=reasons(answer, "name")/>
                    <button type="submit" class="secondary" data-test="create-token">{t(Key::ScimCreate)}</button>
                </ActionForm>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn Tokens(
    provisioning: Provisioning,
    revoke: ServerAction<RevokeScimToken>,
    can_edit: bool,
) -> impl IntoView {
    let locale = use_locale();
    let none = provisioning.tokens.is_empty();
    view! {
        <p>{t(Key::ScimBaseUrl)}": "<code data-test="scim-base">{provisioning.base_url}</code></p>
        {none.then(|| view! { <p class="muted" data-test="no-tokens">{t(Key::ScimTokensNone)}</p> })}
        <ul class="rows" data-test="tokens">
            {provisioning
                .tokens
                .into_iter()
                .map(|token| {
                    let used = match &token.last_used_on {
                        Some(date) => locale.format(Key::ScimTokenUsedOn, &[("date", date)]),
                        None => locale.text(Key::ScimTokenNeverUsed).to_owned(),
                    };
                    let created = locale.format(Key::ScimTokenCreatedOn, &[("date", &token.created_on)]);
                    view! {
                        <li data-test="token">
                            <ActionForm action=revoke attr:class="row">
                                <input type="hidden" name="id" value=token.id.to_string()/>
                                <span class="number"><strong>{token.name}</strong></span>
                                <span class="muted">{format!("{created}, {used}")}</span>
                                {can_edit.then(|| view! {
                                    <span class="row-buttons">
                                        <button type="submit" class="danger" data-test="revoke-token">{t(Key::ScimRevoke)}</button>
                                    </span>
                                })}
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Whether people added by hand or CSV are warned about or refused while a provider is on.
#[component]
fn Rule(refuse: bool, rule: ServerAction<SetDirectoryRule>, can_edit: bool) -> impl IntoView {
    let locale = use_locale();
    let answer = rule.value();
    let options = vec![
        (
            "warn".to_owned(),
            locale.text(Key::DirectoryRuleWarn).to_owned(),
        ),
        (
            "refuse".to_owned(),
            locale.text(Key::DirectoryRuleRefuse).to_owned(),
        ),
    ];
    let selected = if refuse { "refuse" } else { "warn" }.to_owned();
    view! {
        <ActionForm action=rule attr:class="add-row">
            <FormError answer/>
            <fieldset disabled=!can_edit>
                <Choice name="rule" label=Key::DirectoryRule options selected refused=reasons(answer, "rule")/>
            </fieldset>
            {can_edit.then(|| view! {
                <button type="submit" class="secondary" data-test="save-rule">{t(Key::SettingsSave)}</button>
            })}
        </ActionForm>
    }
    .into_any()
}
