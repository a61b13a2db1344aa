package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.testing.services.DeliveryAccounting.Delivered;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryAccountingTest {

    private static DeliveryAccounting twoKeys() {
        return new DeliveryAccounting()
                .written("a1", "a").written("b1", "b").written("a2", "a").written("b2", "b").written("a3", "a");
    }

    private static Delivered d(String id, String key) {
        return new Delivered(id, key);
    }

    @Test
    void everyRecordOnceInOrderIsExact() {
        Report report = twoKeys().check(List.of(d("b1", "b"), d("a1", "a"), d("a2", "a"), d("b2", "b"), d("a3", "a")));

        assertThat(report.exact()).isTrue();
        assertThat(report.lost()).isEmpty();
        assertThat(report.duplicates()).isZero();
        assertThat(report.toString()).startsWith("written 5, delivered 5, lost 0, duplicates 0");
    }

    @Test
    void reportsLostIdsInWrittenOrder() {
        Report report = twoKeys().check(List.of(d("a1", "a"), d("b2", "b")));

        assertThat(report.exact()).isFalse();
        assertThat(report.lost()).containsExactly("b1", "a2", "a3");
        assertThat(report.toString()).contains("lost 3").contains("first lost: [b1, a2, a3]");
    }

    @Test
    void aReplayAfterACrashIsDuplicatesNotDisorder() {
        Report report = twoKeys().check(List.of(d("a1", "a"), d("a2", "a"), d("b1", "b"), d("a1", "a"), d("a2", "a"),
                d("b2", "b"), d("a3", "a")));

        assertThat(report.exact()).isTrue();
        assertThat(report.duplicates()).isEqualTo(2);
        assertThat(report.duplicateIds()).containsExactly("a1", "a2");
        assertThat(report.orderViolations()).isZero();
    }

    @Test
    void aLaterRecordOfTheSameKeyFirstIsAnOrderViolation() {
        Report report = twoKeys().check(List.of(d("a1", "a"), d("a3", "a"), d("a2", "a"), d("b1", "b"), d("b2", "b")));

        assertThat(report.exact()).isFalse();
        assertThat(report.orderViolations()).isEqualTo(1);
        assertThat(report.orderExamples()).singleElement().asString().contains("id a2").contains("key a");
    }

    @Test
    void recordsWithoutAKeyHaveNoOrderToKeep() {
        DeliveryAccounting accounting = new DeliveryAccounting().written("x", null).written("y", null);

        assertThat(accounting.check(List.of(d("y", null), d("x", "whatever"))).exact()).isTrue();
    }

    @Test
    void idsNobodyWroteAndChangedKeysAreReported() {
        Report report = twoKeys().check(List.of(d("a1", "a"), d("b1", "z"), d("a2", "a"), d("b2", "b"), d("a3", "a"),
                d("ghost", "a")));

        assertThat(report.exact()).isFalse();
        assertThat(report.unexpected()).containsExactly("ghost");
        assertThat(report.keyMismatches()).isEqualTo(1);
    }

    @Test
    void anIdRegisteredTwiceIsRefused() {
        assertThatThrownBy(() -> new DeliveryAccounting().written("a", "k").written("a", "k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id a was registered twice");
    }
}
