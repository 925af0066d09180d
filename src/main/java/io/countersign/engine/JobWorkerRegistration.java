package io.countersign.engine;

/** A registered job worker; closing it stops delivering new jobs of its type to the handler. */
public interface JobWorkerRegistration extends AutoCloseable {

    /** The job type the worker handles. */
    String jobType();

    /** Stops the worker; jobs already handed to it finish normally. */
    @Override
    void close();
}
