package io.countersign.engine.camunda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.camunda.zeebe.gateway.protocol.GatewayGrpc;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivateJobsRequest;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivateJobsResponse;
import io.camunda.zeebe.gateway.protocol.GatewayOuterClass.ActivatedJob;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A protocol-level fake of a Camunda 8 cluster for tests: an in-process gRPC server built on the
 * Apache-2.0 gateway stubs of {@code zeebe-gateway-protocol-impl} plus a small REST API on the
 * JDK's HTTP server. It executes no BPMN: it records every command, hands out the jobs a test
 * queues, and answers the way the real gateway does (NOT_FOUND, ALREADY_EXISTS, 404, 409).
 * It can be stopped and started again on the same ports to play an unreachable cluster.
 */
public final class FakeCamundaGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long an activate-jobs request waits for a first job unless {@link #longPollCap} says otherwise. */
    public static final long DEFAULT_LONG_POLL_CAP_MILLIS = 500;

    /** One process instance created through the gateway. */
    public record CreatedInstance(long key, String bpmnProcessId, int version, String variablesJson,
            String businessId) {
    }

    /** One published message. */
    public record PublishedMessage(long key, String name, String correlationKey, String messageId, long ttlMillis,
            String variablesJson) {
    }

    /** One failed job. */
    public record FailedJob(long key, int retries, String errorMessage, long backoffMillis) {
    }

    /** One BPMN error thrown from a job. */
    public record ThrownError(long key, String errorCode, String errorMessage) {
    }

    /** One user task completed over REST. */
    public record CompletedUserTask(long key, JsonNode variables) {
    }

    private record ProcessVersion(String processId, int version, long key, String checksum, String resourceName,
            String xml) {
    }

    private record FakeUserTask(long key, long processInstanceKey, String elementId, String state,
            List<String> candidateGroups, String assignee) {
    }

    /** One assign, unassign or update command on a user task, as received over REST. */
    public record UserTaskChange(long key, String command, JsonNode body) {
    }

    private final AtomicLong keys = new AtomicLong(2251799813685249L);
    private final Map<String, List<ProcessVersion>> processes = new ConcurrentHashMap<>();
    private final Map<Long, CreatedInstance> instances = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> canceled = new ConcurrentHashMap<>();
    private final Map<Long, FakeUserTask> userTasks = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<ActivatedJob>> jobQueues = new ConcurrentHashMap<>();
    private final Map<Long, ActivatedJob> activatedJobs = new ConcurrentHashMap<>();
    private final Map<String, Long> messageIds = new ConcurrentHashMap<>();
    private final AtomicInteger createFailuresToInject = new AtomicInteger();

    /** Every deployment request: resource names in request order. */
    public final List<List<String>> deployments = new CopyOnWriteArrayList<>();
    /** Every successful create-instance command. */
    public final List<CreatedInstance> created = new CopyOnWriteArrayList<>();
    /** Every create-instance request that reached the gateway, refused or not. */
    public final AtomicInteger createRequests = new AtomicInteger();
    /** Every accepted message. */
    public final List<PublishedMessage> messages = new CopyOnWriteArrayList<>();
    /** Every canceled instance. */
    public final List<Long> cancels = new CopyOnWriteArrayList<>();
    /** Completed jobs: key to variables JSON. */
    public final Map<Long, String> completedJobs = new ConcurrentHashMap<>();
    /** Failed jobs. */
    public final List<FailedJob> failedJobs = new CopyOnWriteArrayList<>();
    /** Thrown BPMN errors. */
    public final List<ThrownError> thrownErrors = new CopyOnWriteArrayList<>();
    /** User tasks completed over REST. */
    public final List<CompletedUserTask> completedUserTasks = new CopyOnWriteArrayList<>();
    /** Accepted assign ({@code assign}), unassign ({@code unassign}) and update ({@code update}) commands. */
    public final List<UserTaskChange> userTaskChanges = new CopyOnWriteArrayList<>();
    /** Activate-jobs requests (job worker polls) received, by job type. */
    public final Map<String, AtomicLong> activateRequests = new ConcurrentHashMap<>();
    /** The request timeout (long-poll length, ms) the latest activate-jobs request asked for. */
    public final AtomicLong lastActivateRequestTimeout = new AtomicLong(-1);

    private final int grpcPort;
    private final int restPort;
    private volatile long longPollCapMillis = DEFAULT_LONG_POLL_CAP_MILLIS;
    private Server grpc;
    private HttpServer rest;

    private FakeCamundaGateway(int grpcPort, int restPort) {
        this.grpcPort = grpcPort;
        this.restPort = restPort;
    }

    /** A fake on two free ports, not yet listening (call {@link #start()}). */
    public static FakeCamundaGateway onFreePorts() {
        return new FakeCamundaGateway(freePort(), freePort());
    }

    /** A fake on given ports (e.g. ones the application under test was configured with). */
    public static FakeCamundaGateway onPorts(int grpcPort, int restPort) {
        return new FakeCamundaGateway(grpcPort, restPort);
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** gRPC address for {@code countersign.camunda.grpc-address}. */
    public String grpcAddress() {
        return "http://127.0.0.1:" + grpcPort;
    }

    /** REST address for {@code countersign.camunda.rest-address}. */
    public String restAddress() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Starts listening (again); recorded state survives a stop/start. */
    public synchronized FakeCamundaGateway start() {
        try {
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", grpcPort))
                    .addService(new Gateway()).build().start();
            rest = HttpServer.create(new InetSocketAddress("127.0.0.1", restPort), 0);
            rest.createContext("/", this::handleRest);
            rest.start();
        } catch (IOException e) {
            throw new IllegalStateException("fake gateway could not listen", e);
        }
        return this;
    }

    /** Stops listening: clients see an unreachable cluster. */
    public synchronized void stop() {
        if (grpc != null) {
            grpc.shutdownNow();
            try {
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            grpc = null;
        }
        if (rest != null) {
            rest.stop(0);
            rest = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Caps how long an activate-jobs request with no job waiting is held open. The default (500 ms)
     * keeps tests quick; {@code null} holds it for the request's own timeout, as a real gateway's
     * long polling does (a bench of an idle replica needs that, or its workers poll 20 times as often).
     */
    public FakeCamundaGateway longPollCap(Duration cap) {
        longPollCapMillis = cap == null ? Long.MAX_VALUE : cap.toMillis();
        return this;
    }

    /** Activate-jobs requests received so far, all job types together. */
    public long activateRequestCount() {
        return activateRequests.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The next {@code n} create-instance requests fail with UNAVAILABLE after reaching the gateway. */
    public void failNextCreates(int n) {
        createFailuresToInject.set(n);
    }

    /** Queues a service-task job of a type; returns its key. */
    public long queueServiceTaskJob(String type, String elementId, long processInstanceKey, Map<String, ?> variables,
            int retries) {
        long key = keys.incrementAndGet();
        jobQueues.computeIfAbsent(type, t -> new LinkedBlockingQueue<>()).add(baseJob(key, type, elementId,
                processInstanceKey, variables, retries).setKind(ActivatedJob.JobKind.BPMN_ELEMENT).build());
        return key;
    }

    /** Queues a task-listener job for a user task that the fake also records as CREATING; returns the job key. */
    public long queueTaskListenerJob(String type, ActivatedJob.ListenerEventType event, long userTaskKey,
            String elementId, long processInstanceKey, List<String> candidateGroups, Map<String, ?> variables) {
        long key = keys.incrementAndGet();
        userTasks.putIfAbsent(userTaskKey, new FakeUserTask(userTaskKey, processInstanceKey, elementId,
                "CREATING", candidateGroups, null));
        GatewayOuterClass.UserTaskProperties task = GatewayOuterClass.UserTaskProperties.newBuilder()
                .setUserTaskKey(userTaskKey).addAllCandidateGroups(candidateGroups)
                .setAction(event.name().toLowerCase()).build();
        jobQueues.computeIfAbsent(type, t -> new LinkedBlockingQueue<>()).add(baseJob(key, type, elementId,
                processInstanceKey, variables, 3).setKind(ActivatedJob.JobKind.TASK_LISTENER)
                .setListenerEventType(event).setUserTask(task).build());
        return key;
    }

    /** Registers an open user task in a state (CREATED to be completable). */
    public void putUserTask(long userTaskKey, long processInstanceKey, String elementId, String state) {
        userTasks.put(userTaskKey, new FakeUserTask(userTaskKey, processInstanceKey, elementId, state, List.of(), null));
    }

    /** A fresh key as the gateway would hand out. */
    public long nextKey() {
        return keys.incrementAndGet();
    }

    /** Jobs of a type still waiting to be activated. */
    public int queuedJobs(String type) {
        BlockingQueue<ActivatedJob> queue = jobQueues.get(type);
        return queue == null ? 0 : queue.size();
    }

    private ActivatedJob.Builder baseJob(long key, String type, String elementId, long processInstanceKey,
            Map<String, ?> variables, int retries) {
        CreatedInstance instance = instances.get(processInstanceKey);
        try {
            return ActivatedJob.newBuilder().setKey(key).setType(type).setElementId(elementId)
                    .setProcessInstanceKey(processInstanceKey).setElementInstanceKey(keys.incrementAndGet())
                    .setBpmnProcessId(instance == null ? "unknown" : instance.bpmnProcessId())
                    .setProcessDefinitionVersion(instance == null ? 1 : instance.version())
                    .setCustomHeaders("{\"origin\":\"fake\"}")
                    .setVariables(JSON.writeValueAsString(variables)).setRetries(retries)
                    .setDeadline(System.currentTimeMillis() + 300_000).setTenantId("<default>");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Gateway extends GatewayGrpc.GatewayImplBase {

        @Override
        public void deployResource(GatewayOuterClass.DeployResourceRequest request,
                StreamObserver<GatewayOuterClass.DeployResourceResponse> out) {
            long deploymentKey = keys.incrementAndGet();
            var response = GatewayOuterClass.DeployResourceResponse.newBuilder().setKey(deploymentKey)
                    .setTenantId("<default>");
            List<String> names = new ArrayList<>();
            for (GatewayOuterClass.Resource resource : request.getResourcesList()) {
                names.add(resource.getName());
                String content = resource.getContent().toStringUtf8();
                if (!content.contains("bpmn:process") && !content.contains("<process")) {
                    out.onError(Status.INVALID_ARGUMENT.withDescription("Expected to deploy new resources, but "
                            + "encountered the following errors: '" + resource.getName() + "': no process found")
                            .asRuntimeException());
                    return;
                }
                Matcher id = Pattern.compile("process id=\"([^\"]+)\"").matcher(content);
                String processId = id.find() ? id.group(1) : resource.getName();
                String checksum = sha(resource.getContent().toByteArray());
                ProcessVersion version;
                synchronized (processes) {
                    List<ProcessVersion> versions = processes.computeIfAbsent(processId, p -> new ArrayList<>());
                    ProcessVersion latest = versions.isEmpty() ? null : versions.get(versions.size() - 1);
                    if (latest != null && latest.checksum().equals(checksum)) {
                        version = latest;
                    } else {
                        version = new ProcessVersion(processId, versions.size() + 1, keys.incrementAndGet(), checksum,
                                resource.getName(), content);
                        versions.add(version);
                    }
                }
                response.addDeployments(GatewayOuterClass.Deployment.newBuilder().setProcess(
                        GatewayOuterClass.ProcessMetadata.newBuilder().setBpmnProcessId(processId)
                                .setVersion(version.version()).setProcessDefinitionKey(version.key())
                                .setResourceName(resource.getName()).setTenantId("<default>")));
            }
            deployments.add(names);
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void createProcessInstance(GatewayOuterClass.CreateProcessInstanceRequest request,
                StreamObserver<GatewayOuterClass.CreateProcessInstanceResponse> out) {
            createRequests.incrementAndGet();
            if (createFailuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.onError(Status.UNAVAILABLE.withDescription("injected: partition leader changed")
                        .asRuntimeException());
                return;
            }
            List<ProcessVersion> versions = processes.getOrDefault(request.getBpmnProcessId(), List.of());
            ProcessVersion version = null;
            synchronized (processes) {
                if (request.getVersion() < 0 && !versions.isEmpty()) {
                    version = versions.get(versions.size() - 1);
                } else if (request.getVersion() > 0 && request.getVersion() <= versions.size()) {
                    version = versions.get(request.getVersion() - 1);
                }
            }
            if (version == null) {
                out.onError(Status.NOT_FOUND.withDescription("Expected to find process definition with process ID '"
                        + request.getBpmnProcessId() + "', but none found").asRuntimeException());
                return;
            }
            CreatedInstance instance;
            synchronized (instances) {
                if (request.hasBusinessId()) {
                    boolean active = instances.values().stream().anyMatch(i -> request.getBusinessId()
                            .equals(i.businessId()) && !canceled.containsKey(i.key()));
                    if (active) {
                        out.onError(Status.ALREADY_EXISTS.withDescription("an active root process instance with "
                                + "business id '" + request.getBusinessId() + "' already exists").asRuntimeException());
                        return;
                    }
                }
                instance = new CreatedInstance(keys.incrementAndGet(), version.processId(), version.version(),
                        request.getVariables(), request.hasBusinessId() ? request.getBusinessId() : null);
                instances.put(instance.key(), instance);
            }
            created.add(instance);
            out.onNext(GatewayOuterClass.CreateProcessInstanceResponse.newBuilder()
                    .setProcessInstanceKey(instance.key()).setBpmnProcessId(version.processId())
                    .setVersion(version.version()).setProcessDefinitionKey(version.key()).setTenantId("<default>")
                    .build());
            out.onCompleted();
        }

        @Override
        public void publishMessage(GatewayOuterClass.PublishMessageRequest request,
                StreamObserver<GatewayOuterClass.PublishMessageResponse> out) {
            long key = keys.incrementAndGet();
            if (!request.getMessageId().isEmpty()) {
                String id = request.getName() + "\u0000" + request.getCorrelationKey() + "\u0000"
                        + request.getMessageId();
                if (messageIds.putIfAbsent(id, key) != null) {
                    out.onError(Status.ALREADY_EXISTS.withDescription("Expected to publish a new message with id '"
                            + request.getMessageId() + "', but a message with that id was already published")
                            .asRuntimeException());
                    return;
                }
            }
            messages.add(new PublishedMessage(key, request.getName(), request.getCorrelationKey(),
                    request.getMessageId(), request.getTimeToLive(), request.getVariables()));
            out.onNext(GatewayOuterClass.PublishMessageResponse.newBuilder().setKey(key).build());
            out.onCompleted();
        }

        @Override
        public void cancelProcessInstance(GatewayOuterClass.CancelProcessInstanceRequest request,
                StreamObserver<GatewayOuterClass.CancelProcessInstanceResponse> out) {
            long key = request.getProcessInstanceKey();
            if (!instances.containsKey(key) || canceled.putIfAbsent(key, true) != null) {
                out.onError(Status.NOT_FOUND.withDescription("Expected to cancel a process instance with key '" + key
                        + "', but no such process was found").asRuntimeException());
                return;
            }
            cancels.add(key);
            out.onNext(GatewayOuterClass.CancelProcessInstanceResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void activateJobs(ActivateJobsRequest request, StreamObserver<ActivateJobsResponse> out) {
            activateRequests.computeIfAbsent(request.getType(), t -> new AtomicLong()).incrementAndGet();
            lastActivateRequestTimeout.set(request.getRequestTimeout());
            BlockingQueue<ActivatedJob> queue = jobQueues.computeIfAbsent(request.getType(),
                    t -> new LinkedBlockingQueue<>());
            ActivateJobsResponse.Builder response = ActivateJobsResponse.newBuilder();
            try {
                // Long polling (shortened unless longPollCap lifts it): wait for the first job, then
                // take what is there.
                ActivatedJob first = queue.poll(Math.min(longPollCapMillis, Math.max(1,
                        request.getRequestTimeout())), TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<ActivatedJob> batch = new ArrayList<>();
                    batch.add(first);
                    queue.drainTo(batch, Math.max(0, request.getMaxJobsToActivate() - 1));
                    for (ActivatedJob job : batch) {
                        ActivatedJob locked = job.toBuilder().setWorker(request.getWorker()).build();
                        activatedJobs.put(job.getKey(), locked);
                        response.addJobs(locked);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void completeJob(GatewayOuterClass.CompleteJobRequest request,
                StreamObserver<GatewayOuterClass.CompleteJobResponse> out) {
            ActivatedJob job = activatedJobs.remove(request.getJobKey());
            if (job == null) {
                notFoundJob(request.getJobKey(), out);
                return;
            }
            completedJobs.put(request.getJobKey(), request.getVariables());
            if (job.getKind() == ActivatedJob.JobKind.TASK_LISTENER && job.hasUserTask()
                    && job.getListenerEventType() == ActivatedJob.ListenerEventType.CREATING) {
                // As in Zeebe: the task becomes CREATED once its creating listeners completed.
                userTasks.computeIfPresent(job.getUserTask().getUserTaskKey(), (k, t) -> new FakeUserTask(t.key(),
                        t.processInstanceKey(), t.elementId(), "CREATED", t.candidateGroups(), t.assignee()));
            }
            out.onNext(GatewayOuterClass.CompleteJobResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void failJob(GatewayOuterClass.FailJobRequest request,
                StreamObserver<GatewayOuterClass.FailJobResponse> out) {
            if (activatedJobs.remove(request.getJobKey()) == null) {
                notFoundJob(request.getJobKey(), out);
                return;
            }
            failedJobs.add(new FailedJob(request.getJobKey(), request.getRetries(), request.getErrorMessage(),
                    request.getRetryBackOff()));
            out.onNext(GatewayOuterClass.FailJobResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void throwError(GatewayOuterClass.ThrowErrorRequest request,
                StreamObserver<GatewayOuterClass.ThrowErrorResponse> out) {
            if (activatedJobs.remove(request.getJobKey()) == null) {
                notFoundJob(request.getJobKey(), out);
                return;
            }
            thrownErrors.add(new ThrownError(request.getJobKey(), request.getErrorCode(), request.getErrorMessage()));
            out.onNext(GatewayOuterClass.ThrowErrorResponse.getDefaultInstance());
            out.onCompleted();
        }

        private void notFoundJob(long key, StreamObserver<?> out) {
            out.onError(Status.NOT_FOUND.withDescription("Expected to find job with key '" + key
                    + "', but no such job was found").asRuntimeException());
        }
    }

    // ---- REST -------------------------------------------------------------------------------

    private static final Pattern COMPLETION = Pattern.compile("/v2/user-tasks/(\\d+)/completion");
    private static final Pattern INSTANCE = Pattern.compile("/v2/process-instances/(\\d+)");
    private static final Pattern ASSIGNMENT = Pattern.compile("/v2/user-tasks/(\\d+)/assignment");
    private static final Pattern ASSIGNEE = Pattern.compile("/v2/user-tasks/(\\d+)/assignee");
    private static final Pattern USER_TASK = Pattern.compile("/v2/user-tasks/(\\d+)");
    private static final Pattern PROCESS_XML = Pattern.compile("/v2/process-definitions/(\\d+)/xml");

    private void handleRest(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Matcher completion = COMPLETION.matcher(path);
            Matcher instance = INSTANCE.matcher(path);
            Matcher assignment = ASSIGNMENT.matcher(path);
            Matcher assignee = ASSIGNEE.matcher(path);
            Matcher userTask = USER_TASK.matcher(path);
            Matcher processXml = PROCESS_XML.matcher(path);
            if ("GET".equals(exchange.getRequestMethod()) && processXml.matches()) {
                getProcessXml(exchange, Long.parseLong(processXml.group(1)));
            } else if ("POST".equals(exchange.getRequestMethod()) && assignment.matches()) {
                changeUserTask(exchange, Long.parseLong(assignment.group(1)), "assign", body);
            } else if ("DELETE".equals(exchange.getRequestMethod()) && assignee.matches()) {
                changeUserTask(exchange, Long.parseLong(assignee.group(1)), "unassign", body);
            } else if ("PATCH".equals(exchange.getRequestMethod()) && userTask.matches()) {
                changeUserTask(exchange, Long.parseLong(userTask.group(1)), "update", body);
            } else if ("POST".equals(exchange.getRequestMethod()) && completion.matches()) {
                completeUserTask(exchange, Long.parseLong(completion.group(1)), body);
            } else if ("GET".equals(exchange.getRequestMethod()) && instance.matches()) {
                getInstance(exchange, Long.parseLong(instance.group(1)));
            } else if ("POST".equals(exchange.getRequestMethod()) && "/v2/user-tasks/search".equals(path)) {
                searchUserTasks(exchange, body);
            } else {
                problem(exchange, 404, "NOT_FOUND", "the fake gateway does not serve " + path);
            }
        }
    }

    private void completeUserTask(HttpExchange exchange, long key, byte[] body) throws IOException {
        JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        synchronized (userTasks) {
            FakeUserTask task = userTasks.get(key);
            if (task == null) {
                problem(exchange, 404, "NOT_FOUND", "Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to "
                        + "complete user task with key '" + key + "', but no such user task was found");
                return;
            }
            if (!"CREATED".equals(task.state())) {
                problem(exchange, 409, "INVALID_STATE", "Command 'COMPLETE' rejected with code 'INVALID_STATE': "
                        + "Expected to complete user task with key '" + key + "', but it is in state '"
                        + task.state() + "'");
                return;
            }
            userTasks.remove(key);
        }
        completedUserTasks.add(new CompletedUserTask(key, request.path("variables")));
        exchange.sendResponseHeaders(204, -1);
    }

    /** Assign / unassign / update (candidate groups) of an open user task, with Camunda's rejections. */
    private void changeUserTask(HttpExchange exchange, long key, String command, byte[] body) throws IOException {
        JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        String intent = command.toUpperCase(java.util.Locale.ROOT);
        synchronized (userTasks) {
            FakeUserTask task = userTasks.get(key);
            if (task == null) {
                problem(exchange, 404, "NOT_FOUND", "Command '" + intent + "' rejected with code 'NOT_FOUND': "
                        + "Expected to " + command + " user task with key '" + key + "', but no such user task was found");
                return;
            }
            if (!"CREATED".equals(task.state())) {
                problem(exchange, 409, "INVALID_STATE", "Command '" + intent + "' rejected with code 'INVALID_STATE': "
                        + "Expected to " + command + " user task with key '" + key + "', but it is in state '"
                        + task.state() + "'");
                return;
            }
            String assignee = switch (command) {
                case "assign" -> request.path("assignee").asText();
                case "unassign" -> null;
                default -> task.assignee();
            };
            List<String> groups = task.candidateGroups();
            JsonNode changedGroups = request.path("changeset").path("candidateGroups");
            if ("update".equals(command) && changedGroups.isArray()) {
                List<String> changed = new ArrayList<>();
                changedGroups.forEach(g -> changed.add(g.asText()));
                groups = List.copyOf(changed);
            }
            userTasks.put(key, new FakeUserTask(key, task.processInstanceKey(), task.elementId(), task.state(), groups,
                    assignee));
        }
        userTaskChanges.add(new UserTaskChange(key, command, request));
        exchange.sendResponseHeaders(204, -1);
    }

    private void getProcessXml(HttpExchange exchange, long key) throws IOException {
        ProcessVersion version = processes.values().stream().flatMap(List::stream).filter(v -> v.key() == key)
                .findFirst().orElse(null);
        if (version == null) {
            problem(exchange, 404, "NOT_FOUND", "Process definition with key '" + key + "' not found");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        byte[] bytes = version.xml().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void getInstance(HttpExchange exchange, long key) throws IOException {
        CreatedInstance instance = instances.get(key);
        if (instance == null) {
            problem(exchange, 404, "NOT_FOUND", "Process instance with key '" + key + "' not found");
            return;
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("processInstanceKey", String.valueOf(key));
        json.put("processDefinitionId", instance.bpmnProcessId());
        json.put("processDefinitionVersion", instance.version());
        json.put("processDefinitionKey", String.valueOf(processes.get(instance.bpmnProcessId())
                .get(instance.version() - 1).key()));
        json.put("state", canceled.containsKey(key) ? "TERMINATED" : "ACTIVE");
        json.put("startDate", OffsetDateTime.now().toString());
        json.put("hasIncident", false);
        json.put("tenantId", "<default>");
        send(exchange, 200, json);
    }

    private void searchUserTasks(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode filter = JSON.readTree(body).path("filter");
        String instance = filter.path("processInstanceKey").asText(null);
        ArrayNode items = JSON.createArrayNode();
        userTasks.values().stream()
                .filter(t -> instance == null || String.valueOf(t.processInstanceKey()).equals(instance))
                .sorted((a, b) -> Long.compare(a.key(), b.key()))
                .forEach(t -> {
                    ObjectNode item = items.addObject();
                    item.put("userTaskKey", String.valueOf(t.key()));
                    item.put("processInstanceKey", String.valueOf(t.processInstanceKey()));
                    item.put("elementId", t.elementId());
                    item.put("elementInstanceKey", String.valueOf(t.key() + 1));
                    item.put("state", t.state());
                    item.put("tenantId", "<default>");
                    t.candidateGroups().forEach(item.putArray("candidateGroups")::add);
                    if (t.assignee() != null) {
                        item.put("assignee", t.assignee());
                    }
                });
        ObjectNode json = JSON.createObjectNode();
        json.set("items", items);
        json.putObject("page").put("totalItems", items.size());
        send(exchange, 200, json);
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("type", "about:blank");
        json.put("title", title);
        json.put("status", status);
        json.put("detail", detail);
        json.put("instance", exchange.getRequestURI().getPath());
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        byte[] bytes = JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
