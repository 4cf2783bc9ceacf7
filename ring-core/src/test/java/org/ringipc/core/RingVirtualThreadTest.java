package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** BLOCK waits park, so a virtual thread unmounts instead of pinning its carrier. */
@Timeout(120)
class RingVirtualThreadTest {

    @Test
    void aThousandVirtualThreadReadersOnTwoCarriersAllComplete() throws Exception {
        // surefire starts this JVM with parallelism=2 and maxPoolSize=2: no spare carriers to pin
        assertEquals("2", System.getProperty("jdk.virtualThreadScheduler.maxPoolSize"));
        int count = 1000;
        List<Ring> rings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rings.add(Ring.allocate(4096));
        }
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> totals = new ArrayList<>();
            for (Ring ring : rings) {
                RingSource source = ring.source();
                totals.add(readers.submit(() -> {
                    long total = 0;
                    ByteBuffer in = ByteBuffer.allocate(64);
                    for (int n; (n = source.read(in.clear())) >= 0; ) {
                        total += n;
                    }
                    return total;
                }));
            }
            Thread.sleep(200);   // every reader is now asleep on an empty ring
            for (int i = 0; i < count; i++) {
                try (RingSink sink = rings.get(i).sink()) {
                    sink.write(ByteBuffer.allocate(100 + i));
                }
            }
            for (int i = 0; i < count; i++) {
                assertEquals(100 + i, totals.get(i).get());
            }
        } finally {
            rings.forEach(Ring::close);
        }
    }
}
