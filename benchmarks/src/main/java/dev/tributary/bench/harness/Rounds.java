package dev.tributary.bench.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A scenario runs its subjects in rounds: every subject once per round, the order reversed from
 * one round to the next, so that a machine that slows down or speeds up over a scenario favours no
 * subject. Its figures come as one list, each subject's runs in round order; these helpers take
 * them apart again. A comparison of two subjects is made per round (the two ran minutes apart)
 * and its median taken over the rounds.
 */
final class Rounds {
    private Rounds() {
    }

    /** The subjects in the order they run in {@code round} (counted from 0). */
    static <T> List<T> inTurn(List<T> subjects, int round) {
        if (round % 2 == 0) {
            return subjects;
        }
        List<T> reversed = new ArrayList<>(subjects);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** One run of a round. */
    interface Step<T> {
        T run() throws Exception;
    }

    /** What a round's runs of two different subjects gave. */
    record Both<A, B>(A first, B second) {
    }

    /**
     * Runs {@code first} and {@code second} once each, in the order {@link #inTurn} gives for
     * {@code round}, with {@code beforeEach} before each of them (the harness checks the disk there).
     */
    static <A, B> Both<A, B> both(int round, Runnable beforeEach, Step<A> first, Step<B> second) throws Exception {
        A a = null;
        B b = null;
        for (boolean isSecond : inTurn(List.of(false, true), round)) {
            beforeEach.run();
            if (isSecond) {
                b = second.run();
            } else {
                a = first.run();
            }
        }
        return new Both<>(a, b);
    }

    /** The runs of {@code kind}, in round order. */
    static List<Figures> runs(List<Figures> figures, Subject.Kind kind) {
        return figures.stream().filter(f -> f.kind() == kind).toList();
    }

    /** The median of {@code figure} over the runs of {@code kind}; null when it did not run. */
    static Median median(List<Figures> figures, Subject.Kind kind, ToDoubleFunction<Figures> figure) {
        List<Figures> runs = runs(figures, kind);
        return runs.isEmpty() ? null : Median.over(runs, figure);
    }

    /**
     * The median over the rounds of {@code figure} of {@code numerator}'s run divided by that of
     * {@code denominator}'s run in the same round; null when either did not run.
     */
    static Median ratio(List<Figures> figures, Subject.Kind numerator, Subject.Kind denominator,
            ToDoubleFunction<Figures> figure) {
        return perRound(figures, numerator, denominator, (a, b) -> figure.applyAsDouble(a) / figure.applyAsDouble(b));
    }

    /** As {@link #ratio}, for the difference {@code numerator − denominator}. */
    static Median difference(List<Figures> figures, Subject.Kind minuend, Subject.Kind subtrahend,
            ToDoubleFunction<Figures> figure) {
        return perRound(figures, minuend, subtrahend, (a, b) -> figure.applyAsDouble(a) - figure.applyAsDouble(b));
    }

    private static Median perRound(List<Figures> figures, Subject.Kind first, Subject.Kind second,
            java.util.function.BiFunction<Figures, Figures, Double> compare) {
        List<Figures> a = runs(figures, first);
        List<Figures> b = runs(figures, second);
        int rounds = Math.min(a.size(), b.size());
        if (rounds == 0) {
            return null;
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            values.add(compare.apply(a.get(i), b.get(i)));
        }
        return Median.of(values);
    }
}
