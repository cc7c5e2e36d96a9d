#![cfg(feature = "ssr")]

mod common;

use common::*;
use reqwest::StatusCode;
use sqlx::PgPool;

#[sqlx::test]
async fn healthz_answers_when_the_database_does(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;

    let response = app.client().get("/healthz").await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[sqlx::test]
async fn healthz_fails_when_the_database_is_gone(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    pool.close().await;

    let response = app.client().get("/healthz").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}
