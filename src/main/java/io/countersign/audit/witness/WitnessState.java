package io.countersign.audit.witness;

import io.countersign.audit.Checkpoint;
import io.countersign.audit.SignedNote;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The witness's only state: per log origin, the latest checkpoint it cosigned, kept as the
 * complete note (checkpoint, log signature, the witness's cosignature) in
 * {@code <state-dir>/<URL-encoded origin>.checkpoint}. Written atomically (temp file, fsync,
 * rename, fsync of the directory) before the witness answers, so a restarted witness never
 * cosigns a smaller or inconsistent tree.
 */
final class WitnessState {

    /** The latest cosigned tree of one log. */
    record Latest(Checkpoint checkpoint, String note) {
    }

    private final Path dir;
    private final Map<String, Optional<Latest>> cache = new HashMap<>();

    WitnessState(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** The file holding an origin's latest cosigned checkpoint. */
    static Path file(Path dir, String origin) {
        return dir.resolve(URLEncoder.encode(origin, StandardCharsets.UTF_8) + ".checkpoint");
    }

    Optional<Latest> get(String origin) throws IOException {
        Optional<Latest> cached = cache.get(origin);
        if (cached != null) {
            return cached;
        }
        Path f = file(dir, origin);
        Optional<Latest> latest = Optional.empty();
        if (Files.exists(f)) {
            String note = Files.readString(f, StandardCharsets.UTF_8);
            try {
                latest = Optional.of(new Latest(Checkpoint.parseText(SignedNote.parse(note).text()), note));
            } catch (RuntimeException e) {
                // Refuse to guess: an unreadable state must stop cosigning for this log, not reset it to size 0.
                throw new IOException("witness state " + f + " is unreadable: " + e.getMessage(), e);
            }
        }
        cache.put(origin, latest);
        return latest;
    }

    void put(String origin, Latest latest) throws IOException {
        Path f = file(dir, origin);
        Path tmp = dir.resolve(f.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(latest.note().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // make the rename itself durable
        } catch (IOException e) {
            // some file systems cannot open a directory for fsync; the rename is still atomic
        }
        cache.put(origin, Optional.of(latest));
    }
}
