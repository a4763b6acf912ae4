//! The mails the portal sends, in the recipient's language: a subject, a plain-text part, and an
//! HTML part (rendered by Leptos, so every value is escaped).

use crate::locales::{Key, Locale};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The first administrator's invitation to create their account.
pub fn welcome(locale: Locale, org: &str, link: &str, expires_on: &str) -> Rendered {
    Letter {
        locale,
        org,
        subject: locale.format(Key::MailWelcomeSubject, &[("org", org)]),
        before: vec![locale.format(Key::MailWelcomeBody, &[("org", org)])],
        action: (locale.text(Key::MailWelcomeAction), link),
        after: vec![locale.format(Key::MailWelcomeExpiry, &[("date", expires_on)])],
        footer: None,
    }
    .render()
}

/// A person added by an administrator is invited to create their account.
pub fn invitation(
    locale: Locale,
    org: &str,
    inviter: &str,
    link: &str,
    expires_on: &str,
) -> Rendered {
    Letter {
        locale,
        org,
        subject: locale.format(Key::MailInviteSubject, &[("org", org)]),
        before: vec![locale.format(Key::MailInviteBody, &[("org", org), ("inviter", inviter)])],
        action: (locale.text(Key::MailInviteAction), link),
        after: vec![locale.format(Key::MailInviteExpiry, &[("date", expires_on)])],
        footer: None,
    }
    .render()
}

/// An invitation as the outbox keeps it until it is sent: the values, not the bodies.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invitation {
    pub locale: Locale,
    pub org: String,
    pub inviter: String,
    pub link: String,
    pub expires_on: String,
}

impl Invitation {
    pub fn render(&self) -> Rendered {
        invitation(
            self.locale,
            &self.org,
            &self.inviter,
            &self.link,
            &self.expires_on,
        )
    }
}

/// A link to set a new password, for someone who forgot theirs.
pub fn password_reset(locale: Locale, org: &str, link: &str) -> Rendered {
    Letter {
        locale,
        org,
        subject: locale.text(Key::MailResetSubject).to_owned(),
        before: vec![locale.format(Key::MailResetBody, &[("org", org)])],
        action: (locale.text(Key::MailResetAction), link),
        after: vec![locale.text(Key::MailResetExpiry).to_owned()],
        footer: None,
    }
    .render()
}

/// A person's direct line, named in their calling welcome when they have one.
pub struct Line {
    pub number: Option<String>,
    pub extension: Option<String>,
}

/// Someone given calling: their line, and the code that activates their phone.
pub fn activation(
    locale: Locale,
    org: &str,
    line: &Line,
    code: &str,
    link: &str,
    expires_on: &str,
) -> Rendered {
    let mut before = vec![locale.format(Key::MailActivationBody, &[("org", org)])];
    if let Some(number) = &line.number {
        before.push(locale.format(Key::MailActivationNumber, &[("number", number)]));
    }
    if let Some(extension) = &line.extension {
        before.push(locale.format(Key::MailActivationExtension, &[("extension", extension)]));
    }
    before.push(locale.format(Key::MailActivationCode, &[("code", code)]));
    Letter {
        locale,
        org,
        subject: locale.format(Key::MailActivationSubject, &[("org", org)]),
        before,
        action: (locale.text(Key::MailActivationAction), link),
        after: vec![locale.format(Key::MailActivationExpiry, &[("date", expires_on)])],
        footer: None,
    }
    .render()
}

/// A self-signup's confirmation link: choose a password to finish the account.
pub fn signup_confirmation(locale: Locale, name: &str, link: &str) -> Rendered {
    Letter {
        locale,
        org: "",
        subject: locale.text(Key::MailSignupSubject).to_owned(),
        before: vec![locale.format(Key::MailSignupBody, &[("name", name)])],
        action: (locale.text(Key::MailSignupAction), link),
        after: vec![locale.text(Key::MailSignupExpiry).to_owned()],
        footer: Some(locale.text(Key::MailSignupFooter).to_owned()),
    }
    .render()
}

/// Someone signed up with an address that already has an account: sign in instead.
pub fn signup_known(locale: Locale, link: &str) -> Rendered {
    Letter {
        locale,
        org: "",
        subject: locale.text(Key::MailSignupKnownSubject).to_owned(),
        before: vec![locale.text(Key::MailSignupKnownBody).to_owned()],
        action: (locale.text(Key::MailSignupKnownAction), link),
        after: vec![locale.text(Key::MailSignupKnownAfter).to_owned()],
        footer: Some(locale.text(Key::MailSignupFooter).to_owned()),
    }
    .render()
}

/// A self-signed-up person an administrator added to the organisation: sign in as before.
pub fn added_to_organisation(locale: Locale, org: &str, link: &str) -> Rendered {
    Letter {
        locale,
        org,
        subject: locale.format(Key::MailAddedSubject, &[("org", org)]),
        before: vec![locale.format(Key::MailAddedBody, &[("org", org)])],
        action: (locale.text(Key::MailAddedAction), link),
        after: Vec::new(),
        footer: None,
    }
    .render()
}

/// The shape every mail shares: greeting, paragraphs, one action link, more paragraphs, footer.
struct Letter<'a> {
    locale: Locale,
    org: &'a str,
    subject: String,
    before: Vec<String>,
    action: (&'static str, &'a str),
    after: Vec<String>,
    /// For mail that comes from no organisation (self-signup); otherwise it names `org`.
    footer: Option<String>,
}

impl Letter<'_> {
    fn render(self) -> Rendered {
        let greeting = self.locale.text(Key::MailGreeting);
        let fallback = self.locale.text(Key::MailLinkFallback);
        let footer = self
            .footer
            .clone()
            .unwrap_or_else(|| self.locale.format(Key::MailFooter, &[("org", self.org)]));
        let (action, link) = self.action;

        let mut text = format!("{greeting}\n\n");
        for paragraph in &self.before {
            text.push_str(&format!("{paragraph}\n\n"));
        }
        text.push_str(&format!("{action}:\n{link}\n\n"));
        for paragraph in &self.after {
            text.push_str(&format!("{paragraph}\n\n"));
        }
        text.push_str(&format!("--\n{footer}\n"));

        let paragraph = |p: String| view! { <p style="margin:0 0 16px">{p}</p> };
        let link = link.to_owned();
        let html = view! {
            <html lang=self.locale.tag()>
                <head>
                    <meta charset="utf-8"/>
                    <title>{self.subject.clone()}</title>
                </head>
                <body style="margin:0;padding:24px;background:#f6f7f9;font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#111827;line-height:1.5">
                    <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:28px">
                        <p style="margin:0 0 16px">{greeting}</p>
                        {self.before.into_iter().map(paragraph).collect_view()}
                        <p style="margin:24px 0">
                            <a href=link.clone() style="background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:8px;text-decoration:none;display:inline-block">{action}</a>
                        </p>
                        {self.after.into_iter().map(paragraph).collect_view()}
                        <p style="margin:16px 0 0;color:#4b5563;font-size:13px">{fallback}<br/>{link.clone()}</p>
                    </div>
                    <p style="max-width:560px;margin:16px auto 0;color:#4b5563;font-size:12px">{footer}</p>
                </body>
            </html>
        }
        .to_html();
        Rendered {
            subject: self.subject,
            text,
            html: format!("<!DOCTYPE html>{html}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://portal.example/welcome/abc?x=1&y=2";

    #[test]
    fn welcome_is_written_in_the_recipients_language() {
        let en = welcome(Locale::En, "Acme", LINK, "2026-12-02");
        assert_eq!(en.subject, "Set up Acme on Switchboard");
        assert!(en.text.contains(LINK));
        assert!(en.text.contains("2026-12-02"));
        assert!(en.html.contains(r#"<html lang="en""#));

        let zh = welcome(Locale::ZhCn, "上海示例", LINK, "2026-12-02");
        assert_eq!(zh.subject, "在 Switchboard 上设置 上海示例");
        assert!(zh.text.contains("创建管理员账户"));
        assert!(zh.html.contains(r#"<html lang="zh-CN""#));
    }

    #[test]
    fn values_are_escaped_in_the_html_part() {
        let mail = welcome(
            Locale::En,
            "<script>alert(1)</script> & Co",
            LINK,
            "2026-12-02",
        );
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.html.contains("&amp; Co"));
        assert!(mail
            .html
            .contains(r#"href="https://portal.example/welcome/abc?x=1&amp;y=2""#));
    }
}
