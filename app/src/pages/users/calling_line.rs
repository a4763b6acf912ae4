//! On a person's page, when the plan has calling: their direct number, chosen from the pool's
//! free numbers (a list the keyboard filters as one types), and their extension.

use crate::api::account::Me;
use crate::api::numbers::{person_calling, AssignNumber, CallingLine, UnassignNumber};
use crate::components::form::FormError;
use crate::components::settings::{reasons, Input};
use crate::domain::Role;
use crate::error::AppError;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CallingLineSection() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let assign = ServerAction::<AssignNumber>::new();
    let unassign = ServerAction::<UnassignNumber>::new();
    let line = Resource::new(
        move || (id(), assign.version().get(), unassign.version().get()),
        |(id, ..)| async move {
            match id {
                Some(id) => person_calling(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let can_manage = use_context::<Me>().is_some_and(|me| me.role.at_least(Role::UserAdmin));
    view! {
        <Transition fallback=|| ()>
            {move || {
                let id = id();
                Suspend::new(async move {
                    // A person not found is said by the page above; a plan without calling has
                    // nothing to show here.
                    let line = line.await.ok().filter(|line| line.plan_has_calling);
                    match (line, id) {
                        (Some(line), Some(id)) => {
                            view! { <LineForm line id assign unassign can_manage/> }.into_any()
                        }
                        _ => ().into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
fn LineForm(
    line: CallingLine,
    id: i64,
    assign: ServerAction<AssignNumber>,
    unassign: ServerAction<UnassignNumber>,
    can_manage: bool,
) -> impl IntoView {
    let answer = assign.value();
    let taken_back = unassign.value();
    let has_any = line.number.is_some() || line.extension.is_some();
    let length = line.extension_length.to_string();
    let locale = use_locale();
    view! {
        <section class="card" aria-labelledby="person-calling">
            <h2 id="person-calling">{t(Key::PersonCallingTitle)}</h2>
            <ActionForm action=assign attr:class="calling-line">
                <FormError answer/>
                <input type="hidden" name="id" value=id.to_string()/>
                <fieldset disabled=!can_manage>
                    <div class="field-row">
                        <Input
                            name="number"
                            label=Key::PersonNumber
                            value=line.number.clone().unwrap_or_default()
                            inputmode="tel"
                            hint=Key::PersonNumberHint
                            list="free-numbers"
                            refused=reasons(answer, "number")
                        />
                        <Input
                            name="extension"
                            label=Key::MappingExtension
                            value=line.extension.clone().unwrap_or_default()
                            inputmode="numeric"
                            refused=reasons(answer, "extension")
                        />
                    </div>
                </fieldset>
                <p class="hint">{locale.format(Key::PersonExtensionHint, &[("length", &length)])}</p>
                <datalist id="free-numbers">
                    {line.free.into_iter().map(|n| view! { <option value=n.clone()></option> }).collect_view()}
                </datalist>
                {can_manage.then(|| view! {
                    <button type="submit" class="primary" data-test="save-number">{t(Key::PersonNumberSave)}</button>
                })}
            </ActionForm>
            {(can_manage && has_any).then(|| view! {
                <ActionForm action=unassign>
                    <FormError answer=taken_back/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="secondary" data-test="unassign-number">{t(Key::PersonNumberTakeBack)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
