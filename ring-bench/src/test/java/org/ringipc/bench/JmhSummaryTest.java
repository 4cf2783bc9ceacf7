package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhSummaryTest {

    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\","
            + "\"Unit\",\"Param: capacity\",\"Param: chunkBytes\",\"Param: impl\",\"Param: ring\",\"Param: size\"";

    private static String row(String bench, double score, String chunk, String impl, String ring, String size) {
        return "\"org.ringipc.bench." + bench + "\",\"thrpt\",2,5," + score + ",1.5,\"ops/s\",1048576,"
                + chunk + "," + impl + "," + ring + "," + size;
    }

    @Test
    void pivotsTheConsumerCountersBySizeAndImplementationWithRatiosToTheBaseline() {
        List<String> csv = List.of(HEADER,
                row("MessageBenchmark.messages", 99e6, "", "agrona", "", "32"),
                row("MessageBenchmark.messages:messagesTaken", 10e6, "", "agrona", "", "32"),
                row("MessageBenchmark.messages:failedOffers", 7.777e6, "", "agrona", "", "32"),
                row("MessageBenchmark.messages:messagesTaken", 15e6, "", "message-ring", "", "32"),
                row("MessageBenchmark.messages:messagesTaken", 4e6, "", "agrona", "", "1024"),
                row("ByteRingBenchmark.bytes:bytesTaken", 2e9, "65536", "", "ring", ""),
                row("ByteRingBenchmark.bytes:bytesTaken", 5e8, "65536", "", "locked-ring", ""));
        String out = JmhSummary.render(csv);
        assertTrue(out.contains("Messages taken per second"), out);
        String m32 = out.lines().filter(l -> l.startsWith("32 ")).findFirst().orElseThrow();
        assertTrue(m32.contains("10,000,000") && m32.contains("15,000,000") && m32.endsWith("1.50x"), m32);
        String m1024 = out.lines().filter(l -> l.startsWith("1024 ")).findFirst().orElseThrow();
        assertTrue(m1024.contains("4,000,000") && m1024.contains("-"), m1024);
        String b64 = out.lines().filter(l -> l.startsWith("65536 ")).findFirst().orElseThrow();
        assertTrue(b64.contains("2,000") && b64.contains("500") && b64.endsWith("4.00x"), b64);
        assertTrue(!out.contains("99,000,000") && !out.contains("7,777,000"), "only the taken counters: " + out);
    }

    @Test
    void quotedFieldsMayHoldCommasAndQuotes() {
        assertEquals(List.of("a,b", "say \"hi\"", "3.5", ""), JmhSummary.fields("\"a,b\",\"say \"\"hi\"\"\",3.5,"));
    }

    @Test
    void aFileThatIsNotJmhCsvIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> JmhSummary.render(List.of("hello")));
        assertTrue(e.getMessage().contains("not a JMH CSV result"), e.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> JmhSummary.render(List.of(HEADER)));
        assertTrue(none.getMessage().contains("no messagesTaken or bytesTaken rows"), none.getMessage());
    }
}
