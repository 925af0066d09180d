package io.countersign.audit.witness;

import io.countersign.audit.AuditQueries;
import io.countersign.audit.Checkpoint;
import io.countersign.audit.SignedNote;
import io.countersign.common.background.BackgroundLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes every signed checkpoint outside the database: appends it to the append-only
 * checkpoint file (when configured) and submits it to each configured witness with a
 * consistency proof from the size that witness last cosigned (C2SP tlog-witness), storing the
 * cosignatures it returns. Background loop in the shape of the sequencer: woken by exports
 * and verifications or by its poll, one witness's outage backs off that witness only, and a
 * witness that is down loses nothing — every checkpoint is submitted in order once it is back.
 * A witness that refuses because it has seen a larger or different tree is a
 * <em>conflict</em>: proof that the trail was truncated, rolled back or forked.
 */
@ApplicationScoped
public class CheckpointPublisher {

    @Inject
    WitnessConfig config;
    @Inject
    WitnessConfig.Sink sinkConfig;
    @Inject
    AuditQueries queries;
    @Inject
    CosignatureStore store;
    @Inject
    MeterRegistry registry;

    private final Object progress = new Object();
    private final List<Witness> witnesses = new ArrayList<>();
    private BackgroundLoop loop;
    private CheckpointFileSink sink;
    /** The file size last reported as ahead of the database (logged once, not on every pass). */
    private long sinkAhead = -1;
    private HttpClient http;

    /** What Countersign knows about one witness; mutated by the publisher thread only, read by health and verify. */
    public static final class Witness {
        final String name;
        final URI endpoint;
        final Cosignature.CosignerKey key;
        /** Size and root the witness last cosigned, as far as we know (-1: not yet read from the table). */
        long known = -1;
        byte[] knownRoot;
        /** Largest tree size the witness is known to have cosigned for this log (from 200 and 409 answers). */
        final AtomicLong witnessedSize = new AtomicLong();
        final AtomicLong cosignedSize = new AtomicLong();
        final AtomicLong pending = new AtomicLong();
        volatile String conflict;
        volatile String lastError;
        long nextAttemptNanos;
        long backoffMillis;
        Counter failures;

        Witness(String name, URI url, Cosignature.CosignerKey key) {
            this.name = name;
            this.endpoint = URI.create(url.toString().replaceAll("/+$", "") + "/add-checkpoint");
            this.key = key;
        }

        /** The configured name. */
        public String name() {
            return name;
        }

        /** The witness's key. */
        public Cosignature.CosignerKey key() {
            return key;
        }

        /** Checkpoints not yet cosigned by this witness. */
        public long pending() {
            return pending.get();
        }

        /** Largest tree size with a cosignature from this witness stored by this instance. */
        public long cosignedSize() {
            return cosignedSize.get();
        }

        /** Largest tree size the witness told us it has cosigned for this log. */
        public long witnessedSize() {
            return witnessedSize.get();
        }

        /** Why the witness contradicts the trail (truncation, rollback, fork), or null. */
        public String conflict() {
            return conflict;
        }

        /** Why the last attempt failed (unreachable, refused), or null when it succeeded. */
        public String lastError() {
            return lastError;
        }
    }

    private record Cp(long size, byte[] root, String note) {
    }

    void onStart(@Observes StartupEvent ev) {
        for (Map.Entry<String, WitnessConfig.Target> e : new TreeMap<>(config.targets()).entrySet()) {
            Cosignature.CosignerKey key;
            try {
                key = Cosignature.CosignerKey.parse(e.getValue().key());
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException("countersign.audit.witness.targets." + e.getKey() + ".key: " + ex.getMessage(), ex);
            }
            Witness w = new Witness(e.getKey(), e.getValue().url(), key);
            w.failures = Counter.builder("countersign.audit.witness.failures").tag("witness", w.name)
                    .description("Failed or refused add-checkpoint requests to a witness").register(registry);
            Gauge.builder("countersign.audit.witness.pending", w.pending, AtomicLong::get).tag("witness", w.name)
                    .description("Checkpoints waiting for this witness's cosignature").register(registry);
            Gauge.builder("countersign.audit.witness.cosigned.size", w.cosignedSize, AtomicLong::get).tag("witness", w.name)
                    .description("Tree size of the newest checkpoint this witness cosigned").register(registry);
            Gauge.builder("countersign.audit.witness.conflict", w, x -> x.conflict == null ? 0 : 1).tag("witness", w.name)
                    .description("1 when this witness contradicts the trail (truncated, rolled back or forked)").register(registry);
            witnesses.add(w);
        }
        if (sinkConfig.file().isPresent() && !sinkConfig.file().get().isBlank()) {
            try {
                sink = new CheckpointFileSink(Path.of(sinkConfig.file().get()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot open countersign.audit.checkpoint-sink.file: " + e.getMessage(), e);
            }
            Gauge.builder("countersign.audit.checkpoint.sink.size", this, p -> p.sink.lastSize())
                    .description("Tree size of the last checkpoint appended to the checkpoint file").register(registry);
        }
        if (witnesses.isEmpty() && sink == null) {
            return;
        }
        http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        loop = BackgroundLoop.named("audit-checkpoint-publisher").poll(config.poll()).metrics(registry).build(() -> {
            publishOnce();
            return BackgroundLoop.Next.idle();
        });
        loop.start();
        Log.infof("Publishing audit checkpoints to %d witness(es)%s", witnesses.size(),
                sink == null ? "" : " and to " + sink.file().toAbsolutePath());
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (loop != null) {
            loop.stop();
        }
    }

    /** The configured witnesses and what is known about them. */
    public List<Witness> witnesses() {
        return List.copyOf(witnesses);
    }

    /** How many witnesses must cosign a checkpoint (countersign.audit.witness.quorum, 0 = all). */
    public int quorum() {
        return config.quorum() <= 0 ? witnesses.size() : Math.min(config.quorum(), witnesses.size());
    }

    /** Asks the publisher to run now. */
    public void wake() {
        if (loop != null) {
            loop.wake();
        }
    }

    /**
     * Waits (at most countersign.audit.witness.await-cosignatures) until a quorum of witnesses
     * cosigned a tree of at least {@code treeSize}; returns whether they did. Immediately true
     * without witnesses.
     */
    public boolean awaitCosigned(long treeSize) {
        if (witnesses.isEmpty()) {
            return true;
        }
        long deadline = System.nanoTime() + config.awaitCosignatures().toNanos();
        wake();
        synchronized (progress) {
            while (witnesses.stream().filter(w -> w.cosignedSize.get() >= treeSize).count() < quorum()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * One pass: the file first (it needs nobody else), then every witness that is not backing off.
     * Reads happen in short read transactions and no connection is held during a request to a
     * witness (up to the request timeout each): the pool is fixed-size, and a connection pinned
     * by a slow witness would be missing for everyone else (docs/operations.md).
     */
    void publishOnce() throws SQLException, IOException, InterruptedException {
        for (Witness w : witnesses) {
            if (w.known < 0) {
                w.known = store.lastCosigned(w.key);
                w.cosignedSize.set(w.known);
            }
        }
        read(c -> {
            if (sink != null) {
                appendToSink(c);
            }
            for (Witness w : witnesses) {
                w.pending.set(countAbove(c, w.known));
            }
            return null;
        });
        for (Witness w : witnesses) {
            if (System.nanoTime() - w.nextAttemptNanos < 0) {
                continue;
            }
            try {
                submit(w);
                w.lastError = null;
                w.backoffMillis = 0;
            } catch (IOException e) {
                fail(w, e.getMessage());
            }
            updatePending(w);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** A database read of the publisher. */
    @FunctionalInterface
    private interface Read<T> {
        T apply(Connection c) throws SQLException, IOException;
    }

    /** Runs {@code read} in its own short read-only transaction and gives the connection back. */
    private <T> T read(Read<T> read) throws SQLException, IOException {
        try (Connection c = queries.readConnection()) {
            try {
                return read.apply(c);
            } finally {
                c.rollback();
            }
        }
    }

    private void updatePending(Witness w) throws SQLException, IOException {
        long known = w.known;
        w.pending.set(read(c -> countAbove(c, known)));
    }

    private void fail(Witness w, String why) {
        w.failures.increment();
        w.lastError = why;
        w.backoffMillis = w.backoffMillis == 0 ? config.initialBackoff().toMillis()
                : Math.min(w.backoffMillis * 2, config.maxBackoff().toMillis());
        w.nextAttemptNanos = System.nanoTime() + w.backoffMillis * 1_000_000;
        Log.warnf("Witness %s: %s; %d checkpoint(s) wait for its cosignature, next attempt in %d ms", w.name, why, w.pending.get(),
                w.backoffMillis);
    }

    private void conflict(Witness w, String why) {
        if (!why.equals(w.conflict)) {
            Log.errorf("Witness %s contradicts the audit trail: %s", w.name, why);
        }
        w.conflict = why;
        fail(w, why);
    }

    private void appendToSink(Connection c) throws SQLException, IOException {
        long newest = newestSize(c);
        if (newest < sink.lastSize() && sinkAhead != sink.lastSize()) {
            sinkAhead = sink.lastSize();
            Log.errorf("The checkpoint file %s holds a checkpoint of %d events but the newest in the database has %d: "
                    + "the trail was truncated", sink.file(), sink.lastSize(), newest);
        }
        for (Cp cp = firstAbove(c, sink.lastSize()); cp != null; cp = firstAbove(c, sink.lastSize())) {
            sink.append(cp.size(), cp.note());
        }
    }

    /**
     * What one submission sends, read before the request: the newest checkpoint's size, whether
     * the witness's tree is another than ours, our checkpoint to send and the consistency proof
     * from the witness's size.
     */
    private record Next(long newest, boolean forked, Cp target, List<byte[]> proof) {
    }

    /**
     * Submits the checkpoints above the witness's size one by one, each with a consistency proof
     * from the previous; follows a 409's size once, and records conflicts. Each round reads what
     * it sends in a short transaction, sends with no connection held, and stores the answer in a
     * transaction of its own. The newest size is read in each round, after the checkpoint the
     * previous round sent was read: a size read once per pass would be older than a checkpoint
     * made meanwhile and sent, and its cosignature would look like a truncation.
     */
    private void submit(Witness w) throws SQLException, IOException, InterruptedException {
        int conflictsFollowed = 0;
        while (loop.running()) {
            long known = w.known;
            byte[] knownRoot = w.knownRoot;
            Next next = read(c -> {
                long newest = newestSize(c);
                if (known > newest) {
                    return new Next(newest, false, null, List.of());
                }
                Cp same = known > 0 ? checkpointAt(c, known) : null;
                if (same != null && knownRoot != null && !Arrays.equals(same.root(), knownRoot)) {
                    return new Next(newest, true, null, List.of());
                }
                // After a 409 we know the witness's size but not its root: resubmit our checkpoint of that
                // size (the witness compares the roots) before building on it.
                Cp target = same != null && knownRoot == null ? same : firstAbove(c, known);
                List<byte[]> proof = target == null || known == 0 || target.size() == known ? List.of()
                        : queries.consistencyNodes(c, known, target.size());
                return new Next(newest, false, target, proof);
            });
            if (known > next.newest()) {
                conflict(w, "it has cosigned a tree of " + known + " events but the newest checkpoint has " + next.newest()
                        + ": events and checkpoints were removed from the tail (truncation or rollback)");
                return;
            }
            if (next.forked()) {
                conflict(w, "it cosigned another tree of " + w.known + " events than the checkpoint now stored: the history was rewritten (fork)");
                return;
            }
            Cp target = next.target();
            if (target == null) {
                return;
            }
            List<byte[]> proof = next.proof();
            StringBuilder body = new StringBuilder("old ").append(w.known).append('\n');
            for (byte[] p : proof) {
                body.append(Base64.getEncoder().encodeToString(p)).append('\n');
            }
            body.append('\n').append(target.note());
            HttpRequest request = HttpRequest.newBuilder(w.endpoint).timeout(config.requestTimeout())
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
            HttpResponse<String> r;
            try {
                r = send(request);
            } catch (IOException e) {
                throw new IOException("cannot reach " + w.endpoint + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
            switch (r.statusCode()) {
                case 200 -> {
                    List<Cosignature.Verified> v = Cosignature.verified(Cosignature.withSignatures(target.note(),
                            Arrays.stream(r.body().split("\n")).filter(l -> !l.isEmpty()).toList()), List.of(w.key));
                    if (v.isEmpty()) {
                        throw new IOException("answered 200 without a valid cosignature of key " + w.key.format());
                    }
                    store.store(target.size(), v.get(0));
                    w.known = target.size();
                    w.knownRoot = target.root();
                    w.cosignedSize.accumulateAndGet(target.size(), Math::max);
                    w.witnessedSize.accumulateAndGet(target.size(), Math::max);
                    w.conflict = null;
                    updatePending(w);
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
                case 409 -> {
                    long size;
                    try {
                        size = Long.parseLong(r.body().trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("answered 409 without a tree size");
                    }
                    w.witnessedSize.accumulateAndGet(size, Math::max);
                    if (size == w.known && target.size() == w.known) {
                        conflict(w, "it holds another tree of " + size + " events than this log's checkpoint: the history forked");
                        return;
                    }
                    if (++conflictsFollowed > 2) {
                        throw new IOException("keeps answering 409 (size " + size + ")");
                    }
                    // the next round resubmits at that size, or reports a size beyond our newest checkpoint as a truncation
                    w.known = size;
                    w.knownRoot = null;
                }
                case 422 -> {
                    conflict(w, "the consistency proof from its tree of " + w.known + " events to " + target.size()
                            + " does not verify: the history was rewritten (fork)");
                    return;
                }
                default -> throw new IOException("answered HTTP " + r.statusCode() + ": " + r.body().strip());
            }
        }
    }

    /**
     * Sends once more at once when the first attempt fails: a kept-alive connection the witness
     * closed meanwhile (restart, idle timeout) fails the first request although the witness is up.
     * Resending is safe: add-checkpoint is idempotent for the same old size and checkpoint.
     */
    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException first) {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    private static long newestSize(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(tree_size) FROM audit_checkpoint"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long countAbove(Connection c, long size) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_checkpoint WHERE tree_size > ?")) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Cp checkpointAt(Connection c, long size) throws SQLException {
        return one(c, "SELECT tree_size, note FROM audit_checkpoint WHERE tree_size = ?", size);
    }

    private static Cp firstAbove(Connection c, long size) throws SQLException {
        return one(c, "SELECT tree_size, note FROM audit_checkpoint WHERE tree_size > ? ORDER BY tree_size LIMIT 1", size);
    }

    private static Cp one(Connection c, String sql, long size) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String note = rs.getString(2);
                return new Cp(rs.getLong(1), Checkpoint.parseText(SignedNote.parse(note).text()).rootHash(), note);
            }
        }
    }
}
