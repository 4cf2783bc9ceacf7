package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-process lanes' own JVM: a real child JVM that runs rounds and hands back their figures. */
class InProcessJvmTest {

    private static final BenchConfig TINY = BenchConfig.quick().withRounds(1)
            .withTimes(Duration.ofMillis(5), Duration.ofMillis(20)).withChunkSizes(List.of(4096));

    @Test
    @Timeout(120)
    void eachRoundBringsBackEveryFigureOfEveryTransport() throws Exception {
        List<Transport> lanes = List.of(Transport.AGRONA, Transport.MESSAGE_RING);
        Results results = new Results();
        try (InProcessJvm jvm = InProcessJvm.start(TINY, lanes)) {
            jvm.round(lanes, results);
            jvm.round(List.of(Transport.MESSAGE_RING, Transport.AGRONA), results);
        }
        for (Transport t : lanes) {
            List<Double> messages = results.rounds(t, Metric.MESSAGES, 32);
            assertEquals(2, messages.size(), t + ": " + messages);
            assertTrue(messages.stream().allMatch(v -> v > 0), t + ": " + messages);
        }
        assertEquals(2, results.rounds(Transport.AGRONA, Metric.THROUGHPUT, 4096).size());
        assertTrue(results.rounds(Transport.MESSAGE_RING, Metric.THROUGHPUT, 4096).isEmpty(),
                "message-ring has no bulk figure");
    }

    @Test
    @Timeout(120)
    void aChildThatDiedIsAClearErrorNotAHang() throws Exception {
        try (InProcessJvm jvm = InProcessJvm.start(TINY, List.of(Transport.AGRONA))) {
            jvm.awaitReady();
            jvm.handle().destroyForcibly();
            jvm.handle().onExit().join();
            IOException e = assertThrows(IOException.class, () -> jvm.round(List.of(Transport.AGRONA), new Results()));
            assertTrue(e.getMessage().contains("the in-process lanes' JVM (pid " + jvm.handle().pid() + ")"), e.getMessage());
        }
    }
}
