//! What can be wrong with an uploaded file as a whole, and what the admin reads about it.

use super::columns::Field;
use super::decode::BinaryKind;
use super::{MAX_BYTES, MAX_ROWS};
use crate::locales::{Key, Locale};
use serde::{Deserialize, Serialize};

/// What is wrong with a file as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// Larger than `MAX_BYTES`.
    TooLarge {
        bytes: u64,
    },
    /// No bytes, or only blank lines.
    Empty,
    NotText {
        kind: BinaryKind,
    },
    /// A header and no data rows.
    HeaderOnly,
    /// More than `MAX_ROWS` data rows.
    TooManyRows,
    /// No column mapped to Email.
    NoEmailColumn,
    /// The admin mapped two columns to one field.
    FieldTwice {
        field: Field,
    },
    /// The row could not be read: a quotation mark opened and never closed.
    Malformed {
        row: usize,
    },
}

const MEBIBYTE: f64 = 1024.0 * 1024.0;

/// 200000 as "200,000": how both catalogs write large counts.
fn grouped(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl FileProblem {
    /// A full sentence saying what is wrong and what to do.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            FileProblem::TooLarge { bytes } => {
                let size = format!("{:.1}", *bytes as f64 / MEBIBYTE);
                let limit = (MAX_BYTES / (1024 * 1024)).to_string();
                locale.format(Key::CsvTooLarge, &[("size", &size), ("limit", &limit)])
            }
            FileProblem::Empty => locale.text(Key::CsvEmpty).to_owned(),
            FileProblem::NotText { kind } => locale
                .text(match kind {
                    BinaryKind::Image => Key::CsvNotTextImage,
                    BinaryKind::Archive => Key::CsvNotTextArchive,
                    BinaryKind::Pdf => Key::CsvNotTextPdf,
                    BinaryKind::Other => Key::CsvNotTextOther,
                })
                .to_owned(),
            FileProblem::HeaderOnly => locale.text(Key::CsvHeaderOnly).to_owned(),
            FileProblem::TooManyRows => {
                locale.format(Key::CsvTooManyRows, &[("limit", &grouped(MAX_ROWS))])
            }
            FileProblem::NoEmailColumn => locale.text(Key::CsvNoEmailColumn).to_owned(),
            FileProblem::FieldTwice { field } => {
                locale.format(Key::CsvFieldTwice, &[("field", locale.text(field.label()))])
            }
            FileProblem::Malformed { row } => {
                locale.format(Key::CsvMalformed, &[("row", &row.to_string())])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn large_counts_are_grouped_in_threes() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(200_000), "200,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
