//! Turning records into people, cell by cell, collecting every problem with its row and column,
//! and the addresses given twice.

use super::cells;
use super::columns::{Field, Mapping};
use super::problem::FileProblem;
use super::reader::Record;
use crate::domain::{DisplayName, Email, Service};
use crate::locales::{Key, Locale};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::{Entry, HashMap};
use std::collections::BTreeMap;

/// One person read from a valid row. Only the fields whose column exists and whose cell is not
/// empty are Some / listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub row: usize,
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<DisplayName>,
    /// Only services whose cell was given, in Service order.
    pub services: Vec<(Service, bool)>,
    /// E.164: "+" and 8 to 15 digits.
    pub phone: Option<String>,
    /// 2 to 10 digits.
    pub extension: Option<String>,
    pub language: Option<Locale>,
}

impl Person {
    /// display_name, else "first last" (both, or whichever is given), else None.
    pub fn name(&self) -> Option<DisplayName> {
        if let Some(name) = &self.display_name {
            return Some(name.clone());
        }
        match (self.first_name.as_deref(), self.last_name.as_deref()) {
            (Some(first), Some(last)) => DisplayName::parse(&format!("{first} {last}"))
                // Each fits in 100 characters, both together may not: the first name will do.
                .or_else(|_| DisplayName::parse(first))
                .ok(),
            (Some(one), None) | (None, Some(one)) => DisplayName::parse(one).ok(),
            (None, None) => None,
        }
    }
}

/// A cell that cannot be imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    /// The header as written in the file.
    pub column: String,
    pub value: String,
    pub reason: Key,
}

/// An address given again; it was first given on `first_row`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub row: usize,
    pub first_row: usize,
    pub email: Email,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validated {
    pub people: Vec<Person>,
    /// Every cell problem: a row may have several; such a row yields no Person.
    pub errors: Vec<RowError>,
    /// An address already given on an earlier row (case-insensitive, as Email compares); the
    /// later row yields no Person.
    pub duplicates: Vec<Duplicate>,
    /// Data rows read.
    pub rows: usize,
}

impl Validated {
    /// Distinct rows with errors.
    pub fn invalid_rows(&self) -> usize {
        // Errors are kept in row order, so a row's errors sit together.
        let mut rows: Vec<usize> = self.errors.iter().map(|error| error.row).collect();
        rows.dedup();
        rows.len()
    }
}

/// Validates records chunk by chunk (the browser feeds chunks between frames; the server feeds
/// all).
pub struct Validator {
    headers: Vec<String>,
    /// The column of each field, by `Field::index`.
    columns: [Option<usize>; Field::ALL.len()],
    first_rows: HashMap<Email, usize>,
    validated: Validated,
}

/// One row's cells being read, collecting the problems.
struct RowReader<'a> {
    headers: &'a [String],
    columns: &'a [Option<usize>; Field::ALL.len()],
    record: &'a Record,
    errors: Vec<RowError>,
}

impl<'a> RowReader<'a> {
    /// The field's column and its cleaned cell, when the sheet has that column.
    fn cell(&self, field: Field) -> Option<(usize, &'a str)> {
        let column = self.columns[field.index()]?;
        let raw = self.record.cells.get(column).map_or("", String::as_str);
        Some((column, cells::cell_text(raw)))
    }

    fn refuse(&mut self, column: usize, value: &str, reason: Key) {
        self.errors.push(RowError {
            row: self.record.row,
            column: self.headers.get(column).cloned().unwrap_or_default(),
            value: value.to_owned(),
            reason,
        });
    }

    /// The field's value when given; None when its column is absent, the cell empty, or the
    /// value refused (the refusal recorded).
    fn read<T>(&mut self, field: Field, parse: impl Fn(&str) -> Result<T, Key>) -> Option<T> {
        let (column, value) = self.cell(field).filter(|(_, value)| !value.is_empty())?;
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(reason) => {
                self.refuse(column, value, reason);
                None
            }
        }
    }

    fn email(&mut self) -> Option<Email> {
        let (column, value) = self.cell(Field::Email)?;
        let result = if value.is_empty() {
            Err(Key::CsvEmailMissing)
        } else {
            Email::parse(value).map_err(|error| error.reason())
        };
        result
            .map_err(|reason| self.refuse(column, value, reason))
            .ok()
    }
}

fn name_text(value: &str) -> Result<String, Key> {
    cells::name(value).map(|name| name.as_str().to_owned())
}

impl Validator {
    /// NoEmailColumn when no column maps to Email; FieldTwice when two columns map to one field.
    pub fn new(headers: &[String], mapping: &Mapping) -> Result<Validator, FileProblem> {
        let mut columns = [None; Field::ALL.len()];
        for (column, field) in mapping.columns.iter().enumerate().take(headers.len()) {
            let Some(field) = *field else { continue };
            if columns[field.index()].replace(column).is_some() {
                return Err(FileProblem::FieldTwice { field });
            }
        }
        if columns[Field::Email.index()].is_none() {
            return Err(FileProblem::NoEmailColumn);
        }
        Ok(Validator {
            headers: headers.to_vec(),
            columns,
            first_rows: HashMap::new(),
            validated: Validated::default(),
        })
    }

    pub fn feed(&mut self, records: &[Record]) {
        for record in records {
            self.validated.rows += 1;
            self.check(record);
        }
    }

    /// The people, problems and duplicates of the records fed since the last take (with `rows`
    /// counting every row fed so far), keeping the addresses seen: a long file is checked a
    /// chunk at a time without holding every person.
    pub fn take(&mut self) -> Validated {
        let rows = self.validated.rows;
        let taken = std::mem::take(&mut self.validated);
        self.validated.rows = rows;
        taken
    }

    /// The seats `records` would take if every row were a new person, without checking them: a
    /// service counts where the row says yes (or anything but no, which the check refuses), or
    /// says nothing and is one of `defaults`. Never less than the checked rows need, since a
    /// refused row, an address given twice, or a person already here takes no more; equal for a
    /// file whose rows are all new and valid.
    pub fn seats_if_new(&self, records: &[Record], defaults: &[Service]) -> BTreeMap<Service, i64> {
        let mut seats = BTreeMap::new();
        for service in Service::ALL {
            let column = self.columns[Field::Service(service).index()];
            let taking = records
                .iter()
                .filter(|record| {
                    let cell = column
                        .and_then(|column| record.cells.get(column))
                        .map_or("", |raw| cells::cell_text(raw));
                    if cell.is_empty() {
                        defaults.contains(&service)
                    } else {
                        cells::service_flag(cell) != Ok(false)
                    }
                })
                .count();
            if taking > 0 {
                seats.insert(service, taking as i64);
            }
        }
        seats
    }

    pub fn finish(self) -> Validated {
        self.validated
    }

    pub fn rows_seen(&self) -> usize {
        self.validated.rows
    }

    fn check(&mut self, record: &Record) {
        let mut row = RowReader {
            headers: &self.headers,
            columns: &self.columns,
            record,
            errors: Vec::new(),
        };
        let email = row.email();
        let first_name = row.read(Field::FirstName, name_text);
        let last_name = row.read(Field::LastName, name_text);
        let display_name = row.read(Field::DisplayName, cells::name);
        let services: Vec<(Service, bool)> = Service::ALL
            .into_iter()
            .filter_map(|service| {
                row.read(Field::Service(service), cells::service_flag)
                    .map(|given| (service, given))
            })
            .collect();
        let phone = row.read(Field::Phone, cells::phone);
        let extension = row.read(Field::Extension, cells::extension);
        let language = row.read(Field::Language, cells::language);
        let errors = row.errors;
        let Some(email) = email else {
            self.validated.errors.extend(errors);
            return;
        };
        let entry = self.first_rows.entry(email);
        if !errors.is_empty() {
            // Still the first time the address was given: fixing this row must not make a later
            // one with the same address the person imported.
            entry.or_insert(record.row);
            self.validated.errors.extend(errors);
            return;
        }
        let email = match entry {
            Entry::Occupied(first) => {
                self.validated.duplicates.push(Duplicate {
                    row: record.row,
                    first_row: *first.get(),
                    email: first.key().clone(),
                });
                return;
            }
            Entry::Vacant(vacant) => {
                let email = vacant.key().clone();
                vacant.insert(record.row);
                email
            }
        };
        self.validated.people.push(Person {
            row: record.row,
            email,
            first_name,
            last_name,
            display_name,
            services,
            phone,
            extension,
            language,
        });
    }
}
