//! Turning an uploaded file's bytes into text: refusing what is not text, and guessing the
//! character encoding the spreadsheet saved it in.

use serde::{Deserialize, Serialize};

/// The character encodings spreadsheets save CSV files in, in the order the picker lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// What Excel on Chinese Windows writes for "CSV (Comma delimited)".
    Gb18030,
    /// What Excel on Western Windows writes for "CSV (Comma delimited)".
    Windows1252,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16BE_BOM: &[u8] = &[0xFE, 0xFF];

/// How much of the start of a file the binary and UTF-16 checks look at.
const SAMPLE_BYTES: usize = 8 * 1024;

impl Encoding {
    pub const ALL: [Encoding; 5] = [
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Gb18030,
        Encoding::Windows1252,
    ];

    /// The WHATWG name, as forms and the API send it.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    pub fn parse(value: &str) -> Option<Encoding> {
        let value = value.trim();
        Encoding::ALL
            .into_iter()
            .find(|encoding| encoding.as_str().eq_ignore_ascii_case(value))
    }

    /// The name admins know it by; the same in every language, as their spreadsheets write it.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Gb18030 => "GB18030 / GBK",
            Encoding::Windows1252 => "Windows-1252",
        }
    }

    /// The name the Encoding Standard (and so the browser's TextDecoder) gives it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    fn web_label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// Decoding on the server: encoding_rs.
#[cfg(not(target_arch = "wasm32"))]
mod codec {
    use super::Encoding;

    fn of(encoding: Encoding) -> &'static encoding_rs::Encoding {
        match encoding {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// The text, a BOM removed, invalid sequences as U+FFFD.
    pub fn lossy(bytes: &[u8], encoding: Encoding) -> String {
        of(encoding).decode_with_bom_removal(bytes).0.into_owned()
    }

    /// Whether `bytes` are valid in `encoding`.
    pub fn valid(bytes: &[u8], encoding: Encoding) -> bool {
        of(encoding)
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
    }
}

/// Decoding in the browser: its own TextDecoder, which knows every encoding here; encoding_rs's
/// tables would more than double the page's download.
#[cfg(target_arch = "wasm32")]
mod codec {
    use super::Encoding;

    fn decoder(encoding: Encoding, fatal: bool) -> Option<web_sys::TextDecoder> {
        let options = web_sys::TextDecoderOptions::new();
        options.set_fatal(fatal);
        web_sys::TextDecoder::new_with_label_and_options(encoding.web_label(), &options).ok()
    }

    /// The text, a BOM removed, invalid sequences as U+FFFD.
    pub fn lossy(bytes: &[u8], encoding: Encoding) -> String {
        decoder(encoding, false)
            .and_then(|d| d.decode_with_u8_array(bytes).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
    }

    /// Whether `bytes` are valid in `encoding`.
    pub fn valid(bytes: &[u8], encoding: Encoding) -> bool {
        decoder(encoding, true).is_some_and(|d| d.decode_with_u8_array(bytes).is_ok())
    }
}

/// The encoding a byte-order mark announces, if the file starts with one.
fn from_bom(bytes: &[u8]) -> Option<Encoding> {
    if bytes.starts_with(UTF8_BOM) {
        Some(Encoding::Utf8)
    } else if bytes.starts_with(UTF16LE_BOM) {
        Some(Encoding::Utf16Le)
    } else if bytes.starts_with(UTF16BE_BOM) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// UTF-16 without a byte-order mark: the mostly-ASCII text of a CSV file leaves a NUL in every
/// other byte, on the odd side for little-endian and the even side for big-endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Most characters ASCII on one side, (almost) no NUL on the other.
    let most = |count: usize| count * 2 >= pairs;
    let hardly = |count: usize| count * 20 <= pairs;
    if most(odd) && hardly(even) {
        Some(Encoding::Utf16Le)
    } else if most(even) && hardly(odd) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Chinese text in GBK: decodes without error and its double-byte characters sit mostly in the
/// GB2312 area (both bytes 0xA1 and up), where common hanzi live. Latin text in Windows-1252
/// (`Müller` = `M 0xFC l l e r`) may decode as GB18030 too, but pairs an accented letter with an
/// ASCII one, so fails the second test.
fn looks_like_gb18030(bytes: &[u8]) -> bool {
    let mut double_byte = 0usize;
    let mut in_gb2312 = 0usize;
    let mut hanzi = false;
    let mut index = 0;
    while index < bytes.len() {
        let lead = bytes[index];
        if lead < 0x80 {
            index += 1;
            continue;
        }
        let Some(&trail) = bytes.get(index + 1) else {
            return false;
        };
        if trail.is_ascii_digit() {
            // A four-byte sequence: rare characters, never the bulk of a name list.
            index += 4;
            continue;
        }
        double_byte += 1;
        if lead >= 0xA1 && trail >= 0xA1 {
            in_gb2312 += 1;
            hanzi |= (0xB0..=0xF7).contains(&lead);
        }
        index += 2;
    }
    hanzi && in_gb2312 * 4 >= double_byte * 3 && codec::valid(bytes, Encoding::Gb18030)
}

/// BOM first (UTF-8 BOM, UTF-16 LE/BE BOM); valid UTF-8 -> Utf8; UTF-16 without BOM recognised
/// by NUL bytes at every other position; otherwise GB18030 when the bytes decode as GB18030
/// without errors and contain double-byte sequences that make CJK text, else Windows1252.
pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    if let Some(encoding) = from_bom(bytes) {
        return encoding;
    }
    // Before the UTF-8 test: ASCII in UTF-16 is valid UTF-8, NULs and all.
    if let Some(encoding) = utf16_without_bom(bytes) {
        return encoding;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Encoding::Utf8;
    }
    if looks_like_gb18030(bytes) {
        Encoding::Gb18030
    } else {
        Encoding::Windows1252
    }
}

/// Decodes (BOM stripped), invalid sequences become U+FFFD so the preview shows them and the
/// admin can pick another encoding.
pub fn decode(bytes: &[u8], encoding: Encoding) -> String {
    let mut text = match encoding {
        Encoding::Utf8 => {
            String::from_utf8_lossy(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)).into_owned()
        }
        other => codec::lossy(bytes, other),
    };
    // A BOM of another encoding than the one chosen decodes to a stray U+FEFF in the first header.
    if text.starts_with('\u{feff}') {
        text.replace_range(..'\u{feff}'.len_utf8(), "");
    }
    text
}

/// What a file that is not text seems to be, so the message can say what to do instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryKind {
    Image,
    /// ZIP, gzip, 7z or RAR, and Excel workbooks (.xlsx), which are ZIP files.
    Archive,
    Pdf,
    Other,
}

/// Magic numbers (PNG, JPEG, GIF, WebP, BMP, PDF, ZIP/XLSX, GZIP, 7z, RAR) and, for non-UTF-16
/// text, NUL bytes or many control characters in the first 8 KB.
pub fn looks_binary(bytes: &[u8]) -> Option<BinaryKind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let image = starts(b"\x89PNG\r\n\x1a\n")
        || starts(b"\xff\xd8\xff")
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        // "BM" alone could open a CSV header; a bitmap follows it with four reserved NUL bytes.
        || (starts(b"BM") && bytes.get(6..10) == Some(&[0, 0, 0, 0]));
    if image {
        return Some(BinaryKind::Image);
    }
    if starts(b"%PDF-") {
        return Some(BinaryKind::Pdf);
    }
    let archive = starts(b"PK\x03\x04")
        || starts(b"PK\x05\x06")
        || starts(b"PK\x07\x08")
        || starts(b"\x1f\x8b")
        || starts(b"7z\xbc\xaf\x27\x1c")
        || starts(b"Rar!\x1a\x07");
    if archive {
        return Some(BinaryKind::Archive);
    }
    let utf16 = matches!(from_bom(bytes), Some(Encoding::Utf16Le | Encoding::Utf16Be))
        || utf16_without_bom(bytes).is_some();
    if utf16 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    if sample.contains(&0) {
        return Some(BinaryKind::Other);
    }
    // Tab, line ends, form feed and the DOS end-of-file mark turn up in text; the rest do not.
    let control = sample
        .iter()
        .filter(|&&byte| {
            (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a)) || byte == 0x7f
        })
        .count();
    (control * 20 > sample.len()).then_some(BinaryKind::Other)
}
