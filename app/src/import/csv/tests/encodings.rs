//! Files as each encoding spreadsheets save in, and the guess that tells them apart.

use super::*;

const PEOPLE: &str =
    "First name,Last name,Email\r\nZoë,Müller,zoe@acme.example\r\n伟,张,zhang.wei@acme.example\r\n";

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let units = std::iter::once(0xFEFF)
        .filter(|_| bom)
        .chain(text.encode_utf16());
    units
        .flat_map(|unit| {
            if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            }
        })
        .collect()
}

fn legacy(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text:?} fits {}", encoding.name());
    bytes.into_owned()
}

/// Reads `bytes`, checks the guessed encoding, and gives the names read.
fn names_from(bytes: &[u8], expected: Encoding) -> Vec<String> {
    assert_eq!(detect_encoding(bytes), expected);
    let (sheet, validated) = read_all(bytes, None, None).unwrap();
    assert_eq!(sheet.encoding, expected);
    assert_eq!(
        sheet.headers[0], "First name",
        "no BOM left in the first header"
    );
    assert!(validated.errors.is_empty(), "{:?}", validated.errors);
    names(&validated)
}

#[test]
fn utf8_with_and_without_bom() {
    let with_bom = [&b"\xef\xbb\xbf"[..], PEOPLE.as_bytes()].concat();
    for bytes in [PEOPLE.as_bytes(), &with_bom] {
        assert_eq!(names_from(bytes, Encoding::Utf8), ["Zoë Müller", "伟 张"]);
    }
}

#[test]
fn utf16_both_byte_orders_with_a_bom() {
    let little = utf16(PEOPLE, false, true);
    assert_eq!(
        names_from(&little, Encoding::Utf16Le),
        ["Zoë Müller", "伟 张"]
    );
    let big = utf16(PEOPLE, true, true);
    assert_eq!(names_from(&big, Encoding::Utf16Be), ["Zoë Müller", "伟 张"]);
}

#[test]
fn utf16_without_a_bom_by_its_nul_bytes() {
    let little = utf16(PEOPLE, false, false);
    assert_eq!(
        names_from(&little, Encoding::Utf16Le),
        ["Zoë Müller", "伟 张"]
    );
    let big = utf16(PEOPLE, true, false);
    assert_eq!(names_from(&big, Encoding::Utf16Be), ["Zoë Müller", "伟 张"]);
    assert_eq!(looks_binary(&little), None, "its NULs are not binary");
}

#[test]
fn gb18030_from_chinese_excel() {
    let text = "First name,Last name,Display name,Email\r\n伟,张,张伟,zhang.wei@acme.example\r\n娜,李,李娜,li.na@acme.example\r\n喆,欧阳,欧阳喆,ouyang@acme.example\r\n";
    let bytes = legacy(text, encoding_rs::GB18030);
    assert_eq!(
        names_from(&bytes, Encoding::Gb18030),
        ["张伟", "李娜", "欧阳喆"]
    );
    let headers = legacy(
        "姓名,邮箱\r\n王芳,wang.fang@acme.example\r\n",
        encoding_rs::GB18030,
    );
    let (sheet, validated) = read_all(&headers, None, None).unwrap();
    assert_eq!(sheet.headers, ["姓名", "邮箱"]);
    assert_eq!(names(&validated), ["王芳"]);
}

#[test]
fn windows_1252_from_western_excel() {
    let text = "First name,Last name,Email\r\nZoë,Müller,zoe@acme.example\r\n";
    let bytes = legacy(text, encoding_rs::WINDOWS_1252);
    assert_eq!(names_from(&bytes, Encoding::Windows1252), ["Zoë Müller"]);
    // Accented letters next to ASCII ones also decode as GB18030, into nonsense hanzi.
    for word in ["Müller", "élève", "ÉCOLE", "Renée"] {
        let bytes = legacy(
            &format!("Name,Email\n{word},a@acme.example\n"),
            encoding_rs::WINDOWS_1252,
        );
        assert_eq!(detect_encoding(&bytes), Encoding::Windows1252, "{word}");
    }
}

#[test]
fn invalid_sequences_show_as_replacement_characters() {
    assert_eq!(decode(b"Zo\xeb", Encoding::Utf8), "Zo\u{fffd}");
    // The admin picked the wrong encoding: the preview shows nonsense, not an error.
    let bytes = legacy(PEOPLE, encoding_rs::GB18030);
    let (sheet, validated) = read_all(&bytes, Some(Encoding::Windows1252), None).unwrap();
    assert_eq!(sheet.encoding, Encoding::Windows1252);
    assert_eq!(validated.rows, 2);
    assert!(!names(&validated).contains(&"伟 张".to_owned()));
    // A BOM that does not match the chosen encoding does not end up in the header.
    let text = decode(&utf16("Email", false, true), Encoding::Utf16Le);
    assert_eq!(text, "Email");
}

#[test]
fn encodings_name_themselves_both_ways() {
    for encoding in Encoding::ALL {
        assert_eq!(Encoding::parse(encoding.as_str()), Some(encoding));
        assert!(!encoding.label().is_empty());
    }
    assert_eq!(Encoding::parse(" UTF-8 "), Some(Encoding::Utf8));
    assert_eq!(Encoding::parse("latin1"), None);
    assert_eq!(Encoding::Gb18030.label(), "GB18030 / GBK");
}
