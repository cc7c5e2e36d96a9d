//! The restore drill: a store with consent history is backed up with `consentdesk backup`
//! (the real binary, the real pg_dump), restored with `consentdesk restore` into a new
//! database, and then served: people sign in with their passwords, the consent ledger
//! verifies, and a signed head saved before the backup still proves it genuine.
#![cfg(feature = "ssr")]

mod common;

use common::{spawn_app, text_north, two_stores};
use consentdesk::api::consent::{CheckLedgerHead, VerifyConsentLedger};
use consentdesk::server::config::TEST_LEDGER_KEY;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::Command;

const ANA: &str = "+14155550100";
const BO: &str = "+14155550101";

fn url_of(options: &PgConnectOptions, database: &str) -> String {
    format!(
        "postgres://{}@{}:{}/{database}",
        options.get_username(),
        options.get_host(),
        options.get_port()
    )
}

/// Runs `consentdesk <command> <file>` against `url`, as an operator would.
fn consentdesk(command: &str, file: &Path, url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_consentdesk"))
        .arg(command)
        .arg(file)
        .env("DATABASE_URL", url)
        .env_remove("DATABASE_OWNER_URL")
        .env("APP_ENV", "test")
        .env("LEDGER_KEY", TEST_LEDGER_KEY)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the consentdesk binary runs")
}

fn backup_file() -> PathBuf {
    std::env::temp_dir().join(format!("consentdesk-drill-{}.dump", uuid::Uuid::new_v4()))
}

struct Restored {
    name: String,
    url: String,
}

async fn new_database(pool: &PgPool) -> Restored {
    let name = format!("drill_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(pool)
        .await
        .unwrap();
    let options = pool.connect_options();
    Restored {
        url: url_of(&options, &name),
        name,
    }
}

async fn drop_database(pool: &PgPool, restored: &Restored) {
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
        restored.name
    ))
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_backup_restores_into_a_new_database_that_signs_in_and_verifies(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "START").await;
    text_north(&app, "SM2", BO, "Hello, is the truck still for sale?").await;
    text_north(&app, "SM3", ANA, "STOP").await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let saved_head = compliance
        .get("/consent/ledger/head.json")
        .await
        .text()
        .await
        .unwrap();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM consent_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(events >= 2, "the store has consent history ({events})");

    let source = url_of(
        &pool.connect_options(),
        pool.connect_options().get_database().unwrap(),
    );
    let file = backup_file();
    let backed_up = consentdesk("backup", &file, &source);
    assert!(
        backed_up.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&backed_up.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600,
        "a backup holds personal data: its owner only"
    );
    let again = consentdesk("backup", &file, &source);
    assert!(!again.status.success(), "a backup never overwrites a file");

    let restored = new_database(&pool).await;
    let output = consentdesk("restore", &file, &restored.url);
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "restore: {said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains(&format!("{events} consent events")), "{said}");
    assert!(said.contains("ledgers: all verify"), "{said}");

    let restored_pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&restored.url)
        .await
        .unwrap();
    let restored_app = spawn_app(restored_pool.clone()).await;
    let mut compliance = restored_app.signed_in("comp@north.example").await;
    let verdict = compliance.run(VerifyConsentLedger {}).await.unwrap();
    assert_eq!(verdict.first_broken, None, "{verdict:?}");
    assert_eq!(verdict.checked, events, "{verdict:?}");
    let head = CheckLedgerHead { head: saved_head };
    let head = compliance.run(head).await.unwrap();
    assert!(head.contains("Genuine"), "{head}");
    // What was opted out before the backup is still opted out after it.
    let state: String = sqlx::query_scalar(
        "SELECT kind::text FROM consent_events WHERE phone = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(ANA)
    .fetch_one(&restored_pool)
    .await
    .unwrap();
    assert_eq!(state, "revoke");
    // The runtime role got back exactly its rights: append to the ledger, never change it.
    let (append, change): (bool, bool) = sqlx::query_as(
        "SELECT has_table_privilege('consentdesk_app', 'consent_events', 'INSERT'),
                has_table_privilege('consentdesk_app', 'consent_events', 'UPDATE')",
    )
    .fetch_one(&restored_pool)
    .await
    .unwrap();
    assert_eq!((append, change), (true, false));

    restored_pool.close().await;
    drop_database(&pool, &restored).await;
    let _ = std::fs::remove_file(&file);
}

#[sqlx::test]
async fn a_restore_never_lands_on_live_data_and_a_damaged_file_leaves_nothing(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "START").await;
    let source = url_of(
        &pool.connect_options(),
        pool.connect_options().get_database().unwrap(),
    );
    let file = backup_file();
    assert!(consentdesk("backup", &file, &source).status.success());

    // Over the live database itself: refused, and nothing changed.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM consent_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    let over_live = consentdesk("restore", &file, &source);
    assert!(!over_live.status.success());
    assert!(String::from_utf8_lossy(&over_live.stderr).contains("not empty"));
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM consent_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);

    // A file cut short: the restore fails and the new database stays empty.
    let bytes = std::fs::read(&file).unwrap();
    let damaged = backup_file();
    std::fs::write(&damaged, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let restored = new_database(&pool).await;
    let failed = consentdesk("restore", &damaged, &restored.url);
    assert!(!failed.status.success());
    let check = PgPoolOptions::new()
        .max_connections(1)
        .connect(&restored.url)
        .await
        .unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&check)
    .await
    .unwrap();
    assert_eq!(tables, 0, "one transaction: all or nothing");
    check.close().await;
    drop_database(&pool, &restored).await;
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&damaged);
}

#[sqlx::test]
async fn a_restore_whose_ledger_was_tampered_with_says_so_and_fails(pool: PgPool) {
    let app = two_stores(&pool).await;
    text_north(&app, "SM1", ANA, "START").await;
    text_north(&app, "SM2", ANA, "STOP").await;
    // Someone with the database's keys quietly turns the STOP into something else.
    sqlx::query("ALTER TABLE consent_events DISABLE TRIGGER USER")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE consent_events SET source_ref = 'edited' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE consent_events ENABLE TRIGGER USER")
        .execute(&pool)
        .await
        .unwrap();
    let source = url_of(
        &pool.connect_options(),
        pool.connect_options().get_database().unwrap(),
    );
    let file = backup_file();
    let backed_up = consentdesk("backup", &file, &source);
    assert!(backed_up.status.success());
    assert!(
        String::from_utf8_lossy(&backed_up.stdout).contains("north: event 2"),
        "the backup already names it: {}",
        String::from_utf8_lossy(&backed_up.stdout)
    );

    let restored = new_database(&pool).await;
    let output = consentdesk("restore", &file, &restored.url);
    assert!(
        !output.status.success(),
        "a ledger that does not verify fails the restore"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not verify"));
    drop_database(&pool, &restored).await;
    let _ = std::fs::remove_file(&file);
}
