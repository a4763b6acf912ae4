//! Reading the pool's direct numbers from a CSV file into the numbers box, in the browser: the
//! admin sees every number before saving, and the server checks them as if typed. Shown once the
//! page is interactive (without JavaScript there is nothing to read the file with).

use crate::import::pool::pool_lines;
use crate::locales::{t, use_locale, Key};
use leptos::prelude::*;

#[component]
pub fn PoolFile(
    /// The id of the text box the numbers are added to.
    target: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let status = RwSignal::new(None::<Result<String, String>>);
    let on_change = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let name = file.name();
        leptos::task::spawn_local(async move {
            let answer = match crate::pages::imports::reading::file_bytes(&file).await {
                None => Err(locale.text(Key::ImportUnreadable).to_owned()),
                Some(bytes) => match pool_lines(&bytes) {
                    Err(problem) => Err(problem.message(locale)),
                    Ok(lines) => {
                        append(target, &lines);
                        let count = lines.len().to_string();
                        Ok(locale.format(Key::PoolFileRead, &[("count", &count), ("file", &name)]))
                    }
                },
            };
            status.set(Some(answer));
        });
    };
    let message = move || {
        status
            .get()
            .map(|answer| answer.unwrap_or_else(|problem| problem))
    };
    let refused = move || matches!(status.get(), Some(Err(_)));
    view! {
        <Show when=move || interactive.get()>
            <div class="field pool-file">
                <label for="pool-file">{t(Key::PoolFile)}</label>
                <input type="file" id="pool-file" accept=".csv,.tsv,.txt,text/csv" on:change=on_change/>
                <p class="hint">{t(Key::PoolFileHint)}</p>
                <p
                    role="status"
                    data-test="pool-file-status"
                    class:field-error=refused
                    class:notice=move || !refused()
                    hidden=move || status.get().is_none()
                >
                    {message}
                </p>
            </div>
        </Show>
    }
    .into_any()
}

/// Adds `lines` below what the box `id` holds.
fn append(id: &str, lines: &[String]) {
    let added = lines.join("\n");
    let current = box_text(id).unwrap_or_default();
    let text = if current.trim().is_empty() {
        added
    } else {
        format!("{}\n{added}", current.trim_end())
    };
    set_box_text(id, &text);
}

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
}

fn box_text(id: &str) -> Option<String> {
    let element: leptos::wasm_bindgen::JsValue = element(id)?.into();
    let value = leptos::wasm_bindgen::JsValue::from_str("value");
    js_sys::Reflect::get(&element, &value)
        .ok()
        .and_then(|v| v.as_string())
}

/// Replaces what the text box `id` holds (emptied once its numbers are saved).
pub fn set_box_text(id: &str, text: &str) {
    if let Some(element) = element(id) {
        let value = leptos::wasm_bindgen::JsValue::from_str("value");
        let text = leptos::wasm_bindgen::JsValue::from_str(text);
        let _ = js_sys::Reflect::set(&element, &value, &text);
    }
}
