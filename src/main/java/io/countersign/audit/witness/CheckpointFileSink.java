package io.countersign.audit.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends checkpoint notes to one file, each followed by an empty line, opened with O_APPEND
 * and fsynced per note, so the file only ever grows: put it on write-once storage (a WORM
 * mount, {@code chattr +a}) and it outlives any rewrite of the database. The last tree size
 * written is read back from the file on start, so a restart neither skips nor repeats notes.
 */
final class CheckpointFileSink {

    private final Path file;
    private long lastSize;

    CheckpointFileSink(Path file) throws IOException {
        this.file = file;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        this.lastSize = Files.exists(file) ? lastTreeSize(Files.readAllLines(file, StandardCharsets.UTF_8)) : 0;
    }

    /** The tree size of the last complete note in the file (0 when none). */
    static long lastTreeSize(List<String> lines) {
        long last = 0;
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).isEmpty()) {
                i++;
                continue;
            }
            if (i + 1 >= lines.size()) {
                break;
            }
            long size;
            try {
                size = Long.parseLong(lines.get(i + 1));
            } catch (NumberFormatException e) {
                break;
            }
            int j = i + 2;
            while (j < lines.size() && !lines.get(j).isEmpty()) {
                j++; // rest of the checkpoint body
            }
            j++;
            int sigs = 0;
            while (j < lines.size() && !lines.get(j).isEmpty()) {
                j++;
                sigs++;
            }
            if (sigs == 0 || j >= lines.size()) {
                break; // a torn last note (crash mid-append): everything before it counts
            }
            last = size;
            i = j + 1;
        }
        return last;
    }

    long lastSize() {
        return lastSize;
    }

    /** Appends one note (ending in a newline) plus an empty line, and fsyncs. */
    void append(long treeSize, String note) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap((note + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        lastSize = treeSize;
    }

    Path file() {
        return file;
    }
}
