package org.ringipc.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every round's figure, grouped by transport, metric and chunk size. Not thread-safe: the harness
 * records from its main thread only.
 */
public final class Results {

    /**
     * What one figure is about.
     *
     * @param transport  what moved the bytes
     * @param metric     what was measured
     * @param chunkBytes bytes per write (1 for round trips)
     */
    public record Key(Transport transport, Metric metric, int chunkBytes) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::transport)
                .thenComparing(Key::metric).thenComparingInt(Key::chunkBytes);
    }

    private final Map<Key, List<Double>> rounds = new LinkedHashMap<>();
    /** Per figure, per round: the placement probes taken just before and just after it ({@code {before, after}}, -1 for none). */
    private final Map<Key, List<long[]>> placements = new LinkedHashMap<>();
    private final List<Long> probes = new ArrayList<>();
    private final List<long[]> awaitingAfter = new ArrayList<>();
    private final Map<Transport, String> skipped = new LinkedHashMap<>();
    private long placement = -1;

    /** Records one round's {@code value}, with the latest {@link #placement} probe as the one before it. */
    public void add(Transport transport, Metric metric, int chunkBytes, double value) {
        Key key = new Key(transport, metric, chunkBytes);
        rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        long[] probe = {placement, -1};
        placements.computeIfAbsent(key, k -> new ArrayList<>()).add(probe);
        awaitingAfter.add(probe);
    }

    /**
     * Records a {@link Placement} probe (the cache-line round trip between the two CPUs, ns): it is
     * the probe after every figure added since the previous probe, and the probe before every figure
     * added from now until the next one. The host can move the CPUs in the middle of a measurement,
     * so a figure is judged by both.
     */
    public void placement(long nanos) {
        for (long[] probe : awaitingAfter) {
            probe[1] = nanos;
        }
        awaitingAfter.clear();
        placement = nanos;
        probes.add(nanos);
    }

    /** Every placement probe, in the order taken. */
    public List<Long> probes() {
        return List.copyOf(probes);
    }

    /**
     * The placement probes before and after each round of one figure ({@code {before, after}}, -1
     * where there was none), in the order recorded; empty if it was not measured.
     */
    public List<long[]> placements(Transport transport, Metric metric, int chunkBytes) {
        return placements.getOrDefault(new Key(transport, metric, chunkBytes), List.of()).stream()
                .map(long[]::clone).toList();
    }

    /** The summary of every figure recorded so far, in transport, metric and chunk order. */
    public Map<Key, Summary> summaries() {
        Map<Key, Summary> out = new LinkedHashMap<>();
        rounds.keySet().stream().sorted(Key.ORDER).forEach(k -> out.put(k, summarise(rounds.get(k))));
        return out;
    }

    /** The summary of one figure, if it was measured. */
    public Optional<Summary> summary(Transport transport, Metric metric, int chunkBytes) {
        List<Double> values = rounds.get(new Key(transport, metric, chunkBytes));
        return values == null ? Optional.empty() : Optional.of(summarise(values));
    }

    /** Every round's value of one figure, in the order recorded; empty if it was not measured. */
    public List<Double> rounds(Transport transport, Metric metric, int chunkBytes) {
        return List.copyOf(rounds.getOrDefault(new Key(transport, metric, chunkBytes), List.of()));
    }

    /** The median of one figure, if it was measured. */
    public Optional<Double> median(Transport transport, Metric metric, int chunkBytes) {
        return summary(transport, metric, chunkBytes).map(Summary::median);
    }

    /**
     * Records that {@code transport} could not run here, and why (a missing C compiler, say): the
     * report says so in one line instead of failing the run. Recording it again keeps one entry.
     */
    public void skip(Transport transport, String reason) {
        skipped.put(transport, reason);
    }

    /** The transports that were skipped, with why, in the order first recorded. */
    public Map<Transport, String> skipped() {
        return java.util.Collections.unmodifiableMap(skipped);
    }

    /** True until the first figure is recorded. */
    public boolean isEmpty() {
        return rounds.isEmpty();
    }

    private static Summary summarise(List<Double> values) {
        return Summary.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
