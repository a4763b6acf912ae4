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
}
