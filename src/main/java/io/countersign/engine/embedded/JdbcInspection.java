package io.countersign.engine.embedded;

import io.countersign.engine.ElementInstanceState;
import io.countersign.engine.ElementInstanceView;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.IncidentView;
import io.countersign.engine.ProcessInstanceState;
import io.countersign.engine.ProcessInstanceView;
import io.countersign.engine.UserTaskView;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The embedded engine's {@link io.countersign.engine.WorkflowInspection} queries, on one transaction. */
final class JdbcInspection {

    private static final String VIEW_COLS = "element_key, element_id, element_type, flow_scope_key, state, started_at, "
            + "ended_at";

    private final Db db;

    JdbcInspection(Db db) {
        this.db = db;
    }

    ProcessInstanceView instance(long key) {
        return db.one("SELECT i.instance_key, i.bpmn_process_id, i.version, i.process_key, i.state, i.started_at, "
                + "i.ended_at, (SELECT COUNT(*) FROM engine_incident n WHERE n.instance_key = i.instance_key) "
                + "FROM engine_instance i WHERE i.instance_key = ?", rs -> new ProcessInstanceView(rs.getLong(1),
                        rs.getString(2), rs.getInt(3), rs.getLong(4), ProcessInstanceState.valueOf(rs.getString(5)),
                        rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class), rs.getLong(8) > 0),
                key);
    }

    private void requireInstance(long key) {
        if (db.count("SELECT COUNT(*) FROM engine_instance WHERE instance_key = ?", key) == 0) {
            throw new EngineNotFoundException("no process instance with key " + key);
        }
    }

    private static ElementInstanceView view(ResultSet rs) throws SQLException {
        return new ElementInstanceView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                ElementInstanceState.valueOf(rs.getString(5)), rs.getObject(6, OffsetDateTime.class),
                rs.getObject(7, OffsetDateTime.class));
    }

    List<ElementInstanceView> activeElements(long instanceKey) {
        return found(instanceKey, db.list("SELECT " + VIEW_COLS + " FROM engine_element WHERE instance_key = ? "
                + "AND element_type <> 'PROCESS' AND state NOT IN ('COMPLETED', 'TERMINATED') ORDER BY element_key",
                JdbcInspection::view, instanceKey));
    }

    List<ElementInstanceView> history(long instanceKey) {
        return found(instanceKey, db.list("SELECT " + VIEW_COLS + " FROM engine_element WHERE instance_key = ? "
                + "ORDER BY element_key", JdbcInspection::view, instanceKey));
    }

    /** The rows, after checking that an empty answer means an instance without any rather than no instance. */
    private <T> List<T> found(long instanceKey, List<T> rows) {
        if (rows.isEmpty()) {
            requireInstance(instanceKey);
        }
        return rows;
    }

    String processXml(long processKey) {
        String base64 = db.one("SELECT resource_base64 FROM engine_process WHERE process_key = ?", rs -> rs.getString(1),
                processKey);
        if (base64 == null) {
            throw new EngineNotFoundException("no process with key " + processKey);
        }
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    Map<String, Object> variables(long instanceKey) {
        requireInstance(instanceKey);
        Map<String, Object> vars = new LinkedHashMap<>();
        db.list("SELECT name, value_json FROM engine_variable WHERE scope_key = ? ORDER BY name", rs -> {
            vars.put(rs.getString(1), Json.read(rs.getString(2)));
            return null;
        }, instanceKey);
        return vars;
    }

    List<IncidentView> incidents(long instanceKey) {
        requireInstance(instanceKey);
        return db.list("SELECT incident_key, instance_key, element_key, element_id, error_type, error_message, "
                + "job_key, created_at FROM engine_incident WHERE instance_key = ? ORDER BY incident_key",
                rs -> new IncidentView(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getObject(7) == null ? -1 : rs.getLong(7),
                        rs.getObject(8, OffsetDateTime.class)), instanceKey);
    }

    List<UserTaskView> userTasks(long instanceKey) {
        List<UserTaskView> out = new ArrayList<>();
        for (UserTaskRow r : db.list("SELECT " + JdbcRows.UT_COLS + " FROM engine_user_task WHERE instance_key = ? "
                + "ORDER BY user_task_key", JdbcRows::userTask, instanceKey)) {
            out.add(new UserTaskView(r.key(), r.instanceKey(), r.elementKey(), r.elementId(), r.state(), r.assignee(),
                    Json.readStringList(r.candidateGroups()), Json.readStringList(r.candidateUsers()), r.dueDate()));
        }
        return found(instanceKey, out); // not found, or simply no open task
    }
}
