package io.countersign.engine.embedded;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.function.Consumer;

/** How the engine core tells the job and timer loops about work it created, after the commit. */
final class EngineSignals {

    /** Called after commit with job types that got new activatable jobs. */
    volatile Consumer<Set<String>> jobsAvailable = t -> { };
    /** Called after commit with the earliest new timer due time. */
    volatile Consumer<OffsetDateTime> timerScheduled = t -> { };
    /** Reserves local worker slots for jobs that a step hands over directly. */
    volatile EngineCore.JobPush jobPush = type -> null;
}
