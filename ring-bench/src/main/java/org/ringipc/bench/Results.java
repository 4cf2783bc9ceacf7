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
    private final Map<Key, List<Long>> placements = new LinkedHashMap<>();
    private final List<Long> probes = new ArrayList<>();
    private final Map<Transport, String> skipped = new LinkedHashMap<>();
    private long placement = -1;

    /** Records one round's {@code value}, with the latest {@link #placement} probe. */
    public void add(Transport transport, Metric metric, int chunkBytes, double value) {
        Key key = new Key(transport, metric, chunkBytes);
        rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        placements.computeIfAbsent(key, k -> new ArrayList<>()).add(placement);
    }

    /**
     * Records a {@link Placement} probe (the cache-line round trip between the two CPUs, ns); every
     * figure added after it, until the next probe, is taken to have run under it.
     */
    public void placement(long nanos) {
        placement = nanos;
        probes.add(nanos);
    }

    /** Every placement probe, in the order taken. */
    public List<Long> probes() {
        return List.copyOf(probes);
    }

    /**
     * The placement probe each round of one figure ran under, in the order recorded (-1 for a round
     * added before any probe); empty if it was not measured.
     */
    public List<Long> placements(Transport transport, Metric metric, int chunkBytes) {
        return List.copyOf(placements.getOrDefault(new Key(transport, metric, chunkBytes), List.of()));
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
