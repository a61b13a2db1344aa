package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.distributed.RestartRequests.Here;
import dev.tributary.runtime.distributed.RestartRequests.Plan;
import dev.tributary.runtime.distributed.RestartRequests.Started;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.RebalanceInProgressException;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.UnknownConnectorException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RestartRequestsTest {
    private static final ConnectorTaskId TASK_1 = new ConnectorTaskId("c", 1);

    private final RestartRequests requests = new RestartRequests();

    /** Connector instance and tasks 0 and 2 run here, task 2 FAILED, all started under generation 5. */
    private static final Here HERE = new Here(Optional.of(new Started(5, State.RUNNING)),
            Map.of(0, new Started(5, State.RUNNING), 2, new Started(5, State.FAILED)));

    @Test
    void aTaskRequestRestartsTheTaskWhereItRunsAndNowhereElse() {
        assertThat(requests.plan(RestartRequest.ofTask(new ConnectorTaskId("c", 2), "r1", 5), HERE))
                .isEqualTo(new Plan(false, List.of(2)));
        assertThat(new RestartRequests().plan(RestartRequest.ofTask(TASK_1, "r2", 5), HERE)).isEqualTo(Plan.NOTHING);
    }

    @Test
    void aConnectorRequestFollowsKafkaConnectsFlagsWithTheStatesSeenHere() {
        assertThat(requests.plan(RestartRequest.ofConnector("c", false, false, "r1", 5), HERE))
                .isEqualTo(new Plan(true, List.of()));
        assertThat(requests.plan(RestartRequest.ofConnector("c", false, true, "r2", 5), HERE))
                .isEqualTo(new Plan(true, List.of(0, 2)));
        assertThat(requests.plan(RestartRequest.ofConnector("c", true, true, "r3", 5), HERE))
                .isEqualTo(new Plan(false, List.of(2)));
        assertThat(requests.plan(RestartRequest.ofConnector("c", true, false, "r4", 5), HERE)).isEqualTo(Plan.NOTHING);
        Here failedInstance = new Here(Optional.of(new Started(5, State.FAILED)), Map.of());
        assertThat(requests.plan(RestartRequest.ofConnector("c", true, false, "r5", 5), failedInstance))
                .isEqualTo(new Plan(true, List.of()));
    }

    @Test
    void aConnectorRequestOnAWorkerThatRunsOnlyTasksRestartsOnlyThem() {
        Here tasksOnly = new Here(Optional.empty(), Map.of(1, new Started(3, State.RUNNING)));
        assertThat(requests.plan(RestartRequest.ofConnector("c", false, false, "r1", 5), tasksOnly)).isEqualTo(Plan.NOTHING);
        assertThat(requests.plan(RestartRequest.ofConnector("c", false, true, "r2", 5), tasksOnly))
                .isEqualTo(new Plan(false, List.of(1)));
    }

    @Test
    void aRequestReadTwiceIsDoneOnceAndANewRequestOnTheSameKeyIsDoneAgain() {
        RestartRequest request = RestartRequest.ofTask(new ConnectorTaskId("c", 0), "r1", 5);
        assertThat(requests.plan(request, HERE)).isEqualTo(new Plan(false, List.of(0)));
        assertThat(requests.plan(request, HERE)).as("told again by the view").isEqualTo(Plan.NOTHING);
        assertThat(requests.plan(RestartRequest.ofTask(new ConnectorTaskId("c", 0), "r2", 5), HERE))
                .isEqualTo(new Plan(false, List.of(0)));
    }

    @Test
    void whatStartedUnderALaterGenerationThanTheRequestIsNotRestarted() {
        // A worker restarted (or given the work) after the request: it finds the request on the topic, and leaves it.
        Here later = new Here(Optional.of(new Started(6, State.FAILED)), Map.of(0, new Started(6, State.FAILED),
                2, new Started(4, State.FAILED)));
        assertThat(requests.plan(RestartRequest.ofConnector("c", false, true, "r1", 5), later))
                .isEqualTo(new Plan(false, List.of(2)));
        assertThat(requests.plan(RestartRequest.ofTask(new ConnectorTaskId("c", 0), "r2", 5), later)).isEqualTo(Plan.NOTHING);
    }

    @Test
    void aForgottenKeyTakesItsLastRequestAgain() {
        RestartRequest request = RestartRequest.ofConnector("c", false, false, "r1", 5);
        requests.plan(request, HERE);
        requests.forget(request.key());
        assertThat(requests.plan(request, HERE)).isEqualTo(new Plan(true, List.of()));
    }

    // ---- the worker a REST call reaches: what it writes, or why not ----

    /** Generation 7: connector c and its task 0 on worker a, task 1 on b, task 2 on nobody (being assigned). */
    private static final Assignment ASSIGNMENT = new Assignment(7, "a", new TreeMap<>(Map.of(
            "a", new WorkerAssignment(new TreeSet<>(List.of("c")), new TreeSet<>(List.of(new ConnectorTaskId("c", 0)))),
            "b", new WorkerAssignment(new TreeSet<>(), new TreeSet<>(List.of(TASK_1))))));

    private static ConnectorStatus status(State connector, State... tasks) {
        List<TaskStatus> list = new java.util.ArrayList<>();
        for (int i = 0; i < tasks.length; i++) {
            list.add(new TaskStatus(i, tasks[i], null, i == 0 ? "a" : i == 1 ? "b" : ""));
        }
        return new ConnectorStatus("c", connector, null, "a", list);
    }

    @Test
    void aConnectorRestartIsWrittenWithTheGenerationInForceAndAnsweredAsRestarting() {
        ConnectorStatus before = status(State.RUNNING, State.RUNNING, State.FAILED);

        assertThat(RestartRequests.ofConnector(before, TargetState.STARTED, false, false, ASSIGNMENT, "r1"))
                .contains(RestartRequest.ofConnector("c", false, false, "r1", 7));
        assertThat(RestartRequests.ofConnector(before, TargetState.PAUSED, true, true, ASSIGNMENT, "r2"))
                .contains(RestartRequest.ofConnector("c", true, true, "r2", 7));
        ConnectorStatus answer = RestartRequests.restarting(before, true, true);
        assertThat(answer.state()).isEqualTo(State.RUNNING);
        assertThat(answer.tasks()).extracting(TaskStatus::state).containsExactly(State.RUNNING, State.RESTARTING);
        assertThat(RestartRequests.restarting(before, false, true).tasks()).extracting(TaskStatus::state)
                .containsOnly(State.RESTARTING);
    }

    @Test
    void nothingIsWrittenForAStoppedConnectorOrWhenOnlyFailedFindsNothingFailed() {
        ConnectorStatus running = status(State.RUNNING, State.RUNNING, State.RUNNING);
        assertThat(RestartRequests.ofConnector(running, TargetState.STOPPED, false, true, ASSIGNMENT, "r")).isEmpty();
        assertThat(RestartRequests.ofConnector(running, TargetState.STARTED, true, true, ASSIGNMENT, "r")).isEmpty();
    }

    @Test
    void aRestartOfWhatNoWorkerRunsYetIsA409ToRetryAndNothingIsWritten() {
        ConnectorStatus threeTasks = status(State.RUNNING, State.RUNNING, State.RUNNING, State.FAILED);
        assertThatThrownBy(() -> RestartRequests.ofConnector(threeTasks, TargetState.STARTED, true, true, ASSIGNMENT, "r"))
                .isInstanceOf(RebalanceInProgressException.class).hasMessageContaining("task c-2").hasMessageContaining("Retry");
        assertThatThrownBy(() -> RestartRequests.ofTask("c", 2, 3, TargetState.STARTED, ASSIGNMENT, "r"))
                .isInstanceOf(RebalanceInProgressException.class);
        Assignment none = new Assignment(8, "a", new TreeMap<>());
        assertThatThrownBy(() -> RestartRequests.ofConnector(threeTasks, TargetState.STARTED, false, false, none, "r"))
                .isInstanceOf(RebalanceInProgressException.class).hasMessageContaining("connector c");
    }

    @Test
    void aTaskRestartNamesARunningTaskOrIsA404() {
        assertThat(RestartRequests.ofTask("c", 1, 3, TargetState.STARTED, ASSIGNMENT, "r"))
                .isEqualTo(RestartRequest.ofTask(TASK_1, "r", 7));
        for (int task : new int[] {-1, 3, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> RestartRequests.ofTask("c", task, 3, TargetState.STARTED, ASSIGNMENT, "r"))
                    .isInstanceOf(UnknownConnectorException.class).hasMessage("Task c-" + task + " not found");
        }
        assertThatThrownBy(() -> RestartRequests.ofTask("c", 1, 3, TargetState.STOPPED, ASSIGNMENT, "r"))
                .as("a STOPPED connector runs no task").isInstanceOf(UnknownConnectorException.class);
    }
}
