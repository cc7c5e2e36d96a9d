//! The walk over an organisation's stored consent events (SPEC §3.2) that names the first
//! one that no longer matches: its kind, sequence, link, wording hash, content hash and,
//! with the ledger key, its signature, and at the end the head recorded on the
//! organisation. `server::consent` only fetches the rows and calls `verify`.

use crate::rules::ledger::{head_mac, same, Content, EventKind};
use sha2::{Digest, Sha256};

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub content: Content,
    /// The stored `kind` column, which must agree with `content.grant`.
    pub kind: EventKind,
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
    /// The events checked, the broken one included.
    pub checked: i64,
}

impl Broken {
    fn at(c: &Content, why: impl Into<String>) -> Broken {
        Broken {
            seq: c.seq,
            phone: c.phone.clone(),
            why: why.into(),
            checked: 0,
        }
    }
}

/// Walks an organisation's events in order: every kind, link, hash, and, with the key,
/// every MAC (events from before the ledger was signed have none; once one has, every
/// later one must), then the recorded head. Returns how many events were checked, or the
/// first that breaks. A kind that disagrees with its level is reported before anything
/// else, wherever it is.
pub fn verify(rows: &[Stored], head: &Head, key: Option<&[u8]>) -> Result<i64, Broken> {
    let outcome = match rows
        .iter()
        .find(|r| r.kind != EventKind::of(r.content.grant))
    {
        Some(row) => Err(Broken::at(&row.content, "its kind and level disagree")),
        None => walk(rows, key).and_then(|()| check_head(rows, head, key)),
    };
    outcome.map(|()| rows.len() as i64).map_err(|mut broken| {
        broken.checked = rows
            .iter()
            .take_while(|r| r.content.seq < broken.seq)
            .count() as i64
            + 1;
        broken
    })
}

fn walk(rows: &[Stored], key: Option<&[u8]>) -> Result<(), Broken> {
    let mut previous: Option<&[u8]> = None;
    let mut signed = false;
    for (index, row) in rows.iter().enumerate() {
        check_row(index as i64 + 1, row, previous, key, &mut signed)
            .map_err(|why| Broken::at(&row.content, why))?;
        previous = Some(&row.hash);
    }
    Ok(())
}

/// One event against its place in the chain; `signed` turns on at the first signed event.
fn check_row(
    expected_seq: i64,
    row: &Stored,
    previous: Option<&[u8]>,
    key: Option<&[u8]>,
    signed: &mut bool,
) -> Result<(), String> {
    let c = &row.content;
    if c.seq != expected_seq {
        return Err(format!("expected event {expected_seq}, found {}", c.seq));
    }
    if c.prev_hash.as_deref() != previous {
        return Err("its link to the previous event does not match".into());
    }
    if c.language
        .as_ref()
        .map(|l| Sha256::digest(l.as_bytes()).to_vec())
        != row.language_sha256
    {
        return Err("its wording does not match the wording's stored hash".into());
    }
    if !same(&c.hash(), &row.hash) {
        return Err("its content does not match its hash".into());
    }
    match (key, &row.mac) {
        (Some(key), Some(stored)) => {
            if !same(&c.mac(key), stored) {
                return Err(
                    "its signature does not match: it was rewritten, hashes and all".into(),
                );
            }
            *signed = true;
        }
        (Some(_), None) if *signed => {
            return Err("it is unsigned, after the ledger was signed".into());
        }
        _ => {}
    }
    Ok(())
}

/// The chain must end where the organisation's head says, and the head must carry our
/// signature: events cut from the end, or a head moved back to hide them, are caught.
fn check_head(rows: &[Stored], head: &Head, key: Option<&[u8]>) -> Result<(), Broken> {
    let Some(head_seq) = head.seq else {
        return Ok(());
    };
    let last = rows.last().map(|r| (r.content.seq, r.hash.as_slice()));
    if last.map(|(seq, hash)| (seq, Some(hash))) != Some((head_seq, head.hash.as_deref())) {
        let found = last.map_or(0, |(seq, _)| seq);
        return Err(Broken {
            seq: found + 1,
            phone: String::new(),
            why: format!(
                "the chain stops at event {found} but event {head_seq} was recorded: events were removed from its end"
            ),
            checked: 0,
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
                checked: 0,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "ledger_chain_tests.rs"]
mod tests;
