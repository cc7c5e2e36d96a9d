//! The server binary's command line: `serve` (the default) and the admin commands.

use super::{config::Config, db, router, seed, state::AppState};
use crate::model::{Email, OrgSlug, Role, Vertical};
use crate::rules::account;
use anyhow::{bail, Context};
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgPool;
use std::net::SocketAddr;
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
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Migrate) {
        // Migrations run as the owner; the server connects as the runtime role.
        let url = config
            .database_owner_url
            .as_deref()
            .unwrap_or(&config.database_url);
        let pool = db::pool::connect(url, 2).await?;
        db::pool::migrate(&pool).await?;
        println!("the database is up to date");
        return Ok(());
    }
    let owner_url = config
        .database_owner_url
        .clone()
        .unwrap_or_else(|| config.database_url.clone());
    match &command {
        Command::Backup { file } => {
            let summary = super::backup::backup(&owner_url, file).await?;
            report(&summary, &format!("backed up to {}", file.display()));
            return Ok(());
        }
        Command::Restore { file } => {
            let summary = super::backup::restore(&owner_url, file).await?;
            report(&summary, &format!("restored from {}", file.display()));
            if !summary.broken_ledgers.is_empty() {
                bail!(
                    "the restored consent ledger does not verify: {}",
                    summary.broken_ledgers.join("; ")
                );
            }
            return Ok(());
        }
        _ => {}
    }
    let pool = db::pool::connect(&config.database_url, config.db_connections).await?;
    db::pool::check_schema(&pool).await?;

    match command {
        Command::Serve => serve(pool, config).await,
        Command::Migrate | Command::Backup { .. } | Command::Restore { .. } => Ok(()),
        Command::CreateOrg {
            name,
            slug,
            vertical,
            time_zone,
        } => {
            let vertical = vertical.parse::<Vertical>().map_err(anyhow::Error::msg)?;
            create_org(&pool, &name, &slug, vertical, &time_zone).await?;
            println!("created organisation {slug}");
            Ok(())
        }
        Command::CreateUser {
            org,
            email,
            name,
            role,
        } => {
            let role = role.parse::<Role>().map_err(anyhow::Error::msg)?;
            let mut line = String::new();
            tokio::io::BufReader::new(tokio::io::stdin())
                .read_line(&mut line)
                .await?;
            let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_string());
            create_user(&pool, &org, &email, &name, role, password).await?;
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

pub async fn create_org(
    pool: &PgPool,
    name: &str,
    slug: &str,
    vertical: Vertical,
    time_zone: &str,
) -> anyhow::Result<()> {
    let slug = OrgSlug::parse(slug).map_err(|e| anyhow::anyhow!("slug: {e}"))?;
    let name = account::person_name(name).map_err(|e| anyhow::anyhow!("name: {e}"))?;
    if !db::orgs::is_time_zone(pool, time_zone).await? {
        bail!("time zone: {time_zone:?} is not an IANA time zone name such as America/Chicago");
    }
    let org = db::orgs::NewOrg {
        name: &name,
        slug: &slug,
        vertical,
        time_zone,
    };
    let mut tx = pool.begin().await?;
    let id = match db::orgs::insert(&mut *tx, &org).await {
        Err(e) if db::is_unique_violation(&e, "organisations_slug_key") => {
            bail!("slug: {} is taken", slug.as_str())
        }
        other => other?,
    };
    system_audit(
        &mut tx,
        id,
        "org.created",
        ("organisation", id.to_string()),
        json!({ "slug": slug.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_user(
    pool: &PgPool,
    org: &str,
    email: &str,
    name: &str,
    role: Role,
    password: SecretString,
) -> anyhow::Result<()> {
    let org_id = db::orgs::id_by_slug(pool, org)
        .await?
        .with_context(|| format!("no organisation {org:?}"))?;
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("email: {e}"))?;
    let name = account::person_name(name).map_err(|e| anyhow::anyhow!("name: {e}"))?;
    account::new_password(password.expose_secret())
        .map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let password_hash = super::auth::password::hash(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = pool.begin().await?;
    let user = db::users::NewUser {
        org_id,
        name: &name,
        email: &email,
        role,
        password_hash: &password_hash,
        // The administrator typed this password for themselves, at the server's console.
        must_change_password: false,
    };
    let id = match db::users::insert(&mut *tx, &user).await {
        Err(e) if db::is_unique_violation(&e, db::users::EMAIL_KEY) => {
            bail!("email: {email} already has an account in {org}")
        }
        other => other?,
    };
    system_audit(
        &mut tx,
        org_id,
        "user.created",
        ("user", id.to_string()),
        json!({ "email": email.as_str(), "role": role }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn system_audit(
    tx: &mut sqlx::PgConnection,
    org_id: uuid::Uuid,
    action: &str,
    object: (&str, String),
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = db::audit::Event {
        org_id: Some(org_id),
        actor: db::audit::Actor::System,
        action,
        object: Some(object),
        ip: None,
        detail,
    };
    db::audit::record(tx, event).await
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

async fn serve(pool: PgPool, config: Config) -> anyhow::Result<()> {
    db::pool::check_least_privilege(&pool).await?;
    if config.ledger_key.is_none() && !config.development {
        bail!("LEDGER_KEY is not set: the consent ledger would not be signed. Make one with `head -c 32 /dev/urandom | base64` and keep it outside the database (README, \"Configuration\")");
    }
    let mut leptos_options = leptos::config::get_configuration(None)?.leptos_options;
    if leptos_options.output_name.is_empty() {
        leptos_options.output_name = "consentdesk".into();
    }
    match super::assets::use_current_build(&mut leptos_options) {
        Some(id) => tracing::info!(build = %id, "serving the front end's build"),
        None => tracing::info!(
            "no target/site/build-id: serving pkg/ as it is (scripts/dev); scripts/build-site makes a build"
        ),
    }
    let addr: SocketAddr = leptos_options.site_addr;
    let run_worker = config.run_worker;
    let data_key = config.data_key.clone();
    let public_base_url = config.public_base_url.clone();
    let mailer = super::mail::Mailer::new(
        config.smtp_url.as_deref(),
        &config.mail_dir,
        &config.mail_from,
    )?;
    let carrier_urls = config.allow_custom_carrier_urls;
    let state = AppState::start(pool.clone(), leptos_options, config);
    if run_worker {
        super::messaging::outbox::spawn(pool.clone(), data_key, public_base_url, carrier_urls);
        super::mail::spawn(pool.clone(), mailer);
        super::privacy::retention::spawn(pool.clone());
    }

    let store = tower_sessions_sqlx_store::PostgresStore::new(pool);
    tokio::spawn(async move {
        use tower_sessions::ExpiredDeletion;
        // Every ten minutes, whatever the last attempt met (a restarting database).
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "expired-session clean-up failed; trying again later");
            }
        }
    });

    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?
        // Responses written in two parts (headers, then a file) would otherwise wait 40 ms
        // for the client's delayed acknowledgement: a first visit fetches a hundred files.
        .tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "TCP_NODELAY not set");
            }
        });
    tracing::info!("listening on http://{addr}");
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stop_signal().await;
        let _ = stop.send(true);
    });
    let mut graceful = stopping.clone();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = graceful.wait_for(|stop| *stop).await;
    });
    let mut deadline = stopping;
    tokio::select! {
        served = std::future::IntoFuture::into_future(server) => served?,
        // Live-event streams stay open until their browser leaves: they get ten seconds.
        _ = async move {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        } => tracing::info!("stopped; open live-event streams were cut after 10 s"),
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM from systemd, a container runtime or a deploy: stop taking
/// connections and let the requests in flight finish.
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
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
