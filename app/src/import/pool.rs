//! A CSV of direct numbers (a carrier's list, another console's export) read into the lines of
//! the pool's box, in the browser, so the admin sees them before saving; the server reads the box
//! as it reads anything typed. The column is the one named like a number, else the first; a file
//! without a header row is read from its first row.

use super::csv::{decode, detect_encoding, FileProblem, Reader};

/// Header names (lower case, without spaces, dashes or underscores) of a numbers column.
const NAMES: [&str; 12] = [
    "number",
    "numbers",
    "phonenumber",
    "directnumber",
    "directline",
    "did",
    "e164",
    "telephonenumber",
    "phone",
    "号码",
    "电话号码",
    "直拨号码",
];

fn squashed(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A cell that is a number or a range rather than a column's name.
fn numeric(cell: &str) -> bool {
    let cell = cell.trim();
    cell.starts_with('+') || cell.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The numbers (or ranges) in the file, one per line, in its order.
pub fn pool_lines(bytes: &[u8]) -> Result<Vec<String>, FileProblem> {
    let mut reader = match Reader::open(bytes, None) {
        Ok(reader) => reader,
        // One row: one number, with no header above it.
        Err(FileProblem::HeaderOnly) => {
            let text = decode(bytes, detect_encoding(bytes));
            let first = text
                .split([',', ';', '\t'])
                .map(|c| c.trim().trim_matches('"'))
                .find(|c| numeric(c));
            return first
                .map(|number| vec![number.to_owned()])
                .ok_or(FileProblem::HeaderOnly);
        }
        Err(problem) => return Err(problem),
    };
    let headers = reader.headers().to_vec();
    let column = headers
        .iter()
        .position(|h| NAMES.contains(&squashed(h).as_str()))
        .unwrap_or(0);
    let mut lines: Vec<String> = headers
        .get(column)
        .filter(|cell| numeric(cell))
        .map(|cell| vec![cell.trim().to_owned()])
        .unwrap_or_default();
    loop {
        let chunk = reader.next_chunk(10_000)?;
        if chunk.is_empty() {
            break;
        }
        lines.extend(
            chunk
                .iter()
                .filter_map(|record| record.cells.get(column))
                .map(|cell| cell.trim())
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned),
        );
    }
    if lines.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_named_like_a_number_is_read_and_others_ignored() {
        let file = "Location;Phone Number;Notes\r\nBeijing;+86 10 5555 0100;lobby\r\nShanghai;\"+86 21 5555 0100 - +86 21 5555 0109\";\r\n;;\r\n";
        assert_eq!(
            pool_lines(file.as_bytes()).unwrap(),
            ["+86 10 5555 0100", "+86 21 5555 0100 - +86 21 5555 0109"]
        );
    }

    #[test]
    fn a_file_without_a_header_starts_with_its_first_number() {
        let file = "+861055550100,Beijing\n+861055550101,Beijing\n";
        assert_eq!(
            pool_lines(file.as_bytes()).unwrap(),
            ["+861055550100", "+861055550101"]
        );
        assert_eq!(pool_lines(b"+861055550100\n").unwrap(), ["+861055550100"]);
    }

    #[test]
    fn excel_files_in_other_encodings_are_read() {
        // Excel's "Unicode text": UTF-16 LE with its byte order mark, tab-separated.
        let utf16: Vec<u8> = "DID\tSite\r\n+86 10 5555 0100\t北京\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let file: Vec<u8> = [0xFF, 0xFE].into_iter().chain(utf16).collect();
        assert_eq!(pool_lines(&file).unwrap(), ["+86 10 5555 0100"]);
        let (gbk, _, _) = encoding_rs::GBK.encode("地点,号码\r\n北京,+86 10 5555 0100\r\n");
        assert_eq!(pool_lines(&gbk).unwrap(), ["+86 10 5555 0100"]);
    }

    #[test]
    fn files_that_are_not_lists_of_numbers_are_refused() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        assert!(matches!(pool_lines(&png), Err(FileProblem::NotText { .. })));
        assert_eq!(pool_lines(b""), Err(FileProblem::Empty));
        assert_eq!(pool_lines(b"Number\r\n"), Err(FileProblem::HeaderOnly));
        assert_eq!(
            pool_lines(b"Number,Site\r\n,Beijing\r\n"),
            Err(FileProblem::Empty)
        );
    }
}
