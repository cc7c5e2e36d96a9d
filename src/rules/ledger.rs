//! The consent ledger's tamper evidence (SPEC §3.2), as pure functions: the canonical text
//! of an event, its SHA-256 link hash, its HMAC under the ledger key (which lives outside
//! the database, so a rewrite that recomputes every hash is still caught), and the walk
//! that names the first event that no longer matches.

use crate::model::{ChannelFamily, ConsentMedium, MessageCategory};
use crate::rules::consent::ConsentLevel;
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
            "kind": if self.grant.is_some() { "grant" } else { "revoke" },
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

fn same(a: &[u8], b: &[u8]) -> bool {
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

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub content: Content,
    pub hash: Vec<u8>,
    pub mac: Option<Vec<u8>>,
    pub language_sha256: Option<Vec<u8>>,
}

/// The head as recorded on the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub seq: Option<i64>,
    pub hash: Option<Vec<u8>>,
    pub mac: Option<Vec<u8>>,
}

/// The first event that breaks the chain, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub phone: String,
    pub why: String,
}

/// Walks an organisation's events in order: every link, every hash, and, with the key,
/// every MAC (events from before the ledger was signed have none; once one has, every
/// later one must). Returns how many events were checked, or the first that breaks.
pub fn verify(rows: &[Stored], head: &Head, key: Option<&[u8]>) -> Result<i64, Broken> {
    let mut previous: Option<&[u8]> = None;
    let mut signed = false;
    for (index, row) in rows.iter().enumerate() {
        let c = &row.content;
        let broken = |why: &str| Broken {
            seq: c.seq,
            phone: c.phone.clone(),
            why: why.to_string(),
        };
        let expected_seq = index as i64 + 1;
        if c.seq != expected_seq {
            return Err(broken(&format!(
                "expected event {expected_seq}, found {}",
                c.seq
            )));
        }
        if c.prev_hash.as_deref() != previous {
            return Err(broken("its link to the previous event does not match"));
        }
        if c.language
            .as_ref()
            .map(|l| Sha256::digest(l.as_bytes()).to_vec())
            != row.language_sha256
        {
            return Err(broken(
                "its wording does not match the wording's stored hash",
            ));
        }
        if !same(&c.hash(), &row.hash) {
            return Err(broken("its content does not match its hash"));
        }
        match (key, &row.mac) {
            (Some(key), Some(stored)) => {
                if !same(&c.mac(key), stored) {
                    return Err(broken(
                        "its signature does not match: it was rewritten, hashes and all",
                    ));
                }
                signed = true;
            }
            (Some(_), None) if signed => {
                return Err(broken("it is unsigned, after the ledger was signed"));
            }
            _ => {}
        }
        previous = Some(&row.hash);
    }
    let last = rows.last().map(|r| (r.content.seq, r.hash.as_slice()));
    if let Some(head_seq) = head.seq {
        if last.map(|(seq, hash)| (seq, Some(hash))) != Some((head_seq, head.hash.as_deref())) {
            let found = last.map_or(0, |(seq, _)| seq);
            return Err(Broken {
                seq: found + 1,
                phone: String::new(),
                why: format!(
                    "the chain stops at event {found} but event {head_seq} was recorded: events were removed from its end"
                ),
            });
        }
        if let (Some(key), Some(stored), Some(hash), Some(last_row)) =
            (key, &head.mac, &head.hash, rows.last())
        {
            if !same(
                &head_mac(key, last_row.content.org_id, head_seq, hash),
                stored,
            ) {
                return Err(Broken {
                    seq: head_seq,
                    phone: last_row.content.phone.clone(),
                    why: "the recorded head's signature does not match: it was moved".into(),
                });
            }
        }
    }
    Ok(rows.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"a ledger key that lives outside the database";

    fn content(seq: i64, prev: Option<Vec<u8>>, ip: Option<IpAddr>, text: &str) -> Content {
        Content {
            org_id: Uuid::from_u128(7),
            seq,
            phone: "+14155550100".into(),
            family: ChannelFamily::Texts,
            grant: (seq % 2 == 1).then_some(ConsentLevel::ExpressWritten),
            categories: MessageCategory::ALL.to_vec(),
            medium: ConsentMedium::WebForm,
            language: Some(text.to_string()),
            campaign: None,
            ip,
            user_agent: Some(text.chars().rev().collect()),
            person_name: Some(text.to_string()),
            captured_by: None,
            source_ref: Some(format!("form:{seq}")),
            at: DateTime::from_timestamp(1_800_000_000 + seq, 123_456_000).unwrap(),
            prev_hash: prev,
        }
    }

    /// A chain as `append` writes it.
    fn chain(n: i64, ip: Option<IpAddr>, text: &str) -> (Vec<Stored>, Head) {
        let mut rows: Vec<Stored> = Vec::new();
        for seq in 1..=n {
            let c = content(seq, rows.last().map(|r| r.hash.clone()), ip, text);
            rows.push(Stored {
                hash: c.hash(),
                mac: Some(c.mac(KEY)),
                language_sha256: c.language.as_ref().map(|l| Sha256::digest(l).to_vec()),
                content: c,
            });
        }
        let last = rows.last().unwrap();
        let head = Head {
            seq: Some(n),
            hash: Some(last.hash.clone()),
            mac: Some(head_mac(KEY, last.content.org_id, n, &last.hash)),
        };
        (rows, head)
    }

    /// An edit that recomputes every hash and link after it, as someone with write
    /// access to the table (but not the key) could.
    fn rewrite(rows: &mut [Stored], at: usize, edit: impl FnOnce(&mut Content)) {
        edit(&mut rows[at].content);
        for i in at..rows.len() {
            if i > 0 {
                rows[i].content.prev_hash = Some(rows[i - 1].hash.clone());
            }
            rows[i].hash = rows[i].content.hash();
            rows[i].language_sha256 = rows[i]
                .content
                .language
                .as_ref()
                .map(|l| Sha256::digest(l).to_vec());
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (rows, head) = chain(5, None, "I agree");
        assert_eq!(verify(&rows, &head, Some(KEY)), Ok(5));
    }

    #[test]
    fn a_rewrite_that_recomputes_every_hash_is_named_at_its_first_event() {
        let (mut rows, head) = chain(6, None, "I agree");
        // The third event (a grant) becomes a revocation, under another name.
        rewrite(&mut rows, 2, |c| {
            c.grant = None;
            c.person_name = Some("someone else".into());
        });

        let broken = verify(&rows, &head, Some(KEY)).unwrap_err();

        assert_eq!(broken.seq, 3);
        assert!(broken.why.contains("rewritten"), "{}", broken.why);
        // Without the key, only the head betrays it.
        assert!(verify(&rows, &head, None).is_err());
    }

    #[test]
    fn a_moved_head_or_a_cut_tail_is_caught() {
        let (rows, head) = chain(4, None, "I agree");
        let cut = &rows[..3];
        let moved = Head {
            seq: Some(3),
            hash: Some(cut[2].hash.clone()),
            mac: head.mac.clone(),
        };
        assert!(verify(cut, &head, Some(KEY))
            .unwrap_err()
            .why
            .contains("removed"));
        assert!(verify(cut, &moved, Some(KEY))
            .unwrap_err()
            .why
            .contains("moved"));
    }

    #[test]
    fn an_unsigned_event_after_signing_began_is_caught() {
        let (mut rows, head) = chain(3, None, "I agree");
        rows[2].mac = None;
        assert!(verify(&rows, &head, Some(KEY))
            .unwrap_err()
            .why
            .contains("unsigned"));
        // A ledger from before signing (no MACs at all) still verifies by its hashes.
        for row in &mut rows {
            row.mac = None;
        }
        let unsigned_head = Head { mac: None, ..head };
        assert_eq!(verify(&rows, &unsigned_head, Some(KEY)), Ok(3));
    }

    #[test]
    fn ipv4_compatible_and_mapped_addresses_have_one_text() {
        for text in ["::1.2.3.4", "::ffff:1.2.3.4", "2001:db8::1", "10.0.0.1"] {
            let ip: IpAddr = text.parse().unwrap();
            let reparsed: IpAddr = ip.to_string().parse().unwrap();
            assert_eq!(reparsed, ip);
            assert_eq!(
                content(1, None, Some(ip), "x").canonical(),
                content(1, None, Some(reparsed), "x").canonical()
            );
        }
    }

    proptest! {
        #[test]
        fn any_address_wording_and_name_verifies_and_any_edit_is_named(
            ip in proptest::option::of(any::<IpAddr>()),
            text in "\\PC{0,300}",
            at in 0usize..4,
        ) {
            let (rows, head) = chain(4, ip, &text);
            // The address as the database gives it back: its text, parsed again.
            let mut stored = rows.clone();
            for row in &mut stored {
                row.content.ip = row.content.ip.map(|ip| ip.to_string().parse().unwrap());
            }
            prop_assert_eq!(verify(&stored, &head, Some(KEY)), Ok(4));

            let mut edited = stored.clone();
            rewrite(&mut edited, at, |c| c.person_name = Some(format!("{text}!")));
            prop_assert_eq!(verify(&edited, &head, Some(KEY)).unwrap_err().seq, at as i64 + 1);
        }
    }
}
