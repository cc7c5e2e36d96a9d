//! `consentdesk serve`: the web app, its background workers, and a graceful stop.

use super::{config::Config, db, router, state::AppState};
use anyhow::{bail, Context};
use axum::serve::ListenerExt;
use sqlx::PgPool;
use std::net::SocketAddr;

pub async fn serve(pool: PgPool, config: Config) -> anyhow::Result<()> {
    db::pool::check_least_privilege(&pool).await?;
    if config.ledger_key.is_none() && !config.development {
        bail!("LEDGER_KEY is not set: the consent ledger would not be signed. Make one with `head -c 32 /dev/urandom | base64` and keep it outside the database (README, \"Configuration\")");
    }
    let leptos_options = front_end_options()?;
    let addr: SocketAddr = leptos_options.site_addr;
    if config.run_worker {
        spawn_workers(&pool, &config)?;
    }
    spawn_session_clean_up(pool.clone());
    let state = AppState::start(pool, leptos_options, config);
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

/// Leptos' settings, pointed at the front end's current build.
fn front_end_options() -> anyhow::Result<leptos::config::LeptosOptions> {
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
    Ok(leptos_options)
}

/// The outbox (texts), the mail queue, retention, the AI assistant's jobs and appointment reminders.
fn spawn_workers(pool: &PgPool, config: &Config) -> anyhow::Result<()> {
    let mailer = super::mail::Mailer::new(
        config.smtp_url.as_deref(),
        &config.mail_dir,
        &config.mail_from,
    )?;
    super::messaging::outbox::spawn(
        pool.clone(),
        config.data_key.clone(),
        config.public_base_url.clone(),
        config.allow_custom_carrier_urls,
    );
    super::mail::spawn(pool.clone(), mailer);
    super::privacy::retention::spawn(pool.clone());
    super::assistant::jobs::spawn(pool.clone(), config.data_key.clone());
    super::appointments::reminders::spawn(pool.clone());
    Ok(())
}

fn spawn_session_clean_up(pool: PgPool) {
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
