//! Tests of the CSV import, with the files made here: spreadsheets' encodings, layouts and
//! headers, broken files, bad cells, and the export read back.

use super::*;
use crate::domain::Service;
use crate::locales::{Key, Locale};

mod encodings;
mod export;
mod headers;
mod layout;
mod problems;
mod rows;

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

/// Reads a whole UTF-8 file with the guessed mapping, which must succeed.
fn read(text: &str) -> (Sheet, Validated) {
    match read_all(text.as_bytes(), None, None) {
        Ok(read) => read,
        Err(problem) => panic!("{problem:?} reading {text:?}"),
    }
}

fn emails(validated: &Validated) -> Vec<&str> {
    validated
        .people
        .iter()
        .map(|person| person.email.as_str())
        .collect()
}

fn names(validated: &Validated) -> Vec<String> {
    validated
        .people
        .iter()
        .map(|person| {
            person
                .name()
                .map_or(String::new(), |name| name.as_str().to_owned())
        })
        .collect()
}

/// (row, column, reason) of each error, to compare in one line.
fn errors(validated: &Validated) -> Vec<(usize, &str, Key)> {
    validated
        .errors
        .iter()
        .map(|error| (error.row, error.column.as_str(), error.reason))
        .collect()
}
