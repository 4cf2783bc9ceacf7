package org.ringipc.mmap.cli;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.ringipc.core.RingKey;
import org.ringipc.core.RingSelector;

/**
 * Several ring files served by one thread: their sources registered with one {@link RingSelector},
 * each with a {@link Pump} that takes what is there without waiting. The thread sleeps while every
 * ring is idle; a source at EOF is closed and the others go on; {@link #run} returns once all ended
 * (or a stop is requested). {@code ring read} and {@code ring consume} with several files use it.
 */
final class FanIn implements AutoCloseable {

    /** Takes what one source holds now, never waiting. */
    @FunctionalInterface
    interface Pump {
        /**
         * @return what was taken (bytes or messages; 0 for nothing), or -1 at EOF
         */
        int pump() throws IOException;
    }

    private final RingSelector selector = RingSelector.open();
    private final List<AnyRing> rings = new ArrayList<>();
    private int live;

    /** Opens {@code file} as the kind it holds; closed with this fan-in. */
    AnyRing open(Path file) throws IOException {
        AnyRing ring = AnyRing.open(file);
        rings.add(ring);
        return ring;
    }

    /** Serves {@code source} (an end of a ring opened here) with {@code pump} when it is readable. */
    void add(Channel source, Pump pump) throws IOException {
        selector.register(source, RingSelector.OP_READ, pump);
        live++;
    }

    /**
     * Serves every source until each reached EOF or {@code stop} says so (call {@link #wakeup()}
     * when it changes); {@code afterRound} runs after each round of ready sources (a flush, say).
     */
    void run(BooleanSupplier stop, Runnable afterRound) throws IOException {
        while (live > 0 && !stop.getAsBoolean()) {
            selector.select();
            for (Iterator<RingKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                RingKey key = it.next();
                it.remove();
                if (((Pump) key.attachment()).pump() < 0) {
                    key.channel().close();   // the key goes with its channel; the other rings go on
                    live--;
                }
            }
            afterRound.run();
        }
    }

    /** Makes {@link #run} look at its stop condition now; any thread. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        selector.close();
        for (AnyRing ring : rings) {
            ring.close();
        }
    }
}
