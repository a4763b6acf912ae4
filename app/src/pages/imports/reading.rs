//! The chosen file in the browser: its bytes, read and checked a chunk at a time with a pause for
//! the page between chunks (so 100,000 rows never freeze it), the people already in the
//! organisation, and the upload that starts the import.

use crate::api::imports::{known, KNOWN_BATCH, UPLOAD_PATH};
use crate::domain::Service;
use crate::error::AppError;
use crate::import::csv::{
    Delimiter, Encoding, Existing, FileProblem, Mapping, Person, Reader, Record, Validated,
    Validator,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Records read or checked between two pauses.
const CHUNK: usize = 4_000;

/// Lets the browser paint and answer input before the next chunk of work.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The file's bytes; `None` when the browser could not read it.
pub async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A file read into records.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub encoding: Encoding,
    pub delimiter: Delimiter,
    pub headers: Vec<String>,
    pub records: Arc<Vec<Record>>,
}

/// Reads `bytes` as `encoding` (or the one detected), reporting the share done.
pub async fn read(
    bytes: &[u8],
    encoding: Option<Encoding>,
    progress: impl Fn(f64),
) -> Result<Loaded, FileProblem> {
    let mut reader = Reader::open(bytes, encoding)?;
    let mut records = Vec::new();
    loop {
        let chunk = reader.next_chunk(CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        records.extend(chunk);
        progress(reader.progress());
        next_frame().await;
    }
    Ok(Loaded {
        encoding: reader.encoding(),
        delimiter: reader.delimiter(),
        headers: reader.headers().to_vec(),
        records: Arc::new(records),
    })
}

/// Checks every record against `mapping`, reporting the share done.
pub async fn validate(
    loaded: &Loaded,
    mapping: &Mapping,
    progress: impl Fn(f64),
) -> Result<Validated, FileProblem> {
    let mut validator = Validator::new(&loaded.headers, mapping)?;
    let total = loaded.records.len().max(1);
    for chunk in loaded.records.chunks(CHUNK) {
        validator.feed(chunk);
        progress(validator.rows_seen() as f64 / total as f64);
        next_frame().await;
    }
    Ok(validator.finish())
}

/// The people of the organisation among `people`, by address.
pub async fn existing(people: &[Person]) -> Result<HashMap<String, Existing>, AppError> {
    let mut found = HashMap::new();
    for chunk in people.chunks(KNOWN_BATCH) {
        let emails = chunk.iter().map(|p| p.email.as_str().to_owned()).collect();
        found.extend(
            known(emails)
                .await?
                .into_iter()
                .map(|e| (e.email.clone(), e)),
        );
    }
    Ok(found)
}

/// What the admin chose, for the upload's address.
pub struct Choices<'a> {
    pub name: &'a str,
    pub encoding: Encoding,
    pub mapping: &'a Mapping,
    pub update_existing: bool,
    pub defaults: &'a [Service],
}

#[derive(serde::Deserialize)]
struct Started {
    id: i64,
}

/// Sends the file's bytes as they are (the server reads them again and decides); the new
/// import's id.
pub async fn upload(bytes: &[u8], choices: Choices<'_>) -> Result<i64, AppError> {
    let encode = |value: &str| String::from(js_sys::encode_uri_component(value));
    let mapping = serde_json::to_string(choices.mapping).unwrap_or_default();
    let services: Vec<&str> = choices.defaults.iter().map(|s| s.as_str()).collect();
    let url = format!(
        "{UPLOAD_PATH}?name={}&encoding={}&mapping={}&update={}&services={}",
        encode(choices.name),
        choices.encoding.as_str(),
        encode(&mapping),
        if choices.update_existing { "1" } else { "0" },
        services.join(","),
    );
    let unreachable = |error: gloo_net::Error| AppError::Unreachable(error.to_string());
    let response = gloo_net::http::Request::post(&url)
        .header("Accept", "application/json")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    if response.ok() {
        let started: Started = response.json().await.map_err(unreachable)?;
        Ok(started.id)
    } else {
        Err(response
            .json::<AppError>()
            .await
            .unwrap_or_else(|_| AppError::Unreachable(response.status_text())))
    }
}
