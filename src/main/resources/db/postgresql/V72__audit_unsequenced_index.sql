-- PostgreSQL only (location db/postgresql, added for the postgres and pg profiles).
-- The sequencer's batch query `... WHERE seq IS NULL ORDER BY id LIMIT n` was planned as a
-- walk of the primary key that filters out every chained row, so chaining a backlog cost
-- O(chain length) per batch (docs/benchmarks.md, "Audit trail"). This partial index holds
-- only the unsequenced rows, already in id order: the query reads just the batch. Rows
-- leave the index as soon as the sequencer sets seq, so it stays as small as the backlog.
-- H2 answers the same query from the seq unique index (IS NULL lookup) and needs nothing.
CREATE INDEX audit_event_unsequenced_idx ON audit_event (id) WHERE seq IS NULL;
