package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.distributed.RestartRequests.Here;
import dev.tributary.runtime.distributed.RestartRequests.Plan;
import dev.tributary.runtime.distributed.RestartRequests.Started;
import dev.tributary.runtime.worker.State;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
}
