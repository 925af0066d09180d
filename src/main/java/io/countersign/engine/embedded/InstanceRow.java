package io.countersign.engine.embedded;

/** A process instance ({@code engine_instance}) as read under its row lock. */
record InstanceRow(long key, long processKey, String bpmnProcessId, int version, String state) {
}
