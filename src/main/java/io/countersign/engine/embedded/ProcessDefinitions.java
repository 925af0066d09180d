package io.countersign.engine.embedded;

import io.countersign.engine.BpmnProblem;
import io.countersign.engine.BpmnResource;
import io.countersign.engine.DeployedProcess;
import io.countersign.engine.DeploymentRejectedException;
import io.countersign.engine.DeploymentResult;
import io.countersign.engine.EngineNotFoundException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Deployed process versions: deployment (all or nothing) and the parsed models, cached by process key. */
final class ProcessDefinitions {

    private final Feel feel = new Feel();
    private final BpmnTransformer transformer = new BpmnTransformer(feel);
    private final Map<Long, ProcessModel> models = new ConcurrentHashMap<>();

    Feel feel() {
        return feel;
    }

    private record Parsed(BpmnResource resource, ProcessModel model) {
    }

    DeploymentResult deploy(EngineStore store, List<BpmnResource> resources, OffsetDateTime now) {
        List<BpmnProblem> problems = new ArrayList<>();
        List<Parsed> parsed = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (BpmnResource r : resources) {
            for (ProcessModel m : transformer.transform(r.name(), r.content(), problems)) {
                if (!seen.add(m.bpmnProcessId())) {
                    problems.add(new BpmnProblem(r.name(), m.bpmnProcessId(),
                            "process id is defined more than once in this deployment"));
                }
                parsed.add(new Parsed(r, m));
            }
        }
        if (resources.isEmpty()) {
            problems.add(new BpmnProblem("-", "-", "no resources to deploy"));
        }
        if (!problems.isEmpty()) {
            throw new DeploymentRejectedException(problems);
        }
        long deploymentKey = store.nextKey();
        store.insertDeployment(deploymentKey, now);
        List<DeployedProcess> out = new ArrayList<>();
        for (Parsed p : parsed) {
            BpmnResource r = p.resource();
            ProcessModel m = p.model();
            String checksum = EngineCore.sha256(r.content());
            EngineStore.ProcessVersion latest = store.latestProcess(m.bpmnProcessId());
            if (latest != null && checksum.equals(latest.checksum())) {
                out.add(new DeployedProcess(m.bpmnProcessId(), latest.version(), latest.processKey(), r.name(), checksum,
                        false));
                continue;
            }
            int version = latest == null ? 1 : latest.version() + 1;
            long processKey = store.nextKey();
            store.insertProcess(new EngineStore.NewProcess(processKey, m.bpmnProcessId(), version, checksum, r.name(),
                    Base64.getEncoder().encodeToString(r.content()), deploymentKey, now));
            models.put(processKey, m.withIdentity(processKey, version));
            out.add(new DeployedProcess(m.bpmnProcessId(), version, processKey, r.name(), checksum, true));
        }
        return new DeploymentResult(deploymentKey, out);
    }

    /** The model of a process version, parsed from its stored BPMN on first use. */
    ProcessModel model(EngineStore store, long processKey) {
        ProcessModel m = models.get(processKey);
        if (m != null) {
            return m;
        }
        EngineStore.ProcessResource row = store.processResource(processKey);
        if (row == null) {
            throw new EngineNotFoundException("no process definition with key " + processKey);
        }
        List<BpmnProblem> problems = new ArrayList<>();
        for (ProcessModel pm : transformer.transform(row.resourceName(), Base64.getDecoder().decode(row.base64()),
                problems)) {
            if (pm.bpmnProcessId().equals(row.bpmnProcessId())) {
                m = pm.withIdentity(processKey, row.version());
            }
        }
        if (m == null) {
            throw new IllegalStateException("stored process " + processKey + " no longer parses: " + problems);
        }
        models.put(processKey, m);
        return m;
    }
}
