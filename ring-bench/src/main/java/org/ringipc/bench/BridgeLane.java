package org.ringipc.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ringipc.bridge.BridgeCommand;
import org.ringipc.core.RingStats;
import org.ringipc.mmap.SharedRing;

/**
 * The {@code bridge-udp} transport: the cost of leaving the host. Each direction is a shared ring,
 * a sending bridge, Aeron over localhost UDP, a receiving bridge and a second shared ring, all as the
 * user would run them ({@code ring bridge send/receive}, an embedded media driver per bridge):
 *
 * <pre>
 * harness -> forward.ring -> bridge send -> UDP -> bridge receive -> forward-far.ring -> peer
 * harness <- reverse.ring <- bridge receive <- UDP <- bridge send <- reverse-far.ring <- peer
 * </pre>
 *
 * Four bridge JVMs besides the harness and the peer: on a machine with few cores they compete with
 * the measured ends, as they would on a real host.
 */
final class BridgeLane {

    private BridgeLane() {
    }

    /** Harness side: the four rings, the four bridges, then the peer. */
    static CrossProcess.Session start(Path dir, List<String> peerArgs, int bufferBytes) throws IOException {
        SharedRing forward = SharedRing.create(dir.resolve("forward.ring"), CrossProcess.FORWARD_RING_BYTES);
        SharedRing reverse = SharedRing.create(dir.resolve("reverse.ring"), CrossProcess.REVERSE_RING_BYTES);
        // the far rings too, so that the peer never races a receiving bridge that creates them
        SharedRing.create(dir.resolve("forward-far.ring"), CrossProcess.FORWARD_RING_BYTES).close();
        SharedRing.create(dir.resolve("reverse-far.ring"), CrossProcess.REVERSE_RING_BYTES).close();
        String out = channel();
        String back = channel();
        List<Process> bridges = List.of(
                bridge("receive", out, dir.resolve("forward-far.ring").toString()),
                bridge("receive", back, dir.resolve("reverse.ring").toString()),
                bridge("send", dir.resolve("forward.ring").toString(), out),
                bridge("send", dir.resolve("reverse-far.ring").toString(), back));
        Process peer = CrossProcess.launch(Transport.BRIDGE_UDP, peerArgs);
        Link link = new RingLink(forward.sink(), reverse.source(), bufferBytes,
                () -> sleeps(forward) + sleeps(reverse), () -> {
                    // the harness's ends close first: EOF travels and the bridges end by themselves
                    forward.close();
                    reverse.close();
                    for (Process p : bridges) {
                        if (!p.waitFor(15, TimeUnit.SECONDS)) {
                            p.destroyForcibly();
                        }
                    }
                });
        return new CrossProcess.Session(dir, peer, link);
    }

    /** Peer side: the far ends of the far rings. */
    static Link peerLink(Path dir, int bufferBytes) throws IOException {
        SharedRing forward = SharedRing.open(dir.resolve("forward-far.ring"));
        SharedRing reverse = SharedRing.open(dir.resolve("reverse-far.ring"));
        return new RingLink(reverse.sink(), forward.source(), bufferBytes,
                () -> sleeps(forward) + sleeps(reverse), () -> {
                    forward.close();
                    reverse.close();
                });
    }

    /**
     * A bridge JVM. Its peer timeout is long: six JVMs start at once here, and a driver starved for a
     * second while they do would take its peer for dead; this lane measures speed, not peer death.
     */
    private static Process bridge(String... args) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--peer-timeout", "10000"));
        return ChildJvm.start(BridgeCommand.class, all);
    }

    /** A localhost UDP channel on a port that is free now. */
    private static String channel() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return "aeron:udp?endpoint=localhost:" + s.getLocalPort();
        }
    }

    private static long sleeps(SharedRing ring) {
        RingStats stats = ring.stats();
        return stats.producerSleeps() + stats.consumerSleeps();
    }
}
