package io.countersign.engine.embedded;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/** Column lists and row mappers of the engine tables, shared by the store and the inspection queries. */
final class JdbcRows {

    static final String ELEMENT_COLS =
            "element_key, instance_key, flow_scope_key, element_id, element_type, state, loop_counter, pending";

    static final String JOB_COLS = "job_key, instance_key, element_key, element_id, bpmn_process_id, process_version, "
            + "job_type, kind, listener_event, retries, state, custom_headers";

    static final String UT_COLS = "user_task_key, element_key, instance_key, element_id, state, assignee, "
            + "candidate_groups, candidate_users, due_date, listener_index, pending_assignee, pending_variables";

    private JdbcRows() {
    }

    static ElementRow element(ResultSet rs) throws SQLException {
        return new ElementRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8));
    }

    static JobRow job(ResultSet rs) throws SQLException {
        return new JobRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11), rs.getString(12));
    }

    static UserTaskRow userTask(ResultSet rs) throws SQLException {
        return new UserTaskRow(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, OffsetDateTime.class), rs.getInt(10),
                rs.getString(11), rs.getString(12));
    }

    /** {@code ?, ?, ...} for an IN list of n values. */
    static String placeholders(int n) {
        return "?" + ", ?".repeat(n - 1);
    }
}
