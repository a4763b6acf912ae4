//! The welcome link's page: the first administrator chooses a name and a password, and is signed
//! in. A used, expired or unknown link gets a page that says so and what to do.

use crate::api::account::{welcome_link, CreateAccount, LinkStatus, NewInvitation};
use crate::components::auth_frame::{AuthFrame, LinkProblem, LinkUsed};
use crate::components::form::{refusal, Field, FormError, NewPasswordFields};
use crate::domain::Role;
use crate::locales::{t, use_locale, Key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn WelcomePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let status = Resource::new(token, welcome_link);
    view! {
        <Title text=t(Key::WelcomeTitle)/>
        <AuthFrame>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(LinkStatus::Valid { email, org_name, role }) => {
                            view! { <CreateAccountForm token=token() email org_name role/> }
                                .into_any()
                        }
                        Ok(LinkStatus::Used) => view! { <LinkUsed/> }.into_any(),
                        Ok(LinkStatus::Expired) => view! { <AskForNewInvitation token=token()/> }.into_any(),
                        Ok(LinkStatus::Revoked) => view! {
                            <LinkProblem title=Key::LinkRevokedTitle body=Key::LinkRevokedBody>
                                <a href="/sign-in">{t(Key::BackToSignIn)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                        Ok(LinkStatus::Unknown) | Err(_) => view! {
                            <LinkProblem title=Key::LinkUnknownTitle body=Key::LinkUnknownBody>
                                <a href="/sign-in">{t(Key::BackToSignIn)}</a>
                            </LinkProblem>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}

#[component]
fn CreateAccountForm(token: String, email: String, org_name: String, role: Role) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<CreateAccount>::new();
    let answer = action.value();
    // The first administrator was invited by the provider; everyone else by an administrator.
    let (title, intro) = if role == Role::FullAdmin {
        (Key::WelcomeTitle, Key::WelcomeIntro)
    } else {
        (Key::InviteTitle, Key::InviteIntro)
    };
    view! {
        <h1>{t(title)}</h1>
        <p>{locale.format(intro, &[("org", &org_name), ("email", &email)])}</p>
        <ActionForm action>
            <FormError answer/>
            <input type="hidden" name="token" value=token/>
            // Lets password managers file the new password under the right address.
            <input type="hidden" name="username" autocomplete="username" value=email/>
            <Field name="name" label=Key::FieldName autocomplete="name" refused=refusal(answer, "name")/>
            <NewPasswordFields answer label=Key::FieldPassword/>
            <button type="submit" class="primary" disabled=action.pending()>
                {t(Key::CreateAccount)}
            </button>
        </ActionForm>
    }
}

/// An expired invitation: the holder can ask for a new one, which goes to the invited address.
#[component]
fn AskForNewInvitation(token: String) -> impl IntoView {
    let action = ServerAction::<NewInvitation>::new();
    let query = use_query_map();
    // The answer comes back as `?sent`, with JavaScript on or off.
    let sent = move || query.read().get("sent").is_some();
    view! {
        <LinkProblem title=Key::LinkExpiredTitle body=Key::NewInvitationBody>
            <p class="notice" role="status" data-test="invitation-sent" hidden=move || !sent()>
                {t(Key::NewInvitationSent)}
            </p>
            <ActionForm action>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="primary" disabled=move || sent() || action.pending().get()>
                    {t(Key::NewInvitationSubmit)}
                </button>
            </ActionForm>
            <p><a href="/sign-in">{t(Key::BackToSignIn)}</a></p>
        </LinkProblem>
    }
}
