package dev.tributary.bench.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The median and the range of one figure over a scenario's rounds. A target is judged on the
 * median; the range tells whether one more run could have judged it the other way.
 *
 * @param runs how many values it was taken from; 1 for a scenario run once
 */
record Median(double median, double min, double max, int runs) {

    static Median of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a median of no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Median(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** The median of {@code figure} over {@code runs}, such as a scenario's rounds. */
    static <T> Median over(List<T> runs, ToDoubleFunction<T> figure) {
        return of(runs.stream().map(figure::applyAsDouble).toList());
    }

    /** The median alone when there was one run; else the median and, in parentheses, the range. */
    String format(String format) {
        String median = String.format(Locale.ROOT, format, this.median);
        return runs == 1 ? median : median + " (" + range(format) + ")";
    }

    /** Nothing for one run; else {@code " (median of N runs, min–max)"}, to follow a figure of the median. */
    String rangeNote(String format) {
        return runs == 1 ? "" : " (median of " + runs + " runs, " + range(format) + ")";
    }

    /** The lowest and highest value, as {@code min–max}. */
    String range(String format) {
        return String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max);
    }

    /** Whether some runs fall on each side of {@code goal}: the verdict of a single run could have gone either way. */
    boolean straddles(double goal) {
        return runs > 1 && min < goal && max > goal;
    }
}
