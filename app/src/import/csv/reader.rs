//! Reading records out of a decoded CSV file a chunk at a time, with the row numbers the admin
//! sees in their spreadsheet.

use super::decode::{decode, detect_encoding, looks_binary, Encoding};
use super::problem::FileProblem;
use super::{MAX_BYTES, MAX_ROWS};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// The character between cells. Excel writes semicolons where the decimal mark is a comma, and
/// tabs for "Unicode Text".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

/// How many lines the delimiter guess looks at.
const SAMPLE_LINES: usize = 10;

/// Entra's bulk-create template opens with this line, above the header.
fn is_version_line(line: &str) -> bool {
    line.trim()
        .get(..8)
        .is_some_and(|start| start.eq_ignore_ascii_case("version:"))
}

impl Delimiter {
    /// In order of preference when the counts tie.
    const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn as_byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// Counts each candidate outside quotes on the first non-blank lines. The real delimiter
    /// appears as often on every line (a tab file may hold "Zhang, Wei" in one row only);
    /// among those that do, the one the header has most of wins; Comma on ties.
    pub fn detect(text: &str) -> Delimiter {
        let counts = sample_counts(text);
        let Some(first) = counts.first() else {
            return Delimiter::Comma;
        };
        let consistent: [usize; 3] = std::array::from_fn(|index| {
            let same = counts.iter().all(|line| line[index] == first[index]);
            if same {
                first[index]
            } else {
                0
            }
        });
        let totals: [usize; 3] =
            std::array::from_fn(|index| counts.iter().map(|line| line[index]).sum());
        Delimiter::most(consistent)
            .or_else(|| Delimiter::most(totals))
            .unwrap_or(Delimiter::Comma)
    }

    /// The candidate with the highest score, the earliest in `ALL` on ties; None when all are 0.
    fn most(scores: [usize; 3]) -> Option<Delimiter> {
        let best = scores.into_iter().max().filter(|&best| best > 0)?;
        let index = scores.iter().position(|&score| score == best)?;
        Some(Delimiter::ALL[index])
    }
}

/// Per line (quoted line breaks do not end one), how many of each candidate lie outside quotes.
fn sample_counts(text: &str) -> Vec<[usize; 3]> {
    let mut counts = Vec::new();
    let mut current = [0usize; 3];
    let mut in_quotes = false;
    let mut line_start = 0;
    let mut finish = |start: usize, end: usize, current: &mut [usize; 3]| {
        let line = &text[start..end];
        if !line.trim().is_empty() && !is_version_line(line) {
            counts.push(*current);
        }
        *current = [0; 3];
        counts.len() == SAMPLE_LINES
    };
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            b',' => current[0] += 1,
            b';' => current[1] += 1,
            b'\t' => current[2] += 1,
            b'\n' | b'\r' => {
                if finish(line_start, index, &mut current) {
                    return counts;
                }
                line_start = index + 1;
            }
            _ => {}
        }
    }
    finish(line_start, text.len(), &mut current);
    counts
}

/// A data record as read: `row` is the spreadsheet row number (header row is 1, or 2 when an
/// Entra "version:v1.0" line precedes it). Multi-line quoted cells count as one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub row: usize,
    pub cells: Vec<String>,
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte == b'\n').count()
}

/// Streams records out of a file so the browser can read 100,000 rows in chunks without freezing.
pub struct Reader {
    csv: ::csv::Reader<Cursor<Vec<u8>>>,
    /// Reused for every record, so reading allocates only the cells handed out.
    record: ::csv::StringRecord,
    encoding: Encoding,
    delimiter: Delimiter,
    headers: Vec<String>,
    /// The first data record, read by `open` to tell a header-only file.
    pending: Option<Record>,
    /// Bytes of the text read so far, and the line breaks in them.
    consumed: usize,
    newlines: usize,
    /// Line breaks inside quoted cells so far: a spreadsheet shows them within one row.
    inner_newlines: usize,
    data_rows: usize,
    finished: bool,
    failure: Option<FileProblem>,
}

impl Reader {
    /// Checks size (TooLarge), binary (NotText), empty (Empty), decodes with `encoding` or the
    /// detected one, detects the delimiter, skips blank lines and an Entra "version:v1.0" first
    /// line, reads the header, and fails with HeaderOnly when no data record follows.
    pub fn open(bytes: &[u8], encoding: Option<Encoding>) -> Result<Reader, FileProblem> {
        if bytes.len() > MAX_BYTES {
            return Err(FileProblem::TooLarge {
                bytes: bytes.len() as u64,
            });
        }
        if let Some(kind) = looks_binary(bytes) {
            return Err(FileProblem::NotText { kind });
        }
        let encoding = encoding.unwrap_or_else(|| detect_encoding(bytes));
        let mut text = decode(bytes, encoding);
        if text.trim().is_empty() {
            return Err(FileProblem::Empty);
        }
        // Excel for Mac's "CSV (Macintosh)" ends lines with CR alone; rows are counted by LF.
        if !text.contains('\n') && text.contains('\r') {
            text = text.replace('\r', "\n");
        }
        let delimiter = Delimiter::detect(&text);
        let csv = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.as_byte())
            .from_reader(Cursor::new(text.into_bytes()));
        let mut reader = Reader {
            csv,
            record: ::csv::StringRecord::new(),
            encoding,
            delimiter,
            headers: Vec::new(),
            pending: None,
            consumed: 0,
            newlines: 0,
            inner_newlines: 0,
            data_rows: 0,
            finished: false,
            failure: None,
        };
        if reader.read_filled()?.is_none() {
            return Err(FileProblem::Empty);
        }
        let version_line = !reader.record.is_empty()
            && is_version_line(&reader.record[0])
            && reader
                .record
                .iter()
                .skip(1)
                .all(|cell| cell.trim().is_empty());
        if version_line && reader.read_filled()?.is_none() {
            return Err(FileProblem::Empty);
        }
        reader.headers = reader
            .record
            .iter()
            .map(|header| header.trim().to_owned())
            .collect();
        let Some(row) = reader.read_filled()? else {
            return Err(FileProblem::HeaderOnly);
        };
        reader.data_rows = 1;
        reader.pending = Some(reader.take_record(row));
        Ok(reader)
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Up to `max` more records (fewer, or none, at the end). Blank records (all cells empty)
    /// are skipped. Rows with fewer cells are padded with ""; extra cells kept. TooManyRows once
    /// more than MAX_ROWS data rows are read.
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<Record>, FileProblem> {
        if let Some(problem) = &self.failure {
            return Err(problem.clone());
        }
        let mut chunk = Vec::with_capacity(max.min(4096));
        if max == 0 {
            return Ok(chunk);
        }
        chunk.extend(self.pending.take());
        while chunk.len() < max && !self.finished {
            let row = match self.read_filled() {
                Ok(Some(row)) => row,
                Ok(None) => {
                    self.finished = true;
                    break;
                }
                Err(problem) => return Err(self.fail(problem)),
            };
            self.data_rows += 1;
            if self.data_rows > MAX_ROWS {
                return Err(self.fail(FileProblem::TooManyRows));
            }
            chunk.push(self.take_record(row));
        }
        Ok(chunk)
    }

    /// Fraction of the text consumed, 0.0..=1.0, for a progress bar.
    pub fn progress(&self) -> f64 {
        let total = self.csv.get_ref().get_ref().len();
        if self.finished || total == 0 {
            return 1.0;
        }
        (self.consumed as f64 / total as f64).clamp(0.0, 1.0)
    }

    fn fail(&mut self, problem: FileProblem) -> FileProblem {
        self.failure = Some(problem.clone());
        problem
    }

    /// Reads the next record that is not blank into `self.record`; its row number, or None at
    /// the end.
    fn read_filled(&mut self) -> Result<Option<usize>, FileProblem> {
        loop {
            match self.csv.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                // Reading text from memory with flexible rows leaves little to fail; say where.
                Err(_) => {
                    return Err(FileProblem::Malformed {
                        row: (self.newlines + 1).saturating_sub(self.inner_newlines),
                    })
                }
            }
            let row = self.locate()?;
            if self.record.iter().any(|cell| !cell.trim().is_empty()) {
                return Ok(Some(row));
            }
        }
    }

    /// The spreadsheet row of the record just read: the line it starts on, less the line breaks
    /// inside quoted cells before it. Blank lines count, as a spreadsheet shows them as rows.
    fn locate(&mut self) -> Result<usize, FileProblem> {
        let text = self.csv.get_ref().get_ref();
        let end = usize::try_from(self.csv.position().byte())
            .unwrap_or(usize::MAX)
            .min(text.len());
        let segment = &text[self.consumed.min(end)..end];
        // The segment opens with the rest of the previous line end and any empty lines skipped.
        let start = segment
            .iter()
            .position(|&byte| byte != b'\n' && byte != b'\r')
            .unwrap_or(segment.len());
        let first_line = self.newlines + count_newlines(&segment[..start]) + 1;
        let row = first_line.saturating_sub(self.inner_newlines);
        let inner = count_newlines(self.record.as_slice().as_bytes());
        // A quote that never closes runs to the end of the file, taking every later line into
        // one cell: an odd number of quotes in a multi-line last record is that mistake.
        let unbalanced = inner > 0
            && end == text.len()
            && segment.iter().filter(|&&byte| byte == b'"').count() % 2 == 1;
        self.consumed = end;
        self.newlines += count_newlines(segment);
        self.inner_newlines += inner;
        if unbalanced {
            return Err(FileProblem::Malformed { row });
        }
        Ok(row)
    }

    fn take_record(&self, row: usize) -> Record {
        let mut cells = Vec::with_capacity(self.record.len().max(self.headers.len()));
        cells.extend(self.record.iter().map(str::to_owned));
        if cells.len() < self.headers.len() {
            cells.resize(self.headers.len(), String::new());
        }
        Record { row, cells }
    }
}
