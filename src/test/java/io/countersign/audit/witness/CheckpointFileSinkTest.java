package io.countersign.audit.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append-only checkpoint file: it only grows, and a restart continues after its last complete note. */
class CheckpointFileSinkTest {

    @TempDir
    Path dir;

    static String note(long size) {
        return "example.test/log\n" + size + "\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntimestamp 2026-01-01T00:00:00Z\n\n"
                + "\u2014 example.test/log c2lnbmF0dXJl\n\u2014 witness.test/w1 Y29zaWduYXR1cmU=\n";
    }

    @Test
    void appendsNotesAndRemembersTheLastSizeAcrossRestarts() throws Exception {
        Path file = dir.resolve("sub/checkpoints.log");
        CheckpointFileSink sink = new CheckpointFileSink(file);
        assertEquals(0, sink.lastSize());
        sink.append(3, note(3));
        sink.append(7, note(7));
        assertEquals(note(3) + "\n" + note(7) + "\n", Files.readString(file, StandardCharsets.UTF_8));
        CheckpointFileSink reopened = new CheckpointFileSink(file);
        assertEquals(7, reopened.lastSize());
        reopened.append(9, note(9));
        assertEquals(9, new CheckpointFileSink(file).lastSize());
        assertEquals(note(3) + "\n" + note(7) + "\n" + note(9) + "\n", Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aTornLastNoteDoesNotCountAndTheNextNoteStartsCleanly() throws Exception {
        Path file = dir.resolve("checkpoints.log");
        for (String torn : List.of(note(12).substring(0, note(12).indexOf("\u2014")), note(12).substring(0, 40),
                note(12).substring(0, note(12).length() - 9), note(12))) {
            Files.writeString(file, note(5) + "\n" + torn, StandardCharsets.UTF_8);
            CheckpointFileSink sink = new CheckpointFileSink(file);
            assertEquals(5, sink.lastSize(), torn);
            sink.append(12, note(12));
            assertEquals(12, new CheckpointFileSink(file).lastSize(), torn);
            sink.append(14, note(14));
            assertEquals(14, new CheckpointFileSink(file).lastSize(), torn);
        }
    }
}
