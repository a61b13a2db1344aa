package dev.tributary.runtime.datagen;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;

/** A clock that stands still until a test moves it, and whose sleeps move it instead of waiting. */
final class FakeTime extends Clock implements Sleeper {
    private volatile Instant now;

    FakeTime(Instant start) {
        this.now = start;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public void sleep(Duration duration, CountDownLatch wakeUp) {
        if (wakeUp.getCount() > 0) {
            advance(duration);
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** A view in another zone that still follows this clock's time. */
    @Override
    public Clock withZone(ZoneId zone) {
        FakeTime self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }
}
