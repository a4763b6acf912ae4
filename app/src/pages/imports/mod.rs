//! Importing people from a CSV file: the template, a drop zone with a file picker, a preview worked
//! out in the browser by the parser the server uses (nothing is uploaded until the admin says so),
//! the past imports, and one import's progress page.

mod history;
mod preview;
mod progress;
pub(crate) mod reading;

use crate::api::users::add_form;
use crate::domain::Service;
use crate::error::AppError;
use crate::import::csv::{self, Encoding, Existing, Mapping, Validated};
use crate::locales::{t, use_locale, Key, Locale};
use history::ImportHistoryList;
use leptos::prelude::*;
use leptos_meta::Title;
use preview::PreviewCard;
pub use progress::{state_label, ImportProgressPage};
use reading::Loaded;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the page is with the chosen file.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Choose,
    Busy {
        step: Key,
        fraction: f64,
    },
    /// The file as a whole cannot be imported: why, as a sentence.
    Refused(String),
    Ready,
}

/// Everything the page knows of the chosen file; shared by its parts.
#[derive(Clone, Copy)]
struct Import {
    /// The chosen file's bytes: read again in another encoding, and uploaded as they are.
    bytes: StoredValue<Arc<Vec<u8>>>,
    name: RwSignal<String>,
    stage: RwSignal<Stage>,
    loaded: RwSignal<Option<Loaded>>,
    mapping: RwSignal<Mapping>,
    /// Why the mapping cannot be used (no address column, a field twice).
    mapping_problem: RwSignal<Option<String>>,
    validated: RwSignal<Option<Arc<Validated>>>,
    known: RwSignal<Arc<HashMap<String, Existing>>>,
    update_existing: RwSignal<bool>,
    defaults: RwSignal<Vec<Service>>,
    /// Bumped for each new file or reading: work for an older one stops.
    generation: RwSignal<u64>,
    uploading: RwSignal<bool>,
    upload_error: RwSignal<Option<AppError>>,
    /// Taken when the page is made: event handlers run outside the reactive owner.
    locale: Locale,
}

impl Import {
    fn new() -> Import {
        Import {
            bytes: StoredValue::new(Arc::new(Vec::new())),
            name: RwSignal::new(String::new()),
            stage: RwSignal::new(Stage::Choose),
            loaded: RwSignal::new(None),
            mapping: RwSignal::new(Mapping::default()),
            mapping_problem: RwSignal::new(None),
            validated: RwSignal::new(None),
            known: RwSignal::new(Arc::new(HashMap::new())),
            update_existing: RwSignal::new(false),
            defaults: RwSignal::new(Vec::new()),
            generation: RwSignal::new(0),
            uploading: RwSignal::new(false),
            upload_error: RwSignal::new(None),
            locale: use_locale(),
        }
    }

    fn busy(self, step: Key, fraction: f64) {
        self.stage.set(Stage::Busy { step, fraction });
    }

    /// Takes a newly chosen or dropped file and reads it.
    fn choose(self, file: web_sys::File) {
        self.name.set(file.name());
        self.loaded.set(None);
        self.validated.set(None);
        self.upload_error.set(None);
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        self.busy(Key::ImportReading, 0.0);
        let locale = self.locale;
        leptos::task::spawn_local(async move {
            let Some(bytes) = reading::file_bytes(&file).await else {
                self.stage.set(Stage::Refused(
                    locale.text(Key::ImportUnreadable).to_owned(),
                ));
                return;
            };
            self.bytes.set_value(Arc::new(bytes));
            self.read(None, generation, locale).await;
        });
    }

    /// Reads the file again as `encoding` (the admin changed it in the preview).
    fn reread(self, encoding: Encoding) {
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        let locale = self.locale;
        leptos::task::spawn_local(async move {
            self.read(Some(encoding), generation, locale).await;
        });
    }

    fn current(self, generation: u64) -> bool {
        self.generation.get_untracked() == generation
    }

    async fn read(self, encoding: Option<Encoding>, generation: u64, locale: Locale) {
        self.busy(Key::ImportReading, 0.0);
        let bytes = self.bytes.get_value();
        let read = reading::read(&bytes, encoding, |fraction| {
            if self.current(generation) {
                self.busy(Key::ImportReading, fraction);
            }
        })
        .await;
        if !self.current(generation) {
            return;
        }
        match read {
            Err(problem) => self.stage.set(Stage::Refused(problem.message(locale))),
            Ok(loaded) => {
                self.mapping.set(csv::guess_mapping(&loaded.headers));
                self.loaded.set(Some(loaded));
                self.check(generation, locale).await;
            }
        }
    }

    /// Remaps the file's columns and checks it again.
    fn remap(self, mapping: Mapping) {
        self.mapping.set(mapping);
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        let locale = self.locale;
        leptos::task::spawn_local(async move {
            self.check(generation, locale).await;
        });
    }

    async fn check(self, generation: u64, locale: Locale) {
        let Some(loaded) = self.loaded.get_untracked() else {
            return;
        };
        self.busy(Key::ImportChecking, 0.0);
        let mapping = self.mapping.get_untracked();
        let validated = reading::validate(&loaded, &mapping, |fraction| {
            if self.current(generation) {
                self.busy(Key::ImportChecking, fraction);
            }
        })
        .await;
        if !self.current(generation) {
            return;
        }
        let validated = match validated {
            Ok(validated) => validated,
            Err(problem) => {
                self.mapping_problem.set(Some(problem.message(locale)));
                self.validated.set(None);
                self.stage.set(Stage::Ready);
                return;
            }
        };
        self.mapping_problem.set(None);
        self.busy(Key::ImportLookingUp, 0.0);
        match reading::existing(&validated.people).await {
            Ok(known) if self.current(generation) => self.known.set(Arc::new(known)),
            Ok(_) => return,
            Err(error) => self.upload_error.set(Some(error)),
        }
        self.validated.set(Some(Arc::new(validated)));
        self.stage.set(Stage::Ready);
    }

    /// Uploads the file with the admin's choices and opens the import's progress page.
    fn start(self) {
        let Some(loaded) = self.loaded.get_untracked() else {
            return;
        };
        let bytes = self.bytes.get_value();
        self.uploading.set(true);
        self.upload_error.set(None);
        leptos::task::spawn_local(async move {
            let name = self.name.get_untracked();
            let mapping = self.mapping.get_untracked();
            let defaults = self.defaults.get_untracked();
            let choices = reading::Choices {
                name: &name,
                encoding: loaded.encoding,
                mapping: &mapping,
                update_existing: self.update_existing.get_untracked(),
                defaults: &defaults,
            };
            let started = reading::upload(&bytes, choices).await;
            self.uploading.set(false);
            match started {
                Ok(id) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&format!("/users/imports/{id}"));
                    }
                }
                Err(error) => self.upload_error.set(Some(error)),
            }
        });
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let import = Import::new();
    let licences = Resource::new(|| (), |_| add_form());
    view! {
        <Title text=t(Key::ImportTitle)/>
        <nav class="breadcrumb" aria-label=t(Key::ImportBreadcrumb)>
            <a href="/users">{t(Key::UsersTitle)}</a>
            " › "
            <span aria-current="page">{t(Key::ImportTitle)}</span>
        </nav>
        <h1>{t(Key::ImportTitle)}</h1>
        <crate::components::layout::DirectoryNotice/>
        <section class="card import-start" aria-labelledby="import-file-title">
            <h2 id="import-file-title">{t(Key::ImportChooseTitle)}</h2>
            <p class="hint">{t(Key::ImportColumnsHint)}</p>
            <p>
                <a class="button" href="/users/import/template.csv" download="switchboard-users-template.csv">
                    {t(Key::ImportTemplate)}
                </a>
            </p>
            <DropZone import/>
            <noscript>
                <p class="notice">{t(Key::ImportNeedsScript)}</p>
            </noscript>
            <StageView import/>
        </section>
        <Show when=move || import.stage.get() == Stage::Ready>
            <PreviewCard import licences/>
        </Show>
        <ImportHistoryList/>
    }
    .into_any()
}

/// Counts with their words, as the preview and an import's page show them: (count, words, class).
pub(crate) fn count_list<N: ToString, const K: usize>(
    locale: Locale,
    counts: [(N, Key, &'static str); K],
) -> impl IntoView {
    view! {
        <ul class="import-counts" aria-label=locale.text(Key::ImportCountsLabel)>
            {counts
                .into_iter()
                .map(|(n, key, class)| view! {
                    <li class=class>
                        <strong>{n.to_string()}</strong>
                        " "
                        {locale.text(key)}
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// Where a file is dropped or chosen; the picker is a plain file input, so the keyboard reaches it.
#[component]
fn DropZone(import: Import) -> impl IntoView {
    let hover = RwSignal::new(false);
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        hover.set(false);
        if let Some(file) = event
            .data_transfer()
            .and_then(|transfer| transfer.files())
            .and_then(|files| files.get(0))
        {
            import.choose(file);
        }
    };
    let on_change = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            import.choose(file);
        }
    };
    view! {
        <div
            class="drop-zone"
            class:hover=move || hover.get()
            id="drop-zone"
            on:dragenter=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                hover.set(true);
            }
            on:dragover=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                hover.set(true);
            }
            on:dragleave=move |_| hover.set(false)
            on:drop=on_drop
        >
            <p class="drop-here">{t(Key::ImportDropHere)}</p>
            <label for="csv-file">{t(Key::ImportChooseFile)}</label>
            <input type="file" id="csv-file" accept=".csv,.tsv,.txt,text/csv" on:change=on_change/>
            <p class="hint">{t(Key::ImportLimits)}</p>
        </div>
    }
    .into_any()
}

/// Reading and checking progress, or why the file was refused.
#[component]
fn StageView(import: Import) -> impl IntoView {
    let locale = use_locale();
    move || match import.stage.get() {
        Stage::Choose | Stage::Ready => ().into_any(),
        Stage::Busy { step, fraction } => {
            let percent = (fraction * 100.0).round().clamp(0.0, 100.0) as u32;
            view! {
                <div class="reading" aria-live="polite">
                    <p>{locale.format(step, &[("file", &import.name.get())])}</p>
                    <progress max="100" value=percent>{format!("{percent}%")}</progress>
                </div>
            }
            .into_any()
        }
        Stage::Refused(message) => view! {
            <div class="error-panel file-refused" role="alert">
                <p>
                    <strong>{import.name.get()}</strong>
                    ": "
                    {message}
                </p>
            </div>
        }
        .into_any(),
    }
}
