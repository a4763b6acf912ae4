//! On a person's page, when the plan has calling: their direct number, chosen from the pool's
//! free numbers (a list the keyboard filters as one types), and their extension; their phones
//! and activation code; and, to read, the calling settings they chose themselves.

use crate::api::account::Me;
use crate::api::numbers::{person_calling, AssignNumber, CallingLine, UnassignNumber};
use crate::api::phones::{CodeState, Device, SendActivationCode};
use crate::components::form::FormError;
use crate::components::settings::{reasons, Input};
use crate::domain::self_service::Preferences;
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
    let new_code = ServerAction::<SendActivationCode>::new();
    let line = Resource::new(
        move || {
            let versions = (assign.version().get(), unassign.version().get());
            (id(), versions, new_code.version().get())
        },
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
                            let phones = line.has_calling.then(|| {
                                let (code, devices) = (line.code.clone(), line.devices.clone());
                                view! { <Phones code devices id new_code can_manage/> }
                            });
                            let preferences = line.preferences.clone().map(|p| view! { <TheirSettings p/> });
                            view! {
                                <LineForm line id assign unassign can_manage/>
                                {phones}
                                {preferences}
                            }
                            .into_any()
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

/// The phones registered to someone, or that there are none.
#[component]
pub fn DeviceList(devices: Vec<Device>) -> impl IntoView {
    if devices.is_empty() {
        return view! { <p class="muted" data-test="no-phones">{t(Key::PhonesNone)}</p> }
            .into_any();
    }
    view! {
        <table class="phones" data-test="phones">
            <thead>
                <tr>
                    <th scope="col">{t(Key::FieldDeviceModel)}</th>
                    <th scope="col">{t(Key::FieldDeviceMac)}</th>
                    <th scope="col">{t(Key::PhoneActivatedOn)}</th>
                </tr>
            </thead>
            <tbody>
                {devices
                    .into_iter()
                    .map(|d| view! {
                        <tr data-test="phone">
                            <td>{d.model}</td>
                            <td><code>{d.mac}</code></td>
                            <td>{d.activated_on}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A person's phones and activation code; a user administrator can send a new code.
#[component]
fn Phones(
    code: Option<CodeState>,
    devices: Vec<Device>,
    id: i64,
    new_code: ServerAction<SendActivationCode>,
    can_manage: bool,
) -> impl IntoView {
    let locale = use_locale();
    let answer = new_code.value();
    let code = match code {
        None => locale.text(Key::CodeNone).to_owned(),
        Some(c) if c.used => locale.format(Key::CodeUsed, &[("date", &c.sent_on)]),
        Some(c) if c.expired => locale.format(Key::CodeExpired, &[("date", &c.expires_on)]),
        Some(c) => locale.format(
            Key::CodeWaiting,
            &[("sent", &c.sent_on), ("date", &c.expires_on)],
        ),
    };
    view! {
        <section class="card" aria-labelledby="person-phones">
            <h2 id="person-phones">{t(Key::PhonesTitle)}</h2>
            <DeviceList devices/>
            <p data-test="code-state">{code}</p>
            {can_manage.then(|| view! {
                <ActionForm action=new_code>
                    <FormError answer/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="secondary" data-test="send-code">{t(Key::CodeSend)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

/// The settings a person chose on their own page, for administrators to read (helping someone
/// whose calls go astray); the PIN is never shown.
#[component]
fn TheirSettings(p: Preferences) -> impl IntoView {
    let locale = use_locale();
    let yes_no = move |on: bool| locale.text(if on { Key::SettingOn } else { Key::SettingOff });
    let voicemail = if p.voicemail.enabled {
        locale.format(
            Key::TheirVoicemailOn,
            &[("rings", &p.voicemail.rings.to_string())],
        )
    } else {
        locale.text(Key::SettingOff).to_owned()
    };
    let forwarding: Vec<String> = p
        .forwarding
        .rules()
        .into_iter()
        .filter(|(_, _, rule)| rule.enabled)
        .map(|(_, label, rule)| format!("{}: {}", locale.text(label), rule.to))
        .collect();
    let forwarding = if forwarding.is_empty() {
        locale.text(Key::SettingOff).to_owned()
    } else {
        forwarding.join("; ")
    };
    let dials: Vec<String> = p
        .speed_dials
        .iter()
        .map(|d| format!("{} ({})", d.name, d.number))
        .collect();
    let reach: Vec<String> = p
        .reach
        .numbers
        .iter()
        .filter(|n| n.enabled)
        .map(|n| n.number.clone())
        .collect();
    let none = locale.text(Key::NoServices);
    let or_none = move |list: Vec<String>| {
        if list.is_empty() {
            none.to_owned()
        } else {
            list.join(", ")
        }
    };
    view! {
        <section class="card" aria-labelledby="person-their-settings">
            <h2 id="person-their-settings">{t(Key::TheirSettingsTitle)}</h2>
            <dl class="facts" data-test="their-settings">
                <dt>{t(Key::VoicemailTitle)}</dt>
                <dd data-test="their-voicemail">{voicemail}</dd>
                <dt>{t(Key::TheirVoicemailCopy)}</dt>
                <dd>{yes_no(p.voicemail.email_copy)}</dd>
                <dt>{t(Key::ForwardingTitle)}</dt>
                <dd data-test="their-forwarding">{forwarding}</dd>
                <dt>{t(Key::SpeedDialsTitle)}</dt>
                <dd data-test="their-speed-dials">{or_none(dials)}</dd>
                <dt>{t(Key::ReachTitle)}</dt>
                <dd data-test="their-reach">{or_none(reach)}</dd>
            </dl>
        </section>
    }
    .into_any()
}
