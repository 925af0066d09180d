package io.countersign.audit.witness;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a verification demands beyond the chain itself: valid cosignatures on the newest
 * checkpoint from at least {@code quorum} of the given witnesses, and a log of at least
 * {@code minTreeSize} events (a size a witness is known to have cosigned). Shared by
 * {@code verify-audit --witness/--min-tree-size} and {@code GET /api/v1/audit/verify}.
 */
public record WitnessRequirement(List<Cosignature.CosignerKey> witnesses, int quorum, long minTreeSize) {

    /** Nothing required. */
    public static final WitnessRequirement NONE = new WitnessRequirement(List.of(), 0, 0);

    /** An invalid requirement; {@code field} names it as the verify endpoint's query parameter. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        /** witness, witnessQuorum or minTreeSize. */
        public String field() {
            return field;
        }
    }

    /** Parses witness vkeys; quorum {@code null} or 0 means all of them. Throws {@link Invalid}. */
    public static WitnessRequirement of(List<String> witnessKeys, Integer quorum, Long minTreeSize) {
        List<Cosignature.CosignerKey> keys = new ArrayList<>();
        for (String k : witnessKeys == null ? List.<String>of() : witnessKeys) {
            try {
                keys.add(Cosignature.CosignerKey.parse(k));
            } catch (IllegalArgumentException e) {
                throw new Invalid("witness", "witness key " + k + ": " + e.getMessage());
            }
        }
        int q = quorum == null || quorum == 0 ? keys.size() : quorum;
        if (q < 0 || q > keys.size()) {
            throw new Invalid("witnessQuorum", "the witness quorum must be between 1 and the number of witnesses (" + keys.size() + ")");
        }
        if (minTreeSize != null && minTreeSize < 0) {
            throw new Invalid("minTreeSize", "the minimum tree size cannot be negative");
        }
        return new WitnessRequirement(List.copyOf(keys), q, minTreeSize == null ? 0 : minTreeSize);
    }

    /** True when something is required. */
    public boolean any() {
        return !witnesses.isEmpty() || minTreeSize > 0;
    }

    /** Why a log whose newest checkpoint has {@code newestSize} events fails the minimum size, or null. */
    public String sizeProblem(long newestSize) {
        return newestSize < minTreeSize ? "the log has " + newestSize + " events but a tree of " + minTreeSize
                + " was cosigned: events were removed from the tail (truncation or rollback)" : null;
    }

    /** Why the newest checkpoint's note (with its cosignature lines) lacks the required cosignatures, or null. */
    public String cosignatureProblem(long newestSize, String note) {
        if (witnesses.isEmpty()) {
            return null;
        }
        List<Cosignature.Verified> valid = note == null ? List.of() : Cosignature.verified(note, witnesses);
        if (valid.size() >= quorum) {
            return null;
        }
        Set<String> have = valid.stream().map(v -> v.key().format()).collect(Collectors.toSet());
        String missing = witnesses.stream().filter(k -> !have.contains(k.format())).map(Cosignature.CosignerKey::name)
                .collect(Collectors.joining(", "));
        return "the newest checkpoint (" + newestSize + " events) has " + valid.size() + " valid witness cosignature(s), "
                + quorum + " required; missing: " + missing;
    }
}
