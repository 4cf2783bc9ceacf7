package org.ringipc.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link AllocationBenchmark} under JMH's GC profiler, shortened (one fork per operation,
 * 3 x 1 s warm-up, 2 x 1 s measurement), and requires {@code gc.alloc.rate.norm} under one byte per
 * operation for every hot path: a count of bytes, which the machine's load does not change.
 *
 * <p>It failed for {@code claim-commit} and {@code claim-commit-poll} (40 bytes per operation, the
 * claimed slice that escape analysis no longer removed) while the header's per-side fields were
 * reached through VarHandles held in an enum's fields: the JIT does not treat those as constants,
 * calls them through a generic invoker, and then did not inline the claim path into the benchmark
 * method. A plain loop in a fresh JVM did not show it (it reached 0 bytes with and without the
 * fix); JMH's benchmark method did, so this test runs the benchmark itself.
 */
class AllocationBenchmarkTest {

    private static final List<String> OPS = List.of("write-read", "offer-drain", "claim-commit", "offer-poll",
            "claim-commit-poll");

    @Test
    void noHotPathAllocatesPerOperation() throws Exception {
        // JMH's lock file would make this fail while someone runs ./ring jmh; bytes per operation do
        // not depend on what else runs
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include(AllocationBenchmark.class.getName() + ".op$")
                .param("op", OPS.toArray(String[]::new))
                .forks(1)
                // not this JVM's arguments (a debugger or coverage agent there must not follow the fork)
                .jvmArgs("--enable-native-access=ALL-UNNAMED")
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(2).measurementTime(TimeValue.seconds(1))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        Map<String, Double> bytesPerOp = new TreeMap<>();
        for (RunResult run : runs) {
            Result<?> norm = run.getSecondaryResults().get("gc.alloc.rate.norm");
            assertTrue(norm != null, "JMH's GC profiler gave no gc.alloc.rate.norm for " + run.getParams());
            bytesPerOp.put(run.getParams().getParam("op"), norm.getScore());
        }
        assertEquals(OPS.stream().sorted().toList(), new ArrayList<>(bytesPerOp.keySet()), "every op ran");
        List<String> allocating = bytesPerOp.entrySet().stream()
                .filter(e -> !(e.getValue() < 1.0))
                .map(e -> e.getKey() + "=" + e.getValue() + " B/op")
                .toList();
        assertTrue(allocating.isEmpty(), "allocates per operation: " + allocating + " (all: " + bytesPerOp + ")");
    }
}
