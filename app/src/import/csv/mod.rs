//! The CSV import: the same pure parser gives the browser its preview, chunk by chunk, and the
//! server its authority over the whole file.

mod cells;
mod columns;
mod decode;
mod export;
mod problem;
mod reader;
mod validate;

pub use columns::{guess_mapping, Field, Mapping};
pub use decode::{decode, detect_encoding, looks_binary, BinaryKind, Encoding};
pub use export::{change, export_header, export_line, inert, template, updated, Change, Existing};
pub use problem::FileProblem;
pub use reader::{Delimiter, Reader, Record};
pub use validate::{Duplicate, Person, RowError, Validated, Validator};

use serde::{Deserialize, Serialize};

/// The largest file an import reads: far above 200,000 rows of people, far below what makes a
/// browser tab struggle.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// The most data rows (header excluded) one import reads.
pub const MAX_ROWS: usize = 200_000;

/// How many records the server validates at a time, to keep only a chunk of cells in memory.
const SERVER_CHUNK: usize = 4096;

/// How the file was read, so the server can report it and the browser's choices be checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub encoding: Encoding,
    pub delimiter: Delimiter,
    pub headers: Vec<String>,
    pub mapping: Mapping,
}

/// The whole file at once, for the server (which parses again and decides). A `mapping` of None
/// is `guess_mapping` of the headers.
pub fn read_all(
    bytes: &[u8],
    encoding: Option<Encoding>,
    mapping: Option<&Mapping>,
) -> Result<(Sheet, Validated), FileProblem> {
    let mut reader = Reader::open(bytes, encoding)?;
    let headers = reader.headers().to_vec();
    let mapping = mapping.cloned().unwrap_or_else(|| guess_mapping(&headers));
    let mut validator = Validator::new(&headers, &mapping)?;
    loop {
        let chunk = reader.next_chunk(SERVER_CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        validator.feed(&chunk);
    }
    let sheet = Sheet {
        encoding: reader.encoding(),
        delimiter: reader.delimiter(),
        headers,
        mapping,
    };
    Ok((sheet, validator.finish()))
}

#[cfg(test)]
mod tests;
