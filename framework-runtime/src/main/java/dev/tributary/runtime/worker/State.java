package dev.tributary.runtime.worker;

/** The states of a connector or a task, named as in Kafka Connect's REST API. */
public enum State {
    /** Known, but not running yet (a task waiting for a free worker thread, say). */
    UNASSIGNED,
    RUNNING,
    /** Running, but not polling: offsets and producers are kept. */
    PAUSED,
    /** Stopped on request: nothing runs, and offsets may be changed. */
    STOPPED,
    /** Stopped by an error that restarts did not cure; the status says which. */
    FAILED,
    /** Failed and waiting for its next automatic restart. */
    RESTARTING
}
