//! `consentdesk backup FILE` and `consentdesk restore FILE`: a whole database in one file
//! (PostgreSQL's custom format, made by `pg_dump`), and back into an empty database with
//! the consent ledger checked before anyone relies on it.
//!
//! The recovery point is the moment of the last backup; WAL archiving (README, "Backups")
//! gives a better one. The keys (`DATA_KEY`, `LEDGER_KEY`) are not in the file: they are
//! kept apart from the data, and a restore needs the same ones.

use anyhow::{bail, Context};
use sqlx::PgPool;
use std::path::Path;
use std::process::Stdio;
use tokio::process::Command;

/// What a restored (or backed-up) database holds, for the operator to compare.
#[derive(Debug)]
pub struct Summary {
    pub organisations: i64,
    pub users: i64,
    pub consent_events: i64,
    /// Organisations whose ledger does not verify, with the reason.
    pub broken_ledgers: Vec<String>,
}

/// Writes the database at `url` to `file` (created readable by its owner only: it holds
/// personal data), then checks that the file lists the consent ledger's rows.
pub async fn backup(url: &str, file: &Path) -> anyhow::Result<Summary> {
    let connection = Connection::parse(url)?;
    create_private(file)?;
    let written = write_backup(&connection, url, file).await;
    if written.is_err() {
        // A half-written file must never pass for a backup.
        let _ = std::fs::remove_file(file);
    }
    written
}

async fn write_backup(connection: &Connection, url: &str, file: &Path) -> anyhow::Result<Summary> {
    run(
        connection
            .command("pg_dump")
            .arg("--format=custom")
            .arg("--compress=6")
            .arg("--file")
            .arg(file),
        "pg_dump",
    )
    .await?;
    let listing = run(
        Command::new(tool("pg_restore")).arg("--list").arg(file),
        "pg_restore --list",
    )
    .await?;
    if !listing.contains("TABLE DATA public consent_events") {
        bail!("the backup in {} has no consent ledger", file.display());
    }
    let pool = super::db::pool::connect(url, 1).await?;
    summary(&pool).await
}

/// Loads `file` into the empty database at `url`, in one transaction (a failure leaves
/// it empty), then verifies every organisation's consent ledger.
pub async fn restore(url: &str, file: &Path) -> anyhow::Result<Summary> {
    let connection = Connection::parse(url)?;
    if !file.is_file() {
        bail!("{} is not a backup file", file.display());
    }
    let pool = super::db::pool::connect(url, 1).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&pool)
    .await?;
    if tables > 0 {
        bail!(
            "the database {} is not empty ({tables} tables): restore into a new database (createdb), never over live data",
            connection.database
        );
    }
    run(
        connection
            .command("pg_restore")
            // Owned by whoever restores (the owner role); the grants to the runtime role
            // come back as they were, so that role must exist (README, "Database roles").
            .arg("--no-owner")
            .arg("--exit-on-error")
            .arg("--single-transaction")
            .arg(file),
        "pg_restore",
    )
    .await?;
    super::db::pool::check_schema(&pool).await?;
    summary(&pool).await
}

async fn summary(pool: &PgPool) -> anyhow::Result<Summary> {
    let (organisations, users, consent_events): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM users),
                (SELECT count(*) FROM consent_events)",
    )
    .fetch_one(pool)
    .await?;
    let orgs: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT id, slug FROM organisations ORDER BY slug")
            .fetch_all(pool)
            .await?;
    let mut broken_ledgers = Vec::new();
    for (id, slug) in orgs {
        let verification = super::consent::verify(pool, id).await?;
        if let Some(broken) = verification.first_broken {
            broken_ledgers.push(format!(
                "{slug}: event {} of {}: {}",
                broken.seq, broken.phone, broken.why
            ));
        }
    }
    Ok(Summary {
        organisations,
        users,
        consent_events,
        broken_ledgers,
    })
}

/// The parts of a database URL the PostgreSQL tools take from the environment, so that
/// no password ever shows in a process list.
struct Connection {
    host: String,
    port: u16,
    user: String,
    password: Option<String>,
    database: String,
}

impl Connection {
    fn parse(url: &str) -> anyhow::Result<Connection> {
        let url = url::Url::parse(url).context("the database URL does not parse")?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            bail!("not a PostgreSQL URL: {}", url.scheme());
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
        };
        Ok(Connection {
            host: url.host_str().unwrap_or("localhost").to_string(),
            port: url.port().unwrap_or(5432),
            user: decode(url.username())?,
            password: url.password().map(decode).transpose()?,
            database: decode(url.path().trim_start_matches('/'))?,
        })
    }

    fn command(&self, tool_name: &str) -> Command {
        let mut command = Command::new(tool(tool_name));
        command
            .env("PGHOST", &self.host)
            .env("PGPORT", self.port.to_string())
            .env("PGDATABASE", &self.database)
            .env_remove("PGPASSWORD");
        if !self.user.is_empty() {
            command.env("PGUSER", &self.user);
        }
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        command.arg("--dbname").arg(&self.database);
        command
    }
}

/// `PG_BIN` names the folder of the PostgreSQL tools when they are not on the PATH (or
/// when several versions are installed: the tools must be at least the server's version).
fn tool(name: &str) -> std::path::PathBuf {
    match std::env::var_os("PG_BIN") {
        Some(dir) => Path::new(&dir).join(name),
        None => name.into(),
    }
}

async fn run(command: &mut Command, what: &str) -> anyhow::Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| {
            format!("could not start {what} (install PostgreSQL's client tools, or set PG_BIN)")
        })?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn create_private(file: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("{} (a backup never overwrites a file)", file.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_the_tools_environment() {
        let c = Connection::parse("postgres://owner:p%40ss@db.internal:6543/consentdesk").unwrap();
        assert_eq!(
            (
                c.host.as_str(),
                c.port,
                c.user.as_str(),
                c.database.as_str()
            ),
            ("db.internal", 6543, "owner", "consentdesk")
        );
        assert_eq!(c.password.as_deref(), Some("p@ss"));
        assert!(Connection::parse("mysql://x@y/z").is_err());
    }
}
