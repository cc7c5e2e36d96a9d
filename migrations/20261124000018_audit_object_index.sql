-- Audit events about one object (who viewed this lead or conversation, and when): the
-- repeat-view check and the audit log's object filter.
CREATE INDEX audit_events_object_idx ON audit_events (org_id, object_type, object_id, at DESC);
