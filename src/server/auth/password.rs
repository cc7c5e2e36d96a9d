//! Argon2id password hashing, always off the async executor, and never more than a few
//! at once: each takes 19 MiB, so a burst of sign-ins waits briefly, then gets 429.

use crate::error::AppError;
use anyhow::Context;
use argon2::{
    password_hash::SaltString, Algorithm, Argon2, Params, PasswordHash, PasswordHasher,
    PasswordVerifier, Version,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes running at once: two per core keeps the cores busy and memory bounded (~40 MiB
/// per core); a caller waits at most `HASH_WAIT` for a turn.
fn hashing() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Semaphore::new(2 * cores))
    })
}
const HASH_WAIT: Duration = Duration::from_secs(2);

/// Runs Argon2 work on the blocking pool once a hashing permit is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    bounded_on(hashing(), HASH_WAIT, work).await
}

async fn bounded_on<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    wait: Duration,
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(wait, permits.clone().acquire_owned())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            tracing::warn!("password hashing saturated");
            AppError::RateLimited {
                retry_after_secs: 1,
            }
        })?;
    // The permit goes with the work: a request dropped while its hash runs (the client
    // hung up) does not free a place before the hash is done.
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .context("password hashing task")?;
    Ok(result?)
}

fn hasher() -> Argon2<'static> {
    // OWASP's recommended Argon2id parameters: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand_core::OsRng);
    let hash = hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
    Ok(hash.to_string())
}

pub async fn hash(password: SecretString) -> Result<String, AppError> {
    bounded(move || hash_blocking(&password)).await
}

/// A hash of a random password, verified against when the account does not exist so that
/// "no such user" costs the same time as "wrong password".
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random = SaltString::generate(&mut rand_core::OsRng);
        hash_blocking(&SecretString::from(random.as_str().to_string()))
            .expect("hashing the dummy password")
    })
}

/// Whether `candidate` matches `stored`; with no stored hash, does the same work and says no.
pub async fn verify(stored: Option<String>, candidate: SecretString) -> Result<bool, AppError> {
    Ok(first_match(stored.into_iter().collect(), candidate)
        .await?
        .is_some())
}

/// The first of `stored` that `candidate` matches. With none stored, one dummy hash is
/// checked, so "no such account" costs what "wrong password" costs. A hash that cannot
/// be read (an anonymised account's) matches nothing.
pub async fn first_match(
    stored: Vec<String>,
    candidate: SecretString,
) -> Result<Option<usize>, AppError> {
    bounded(move || {
        if stored.is_empty() {
            let dummy = PasswordHash::new(dummy_hash())
                .map_err(|e| anyhow::anyhow!("dummy hash unreadable: {e}"))?;
            let _ = hasher().verify_password(candidate.expose_secret().as_bytes(), &dummy);
            return Ok(None);
        }
        Ok(stored.iter().position(|hash| {
            PasswordHash::new(hash).is_ok_and(|parsed| {
                hasher()
                    .verify_password(candidate.expose_secret().as_bytes(), &parsed)
                    .is_ok()
            })
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hash = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify(
            Some(hash.clone()),
            SecretString::from("correct horse battery")
        )
        .await
        .unwrap());
        assert!(
            !verify(Some(hash), SecretString::from("wrong horse battery"))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify(None, SecretString::from("anything")).await.unwrap());
    }

    #[tokio::test]
    async fn when_every_hashing_place_is_taken_the_caller_is_told_to_wait() {
        let places = Arc::new(Semaphore::new(1));
        let held = places.clone().acquire_owned().await.unwrap();
        let wait = Duration::from_millis(20);

        let refused = bounded_on(&places, wait, || Ok(1)).await;
        drop(held);
        let served = bounded_on(&places, wait, || Ok(2)).await;

        assert!(matches!(refused, Err(AppError::RateLimited { .. })));
        assert_eq!(served, Ok(2));
    }

    #[tokio::test]
    async fn an_unreadable_hash_matches_nothing_and_the_next_one_is_tried() {
        let good = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        let found = first_match(
            vec!["!".into(), good],
            SecretString::from("correct horse battery"),
        )
        .await
        .unwrap();
        assert_eq!(found, Some(1));
        assert!(!verify(Some("!".into()), SecretString::from("!"))
            .await
            .unwrap());
    }
}
