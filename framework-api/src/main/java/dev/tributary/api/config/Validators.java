package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Common validators: ranges, allowed values, patterns, and custom checks. */
@Stable
public final class Validators {
    private Validators() {
    }

    /** A number (int, long or double) no smaller than {@code min}. */
    public static Validator atLeast(double min) {
        return between(min, Double.POSITIVE_INFINITY);
    }

    /** A number (int, long or double) from {@code min} to {@code max}, both included. */
    public static Validator between(double min, double max) {
        return new Range(min, max);
    }

    /**
     * The validator made by {@link #between}; it knows its bounds, so that a value that is not
     * even a number can be told the range it must be in.
     */
    static final class Range implements Validator {
        private final double min;
        private final double max;
        private final String description;

        private Range(double min, double max) {
            this.min = min;
            this.max = max;
            this.description = Double.isInfinite(max) ? "at least " + format(min)
                    : "from " + format(min) + " to " + format(max);
        }

        double min() {
            return min;
        }

        double max() {
            return max;
        }

        @Override
        public Optional<String> check(Object value) {
            double d = ((Number) value).doubleValue();
            return d >= min && d <= max ? Optional.empty() : Optional.of("must be " + description);
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /** A duration no shorter than {@code min}. */
    public static Validator atLeast(Duration min) {
        Objects.requireNonNull(min, "min is null");
        String description = "at least " + DurationText.format(min);
        return simple(description, v -> ((Duration) v).compareTo(min) >= 0, "must be " + description);
    }

    /**
     * One of {@code allowed}, ignoring case. For a list, every element must be one of them.
     * Validation offers the allowed values as the field's recommended values.
     */
    public static OneOf oneOf(String... allowed) {
        return new OneOf(List.of(allowed));
    }

    /** The validator made by {@link #oneOf}; it knows its allowed values. */
    public static final class OneOf implements Validator {
        private final List<String> allowed;

        private OneOf(List<String> allowed) {
            if (allowed.isEmpty()) {
                throw new IllegalArgumentException("oneOf needs at least one allowed value");
            }
            this.allowed = List.copyOf(allowed);
        }

        /** The allowed values, in the order given. */
        public List<String> allowed() {
            return allowed;
        }

        @Override
        public Optional<String> check(Object value) {
            if (!(value instanceof Collection<?> items)) {
                return accepts(value) ? Optional.empty() : Optional.of("is not " + describe());
            }
            return items.stream()
                    .filter(item -> !accepts(item))
                    .findFirst()
                    .map(item -> "has '" + item + "', which is not " + describe());
        }

        private boolean accepts(Object item) {
            return allowed.stream().anyMatch(a -> a.equalsIgnoreCase(item.toString()));
        }

        @Override
        public String describe() {
            return "one of " + String.join(", ", allowed);
        }
    }

    /** Text that matches {@code regex} in full; {@code description} says in words what that means. */
    public static Validator matches(String regex, String description) {
        Pattern pattern = Pattern.compile(regex);
        return simple(description, v -> {
            Collection<?> items = v instanceof Collection<?> c ? c : List.of(v);
            return items.stream().allMatch(i -> pattern.matcher(i.toString()).matches());
        }, "must be " + description);
    }

    /** Text, or a list, that is not empty. */
    public static Validator nonEmpty() {
        return simple("not empty", v -> v instanceof Collection<?> c ? !c.isEmpty() : !v.toString().isBlank(),
                "must not be empty");
    }

    /**
     * A custom check: {@code accepts} says whether a value is fine, {@code problem} what is wrong
     * when it is not, and {@code description} what is accepted.
     */
    public static Validator custom(String description, Predicate<Object> accepts, String problem) {
        return simple(description, accepts, problem);
    }

    private static Validator simple(String description, Predicate<Object> accepts, String problem) {
        Objects.requireNonNull(description, "description is null");
        Objects.requireNonNull(accepts, "accepts is null");
        Objects.requireNonNull(problem, "problem is null");
        return new Validator() {
            @Override
            public Optional<String> check(Object value) {
                return accepts.test(value) ? Optional.empty() : Optional.of(problem);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
