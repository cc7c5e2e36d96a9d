//! The consent ledger's tamper evidence (SPEC §3.2), as pure functions: the canonical text
//! of an event, its SHA-256 link hash, its HMAC under the ledger key (which lives outside
//! the database, so a rewrite that recomputes every hash is still caught), and the walk
//! that names the first event that no longer matches (`rules::ledger_chain`).

use crate::model::{ChannelFamily, ConsentLevel, ConsentMedium, MessageCategory};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use uuid::Uuid;

/// Everything an event's hash and MAC cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub org_id: Uuid,
    pub seq: i64,
    pub phone: String,
    pub family: ChannelFamily,
    /// `None` revokes `categories`; `Some(level)` grants it.
    pub grant: Option<ConsentLevel>,
    pub categories: Vec<MessageCategory>,
    pub medium: ConsentMedium,
    pub language: Option<String>,
    pub campaign: Option<String>,
    /// One form for both sides: the address is formatted here, never taken as text from
    /// wherever it was stored (PostgreSQL writes some IPv6 forms differently).
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub person_name: Option<String>,
    pub captured_by: Option<Uuid>,
    pub source_ref: Option<String>,
    /// Stored to the microsecond.
    pub at: DateTime<Utc>,
    pub prev_hash: Option<Vec<u8>>,
}

/// A grant or a revoke: the `consent_kind` column, which must agree with the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "consent_kind", rename_all = "snake_case")]
pub enum EventKind {
    Grant,
    Revoke,
}

impl EventKind {
    pub fn of(grant: Option<ConsentLevel>) -> EventKind {
        match grant {
            Some(_) => EventKind::Grant,
            None => EventKind::Revoke,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Grant => "grant",
            EventKind::Revoke => "revoke",
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Content {
    /// Every field in a fixed order (JSON with sorted keys), and the previous hash.
    pub fn canonical(&self) -> Vec<u8> {
        json!({
            "org_id": self.org_id,
            "seq": self.seq,
            "phone": self.phone,
            "family": self.family,
            "kind": EventKind::of(self.grant).as_str(),
            "level": self.grant,
            "categories": self.categories,
            "medium": self.medium,
            "language": self.language,
            "campaign": self.campaign,
            "ip": self.ip.map(|ip| ip.to_string()),
            "user_agent": self.user_agent,
            "person_name": self.person_name,
            "captured_by": self.captured_by,
            "source_ref": self.source_ref,
            "at": self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "prev_hash": self.prev_hash.as_deref().map(hex),
        })
        .to_string()
        .into_bytes()
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.canonical()).to_vec()
    }

    pub fn mac(&self, key: &[u8]) -> Vec<u8> {
        mac(key, &self.canonical())
    }
}

pub fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Compares MACs and hashes in constant time.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The organisation's recorded head, and its MAC: what was last appended.
pub fn head_mac(key: &[u8], org_id: Uuid, seq: i64, hash: &[u8]) -> Vec<u8> {
    mac(key, format!("head|{org_id}|{seq}|{}", hex(hash)).as_bytes())
}

/// A head handed to compliance to keep outside the system: sequence, hash and time,
/// signed, so a later check proves that nothing up to it has changed since.
pub fn signed_head_mac(key: &[u8], org_id: Uuid, seq: i64, hash_hex: &str, at: &str) -> Vec<u8> {
    mac(
        key,
        format!("signed-head|{org_id}|{seq}|{hash_hex}|{at}").as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(ip: Option<IpAddr>) -> Content {
        Content {
            org_id: Uuid::from_u128(7),
            seq: 1,
            phone: "+14155550100".into(),
            family: ChannelFamily::Texts,
            grant: Some(ConsentLevel::ExpressWritten),
            categories: MessageCategory::ALL.to_vec(),
            medium: ConsentMedium::WebForm,
            language: Some("x".into()),
            campaign: None,
            ip,
            user_agent: Some("x".into()),
            person_name: Some("x".into()),
            captured_by: None,
            source_ref: Some("form:1".into()),
            at: DateTime::from_timestamp(1_800_000_001, 123_456_000).unwrap(),
            prev_hash: None,
        }
    }

    #[test]
    fn ipv4_compatible_and_mapped_addresses_have_one_text() {
        for text in ["::1.2.3.4", "::ffff:1.2.3.4", "2001:db8::1", "10.0.0.1"] {
            let ip: IpAddr = text.parse().unwrap();
            let reparsed: IpAddr = ip.to_string().parse().unwrap();
            assert_eq!(reparsed, ip);
            assert_eq!(
                content(Some(ip)).canonical(),
                content(Some(reparsed)).canonical()
            );
        }
    }

    /// Ledgers written by earlier versions must still verify: the canonical text, and so
    /// every stored hash, may never change.
    #[test]
    fn the_canonical_text_of_an_event_never_changes() {
        let mut c = content(Some("10.0.0.1".parse().unwrap()));
        c.prev_hash = Some(vec![0xab; 4]);
        assert_eq!(
            String::from_utf8(c.canonical()).unwrap(),
            r#"{"at":"2027-01-15T08:00:01.123456Z","campaign":null,"captured_by":null,"categories":["conversational","informational","promotional"],"family":"texts","ip":"10.0.0.1","kind":"grant","language":"x","level":"express_written","medium":"web_form","org_id":"00000000-0000-0000-0000-000000000007","person_name":"x","phone":"+14155550100","prev_hash":"abababab","seq":1,"source_ref":"form:1","user_agent":"x"}"#
        );
        c.grant = None;
        let revoke = String::from_utf8(c.canonical()).unwrap();
        assert!(revoke.contains(r#""kind":"revoke","#), "{revoke}");
        assert!(revoke.contains(r#""level":null,"#), "{revoke}");
    }
}
