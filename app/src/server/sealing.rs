//! Sealing the few secrets the server must read back (a directory's bind password): XChaCha20-
//! Poly1305 under the server's key, with what the secret belongs to as associated data, so a
//! sealed value copied to another organisation's row does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::path::{Path, PathBuf};

const NONCE: usize = 24;

/// The server's sealing key.
#[derive(Clone)]
pub struct Sealer(XChaCha20Poly1305);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// A sealed value that does not open: another key, another owner, or altered bytes.
#[derive(Debug, thiserror::Error)]
#[error("a sealed secret could not be opened with this server's key")]
pub struct Unsealable;

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Sealer(XChaCha20Poly1305::new(key.into()))
    }

    /// `nonce || ciphertext`, bound to `owner`.
    pub fn seal(&self, secret: &[u8], owner: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: secret,
            aad: owner,
        };
        // Encryption fails only for messages beyond 256 GiB.
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        [nonce.as_slice(), &sealed].concat()
    }

    pub fn open(&self, sealed: &[u8], owner: &[u8]) -> Result<Vec<u8>, Unsealable> {
        if sealed.len() < NONCE {
            return Err(Unsealable);
        }
        let (nonce, message) = sealed.split_at(NONCE);
        let payload = Payload {
            msg: message,
            aad: owner,
        };
        self.0
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| Unsealable)
    }
}

/// 64 hex digits as a key.
pub fn parse_key(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

/// Where the key is kept when the environment gives none: beside the SQLite database file.
/// An in-memory database has no folder, and its key lives as long as it does.
pub fn key_file(database_url: &str) -> Option<PathBuf> {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    Some(
        Path::new(path)
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("secret.key"),
    )
}

/// Reads the key file, or makes it (readable by its owner only) on first start.
pub fn load_or_create(file: Option<&Path>) -> std::io::Result<[u8; 32]> {
    let Some(file) = file else {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        return Ok(key);
    };
    match std::fs::read_to_string(file) {
        Ok(text) => parse_key(&text).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} does not hold 64 hex digits", file.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            rand::rng().fill_bytes(&mut key);
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            if let Some(folder) = file.parent() {
                std::fs::create_dir_all(folder)?;
            }
            write_private(file, &hex)?;
            tracing::info!(file = %file.display(), "made a new secret key");
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    out.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(file, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_owner_and_key() {
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal(b"directory-secret", b"org 1");
        assert!(!sealed
            .windows(b"directory-secret".len())
            .any(|w| w == b"directory-secret"));
        assert_eq!(sealer.open(&sealed, b"org 1").unwrap(), b"directory-secret");
        assert!(sealer.open(&sealed, b"org 2").is_err());
        assert!(Sealer::new(&[8; 32]).open(&sealed, b"org 1").is_err());
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(sealer.open(&altered, b"org 1").is_err());
        assert!(sealer.open(b"short", b"org 1").is_err());
        // The same secret sealed twice differs (a fresh nonce each time).
        assert_ne!(sealed, sealer.seal(b"directory-secret", b"org 1"));
    }

    #[test]
    fn keys_are_64_hex_digits() {
        let hex = "00ff".repeat(16);
        assert_eq!(parse_key(&hex).unwrap()[1], 0xff);
        assert!(parse_key(&hex[..62]).is_none());
        assert!(parse_key(&"zz".repeat(32)).is_none());
        assert!(parse_key(&"é".repeat(32)).is_none());
    }

    #[test]
    fn the_key_file_sits_beside_the_database_and_is_made_once() {
        assert_eq!(
            key_file("sqlite://data/switchboard.db"),
            Some(PathBuf::from("data/secret.key"))
        );
        assert_eq!(
            key_file("sqlite:/tmp/x/a.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x/secret.key"))
        );
        assert_eq!(key_file("sqlite::memory:"), None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys/secret.key");
        let made = load_or_create(Some(&file)).unwrap();
        assert_eq!(load_or_create(Some(&file)).unwrap(), made);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&file, "not a key").unwrap();
        assert!(load_or_create(Some(&file)).is_err());
    }
}
