//! The first-time setup wizard: a stepper, one page per step (`/setup/plan` ...), Back and Next
//! that keep what was typed, and the summary once finished (`/setup/done`). `/setup` resumes at
//! the step the organisation last saved.

mod done;
mod steps;

use crate::api::account::Me;
use crate::api::settings::{setup_state, SetupView};
use crate::components::domains::DomainList;
use crate::components::error_panel::ErrorPanel;
use crate::domain::settings::SetupStep;
use crate::domain::Role;
use crate::locales::{t, use_locale, Key};
pub use done::SetupDonePage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// Whether the signed-in administrator may run the wizard (the server checks again).
fn full_admin() -> bool {
    use_context::<Me>().is_some_and(|me| me.role == Role::FullAdmin)
}

/// What other administrators see instead of the wizard.
#[component]
fn FullAdminsOnly() -> impl IntoView {
    view! {
        <Title text=t(Key::SetupTitle)/>
        <h1>{t(Key::SetupTitle)}</h1>
        <p class="notice" data-test="setup-full-admins-only">{t(Key::SetupFullAdminsOnly)}</p>
    }
    .into_any()
}

/// `/setup`: on to the step to resume at, or the summary once finished.
#[component]
pub fn SetupPage() -> impl IntoView {
    if !full_admin() {
        return view! { <FullAdminsOnly/> }.into_any();
    }
    let state = Resource::new(|| (), |_| setup_state());
    view! {
        <Title text=t(Key::SetupTitle)/>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    state.await.map(|view| {
                        let path = if view.finished {
                            "/setup/done".to_owned()
                        } else {
                            format!("/setup/{}", view.step.as_str())
                        };
                        view! { <Redirect path/> }
                    })
                })}
            </Suspense>
        </ErrorBoundary>
    }
    .into_any()
}

/// `/setup/:step`.
#[component]
pub fn SetupStepPage() -> impl IntoView {
    if !full_admin() {
        return view! { <FullAdminsOnly/> }.into_any();
    }
    let params = use_params_map();
    let step = move || params.read().get("step").and_then(|s| SetupStep::parse(&s));
    let state = Resource::new(step, |_| setup_state());
    let domains = DomainList::new();
    view! {
        <Title text=t(Key::SetupTitle)/>
        <h1>{t(Key::SetupTitle)}</h1>
        <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || {
                    let step = step();
                    Suspend::new(async move {
                        state.await.map(|view| match step {
                            Some(step) if view.steps.contains(&step) => {
                                view! { <Step view step domains/> }.into_any()
                            }
                            _ => view! { <Redirect path="/setup"/> }.into_any(),
                        })
                    })
                }}
            </Transition>
        </ErrorBoundary>
    }
    .into_any()
}

#[component]
fn Step(view: SetupView, step: SetupStep, domains: DomainList) -> impl IntoView {
    let locale = use_locale();
    let at = view.steps.iter().position(|s| *s == step).unwrap_or(0);
    let count = view.steps.len().to_string();
    let number = (at + 1).to_string();
    let heading = locale.format(Key::SetupStepOf, &[("number", &number), ("count", &count)]);
    view! {
        <Stepper steps=view.steps.clone() current=step/>
        <section class="card setup-step" aria-labelledby="step-heading" data-test=format!("step-{}", step.as_str())>
            <p class="step-count">{heading}</p>
            <h2 id="step-heading">{locale.text(step.label())}</h2>
            {steps::content(view, step, domains)}
        </section>
    }
    .into_any()
}

/// Where the admin is: steps done, this one, steps to come.
#[component]
fn Stepper(steps: Vec<SetupStep>, current: SetupStep) -> impl IntoView {
    let locale = use_locale();
    let at = steps.iter().position(|s| *s == current).unwrap_or(0);
    view! {
        <nav aria-label=t(Key::SetupProgress)>
            <ol class="stepper" data-test="stepper">
                {steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let state = match i.cmp(&at) {
                            std::cmp::Ordering::Less => "done",
                            std::cmp::Ordering::Equal => "current",
                            std::cmp::Ordering::Greater => "todo",
                        };
                        view! {
                            <li class=state aria-current=(i == at).then_some("step")>
                                <span class="step-number" aria-hidden="true">{i + 1}</span>
                                <span class="step-label">{locale.text(step.label())}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
    .into_any()
}
