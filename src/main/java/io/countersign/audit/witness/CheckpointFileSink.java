package io.countersign.audit.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
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
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            this.lastSize = lastTreeSize(text.lines().toList());
            if (!text.isEmpty() && !text.endsWith("\n\n")) {
                // a torn last note (crash mid-append): close it off so the next note starts on its own
                write(text.endsWith("\n") ? "\n" : "\n\n");
            }
        }
    }

    /**
     * The tree size of the last complete note in the file (0 when none): a note is its body
     * lines, an empty line, one or more signature lines and an empty line. Anything else (a
     * torn note) is skipped up to the next empty line.
     */
    static long lastTreeSize(List<String> lines) {
        long last = 0;
        int i = 0;
        while (i < lines.size()) {
            int j = i;
            while (j < lines.size() && !lines.get(j).isEmpty()) {
                j++; // the checkpoint body
            }
            int body = j - i;
            int k = j + 1;
            while (k < lines.size() && isSignature(lines.get(k))) {
                k++;
            }
            boolean complete = body >= 3 && k > j + 1 && k < lines.size() && lines.get(k).isEmpty();
            if (complete) {
                try {
                    last = Long.parseLong(lines.get(i + 1));
                } catch (NumberFormatException e) {
                    // not a checkpoint: skip it
                }
                i = k + 1;
            } else {
                i = Math.max(j, i) + 1;
            }
        }
        return last;
    }

    private static boolean isSignature(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[0].equals("\u2014")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(parts[2]).length >= 5;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    long lastSize() {
        return lastSize;
    }

    /** Appends one note (ending in a newline) plus an empty line, and fsyncs. */
    void append(long treeSize, String note) throws IOException {
        write(note + "\n");
        lastSize = treeSize;
    }

    private void write(String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    Path file() {
        return file;
    }
}
