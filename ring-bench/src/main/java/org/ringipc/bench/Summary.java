package org.ringipc.bench;

import java.util.Arrays;

/**
 * The median of the rounds of one figure, with the smallest and largest round: on a noisy
 * machine the spread says how far to trust the median.
 *
 * @param median the median of the rounds (the mean of the two middle rounds for an even count)
 * @param min    the smallest round
 * @param max    the largest round
 * @param runs   how many rounds
 */
public record Summary(double median, double min, double max, int runs) {

    /** Summarises {@code values}, one per round; an {@link IllegalArgumentException} when empty. */
    public static Summary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values.length=0, expected at least one round");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new Summary(median, sorted[0], sorted[n - 1], n);
    }
}
