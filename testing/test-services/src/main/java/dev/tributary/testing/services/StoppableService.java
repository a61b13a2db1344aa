package dev.tributary.testing.services;

/** A running service that the test JVM stops when it exits. */
interface StoppableService {
    /** One line for the build output: endpoints and the log file. */
    String describe();

    void stop();
}
