//! Password storage: argon2id (on the blocking pool, never on the async executor), and refusal of
//! the most common passwords.

use crate::domain::{Email, NewPassword};
use crate::error::AppError;
use crate::locales::Key;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

/// The 8,351 passwords of 8 or more characters in Django's list of 20,000 common passwords
/// (BSD licence), lower-cased and sorted.
const COMMON: &str = include_str!("common-passwords.txt");

/// Refuses a password that is common or is the admin's own address; says why, for the form.
pub fn acceptable(password: &NewPassword, email: &Email) -> Result<(), Key> {
    let lowered = password.as_str().to_lowercase();
    if COMMON.lines().any(|common| common == lowered) {
        return Err(Key::PasswordTooCommon);
    }
    let local_part = email.as_str().split('@').next().unwrap_or_default();
    if lowered == email.as_str() || (local_part.chars().count() >= 8 && lowered == local_part) {
        return Err(Key::PasswordIsEmail);
    }
    Ok(())
}

/// The PHC string to store (`$argon2id$v=19$...`, salt included).
pub async fn hash(password: &NewPassword) -> Result<String, AppError> {
    hash_secret(password.as_str()).await
}

/// The PHC string for any secret a person chose (a voicemail PIN too).
pub async fn hash_secret(secret: &str) -> Result<String, AppError> {
    let password = secret.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(crate::server::error::internal)?
    .map_err(crate::server::error::internal)
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub async fn verify(password: &str, stored: &str) -> bool {
    let password = password.to_owned();
    let stored = stored.to_owned();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(p: &str) -> NewPassword {
        NewPassword::parse(p, p).unwrap()
    }

    #[test]
    fn common_passwords_and_the_address_are_refused() {
        let email = Email::parse("li.wei.admin@acme.example").unwrap();
        assert_eq!(
            acceptable(&new("password"), &email),
            Err(Key::PasswordTooCommon)
        );
        assert_eq!(
            acceptable(&new("Password1"), &email),
            Err(Key::PasswordTooCommon)
        );
        assert_eq!(
            acceptable(&new("qwertyuiop"), &email),
            Err(Key::PasswordTooCommon)
        );
        assert_eq!(
            acceptable(&new("Li.Wei.Admin@acme.example"), &email),
            Err(Key::PasswordIsEmail)
        );
        assert_eq!(
            acceptable(&new("li.wei.admin"), &email),
            Err(Key::PasswordIsEmail)
        );
        assert_eq!(acceptable(&new("violet staple orbit"), &email), Ok(()));
    }

    #[test]
    fn the_shipped_list_is_sorted_and_only_holds_passwords_the_length_rule_lets_through() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!(lines.len() > 8000);
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
        assert!(lines
            .iter()
            .all(|l| l.chars().count() >= crate::domain::password::MIN_CHARS));
    }

    #[tokio::test]
    async fn hashes_verify_and_are_salted() {
        let password = new("violet staple orbit");
        let first = hash(&password).await.unwrap();
        let second = hash(&password).await.unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("violet staple orbit", &first).await);
        assert!(!verify("violet staple orbiT", &first).await);
        assert!(!verify("violet staple orbit", "not a hash").await);
    }
}
