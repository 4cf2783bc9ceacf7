package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void medianOfAnOddCountIsTheMiddleRoundWhateverTheOrder() {
        Summary s = Summary.of(9, 1, 5);
        assertEquals(5, s.median());
        assertEquals(1, s.min());
        assertEquals(9, s.max());
        assertEquals(3, s.runs());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleRounds() {
        assertEquals(2.5, Summary.of(4, 1, 3, 2).median());
    }

    @Test
    void oneRoundIsItsOwnMedianMinAndMax() {
        assertEquals(new Summary(7, 7, 7, 1), Summary.of(7));
    }

    @Test
    void noRoundsIsRejectedWithTheCount() {
        var e = assertThrows(IllegalArgumentException.class, Summary::of);
        assertEquals("values.length=0, expected at least one round", e.getMessage());
    }

    @Test
    void summaryDoesNotReorderTheCallersArray() {
        double[] rounds = {3, 1, 2};
        Summary.of(rounds);
        assertEquals(3, rounds[0]);
    }

    @Test
    void resultsGroupRoundsByTransportMetricAndChunk() {
        Results r = new Results();
        r.add(Transport.PIPE, Metric.THROUGHPUT, 4096, 10);
        r.add(Transport.PIPE, Metric.THROUGHPUT, 4096, 30);
        r.add(Transport.PIPE, Metric.THROUGHPUT, 4096, 20);
        r.add(Transport.PIPE, Metric.THROUGHPUT, 65536, 99);
        assertEquals(new Summary(20, 10, 30, 3), r.summary(Transport.PIPE, Metric.THROUGHPUT, 4096).orElseThrow());
        assertEquals(99, r.median(Transport.PIPE, Metric.THROUGHPUT, 65536).orElseThrow());
        assertEquals(2, r.summaries().size());
        assertEquals(java.util.Optional.empty(), r.median(Transport.RING_SPIN, Metric.THROUGHPUT, 4096));
    }
}
