//! One-time tokens for links sent by mail: 256 random bits, shown once, stored only as a SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token: the text for the link, and the hash to store.
pub struct NewToken {
    pub raw: String,
    pub hash: String,
}

pub fn generate() -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&raw);
    NewToken { raw, hash }
}

/// A fresh token for a one-time link stored in row `id`: the id (8 bytes) and 32 random bytes,
/// together in unpadded base64url. The row is found by its id and the token checked by its hash,
/// so no index over the hashes is needed: their random order made every link of a large batch
/// land on a random page of such an index (a tenth of a 100,000-person import's writing).
pub fn generate_for(id: i64) -> NewToken {
    let mut bytes = [0u8; 40];
    bytes[..8].copy_from_slice(&id.to_be_bytes());
    rand::rng().fill_bytes(&mut bytes[8..]);
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&raw);
    NewToken { raw, hash }
}

/// The row a link's token names (see `generate_for`); None for any other text, such as a token
/// made before tokens carried their row.
pub fn id_of(raw: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let id: [u8; 8] = bytes
        .get(..8)
        .filter(|_| bytes.len() == 40)?
        .try_into()
        .ok()?;
    Some(i64::from_be_bytes(id))
}

/// The stored form of a token. A fast hash is right here: the token has 256 bits of entropy, so
/// there is nothing to brute-force, and a lookup must not cost an argon2 run.
pub fn hash(raw: &str) -> String {
    hex(&Sha256::digest(raw.as_bytes()))
}

/// `bytes` in lower-case hexadecimal. By hand rather than `format!` per byte, which cost an
/// import more than its SHA-256s did (one token per person, 100,000 to a large import).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = generate();
        let b = generate();
        assert_ne!(a.raw, b.raw);
        assert_eq!(a.raw.len(), 43, "32 bytes in unpadded base64url");
        assert!(a
            .raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(a.hash, hash(&a.raw));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.raw));
    }

    #[test]
    fn a_link_token_names_its_row_and_nothing_else_does() {
        for id in [1, 42, 1_000_000_007, i64::MAX] {
            let a = generate_for(id);
            let b = generate_for(id);
            assert_ne!(a.raw, b.raw, "the random part differs");
            assert_eq!(a.raw.len(), 54, "40 bytes in unpadded base64url");
            assert!(a
                .raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            assert_eq!(a.hash, hash(&a.raw));
            assert_eq!(id_of(&a.raw), Some(id));
        }
        assert_eq!(id_of(&generate().raw), None, "an older token");
        for text in ["", "not-a-real-token", "%%%", &"A".repeat(55)] {
            assert_eq!(id_of(text), None, "{text:?}");
        }
    }
}
