//! Argon2id password hashing, always off the async executor.

use crate::error::AppError;
use anyhow::Context;
use argon2::{
    password_hash::SaltString, Algorithm, Argon2, Params, PasswordHash, PasswordHasher,
    PasswordVerifier, Version,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::OnceLock;

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
    let hash = tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task")??;
    Ok(hash)
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
    let matches = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        let ok = hasher()
            .verify_password(candidate.expose_secret().as_bytes(), &parsed)
            .is_ok();
        anyhow::Ok(known && ok)
    })
    .await
    .context("password verification task")??;
    Ok(matches)
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
}
