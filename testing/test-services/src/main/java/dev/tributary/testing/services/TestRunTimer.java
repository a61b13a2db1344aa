package dev.tributary.testing.services;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints how long a module's whole test run took and how its tests ended, so that the build
 * output shows the integration suite's time next to each service's start-up time. After a test
 * that failed (not one aborted by an assumption), it notes the machine's load and each running service's condition (for the
 * broker, how long its health check takes), and prints those notes again after the summary,
 * where a CI log's tail shows them: a failure caused by a stalled broker or an overloaded machine
 * then says so.
 * Registered through {@code META-INF/services}, so every test JVM that has test-services on its
 * class path reports.
 */
public final class TestRunTimer implements TestExecutionListener {
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile long begin;
    private volatile TestPlan plan;
    /** Failed tests diagnosed at most; later failures only count. */
    private static final int MAX_DIAGNOSES = 5;
    private final List<String> diagnoses = new CopyOnWriteArrayList<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        begin = System.nanoTime();
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        // A class skipped as a whole (no Docker, say) skips every test in it.
        long tests = test.isTest() ? 1 : plan.getDescendants(test).stream().filter(TestIdentifier::isTest).count();
        skipped.addAndGet(tests);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            return;
        }
        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            succeeded.incrementAndGet();
        } else {
            failed.incrementAndGet();
            if (result.getStatus() != TestExecutionResult.Status.FAILED) {
                // Aborted: an assumption did not hold (a contract case that does not apply), not a failure.
                return;
            }
            if (diagnoses.size() >= MAX_DIAGNOSES) {
                // A hung broker costs each diagnosis its health check's 10 s timeout; the first few tell the story.
                return;
            }
            StringBuilder diagnosis = new StringBuilder("after " + test.getDisplayName() + " (" + test.getUniqueId()
                    .replaceAll(".*\\[class:([^\\]]*)\\].*", "$1") + ") did not pass:");
            for (String condition : SharedServices.conditions()) {
                diagnosis.append("\n  ").append(condition);
            }
            diagnoses.add(diagnosis.toString());
            SharedServices.log("%s", diagnosis);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        SharedServices.log("test run took %.1f s: %d passed, %d not passed, %d skipped",
                SharedServices.seconds(begin), succeeded.get(), failed.get(), skipped.get());
        diagnoses.forEach(d -> SharedServices.log("%s", d));
    }
}
