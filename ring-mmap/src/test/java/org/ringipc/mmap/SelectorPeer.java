package org.ringipc.mmap;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

import org.ringipc.core.RingKey;
import org.ringipc.core.RingSelector;
import org.ringipc.core.RingSource;

/**
 * The one-thread server of the selector tests (started by {@link ChildJvm}):
 * {@code serve DIR COUNT} opens the byte rings {@code DIR/ring-0 .. ring-(COUNT-1)}, registers
 * every source with one {@link RingSelector}, prints {@code ready}, then serves them all from the
 * main thread: for each ring that reaches EOF it prints {@code eof I BYTES CRC32C}, and when all
 * did, {@code waits [how the selects slept]}.
 */
public final class SelectorPeer {

    private SelectorPeer() {
    }

    static Path ring(Path dir, int i) {
        return dir.resolve("ring-" + i);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        SharedRing[] rings = new SharedRing[count];
        long[] bytes = new long[count];
        CRC32C[] crcs = new CRC32C[count];
        Set<String> waits = new TreeSet<>();
        try (RingSelector selector = RingSelector.open()) {
            for (int i = 0; i < count; i++) {
                rings[i] = SharedRing.open(ring(dir, i));
                crcs[i] = new CRC32C();
                selector.register(rings[i].source(), RingSelector.OP_READ, i);
            }
            System.out.println("ready");
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            for (int open = count; open > 0; ) {
                selector.select();
                waits.add(selector.waitDescription());
                for (Iterator<RingKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    RingKey key = it.next();
                    it.remove();
                    int i = (Integer) key.attachment();
                    RingSource source = (RingSource) key.channel();
                    int n;
                    while ((n = source.tryRead(buf.clear())) > 0) {
                        crcs[i].update(buf.flip());
                        bytes[i] += n;
                    }
                    if (n < 0) {
                        System.out.println("eof " + i + " " + bytes[i] + " " + crcs[i].getValue());
                        source.close();
                        open--;
                    }
                }
            }
        }
        for (SharedRing ring : rings) {
            ring.close();
        }
        System.out.println("waits " + waits);
    }
}
