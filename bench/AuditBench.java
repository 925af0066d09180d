// Audit-trail benchmark helper: a single-file Java 17 program used by bench/audit.sh.
//   java bench/AuditBench.java token <privateKeyPem> <sub> <group>
//       prints a JWT signed with the fixture issuer key (bench only, never in production)
//   java -cp <postgresql.jar> bench/AuditBench.java append <jdbcUrl> <user> <threads> <seconds> <eventsPerTx>
//       the direct cost of the audit append: threads run transactions that each insert
//       <eventsPerTx> events shaped like the ones an approved request writes (copied from the
//       rows already in audit_event) with the exact INSERT AuditTrail.record uses; reports the
//       INSERT statement latency (the part a request transaction pays) and the commit latency.
//   java -cp <postgresql.jar> bench/AuditBench.java fill <jdbcUrl> <user> <totalEvents>
//       tops audit_event up to <totalEvents> rows by repeating the existing (real) events in
//       large INSERT ... SELECT transactions; the sequencer of the running app chains them.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

public class AuditBench {

    record Template(String actorKind, String actorId, String agentId, String type, String data) {
    }

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "token" -> System.out.println(token(loadKey(Path.of(a[1])), a[2], a[3]));
            case "append" -> append(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
            case "fill" -> fill(a[1], a[2], Long.parseLong(a[3]));
            default -> throw new IllegalArgumentException("unknown mode " + a[0]);
        }
    }

    static List<Template> templates(Connection c) throws Exception {
        List<Template> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT actor_kind, actor_id, agent_id, "
                + "event_type, data FROM audit_event WHERE request_id IS NOT NULL ORDER BY id LIMIT 300")) {
            while (rs.next()) {
                out.add(new Template(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no request events to copy: run the fast path first");
        }
        return out;
    }

    static void append(String url, String user, int threads, int seconds, int perTx) throws Exception {
        List<Template> templates;
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            templates = templates(c);
        }
        long[][] insert = new long[threads][];
        long[][] commit = new long[threads][];
        AtomicLong events = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                long[] ins = new long[1 << 20];
                long[] com = new long[1 << 18];
                int ni = 0;
                int nc = 0;
                try (Connection c = DriverManager.getConnection(url, user, "")) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor_kind, "
                            + "actor_id, agent_id, request_id, event_type, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            new String[] {"id"})) {
                        int k = id;
                        while (System.nanoTime() < end) {
                            UUID rid = UUID.randomUUID();
                            for (int e = 0; e < perTx; e++) {
                                Template tp = templates.get(k++ % templates.size());
                                long s = System.nanoTime();
                                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
                                ps.setString(2, tp.actorKind());
                                ps.setString(3, tp.actorId());
                                ps.setString(4, tp.agentId());
                                ps.setObject(5, rid);
                                ps.setString(6, tp.type());
                                ps.setString(7, tp.data());
                                ps.executeUpdate();
                                try (ResultSet keys = ps.getGeneratedKeys()) {
                                    keys.next();
                                }
                                if (ni < ins.length) {
                                    ins[ni++] = System.nanoTime() - s;
                                }
                            }
                            long s = System.nanoTime();
                            c.commit();
                            if (nc < com.length) {
                                com[nc++] = System.nanoTime() - s;
                            }
                            events.addAndGet(perTx);
                        }
                    }
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                }
                insert[id] = Arrays.copyOf(ins, ni);
                commit[id] = Arrays.copyOf(com, nc);
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        long[] ins = Arrays.stream(insert).flatMapToLong(Arrays::stream).sorted().toArray();
        long[] com = Arrays.stream(commit).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("append: threads=%d events/tx=%d events=%d (%.0f/s) INSERT p50=%.3fms p99=%.3fms; "
                + "commit p50=%.3fms p99=%.3fms%n", threads, perTx, events.get(), events.get() / (double) seconds,
                pct(ins, 50), pct(ins, 99), pct(com, 50), pct(com, 99));
    }

    static void fill(String url, String user, long total) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.setAutoCommit(false);
            int n = templates(c).size();
            long have;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM audit_event")) {
                rs.next();
                have = rs.getLong(1);
            }
            long start = System.nanoTime();
            long added = 0;
            // Copies of the real request events, each with a fresh request id, 100,000 rows per transaction.
            String sql = "INSERT INTO audit_event (occurred_at, actor_kind, actor_id, agent_id, request_id, event_type, data) "
                    + "SELECT now(), t.actor_kind, t.actor_id, t.agent_id, gen_random_uuid(), t.event_type, t.data "
                    + "FROM generate_series(0, ? - 1) g JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS i, actor_kind, "
                    + "actor_id, agent_id, event_type, data FROM (SELECT * FROM audit_event WHERE request_id IS NOT NULL "
                    + "ORDER BY id LIMIT " + n + ") x) t ON t.i = g % " + n;
            while (have + added < total) {
                long batch = Math.min(100_000, total - have - added);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, batch);
                    added += ps.executeUpdate();
                }
                c.commit();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("fill: %d events existed, %d inserted in %.1f s (%.0f/s)%n", have, added, s, added / s);
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
    }

    static String token(PrivateKey key, String sub, String group) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"dev-issuer-1\"}");
        String claims = b64("{\"iss\":\"https://countersign.dev/issuer\",\"aud\":\"countersign\",\"sub\":\"" + sub
                + "\",\"upn\":\"" + sub + "\",\"groups\":[\"" + group + "\"],\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}");
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static PrivateKey loadKey(Path pem) throws Exception {
        String b = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b)));
    }
}
