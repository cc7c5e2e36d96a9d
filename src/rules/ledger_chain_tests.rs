use super::*;
use crate::model::{ChannelFamily, ConsentLevel, ConsentMedium, MessageCategory};
use crate::rules::ledger::head_mac;
use chrono::DateTime;
use proptest::prelude::*;
use std::net::IpAddr;
use uuid::Uuid;

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
            kind: EventKind::of(c.grant),
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
        rows[i].kind = EventKind::of(rows[i].content.grant);
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

/// One event's own facts, as any capture could give them.
#[allow(clippy::type_complexity)]
fn facts() -> impl Strategy<
    Value = (
        (String, ChannelFamily, Option<ConsentLevel>, ConsentMedium),
        (
            Option<String>,
            Option<String>,
            Option<IpAddr>,
            Option<String>,
        ),
        (Option<u128>, Option<String>, u32),
    ),
> {
    (
        (
            "\\+1[0-9]{10}",
            proptest::sample::select(ChannelFamily::ALL.to_vec()),
            proptest::option::of(proptest::sample::select(vec![
                ConsentLevel::Implied,
                ConsentLevel::Express,
                ConsentLevel::ExpressWritten,
            ])),
            proptest::sample::select(ConsentMedium::ALL.to_vec()),
        ),
        (
            proptest::option::of("\\PC{0,80}"),
            proptest::option::of("\\PC{0,20}"),
            proptest::option::of(any::<IpAddr>()),
            proptest::option::of("\\PC{0,40}"),
        ),
        (
            proptest::option::of(any::<u128>()),
            proptest::option::of("\\PC{0,40}"),
            0u32..1_000_000,
        ),
    )
}

/// A chain of 1 to 8 varied events as `append` writes it, signed or not.
fn any_chain() -> impl Strategy<Value = (Vec<Stored>, Head, bool)> {
    (proptest::collection::vec(facts(), 1..8), any::<bool>()).prop_map(|(all, signed)| {
        let mut rows: Vec<Stored> = Vec::new();
        for (
            i,
            ((phone, family, grant, medium), (language, campaign, ip, agent), (by, source, dt)),
        ) in all.into_iter().enumerate()
        {
            let seq = i as i64 + 1;
            let c = Content {
                org_id: Uuid::from_u128(7),
                seq,
                phone,
                family,
                grant,
                categories: grant
                    .map_or_else(|| MessageCategory::ALL.to_vec(), ConsentLevel::covers),
                medium,
                language,
                campaign,
                ip,
                user_agent: agent.clone(),
                person_name: agent,
                captured_by: by.map(Uuid::from_u128),
                source_ref: source,
                at: DateTime::from_timestamp(1_800_000_000 + i64::from(dt) * seq, 0).unwrap(),
                prev_hash: rows.last().map(|r| r.hash.clone()),
            };
            rows.push(Stored {
                kind: EventKind::of(c.grant),
                hash: c.hash(),
                mac: signed.then(|| c.mac(KEY)),
                language_sha256: c.language.as_ref().map(|l| Sha256::digest(l).to_vec()),
                content: c,
            });
        }
        let last = rows.last().unwrap();
        let head = Head {
            seq: Some(last.content.seq),
            hash: Some(last.hash.clone()),
            mac: signed.then(|| head_mac(KEY, last.content.org_id, last.content.seq, &last.hash)),
        };
        (rows, head, signed)
    })
}

/// The number of fields `tamper` can change.
const FIELDS: usize = 20;

/// Changes one field of a stored event, as a hand edit of the table would.
fn tamper(row: &mut Stored, field: usize) {
    fn flip(bytes: &mut Vec<u8>) {
        match bytes.first_mut() {
            Some(b) => *b ^= 1,
            None => bytes.push(1),
        }
    }
    fn other(text: &mut Option<String>) {
        *text = Some(format!("{}!", text.as_deref().unwrap_or_default()));
    }
    let c = &mut row.content;
    match field {
        0 => c.org_id = Uuid::from_u128(c.org_id.as_u128() + 1),
        1 => c.seq += 100,
        2 => c.phone.push('1'),
        3 => {
            c.family = match c.family {
                ChannelFamily::Texts => ChannelFamily::Calls,
                _ => ChannelFamily::Texts,
            }
        }
        4 => {
            c.grant = match c.grant {
                None => Some(ConsentLevel::ExpressWritten),
                Some(ConsentLevel::ExpressWritten) => Some(ConsentLevel::Express),
                Some(_) => None,
            }
        }
        5 if c.categories.len() > 1 => c.categories.reverse(),
        5 => c.categories.push(MessageCategory::Promotional),
        6 => {
            c.medium = match c.medium {
                ConsentMedium::WebForm => ConsentMedium::Email,
                _ => ConsentMedium::WebForm,
            }
        }
        7 => other(&mut c.language),
        8 => other(&mut c.campaign),
        9 => {
            c.ip = match c.ip {
                Some(IpAddr::V4(_)) => None,
                _ => Some(IpAddr::V4([192, 0, 2, 1].into())),
            }
        }
        10 => other(&mut c.user_agent),
        11 => other(&mut c.person_name),
        12 => {
            c.captured_by = Some(Uuid::from_u128(
                c.captured_by.map_or(1, |u| u.as_u128() ^ 1),
            ))
        }
        13 => other(&mut c.source_ref),
        14 => c.at += chrono::Duration::microseconds(1),
        15 => flip(c.prev_hash.get_or_insert_with(Vec::new)),
        16 => {
            row.kind = match row.kind {
                EventKind::Grant => EventKind::Revoke,
                EventKind::Revoke => EventKind::Grant,
            }
        }
        17 => flip(&mut row.hash),
        18 => flip(row.mac.get_or_insert_with(Vec::new)),
        _ => flip(row.language_sha256.get_or_insert_with(Vec::new)),
    }
}

proptest! {
    #[test]
    fn any_untouched_chain_verifies((rows, head, _) in any_chain()) {
        prop_assert_eq!(verify(&rows, &head, Some(KEY)), Ok(rows.len() as i64));
        prop_assert_eq!(verify(&rows, &head, None), Ok(rows.len() as i64));
    }

    #[test]
    fn changing_any_field_of_any_event_is_named_at_that_event(
        (rows, head, _) in any_chain(),
        at in any::<proptest::sample::Index>(),
        field in 0..FIELDS,
    ) {
        let at = at.index(rows.len());
        let mut edited = rows.clone();
        tamper(&mut edited[at], field);
        let broken = verify(&edited, &head, Some(KEY)).unwrap_err();
        // A changed sequence number is named by the number it now carries.
        let named = if field == 1 { at as i64 + 101 } else { at as i64 + 1 };
        prop_assert_eq!(broken.seq, named, "{}", broken.why);
        // Without the key, every change but one to the signature itself is still caught.
        if field != 18 {
            prop_assert!(verify(&edited, &head, None).is_err());
        }
    }

    #[test]
    fn removing_any_event_is_caught(
        (rows, head, _) in any_chain(),
        at in any::<proptest::sample::Index>(),
    ) {
        let mut cut = rows.clone();
        cut.remove(at.index(rows.len()));
        prop_assert!(verify(&cut, &head, Some(KEY)).is_err());
        prop_assert!(verify(&cut, &head, None).is_err());
    }

    #[test]
    fn reordering_any_two_events_is_caught(
        (rows, head, _) in any_chain(),
        a in any::<proptest::sample::Index>(),
        b in any::<proptest::sample::Index>(),
    ) {
        let (a, b) = (a.index(rows.len()), b.index(rows.len()));
        prop_assume!(a != b);
        let mut moved = rows.clone();
        moved.swap(a, b);
        let broken = verify(&moved, &head, None).unwrap_err();
        // The first moved event is named, by the number it carries.
        prop_assert_eq!(broken.seq, rows[a.max(b)].content.seq);
        prop_assert_eq!(broken.checked, a.min(b) as i64 + 1);
        prop_assert!(verify(&moved, &head, Some(KEY)).is_err());
    }

    #[test]
    fn inserting_an_event_anywhere_is_caught(
        (rows, head, signed) in any_chain(),
        at in 0usize..9,
        copy in any::<proptest::sample::Index>(),
    ) {
        let at = at.min(rows.len());
        let mut forged = rows.clone();
        // The most convincing forgery: an existing event, renumbered and relinked to fit
        // where it goes, its hashes (and, with the key, its signature) recomputed.
        let mut c = rows[copy.index(rows.len())].content.clone();
        c.seq = at as i64 + 1;
        c.prev_hash = at.checked_sub(1).map(|i| rows[i].hash.clone());
        forged.insert(at, Stored {
            kind: EventKind::of(c.grant),
            hash: c.hash(),
            mac: signed.then(|| c.mac(KEY)),
            language_sha256: c.language.as_ref().map(|l| Sha256::digest(l).to_vec()),
            content: c,
        });
        prop_assert!(verify(&forged, &head, Some(KEY)).is_err());
        prop_assert!(verify(&forged, &head, None).is_err());
    }
}
