package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {
    @Test
    void subjectsTakeTurnsToGoFirst() {
        assertThat(Rounds.inTurn(List.of("raw", "Tributary"), 0)).containsExactly("raw", "Tributary");
        assertThat(Rounds.inTurn(List.of("raw", "Tributary"), 1)).containsExactly("Tributary", "raw");
        assertThat(Rounds.inTurn(List.of("raw", "Tributary"), 2)).containsExactly("raw", "Tributary");
    }

    @Test
    void twoSubjectsRunInTurnWithTheCheckBeforeEach() throws Exception {
        List<String> calls = new ArrayList<>();
        Rounds.Both<String, Integer> first = Rounds.both(0, () -> calls.add("check"), () -> add(calls, "a"),
                () -> add(calls, 2).length());
        Rounds.Both<String, Integer> second = Rounds.both(1, () -> calls.add("check"), () -> add(calls, "a"),
                () -> add(calls, 2).length());

        assertThat(first).isEqualTo(new Rounds.Both<>("a", 1));
        assertThat(second).isEqualTo(new Rounds.Both<>("a", 1));
        assertThat(calls).containsExactly("check", "a", "check", "2", "check", "2", "check", "a");
    }

    private static String add(List<String> calls, Object call) {
        calls.add(String.valueOf(call));
        return String.valueOf(call);
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueAndOfAnEvenCountTheMeanOfTheTwoMiddleOnes() {
        assertThat(Median.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Median(2.0, 1.0, 3.0, 3));
        assertThat(Median.of(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(new Median(2.5, 1.0, 4.0, 4));
        assertThat(Median.of(List.of(7.0)).format("%.1f")).isEqualTo("7.0");
        assertThat(Median.of(List.of(7.0)).rangeNote("%.1f")).isEmpty();
        assertThat(Median.of(List.of(3.0, 1.0, 2.0)).format("%.1f")).isEqualTo("2.0 (1.0–3.0)");
        assertThatThrownBy(() -> Median.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGoalIsStraddledOnlyWhenRunsFallOnBothSidesOfIt() {
        Median m = Median.of(List.of(0.9, 1.0, 1.1));
        assertThat(m.straddles(1.05)).isTrue();
        assertThat(m.straddles(0.9)).as("the lowest run on the goal is not below it").isFalse();
        assertThat(m.straddles(1.2)).isFalse();
        assertThat(Median.of(List.of(1.0)).straddles(1.0)).isFalse();
    }

    @Test
    void ratiosAreTakenWithinEachRound() {
        Figures raw1 = run(Subject.Kind.RAW, 100);
        Figures trib1 = run(Subject.Kind.TRIBUTARY, 110);
        Figures trib2 = run(Subject.Kind.TRIBUTARY, 40);
        Figures raw2 = run(Subject.Kind.RAW, 50);
        List<Figures> runs = List.of(raw1, trib1, trib2, raw2);

        Median ratio = Rounds.ratio(runs, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, Figures::recordsPerSecond);

        assertThat(ratio.min()).isEqualTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ratio.max()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Rounds.ratio(runs, Subject.Kind.TRIBUTARY_EXACTLY_ONCE, Subject.Kind.RAW, Figures::recordsPerSecond))
                .isNull();
    }

    private static Figures run(Subject.Kind kind, long recordsPerSecond) {
        return new Figures(kind, 1, recordsPerSecond, 1024, 1, 0, 0, 30, 0, 8, null);
    }
}
