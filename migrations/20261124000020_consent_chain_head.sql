-- The head of each organisation's consent chain, moved by every append in the same
-- transaction: events deleted from the end of the chain (which leaves no broken link)
-- show up as a chain that stops short of its recorded head.
ALTER TABLE organisations
    ADD COLUMN consent_head_seq bigint,
    ADD COLUMN consent_head_hash bytea;

UPDATE organisations o SET consent_head_seq = e.seq, consent_head_hash = e.hash
FROM (SELECT DISTINCT ON (org_id) org_id, seq, hash FROM consent_events ORDER BY org_id, seq DESC) e
WHERE e.org_id = o.id;

-- "Please stop texting me" typed into the web chat.
ALTER TYPE consent_medium ADD VALUE IF NOT EXISTS 'chat_message';
