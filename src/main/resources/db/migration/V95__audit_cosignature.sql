-- Witness cosignatures of audit checkpoints (docs/audit.md, "Witnesses"). One row per
-- checkpoint and witness key: the C2SP cosignature/v1 note signature line as the witness
-- returned it. No foreign key to audit_checkpoint: a cosignature is evidence in its own
-- right and must not block (or be removed with) anything done to the checkpoint rows.
CREATE TABLE audit_cosignature (
    tree_size    BIGINT       NOT NULL,
    witness      VARCHAR(255) NOT NULL,
    key_id       VARCHAR(8)   NOT NULL,
    cosigned_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    signature    TEXT         NOT NULL,
    CONSTRAINT audit_cosignature_pk PRIMARY KEY (tree_size, witness, key_id)
);
CREATE INDEX audit_cosignature_witness_idx ON audit_cosignature (witness, key_id, tree_size);
