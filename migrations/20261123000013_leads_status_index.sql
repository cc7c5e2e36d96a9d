-- The status filter (with or without a tag) and its count; see BENCHMARKS.md.
CREATE INDEX leads_org_status_idx ON leads (org_id, status, created_at DESC, id DESC);
