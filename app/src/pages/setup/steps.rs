//! Each wizard step's form. Every step is a plain form post with Back and Next buttons, so the
//! wizard works without JavaScript; the server keeps what was typed when it goes back or refuses.

use crate::api::settings::{
    FinishSetup, LeavePlanStep, SaveCalling, SaveEnterprise, SaveMessaging, SetupView,
};
use crate::components::domains::{DomainList, Domains};
use crate::components::form::FormError;
use crate::components::settings::{CallingFields, EnterpriseFields, MessagingFields, PlanBars};
use crate::domain::settings::SetupStep;
use crate::locales::{t, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;

pub fn content(view: SetupView, step: SetupStep, domains: DomainList) -> AnyView {
    let first = step == SetupStep::Plan;
    let settings = view.settings;
    match step {
        SetupStep::Plan => {
            let action = ServerAction::<LeavePlanStep>::new();
            let answer = action.value();
            view! {
                <p class="intro">{t(Key::SetupPlanIntro)}</p>
                <PlanBars plan=settings.plan/>
                <p class="hint">{t(Key::SetupPlanChange)}</p>
                <ActionForm action>
                    <FormError answer/>
                    <StepButtons first pending=action.pending()/>
                </ActionForm>
            }
            .into_any()
        }
        SetupStep::Calling => {
            let action = ServerAction::<SaveCalling>::new();
            let answer = action.value();
            settings
                .calling
                .map(|calling| {
                    view! {
                        <p class="intro">{t(Key::SetupCallingIntro)}</p>
                        <ActionForm action attr:class="settings-form">
                            <FormError answer/>
                            <CallingFields calling answer/>
                            <StepButtons first pending=action.pending()/>
                        </ActionForm>
                    }
                })
                .into_any()
        }
        SetupStep::Messaging => {
            let action = ServerAction::<SaveMessaging>::new();
            let answer = action.value();
            settings
                .messaging
                .map(|form| {
                    view! {
                        <p class="intro">{t(Key::SetupMessagingIntro)}</p>
                        <ActionForm action attr:class="settings-form">
                            <FormError answer/>
                            <MessagingFields form answer/>
                            <StepButtons first pending=action.pending()/>
                        </ActionForm>
                    }
                })
                .into_any()
        }
        SetupStep::Enterprise => {
            let action = ServerAction::<SaveEnterprise>::new();
            crate::components::layout::follow_renames(move || {
                action.value().get().and_then(Result::ok)
            });
            let answer = action.value();
            // The domains have forms of their own, so they sit outside this form; its buttons
            // come after them and name the form they send.
            view! {
                <p class="intro">{t(Key::SetupEnterpriseIntro)}</p>
                <ActionForm action attr:class="settings-form" attr:id="enterprise-form">
                    <FormError answer/>
                    <EnterpriseFields form=settings.enterprise answer/>
                </ActionForm>
                <Domains domains can_edit=true/>
                <StepButtons first form="enterprise-form" pending=action.pending()/>
            }
            .into_any()
        }
        SetupStep::Users => {
            let action = ServerAction::<FinishSetup>::new();
            let answer = action.value();
            view! {
                <p class="intro">{t(Key::SetupUsersIntro)}</p>
                <ul class="ways">
                    <li>
                        <a href="/users?add#add-people" data-test="add-by-paste">{t(Key::SetupUsersPaste)}</a>
                        <p class="hint">{t(Key::SetupUsersPasteHint)}</p>
                    </li>
                    <li>
                        <a href="/users/import" data-test="add-by-csv">{t(Key::SetupUsersCsv)}</a>
                        <p class="hint">{t(Key::SetupUsersCsvHint)}</p>
                    </li>
                    <li>
                        <a href="/users/directory" data-test="add-by-directory">{t(Key::DirectoryFromLink)}</a>
                        <p class="hint">{t(Key::SetupUsersDirectoryHint)}</p>
                    </li>
                </ul>
                <p class="hint">{t(Key::SetupUsersLater)}</p>
                <ActionForm action>
                    <FormError answer/>
                    <StepButtons first next=Key::SetupFinish go="finish" pending=action.pending()/>
                </ActionForm>
            }
            .into_any()
        }
    }
}

/// Back (not on the first step) and Next. Back sends the form too, so what was typed is kept.
#[component]
fn StepButtons(
    first: bool,
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = Key::SetupNext)] next: Key,
    #[prop(default = "next")] go: &'static str,
    #[prop(optional)] form: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="step-buttons">
            {(!first).then(|| view! {
                <button type="submit" name="go" value="back" form=form formnovalidate=true data-test="back">
                    {t(Key::SetupBack)}
                </button>
            })}
            <button type="submit" name="go" value=go form=form class="primary" disabled=pending data-test="next">
                {t(next)}
            </button>
        </div>
    }
    .into_any()
}
