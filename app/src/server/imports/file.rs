//! The uploaded file, read and checked a chunk at a time on a blocking thread: the start of an
//! import and its job both walk it this way, so neither holds every person of a large file.

use crate::error::{AppError, FieldError};
use crate::import::csv::{self, Encoding, FileProblem, Mapping, Reader, Validated, Validator};
use crate::locales::{Key, Locale};

/// A whole-file refusal, worded for the admin.
pub fn refused(problem: &FileProblem, locale: Locale) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "file".to_owned(),
        reason: Key::ImportFileRefused,
        args: vec![("problem".to_owned(), problem.message(locale))],
    }])
}

/// The file being walked.
pub struct Walk {
    reader: Reader,
    validator: Validator,
    pub mapping: Mapping,
}

/// One chunk of rows: what they hold, and the last row number among them.
pub struct Chunk {
    pub validated: Validated,
    pub last_row: Option<usize>,
}

impl Walk {
    /// Opens `bytes` as `encoding` (or the one detected) with `mapping` (or the guessed one).
    pub fn open(
        bytes: &[u8],
        encoding: Option<Encoding>,
        mapping: Option<&Mapping>,
        locale: Locale,
    ) -> Result<Walk, AppError> {
        let reader = Reader::open(bytes, encoding).map_err(|p| refused(&p, locale))?;
        let mapping = match mapping {
            Some(mapping) if mapping.columns.len() == reader.headers().len() => mapping.clone(),
            Some(_) => return Err(AppError::invalid("mapping", Key::ImportMappingStale)),
            None => csv::guess_mapping(reader.headers()),
        };
        let validator =
            Validator::new(reader.headers(), &mapping).map_err(|p| refused(&p, locale))?;
        Ok(Walk {
            reader,
            validator,
            mapping,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.reader.encoding()
    }

    /// Reads and checks up to `rows` more rows off the async executor; the walk comes back with
    /// the chunk. An empty chunk is the end of the file.
    pub async fn next(mut self, rows: usize, locale: Locale) -> Result<(Walk, Chunk), AppError> {
        tokio::task::spawn_blocking(move || {
            let records = self
                .reader
                .next_chunk(rows)
                .map_err(|p| refused(&p, locale))?;
            self.validator.feed(&records);
            let chunk = Chunk {
                validated: self.validator.take(),
                last_row: records.last().map(|r| r.row),
            };
            Ok((self, chunk))
        })
        .await
        .map_err(crate::server::error::internal)?
    }
}

/// One CSV line of `cells`, as the file would have had it.
pub fn csv_line(cells: &[String]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    if writer.write_record(cells).is_err() {
        return String::new();
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_owned()
}
