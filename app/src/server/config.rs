//! Typed configuration from environment variables, each with a documented default.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where outgoing mail goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransportConfig {
    /// Each message written as an `.eml` file in this folder (the development default).
    File(PathBuf),
    /// An SMTP relay, e.g. `smtp://127.0.0.1:2525` (no TLS: a local relay or a test sink).
    Smtp { host: String, port: u16 },
    /// Kept in memory, for tests that read what was sent.
    Memory,
}

impl MailTransportConfig {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let bad = || {
            ConfigError::new(
                "SWITCHBOARD_MAIL",
                value,
                "file:DIR, smtp://HOST:PORT or memory",
            )
        };
        if value == "memory" {
            return Ok(MailTransportConfig::Memory);
        }
        if let Some(dir) = value.strip_prefix("file:") {
            return if dir.is_empty() {
                Err(bad())
            } else {
                Ok(MailTransportConfig::File(dir.into()))
            };
        }
        if let Some(rest) = value.strip_prefix("smtp://") {
            let (host, port) = rest
                .trim_end_matches('/')
                .rsplit_once(':')
                .ok_or_else(bad)?;
            let port = port.parse().map_err(|_| bad())?;
            if host.is_empty() {
                return Err(bad());
            }
            return Ok(MailTransportConfig::Smtp {
                host: host.to_owned(),
                port,
            });
        }
        Err(bad())
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `SWITCHBOARD_DATABASE_URL`, default `sqlite://data/switchboard.db` (created if missing).
    pub database_url: String,
    /// `SWITCHBOARD_LISTEN`, default `127.0.0.1:3000`.
    pub listen: SocketAddr,
    /// `SWITCHBOARD_PUBLIC_URL`, the origin used in links sent by mail; default `http://` + listen.
    pub public_url: String,
    /// `SWITCHBOARD_MAIL`: `file:DIR` | `smtp://HOST:PORT` | `memory`; default `file:data/mail`.
    pub mail: MailTransportConfig,
    /// `SWITCHBOARD_MAIL_FROM`, default `Switchboard <no-reply@switchboard.localhost>`.
    pub mail_from: lettre::message::Mailbox,
    /// `SWITCHBOARD_BODY_LIMIT_BYTES`: the largest request body accepted, default 1 MiB.
    pub body_limit_bytes: usize,
    /// The mail worker: `SWITCHBOARD_MAIL_CONNECTIONS` (default 8), messages sent at once;
    /// `SWITCHBOARD_MAIL_LEASE_SECONDS` (default 120), how long a claimed message is held before
    /// another worker may take it; `SWITCHBOARD_MAIL_MAX_ATTEMPTS` (default 8).
    pub mail_worker: crate::server::mail::worker::Settings,
    /// `SWITCHBOARD_WELCOME_LINK_DAYS`, how long a welcome link works; default 7.
    pub welcome_link_days: u64,
    /// `SWITCHBOARD_OPERATOR_TOKEN`: the bearer token of the provider's operator endpoint
    /// (`POST /operator/organisations`); at least 32 characters. Unset: the endpoint is off.
    pub operator_token: Option<String>,
    /// `SWITCHBOARD_SESSION_IDLE_MINUTES` (default 30) and `SWITCHBOARD_SESSION_MAX_HOURS`
    /// (default 12): a session ends after this long unused, or this long in all.
    pub session_idle: std::time::Duration,
    pub session_max: std::time::Duration,
    /// `SWITCHBOARD_SECRET_KEY`: 64 hex digits, the key that seals secrets the server must read
    /// back (a directory's bind password). Unset: the key is kept in `secret.key` beside the
    /// SQLite database, made on first start. Set it from a secret store in production, so a copy
    /// of the database folder alone does not open them.
    pub secret_key: Option<[u8; 32]>,
    /// `SWITCHBOARD_TXT_RECORDS_FILE`: a file of `NAME VALUE` lines answered instead of the DNS
    /// when verifying domains (browser tests; trials without DNS). Unset (the default): the DNS.
    pub txt_records_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}={value:?} is not valid: expected {expected}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl ConfigError {
    fn new(variable: &'static str, value: &str, expected: &'static str) -> Self {
        ConfigError {
            variable,
            value: value.to_owned(),
            expected,
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can pass their own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let listen_raw =
            lookup("SWITCHBOARD_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let listen: SocketAddr = listen_raw.parse().map_err(|_| {
            ConfigError::new(
                "SWITCHBOARD_LISTEN",
                &listen_raw,
                "an address like 127.0.0.1:3000",
            )
        })?;
        let public_url =
            lookup("SWITCHBOARD_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "SWITCHBOARD_PUBLIC_URL",
                &public_url,
                "an http:// or https:// URL",
            ));
        }
        let mail = MailTransportConfig::parse(
            &lookup("SWITCHBOARD_MAIL").unwrap_or_else(|| "file:data/mail".to_owned()),
        )?;
        let mail_from_raw = lookup("SWITCHBOARD_MAIL_FROM")
            .unwrap_or_else(|| "Switchboard <no-reply@switchboard.localhost>".to_owned());
        let mail_from = mail_from_raw.parse().map_err(|_| {
            ConfigError::new(
                "SWITCHBOARD_MAIL_FROM",
                &mail_from_raw,
                "a mailbox like Name <address@domain>",
            )
        })?;
        let body_limit_raw =
            lookup("SWITCHBOARD_BODY_LIMIT_BYTES").unwrap_or_else(|| (1024 * 1024).to_string());
        let body_limit_bytes = body_limit_raw.parse().map_err(|_| {
            ConfigError::new(
                "SWITCHBOARD_BODY_LIMIT_BYTES",
                &body_limit_raw,
                "a number of bytes",
            )
        })?;
        let number = |variable: &'static str, default: u64| -> Result<u64, ConfigError> {
            match lookup(variable) {
                None => Ok(default),
                Some(raw) => raw
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError::new(variable, &raw, "a whole number above 0")),
            }
        };
        let mail_worker = crate::server::mail::worker::Settings {
            lease: std::time::Duration::from_secs(number("SWITCHBOARD_MAIL_LEASE_SECONDS", 120)?),
            max_attempts: number("SWITCHBOARD_MAIL_MAX_ATTEMPTS", 8)? as i64,
            concurrency: number("SWITCHBOARD_MAIL_CONNECTIONS", 8)? as usize,
            ..Default::default()
        };
        let operator_token = match lookup("SWITCHBOARD_OPERATOR_TOKEN") {
            Some(token) if token.trim().chars().count() < 32 => {
                return Err(ConfigError::new(
                    "SWITCHBOARD_OPERATOR_TOKEN",
                    "(hidden)",
                    "at least 32 characters",
                ));
            }
            token => token.map(|t| t.trim().to_owned()),
        };
        Ok(Config {
            database_url: lookup("SWITCHBOARD_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/switchboard.db".to_owned()),
            listen,
            public_url: public_url.trim_end_matches('/').to_owned(),
            mail,
            mail_from,
            body_limit_bytes,
            mail_worker,
            welcome_link_days: number("SWITCHBOARD_WELCOME_LINK_DAYS", 7)?,
            operator_token,
            session_idle: std::time::Duration::from_secs(
                60 * number("SWITCHBOARD_SESSION_IDLE_MINUTES", 30)?,
            ),
            session_max: std::time::Duration::from_secs(
                3600 * number("SWITCHBOARD_SESSION_MAX_HOURS", 12)?,
            ),
            secret_key: match lookup("SWITCHBOARD_SECRET_KEY") {
                None => None,
                Some(hex) => Some(crate::server::sealing::parse_key(&hex).ok_or_else(|| {
                    ConfigError::new("SWITCHBOARD_SECRET_KEY", "(hidden)", "64 hex digits")
                })?),
            },
            txt_records_file: lookup("SWITCHBOARD_TXT_RECORDS_FILE")
                .filter(|path| !path.trim().is_empty())
                .map(PathBuf::from),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/switchboard.db");
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert_eq!(config.mail, MailTransportConfig::File("data/mail".into()));
        assert_eq!(config.body_limit_bytes, 1024 * 1024);
        assert_eq!(config.welcome_link_days, 7);
        assert_eq!(config.operator_token, None);
    }

    #[test]
    fn mail_transports_parse() {
        assert_eq!(
            MailTransportConfig::parse("memory").unwrap(),
            MailTransportConfig::Memory
        );
        assert_eq!(
            MailTransportConfig::parse("smtp://mail.internal:2525").unwrap(),
            MailTransportConfig::Smtp {
                host: "mail.internal".into(),
                port: 2525
            }
        );
        for bad in [
            "",
            "file:",
            "smtp://",
            "smtp://host",
            "smtp://:25",
            "smtp://host:port",
            "pigeon",
        ] {
            assert!(
                MailTransportConfig::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = config(&[("SWITCHBOARD_LISTEN", "localhost")]).unwrap_err();
        assert_eq!(error.variable, "SWITCHBOARD_LISTEN");
        let error = config(&[("SWITCHBOARD_OPERATOR_TOKEN", "short")]).unwrap_err();
        assert_eq!(error.variable, "SWITCHBOARD_OPERATOR_TOKEN");
        assert!(
            !error.to_string().contains("short"),
            "the token must not be echoed"
        );
        let error = config(&[("SWITCHBOARD_MAIL_LEASE_SECONDS", "0")]).unwrap_err();
        assert_eq!(error.variable, "SWITCHBOARD_MAIL_LEASE_SECONDS");
        let error = config(&[("SWITCHBOARD_MAIL_FROM", "not a mailbox")]).unwrap_err();
        assert_eq!(error.variable, "SWITCHBOARD_MAIL_FROM");
        let error = config(&[("SWITCHBOARD_PUBLIC_URL", "ftp://x")]).unwrap_err();
        assert_eq!(error.variable, "SWITCHBOARD_PUBLIC_URL");
        let error = config(&[("SWITCHBOARD_PUBLIC_URL", "https://portal.acme.example/")]).unwrap();
        assert_eq!(error.public_url, "https://portal.acme.example");
    }
}
