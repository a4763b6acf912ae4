//! Reading one cell: the spellings spreadsheets and people use for yes and no, phone numbers,
//! extensions and languages, each to a value or the reason it is not one.

use crate::domain::DisplayName;
use crate::locales::{Key, Locale};

/// Characters that make a spreadsheet run a cell as a formula when they open it.
pub(super) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as the admin meant it: trimmed, and without the `'` an export puts before a
/// formula-like value (so `'+8610...` reads back as the phone number it was).
pub(super) fn cell_text(raw: &str) -> &str {
    let trimmed = raw.trim();
    match trimmed.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.trim(),
        _ => trimmed,
    }
}

const YES: [&str; 7] = ["true", "yes", "y", "1", "x", "on", "是"];
const NO: [&str; 6] = ["false", "no", "n", "0", "off", "否"];

/// TRUE/FALSE as Excel writes them, and the other ways people say yes and no.
pub(super) fn service_flag(value: &str) -> Result<bool, Key> {
    let is = |words: &[&str]| words.iter().any(|word| word.eq_ignore_ascii_case(value));
    if is(&YES) {
        Ok(true)
    } else if is(&NO) {
        Ok(false)
    } else {
        Err(Key::CsvServiceInvalid)
    }
}

/// E.164: "+" and 8 to 15 digits. Spaces, dashes, dots and parentheses people group digits
/// with are dropped.
pub(super) fn phone(value: &str) -> Result<String, Key> {
    let rest = value
        .strip_prefix('+')
        .or_else(|| value.strip_prefix('＋'))
        .ok_or(Key::CsvPhoneInvalid)?;
    let mut number = String::with_capacity(16);
    number.push('+');
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{3000}' => {}
            _ => return Err(Key::CsvPhoneInvalid),
        }
    }
    let digits = number.len() - 1;
    if (8..=15).contains(&digits) {
        Ok(number)
    } else {
        Err(Key::CsvPhoneInvalid)
    }
}

/// 2 to 10 digits.
pub(super) fn extension(value: &str) -> Result<String, Key> {
    if (2..=10).contains(&value.len()) && value.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(Key::CsvExtensionInvalid)
    }
}

/// A language tag (`en`, `zh-CN`, `zh_Hans`...) or a language's name in English or Chinese.
pub(super) fn language(value: &str) -> Result<Locale, Key> {
    if let Some(locale) = Locale::from_tag(value) {
        return Ok(locale);
    }
    let named = |names: &[&str]| names.iter().any(|name| name.eq_ignore_ascii_case(value));
    if named(&["english", "英语", "英文"]) {
        Ok(Locale::En)
    } else if named(&["chinese", "simplified chinese", "中文", "简体中文", "汉语"]) {
        Ok(Locale::ZhCn)
    } else {
        Err(Key::CsvLanguageInvalid)
    }
}

/// A first, last or display name: the display name rules, up to 100 characters each.
pub(super) fn name(value: &str) -> Result<DisplayName, Key> {
    DisplayName::parse(value).map_err(|reason| match reason {
        // Not empty (empty cells are not given): control characters are what it refused.
        Key::NameRequired => Key::CsvNameInvalid,
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exported_formula_guard_is_taken_off_and_nothing_else() {
        assert_eq!(cell_text("  '+8610 5555 0100 "), "+8610 5555 0100");
        assert_eq!(cell_text("'=1+1"), "=1+1");
        assert_eq!(cell_text("'@home"), "@home");
        assert_eq!(cell_text("'tis"), "'tis");
        assert_eq!(cell_text("O'Brien"), "O'Brien");
        assert_eq!(cell_text("'"), "'");
    }

    #[test]
    fn yes_and_no_in_the_ways_people_write_them() {
        for yes in ["TRUE", "true", "Yes", "y", "1", "X", "on", "是"] {
            assert_eq!(service_flag(yes), Ok(true), "{yes}");
        }
        for no in ["FALSE", "false", "NO", "n", "0", "Off", "否"] {
            assert_eq!(service_flag(no), Ok(false), "{no}");
        }
        for neither in ["maybe", "2", "yess", "✓"] {
            assert_eq!(
                service_flag(neither),
                Err(Key::CsvServiceInvalid),
                "{neither}"
            );
        }
    }

    #[test]
    fn phone_numbers_become_e164() {
        assert_eq!(phone("+86 (10) 5555-0100").as_deref(), Ok("+861055550100"));
        assert_eq!(phone("+1.415.555.0100").as_deref(), Ok("+14155550100"));
        assert_eq!(phone("＋86 138 0013 8000").as_deref(), Ok("+8613800138000"));
        for bad in [
            "861055550100",
            "+1234567",
            "+1234567890123456",
            "+86 10 x",
            "",
        ] {
            assert_eq!(phone(bad), Err(Key::CsvPhoneInvalid), "{bad}");
        }
    }

    #[test]
    fn extensions_are_two_to_ten_digits() {
        assert_eq!(extension("12").as_deref(), Ok("12"));
        assert_eq!(extension("0123456789").as_deref(), Ok("0123456789"));
        for bad in ["1", "01234567890", "12a", "１２"] {
            assert_eq!(extension(bad), Err(Key::CsvExtensionInvalid), "{bad}");
        }
    }

    #[test]
    fn languages_by_tag_or_name() {
        for (value, locale) in [
            ("en", Locale::En),
            ("en-GB", Locale::En),
            ("English", Locale::En),
            ("zh-CN", Locale::ZhCn),
            ("zh_Hans", Locale::ZhCn),
            ("Chinese", Locale::ZhCn),
            ("中文", Locale::ZhCn),
            ("简体中文", Locale::ZhCn),
            ("汉语", Locale::ZhCn),
        ] {
            assert_eq!(language(value), Ok(locale), "{value}");
        }
        assert_eq!(language("fr"), Err(Key::CsvLanguageInvalid));
        assert_eq!(language("Klingon"), Err(Key::CsvLanguageInvalid));
    }
}
