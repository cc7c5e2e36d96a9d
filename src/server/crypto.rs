//! Secrets at rest (carrier auth tokens, app secrets): AES-256-GCM under `DATA_KEY`.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::{engine::general_purpose::STANDARD, Engine};

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct DataKey(Key<Aes256Gcm>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(redacted)")
    }
}

impl DataKey {
    /// Reads a base64-encoded 32-byte key.
    pub fn from_base64(text: &str) -> Result<DataKey, String> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| "DATA_KEY is not base64".to_string())?;
        if bytes.len() != 32 {
            return Err(format!("DATA_KEY must be 32 bytes, not {}", bytes.len()));
        }
        Ok(DataKey(*Key::<Aes256Gcm>::from_slice(&bytes)))
    }

    /// The nonce, then the ciphertext with its tag.
    pub fn seal(&self, plaintext: &str) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        let sealed = Aes256Gcm::new(&self.0)
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        out.extend(sealed);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let plain = Aes256Gcm::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// The key that signs the consent ledger (`LEDGER_KEY`): kept outside the database, so
/// whoever can write the table cannot re-sign a rewritten history.
#[derive(Clone)]
pub struct LedgerKey(Vec<u8>);

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerKey(redacted)")
    }
}

impl LedgerKey {
    /// Reads a base64-encoded key of at least 32 bytes.
    pub fn from_base64(text: &str) -> Result<LedgerKey, String> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| "LEDGER_KEY is not base64".to_string())?;
        if bytes.len() < 32 {
            return Err(format!(
                "LEDGER_KEY must be at least 32 bytes, not {}",
                bytes.len()
            ));
        }
        Ok(LedgerKey(bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A secret for a URL (a password-reset link, a calendar feed): 256 random bits, base64url.
pub fn url_token() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of such a secret: its SHA-256, never the secret itself.
pub fn token_hash(token: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_base64(&STANDARD.encode([7u8; 32])).unwrap()
    }

    #[test]
    fn sealed_secrets_open_with_the_same_key_only() {
        let sealed = key().seal("auth-token-123");
        assert_eq!(key().open(&sealed).as_deref(), Some("auth-token-123"));
        let other = DataKey::from_base64(&STANDARD.encode([8u8; 32])).unwrap();
        assert_eq!(other.open(&sealed), None);
    }

    #[test]
    fn the_ciphertext_does_not_contain_the_secret_and_differs_each_time() {
        let (a, b) = (key().seal("auth-token-123"), key().seal("auth-token-123"));
        assert_ne!(a, b);
        assert!(!a.windows(14).any(|w| w == b"auth-token-123"));
    }

    #[test]
    fn tampering_is_detected() {
        let mut sealed = key().seal("auth-token-123");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(key().open(&sealed), None);
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(DataKey::from_base64("short").is_err());
        assert!(DataKey::from_base64(&STANDARD.encode([1u8; 16])).is_err());
    }
}
