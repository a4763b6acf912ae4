//! The browser entry point: hydrate the server-rendered page, in the language the server chose.

use app::locales::Locale;
use app::App;
use leptos::prelude::provide_context;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    // A panic goes to the console, and onto <html data-panic> where a browser test can read why
    // the page never became interactive.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("data-panic", &info.to_string());
        }
    }));
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    let locale = html
        .as_ref()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default();
    leptos::mount::hydrate_body(move || {
        provide_context(locale);
        App()
    });
    // Lets browser tests wait for the page to become interactive instead of racing the wasm.
    if let Some(html) = html {
        let _ = html.set_attribute("data-hydrated", "");
    }
}
