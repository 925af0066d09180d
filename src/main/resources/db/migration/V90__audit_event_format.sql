-- Event format version (docs/audit.md, "Event formats"). Format 1 hashed
-- {actorId, actorKind, data, requestId, seq, ts, type}; format 2 also hashes agentId and the
-- version itself, so every column that exports and filters use is covered. Rows written before
-- this migration (and rows an instance of the previous release still inserts during a rolling
-- upgrade) keep format 1 through the default and keep verifying under it.
ALTER TABLE audit_event ADD COLUMN format_version INTEGER DEFAULT 1 NOT NULL;
