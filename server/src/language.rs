//! The language of a request (cookie first, then `Accept-Language`), and the form that changes it.

use app::locales::{Locale, LANGUAGE_COOKIE};
use app::server::AppState;
use axum::extract::State;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

/// The admin's chosen language if they chose one, else the browser's preference, else English.
pub fn locale_for(headers: &HeaderMap) -> Locale {
    let from_cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| Locale::from_tag(value));
    from_cookie
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: String,
}

/// Remembers the chosen language for a year and sends the admin back where they were (only ever
/// to a path on this site).
pub async fn set_language(
    State(state): State<AppState>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(locale) = Locale::from_tag(&form.lang) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown language").into_response();
    };
    let back = if form.return_to.starts_with('/')
        && !form.return_to.starts_with("//")
        && !form.return_to.contains('\\')
    {
        form.return_to
    } else {
        "/".to_owned()
    };
    let secure = if state.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        locale.tag()
    );
    match (HeaderValue::from_str(&cookie), HeaderValue::from_str(&back)) {
        (Ok(cookie), Ok(location)) => (
            StatusCode::SEE_OTHER,
            [(SET_COOKIE, cookie), (LOCATION, location)],
        )
            .into_response(),
        _ => (StatusCode::BAD_REQUEST, "bad return address").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn cookie_wins_over_accept_language() {
        let h = headers(&[("cookie", "a=b; lang=zh-CN"), ("accept-language", "en-US")]);
        assert_eq!(locale_for(&h), Locale::ZhCn);
    }

    #[test]
    fn accept_language_is_used_without_a_cookie() {
        assert_eq!(
            locale_for(&headers(&[("accept-language", "zh-CN,zh;q=0.9")])),
            Locale::ZhCn
        );
        assert_eq!(
            locale_for(&headers(&[
                ("cookie", "lang=klingon"),
                ("accept-language", "zh")
            ])),
            Locale::ZhCn
        );
    }

    #[test]
    fn english_is_the_default() {
        assert_eq!(locale_for(&HeaderMap::new()), Locale::En);
        assert_eq!(
            locale_for(&headers(&[("accept-language", "fr")])),
            Locale::En
        );
    }
}
