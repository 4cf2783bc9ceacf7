package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bench's two experiments run end to end, against real peer JVMs, and report every figure. */
class ExperimentsTest {

    @Test
    @Timeout(180)
    void bulkExperimentMeasuresEveryVariantThroughOnePeerAndTheRawOnesCopyRates() throws Exception {
        var out = new ByteArrayOutputStream();
        Map<String, List<Double>> figures = BulkExperiment.run("causes", 2, 5, 20, null,
                new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream(), true));
        for (BulkExperiment.Variant v : BulkExperiment.variants("causes")) {
            List<Double> rates = figures.get(v.name() + " @64 KiB");
            assertEquals(2, rates.size(), v.name() + ": " + figures.keySet());
            assertTrue(rates.stream().allMatch(r -> r > 0), v.name() + " " + rates);
            if (!v.product()) {
                assertTrue(figures.get(v.name() + " @64 KiB copy-in").stream().allMatch(r -> r > 0), v.name());
                assertTrue(figures.get(v.name() + " @64 KiB copy-out").stream().allMatch(r -> r > 0), v.name());
            }
        }
        assertTrue(out.toString().contains("raw-long-loop @64 KiB"), out.toString());
    }

    @Test
    @Timeout(120)
    void idleRingsGivesTheReadersShareOfACoreInAndAcrossProcesses() throws Exception {
        var out = new ByteArrayOutputStream();
        double[] shares = IdleRings.run(3, Duration.ofMillis(500), new PrintStream(out, true));
        assertEquals(2, shares.length);
        for (double s : shares) {
            // CPU time over wall time on this machine: never negative, never more than every core
            assertTrue(s >= 0 && s <= Runtime.getRuntime().availableProcessors(), out.toString());
        }
        assertTrue(out.toString().contains("3 idle BLOCK rings"), out.toString());
    }
}
