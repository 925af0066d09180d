-- Business id uniqueness, as Camunda 8.9's Business ID Uniqueness Control: at most one ACTIVE
-- instance per process id and business id (the start variable countersignBusinessId, which the
-- engine outbox sets to its dedup key). active_business_id holds it while the instance runs and is
-- set to NULL in the same UPDATE that ends the instance; NULLs never collide in a unique index
-- (H2 and PostgreSQL alike), so no partial index is needed. A start whose earlier delivery
-- committed but whose outbox row was not marked (a crash in between) is refused as a conflict
-- instead of creating a second instance.
ALTER TABLE engine_instance ADD COLUMN active_business_id VARCHAR(255);
CREATE UNIQUE INDEX engine_instance_active_business_id ON engine_instance (bpmn_process_id, active_business_id);
