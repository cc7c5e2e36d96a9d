-- Word search on the lead list (docs/decisions/0008-lead-search.md): every word of the
-- name and e-mail, so "ana lo" finds "Ana María López" by word prefixes. The lexemes are
-- exact, so a count needs no re-check of the rows, unlike the trigram indexes, which stay
-- for the fallback search anywhere inside a name or e-mail.
ALTER TABLE leads ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(name || ' ' || coalesce(email, ''), '[^[:alnum:]]+', ' ', 'g'))
) STORED;

CREATE INDEX leads_search_words_idx ON leads USING gin (search_words);
