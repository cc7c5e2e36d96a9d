//! Retention (SPEC §5) and the audit log page.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use consentdesk::api::conversations::SendReply;
use consentdesk::api::leads::{CreateLead, GetLead};
use consentdesk::api::privacy::{GetPrivacySettings, ListAuditEvents, SavePrivacySettings};
use consentdesk::error::AppError;
use consentdesk::model::{AuditQuery, LeadInput, PrivacySettings};
use consentdesk::server::privacy::retention;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

async fn shop(pool: &PgPool) -> (TestApp, Uuid) {
    let app = two_stores(pool).await;
    let org_id = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'north'")
        .fetch_one(pool)
        .await
        .unwrap();
    (app, org_id)
}

/// Old and new communications, an opt-out, and an account deactivated long ago.
async fn history(app: &TestApp, pool: &PgPool) {
    text_north(app, "SM1", "+14155550100", "An old question").await;
    text_north(app, "SM2", "+14155550101", "STOP").await;
    text_north(app, "SM3", "+14155550102", "A new question").await;
    sqlx::query("UPDATE messages SET created_at = now() - interval '400 days' WHERE provider_message_id IN ('SM1', 'SM2')")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET active = false, deactivated_at = now() - interval '31 days' WHERE email = 'ana@north.example'")
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_dry_run_changes_nothing_and_a_run_purges_exactly_what_it_counted_keeping_opt_outs(
    pool: PgPool,
) {
    let (app, org_id) = shop(&pool).await;
    history(&app, &pool).await;
    sqlx::query("UPDATE organisations SET communications_max_age_days = 365 WHERE id = $1")
        .bind(org_id)
        .execute(&pool)
        .await
        .unwrap();
    let messages_before = count(&pool, "SELECT count(*) FROM messages").await;
    let opt_outs_before = count(
        &pool,
        "SELECT count(*) FROM consent_events WHERE kind = 'revoke'",
    )
    .await;

    let preview = retention::preview(&pool, org_id).await.unwrap();
    assert_eq!(
        count(&pool, "SELECT count(*) FROM messages").await,
        messages_before,
        "a dry run changes nothing"
    );
    let run = retention::run(
        &pool,
        org_id,
        consentdesk::server::db::audit::Actor::System,
        None,
    )
    .await
    .unwrap()
    .expect("no other run holds the lock");

    assert_eq!(preview.messages, 2, "the two old texts");
    assert_eq!(preview.user_accounts, 1);
    let counts = |c: &consentdesk::model::RetentionCounts| {
        (
            c.messages,
            c.calls,
            c.chat_visitors,
            c.mail,
            c.bundles,
            c.user_accounts,
            c.opt_outs_kept,
        )
    };
    assert_eq!(
        counts(&run),
        counts(&preview),
        "the run purges exactly what the preview counted"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM messages").await,
        messages_before - 2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM messages WHERE body = 'A new question'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM consent_events WHERE kind = 'revoke'"
        )
        .await,
        opt_outs_before,
        "opt-outs survive every purge"
    );
    let former: (String, String) = sqlx::query_as("SELECT name, email FROM users WHERE NOT active")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(former.0, "Former user");
    assert!(former.1.ends_with("@deleted.invalid"));
    let audited: Value =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'retention.run'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited["messages"], 2);
    // Opted out before the purge, still opted out after: a reply is blocked.
    text_north(&app, "SM4", "+14155550101", "hello again").await;
    let conversation: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone = '+14155550101'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut manager = app.signed_in("boss@north.example").await;
    let reply = SendReply {
        ai_assisted: Default::default(),
        id: conversation,
        body: "Hi".into(),
        category: "conversational".into(),
    };
    let blocked = manager.run(reply).await.unwrap();
    assert!(blocked.unwrap_or_default().contains("opted out"));
}

#[sqlx::test]
async fn a_running_subscription_keeps_communications_and_the_end_plus_ninety_days_purges_them(
    pool: PgPool,
) {
    let (app, org_id) = shop(&pool).await;
    history(&app, &pool).await;

    let running = retention::preview(&pool, org_id).await.unwrap();
    sqlx::query("UPDATE organisations SET subscription_ends_on = current_date - 91 WHERE id = $1")
        .bind(org_id)
        .execute(&pool)
        .await
        .unwrap();
    let ended = retention::preview(&pool, org_id).await.unwrap();

    assert_eq!((running.messages, running.calls), (0, 0));
    assert_eq!(
        ended.messages,
        count(&pool, "SELECT count(*) FROM messages").await - 1,
        "every message but the opt-out confirmation, which is consent evidence"
    );
    retention::run(
        &pool,
        org_id,
        consentdesk::server::db::audit::Actor::System,
        None,
    )
    .await
    .unwrap();
    let left: Vec<String> = sqlx::query_scalar("SELECT coalesce(purpose, 'none') FROM messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, ["opt_out_confirmation"]);
}

#[sqlx::test]
async fn two_servers_never_purge_the_same_organisation_at_once(pool: PgPool) {
    let (_app, org_id) = shop(&pool).await;
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('retention/' || $1::text, 0))")
        .bind(org_id)
        .execute(&mut *holder)
        .await
        .unwrap();

    let second = retention::run(
        &pool,
        org_id,
        consentdesk::server::db::audit::Actor::System,
        None,
    )
    .await
    .unwrap();

    assert_eq!(second, None, "skipped while another server runs it");
    holder.rollback().await.unwrap();
}

#[sqlx::test]
async fn the_retention_page_previews_and_only_compliance_changes_the_policy(pool: PgPool) {
    let (app, _) = shop(&pool).await;
    let mut compliance = app.signed_in("comp@north.example").await;
    let mut manager = app.signed_in("boss@north.example").await;
    let save = |deadline_kind: &str, deadline_days: &str, max_age_days: &str| SavePrivacySettings {
        input: PrivacySettings {
            deadline_kind: deadline_kind.into(),
            deadline_days: deadline_days.into(),
            subscription_ends_on: String::new(),
            communications_max_age_days: max_age_days.into(),
        },
    };

    let bad = compliance.run(save("lunar", "0", "3")).await;
    let saved = compliance.run(save("business", "7", "730")).await;
    let by_manager = manager.run(save("business", "7", "730")).await;
    let (settings, _preview) = manager.run(GetPrivacySettings {}).await.unwrap();

    let Err(AppError::Validation(errors)) = bad else {
        panic!("not a validation error: {bad:?}")
    };
    assert!(
        errors.get("deadline_days").is_some()
            && errors.get("communications_max_age_days").is_some()
    );
    assert_eq!(saved, Ok(()));
    assert_eq!(by_manager, Err(AppError::Forbidden));
    assert_eq!(settings.deadline_kind, "business");
    assert_eq!(settings.communications_max_age_days, "730");
}

/// The actions the audit page lists for these filters, newest first.
async fn actions(client: &mut Client, query: AuditQuery) -> Vec<String> {
    let list = client.run(ListAuditEvents { query }).await.unwrap();
    list.page.rows.into_iter().map(|r| r.action).collect()
}

#[sqlx::test]
async fn the_audit_log_filters_by_person_action_object_and_date_and_its_export_is_audited(
    pool: PgPool,
) {
    let (app, _) = shop(&pool).await;
    let mut manager = app.signed_in("boss@north.example").await;
    let input = LeadInput {
        name: "Ana Diaz".into(),
        phone: "4155550100".into(),
        ..Default::default()
    };
    let lead = manager.run(CreateLead { input }).await.unwrap();
    manager.run(GetLead { id: lead }).await.unwrap();
    let mut compliance = app.signed_in("comp@north.example").await;
    let boss: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'boss@north.example'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let by_boss = AuditQuery {
        user: boss.to_string(),
        ..Default::default()
    };
    let lead_family = AuditQuery {
        action: "lead.".into(),
        ..Default::default()
    };
    let about_lead = AuditQuery {
        object: lead.to_string(),
        ..Default::default()
    };
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let future = AuditQuery {
        from: tomorrow.to_string(),
        ..Default::default()
    };

    let by_boss = actions(&mut compliance, by_boss).await;
    let lead_actions = actions(&mut compliance, lead_family).await;
    let about_lead = actions(&mut compliance, about_lead).await;
    let future = actions(&mut compliance, future).await;
    let export = compliance.get("/audit/export.csv?action=lead.").await;
    let mut south = app.signed_in("comp@south.example").await;
    let other_org = actions(&mut south, AuditQuery::default()).await;

    assert!(
        by_boss.contains(&"auth.sign_in".to_string())
            && by_boss.contains(&"lead.created".to_string())
    );
    assert!(!by_boss.iter().any(|a| a == "consent.viewed"));
    assert_eq!(lead_actions, ["lead.viewed", "lead.created"]);
    assert_eq!(about_lead, ["lead.viewed", "lead.created"]);
    assert!(future.is_empty());
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    assert_eq!(
        csv.lines().count(),
        3,
        "header and the two lead events: {csv}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_events WHERE action = 'audit.exported'"
        )
        .await,
        1
    );
    assert!(
        !other_org
            .iter()
            .any(|a| a.starts_with("lead.") || a == "audit.exported"),
        "south sees only its own: {other_org:?}"
    );
}
