//! Configuration from the environment (a `.env` file is read first when present).

use super::crypto::{DataKey, LedgerKey};
use anyhow::{bail, Context};
use secrecy::SecretString;
use std::time::Duration;

/// The data key of `Config::for_tests` (never used outside tests and local runs).
pub const TEST_DATA_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// The ledger key of `Config::for_tests`.
pub const TEST_LEDGER_KEY: &str = "dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24=";

/// Four connections per CPU core: on the 2-core benchmark machine 8 served the lead list
/// half again as fast as 16 and twice as fast as 32, whose extra PostgreSQL processes
/// only fight over the cores (BENCHMARKS.md).
pub fn default_db_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (4 * cores).clamp(4, 64) as u32
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The runtime role's connection: what the server and the admin commands use.
    pub database_url: String,
    /// The owner's connection, for `consentdesk migrate` (else `database_url`).
    pub database_owner_url: Option<String>,
    /// The address customers and carriers reach us on; its origin is trusted for POSTs.
    pub public_base_url: String,
    pub cookie_secure: bool,
    pub session_idle: Duration,
    /// How many proxies of ours stand in front of the server: the client address is the
    /// one the outermost of them added to `X-Forwarded-For` (0: the socket's peer).
    pub trusted_proxies: usize,
    pub development: bool,
    pub json_logs: bool,
    /// Encrypts carrier secrets at rest; without it no secret can be saved.
    pub data_key: Option<DataKey>,
    /// Signs the consent ledger; required to serve outside development.
    pub ledger_key: Option<LedgerKey>,
    /// Run the outbox worker in this process.
    pub run_worker: bool,
    /// PostgreSQL connections this process keeps at most.
    pub db_connections: u32,
    /// SMTP server for outgoing mail; without one, mail is written to `mail_dir`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub mail_dir: std::path::PathBuf,
    /// Carrier API addresses other than the carriers' own (a test stub, a self-hosted
    /// gateway). Off by default: the worker hands the carrier's secret to that address.
    pub allow_custom_carrier_urls: bool,
    /// How often a live-event stream checks that its session still stands.
    pub events_recheck: Duration,
    /// The bearer token `GET /metrics` asks for; without one the endpoint does not exist.
    pub metrics_token: Option<SecretString>,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let development = match var("APP_ENV").as_deref() {
            None | Some("production") => false,
            Some("development") | Some("test") => true,
            Some(other) => bail!("APP_ENV must be production, development or test, not {other:?}"),
        };
        let database_url = var("DATABASE_URL").context(
            "DATABASE_URL is not set (scripts/run starts a private PostgreSQL and sets it for you)",
        )?;
        let idle_minutes: u64 = var("SESSION_IDLE_MINUTES")
            .map(|v| {
                v.parse()
                    .context("SESSION_IDLE_MINUTES must be a whole number")
            })
            .transpose()?
            .unwrap_or(8 * 60);
        Ok(Config {
            database_url,
            database_owner_url: var("DATABASE_OWNER_URL"),
            public_base_url: var("PUBLIC_BASE_URL")
                .unwrap_or_else(|| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .to_string(),
            cookie_secure: flag("COOKIE_SECURE")?.unwrap_or(!development),
            session_idle: Duration::from_secs(idle_minutes * 60),
            trusted_proxies: proxies(var("TRUST_PROXY").as_deref())?,
            development,
            json_logs: flag("LOG_JSON")?.unwrap_or(!development),
            data_key: var("DATA_KEY")
                .map(|k| DataKey::from_base64(&k))
                .transpose()
                .map_err(anyhow::Error::msg)?,
            ledger_key: var("LEDGER_KEY")
                .map(|k| LedgerKey::from_base64(&k))
                .transpose()
                .map_err(anyhow::Error::msg)?,
            run_worker: flag("RUN_WORKER")?.unwrap_or(true),
            db_connections: var("DATABASE_MAX_CONNECTIONS")
                .map(|v| {
                    v.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .context("DATABASE_MAX_CONNECTIONS must be a whole number above 0")
                })
                .transpose()?
                .unwrap_or_else(default_db_connections),
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "ConsentDesk <no-reply@localhost>".into()),
            mail_dir: var("MAIL_DIR")
                .unwrap_or_else(|| ".data/mail".into())
                .into(),
            allow_custom_carrier_urls: flag("ALLOW_CUSTOM_CARRIER_URLS")?.unwrap_or(false),
            events_recheck: Duration::from_secs(60),
            metrics_token: var("METRICS_TOKEN").map(SecretString::from),
        })
    }

    /// A configuration for tests and tools that build the router themselves.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            database_url: database_url.into(),
            database_owner_url: None,
            public_base_url: "http://127.0.0.1:3000".into(),
            cookie_secure: false,
            session_idle: Duration::from_secs(3600),
            trusted_proxies: 0,
            development: true,
            json_logs: false,
            data_key: DataKey::from_base64(TEST_DATA_KEY).ok(),
            ledger_key: LedgerKey::from_base64(TEST_LEDGER_KEY).ok(),
            run_worker: false,
            db_connections: default_db_connections(),
            smtp_url: None,
            mail_from: "ConsentDesk <no-reply@localhost>".into(),
            mail_dir: std::env::temp_dir().join("consentdesk-test-mail"),
            allow_custom_carrier_urls: true,
            events_recheck: Duration::from_secs(1),
            metrics_token: None,
        }
    }
}

/// `TRUST_PROXY`: unset or false for none, true for one, or the number of proxies.
fn proxies(value: Option<&str>) -> anyhow::Result<usize> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("0" | "false" | "no" | "off") => Ok(0),
        Some("true" | "yes" | "on") => Ok(1),
        Some(n) => n
            .parse()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .with_context(|| {
                format!("TRUST_PROXY must be true, false or a number of proxies (1-10), not {n:?}")
            }),
    }
}

fn var(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn flag(key: &str) -> anyhow::Result<Option<bool>> {
    match var(key).as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(other) => bail!("{key} must be true or false, not {other:?}"),
    }
}
