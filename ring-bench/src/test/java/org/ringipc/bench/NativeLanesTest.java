package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The c-ring and c-to-java lanes against ring-c's real C programs, and what happens without them. */
class NativeLanesTest {

    private static final BenchConfig TINY = BenchConfig.quick().withRounds(1)
            .withTimes(Duration.ofMillis(5), Duration.ofMillis(20)).withChunkSizes(List.of(4096, 65536));

    /**
     * ring-c's build folder, built as {@code ./ring bench} builds it when the reactor has not yet (ring-c
     * comes after ring-bench); the tests that need it are skipped only where no C compiler exists.
     */
    private static Path cPrograms() throws Exception {
        Path dir = NativeLanes.programDir();
        if (NativeLanes.unavailable(dir).isPresent()) {
            Process build = new ProcessBuilder("sh", "src/build/build-c.sh").directory(dir.getParent().toFile())
                    .redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(build.waitFor() == 0, "ring-c's C programs cannot be built here: " + output);
        }
        return dir;
    }

    @ParameterizedTest
    @EnumSource(names = {"C_RING", "C_TO_JAVA"})
    @Timeout(120)
    void cLaneReportsEveryFigureOfACrossProcessLane(Transport transport) throws Exception {
        Results results = new Results();
        NativeLanes.round(transport, TINY, results, cPrograms());
        double p50 = results.median(transport, Metric.RTT_P50, 1).orElseThrow();
        double p999 = results.median(transport, Metric.RTT_P999, 1).orElseThrow();
        double max = results.median(transport, Metric.RTT_MAX, 1).orElseThrow();
        assertTrue(p50 > 0 && p50 <= p999 && p999 <= max, transport + " p50=" + p50 + " p99.9=" + p999 + " max=" + max);
        assertTrue(results.median(transport, Metric.RTT_IDLE_P50, 1).orElseThrow() > 0);
        for (int chunk : TINY.chunkSizes()) {
            assertTrue(results.median(transport, Metric.THROUGHPUT, chunk).orElseThrow() > 0, transport + " " + chunk);
        }
        // both rings spin: no end ever sleeps, as the shared headers count it
        assertEquals(0.0, results.median(transport, Metric.SLEEPS_PER_RTT, 1).orElseThrow());
        assertEquals(0.0, results.median(transport, Metric.SLEEPS_PER_IDLE_RTT, 1).orElseThrow());
        assertEquals(4 + 2 + 2 + TINY.chunkSizes().size(), results.summaries().size(), results.summaries().keySet().toString());
        assertTrue(results.skipped().isEmpty());
    }

    @Test
    @Timeout(60)
    void withoutTheCProgramsBothLanesAreSkippedWithTheReasonAndTheRunGoesOn(@TempDir Path empty) throws Exception {
        Results results = new Results();
        NativeLanes.round(Transport.C_RING, TINY, results, empty);
        NativeLanes.round(Transport.C_TO_JAVA, TINY, results, empty);
        CrossProcessBench.round(Transport.SHM_LIMIT, TINY, results);
        assertEquals(List.of(Transport.C_RING, Transport.C_TO_JAVA), List.copyOf(results.skipped().keySet()));
        assertTrue(results.skipped().get(Transport.C_RING).startsWith(empty.resolve("cring-peer") + " is not built"),
                results.skipped().toString());
        assertTrue(results.summaries().keySet().stream().allMatch(k -> k.transport() == Transport.SHM_LIMIT),
                results.summaries().toString());
    }

    @Test
    @Timeout(120)
    void javaToCRunsTheHarnessAgainstTheCPeerAndReportsEveryFigure() throws Exception {
        Results results = javaToC(cPrograms());
        assertTrue(results.skipped().isEmpty(), results.skipped().toString());
        assertTrue(results.median(Transport.JAVA_TO_C, Metric.RTT_P50, 1).orElseThrow() > 0);
        assertTrue(results.median(Transport.JAVA_TO_C, Metric.RTT_IDLE_P50, 1).orElseThrow() > 0);
        for (int chunk : TINY.chunkSizes()) {
            assertTrue(results.median(Transport.JAVA_TO_C, Metric.THROUGHPUT, chunk).orElseThrow() > 0, "java-to-c " + chunk);
        }
        // both rings spin: the C peer never sleeps, as the shared headers count it
        assertEquals(0.0, results.median(Transport.JAVA_TO_C, Metric.SLEEPS_PER_RTT, 1).orElseThrow());
    }

    @Test
    @Timeout(60)
    void withoutTheCPeerJavaToCIsSkippedWithTheReason(@TempDir Path empty) throws Exception {
        Results results = javaToC(empty);
        assertEquals(List.of(Transport.JAVA_TO_C), List.copyOf(results.skipped().keySet()));
        assertTrue(results.skipped().get(Transport.JAVA_TO_C).startsWith(empty.resolve("cring-peer") + " is not built"),
                results.skipped().toString());
        assertTrue(results.summaries().isEmpty(), results.summaries().toString());
    }

    /** One round of java-to-c with the C programs looked up in {@code dir}. */
    private static Results javaToC(Path dir) throws IOException {
        Results results = new Results();
        String before = System.setProperty(NativeLanes.DIR_PROPERTY, dir.toString());
        try {
            CrossProcessBench.round(Transport.JAVA_TO_C, TINY, results);
        } finally {
            if (before == null) {
                System.clearProperty(NativeLanes.DIR_PROPERTY);
            } else {
                System.setProperty(NativeLanes.DIR_PROPERTY, before);
            }
        }
        return results;
    }

    @Test
    void aDriverLineIsRecordedByItsMetricNameAndAnythingElseIsAClearError() throws Exception {
        Results results = new Results();
        NativeLanes.record("throughput_mb_s 65536 1234.500", Transport.C_RING, results);
        assertEquals(1234.5, results.median(Transport.C_RING, Metric.THROUGHPUT, 65536).orElseThrow());
        for (String bad : List.of("", "rtt_p50_ns 1", "no_such_metric 1 2", "rtt_p50_ns one 2", "rtt_p50_ns 1 x")) {
            IOException e = assertThrows(IOException.class, () -> NativeLanes.record(bad, Transport.C_RING, results));
            assertTrue(e.getMessage().contains("\"" + bad + "\", not METRIC CHUNK VALUE"), e.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void theCPeerRefusesABadPhaseWithExitCodeTwo() throws Exception {
        Path program = cPrograms().resolve(NativeLanes.PROGRAM);
        Process p = new ProcessBuilder(program.toString(), "c-ring", "/nonexistent", "4096", "bulk:8192")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), output);
        assertTrue(output.contains("phase=bulk:8192 is not rtt or bulk:CHUNK"), output);
    }
}
