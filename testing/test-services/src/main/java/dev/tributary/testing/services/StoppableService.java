package dev.tributary.testing.services;

/** A running service that the test JVM stops when it exits. */
interface StoppableService {
    /** One line for the build output: endpoints and the log file. */
    String describe();

    /**
     * One line on how the service is doing now, for the diagnosis printed after a failed test,
     * such as how long its health check took. Must return within a few seconds.
     */
    default String condition() {
        return "running";
    }

    void stop();
}
