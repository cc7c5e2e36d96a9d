//! The server binary's command line: it parses and dispatches; `serve` (the default) is
//! in `serve.rs`, and the admin commands call the same services the app does.

use super::users::{AddedBy, NewUserInput};
use super::{config::Config, db, orgs, seed, users};
use crate::error::AppError;
use crate::model::Vertical;
use anyhow::bail;
use clap::{Parser, Subcommand};
use secrecy::SecretString;
use sqlx::PgPool;
use tokio::io::AsyncBufReadExt;

#[derive(Parser)]
#[command(name = "consentdesk", about = "ConsentDesk server and admin commands")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create an organisation.
    CreateOrg {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long, default_value = "general")]
        vertical: String,
        #[arg(long, default_value = "America/New_York")]
        time_zone: String,
    },
    /// Create a user; the password is read from the first line of standard input.
    CreateUser {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
    },
    /// Seed the demo dealership and its users (does nothing if present). Development only:
    /// the demo password and carrier token are published.
    SeedDemo,
    /// Add synthetic leads (COPY) and messages to an organisation, for benchmarks.
    SeedBulk {
        #[arg(long, default_value = seed::DEMO_SLUG)]
        org: String,
        #[arg(long, default_value_t = 0)]
        leads: u32,
        /// Spread over one SMS conversation per 20 messages, on leads with a phone.
        #[arg(long, default_value_t = 0)]
        messages: i64,
    },
    /// Write the whole database (as its owner: DATABASE_OWNER_URL, else DATABASE_URL) to a
    /// new file, readable by you only. The keys are not in it: keep them apart.
    Backup { file: std::path::PathBuf },
    /// Load a backup into an empty database (DATABASE_OWNER_URL, else DATABASE_URL) in one
    /// transaction, then verify every consent ledger (with LEDGER_KEY, the one in use when
    /// the events were written). Fails if a ledger does not verify.
    Restore { file: std::path::PathBuf },
    /// Purge what each organisation's retention policy says is past keeping (the server
    /// also does this hourly). With --dry-run, only count it.
    RunRetention {
        /// One organisation (its slug); all of them when absent.
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    init_tracing(&config);
    if let Some(key) = &config.ledger_key {
        super::consent::ledger_key(key.clone());
    }
    // Migrations, backups and restores run as the owner; the rest as the runtime role.
    let owner_url = config
        .database_owner_url
        .clone()
        .unwrap_or_else(|| config.database_url.clone());
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => migrate(&owner_url).await,
        Command::Backup { file } => {
            let summary = super::backup::backup(&owner_url, &file).await?;
            report(&summary, &format!("backed up to {}", file.display()));
            Ok(())
        }
        Command::Restore { file } => restore(&owner_url, &file).await,
        command => {
            let pool = db::pool::connect(&config.database_url, config.db_connections).await?;
            db::pool::check_schema(&pool).await?;
            with_pool(command, pool, config).await
        }
    }
}

async fn migrate(owner_url: &str) -> anyhow::Result<()> {
    let pool = db::pool::connect(owner_url, 2).await?;
    db::pool::migrate(&pool).await?;
    println!("the database is up to date");
    Ok(())
}

async fn restore(owner_url: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let summary = super::backup::restore(owner_url, file).await?;
    report(&summary, &format!("restored from {}", file.display()));
    if !summary.broken_ledgers.is_empty() {
        bail!(
            "the restored consent ledger does not verify: {}",
            summary.broken_ledgers.join("; ")
        );
    }
    Ok(())
}

/// The commands that work on the database as the runtime role.
async fn with_pool(command: Command, pool: PgPool, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => super::serve::serve(pool, config).await,
        Command::Migrate | Command::Backup { .. } | Command::Restore { .. } => Ok(()),
        Command::CreateOrg {
            name,
            slug,
            vertical,
            time_zone,
        } => {
            let vertical = vertical.parse::<Vertical>().map_err(anyhow::Error::msg)?;
            let input = orgs::NewOrgInput {
                name: &name,
                slug: &slug,
                vertical,
                time_zone: &time_zone,
            };
            orgs::create(&pool, input).await.map_err(console_error)?;
            println!("created organisation {slug}");
            Ok(())
        }
        Command::CreateUser {
            org,
            email,
            name,
            role,
        } => {
            let org_id = db::orgs::id_by_slug(&pool, &org)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no organisation {org:?}"))?;
            let mut line = String::new();
            tokio::io::BufReader::new(tokio::io::stdin())
                .read_line(&mut line)
                .await?;
            let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_string());
            let input = NewUserInput {
                name,
                email: email.clone(),
                role,
                password,
            };
            users::create(&pool, org_id, AddedBy::Console, input)
                .await
                .map_err(console_error)?;
            println!("created user {email}");
            Ok(())
        }
        Command::SeedDemo => seed::seed_demo_for(&pool, &config).await,
        Command::RunRetention { org, dry_run } => {
            run_retention(&pool, org.as_deref(), dry_run).await
        }
        Command::SeedBulk {
            org,
            leads,
            messages,
        } => {
            if leads > 0 {
                seed::seed_bulk(&pool, &org, leads).await?;
            }
            if messages > 0 {
                seed::seed_messages(&pool, &org, messages).await?;
            }
            Ok(())
        }
    }
}

fn console_error(error: AppError) -> anyhow::Error {
    anyhow::anyhow!(error.console_message())
}

fn report(summary: &super::backup::Summary, what: &str) {
    println!(
        "{what}: {} organisations, {} users, {} consent events; ledgers: {}",
        summary.organisations,
        summary.users,
        summary.consent_events,
        if summary.broken_ledgers.is_empty() {
            "all verify".to_string()
        } else {
            summary.broken_ledgers.join("; ")
        }
    );
}

async fn run_retention(pool: &PgPool, org: Option<&str>, dry_run: bool) -> anyhow::Result<()> {
    use super::privacy::retention;
    let orgs: Vec<(uuid::Uuid, String)> = sqlx::query_as(
        "SELECT id, slug FROM organisations WHERE $1::text IS NULL OR slug = $1 ORDER BY slug",
    )
    .bind(org)
    .fetch_all(pool)
    .await?;
    if orgs.is_empty() {
        bail!("no organisation {org:?}");
    }
    let mut failed = Vec::new();
    for (id, slug) in orgs {
        let counts = if dry_run {
            retention::preview(pool, id).await.map(Some)
        } else {
            retention::run(pool, id, db::audit::Actor::System, None).await
        };
        match counts {
            Ok(Some(c)) => println!(
                "{slug}: {} {} messages, {} calls, {} chat sessions, {} mail copies, {} request bundles, {} user accounts, {} import files, {} audit details; {} opt-out records kept",
                if dry_run { "would purge" } else { "purged" },
                c.messages, c.calls, c.chat_visitors, c.mail, c.bundles, c.user_accounts, c.imports,
                c.audit_details, c.opt_outs_kept
            ),
            Ok(None) => println!("{slug}: another server is running retention now; skipped"),
            // One organisation's failure does not stop the others.
            Err(error) => {
                eprintln!("{slug}: failed: {error}");
                failed.push(slug);
            }
        }
    }
    if !failed.is_empty() {
        bail!("retention failed for {}", failed.join(", "));
    }
    Ok(())
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    let builder = fmt().with_env_filter(filter);
    let _ = if config.json_logs {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
