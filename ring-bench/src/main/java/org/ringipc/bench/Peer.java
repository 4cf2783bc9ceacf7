package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The far end of a cross-process measurement, run in its own JVM by the harness:
 * {@code Peer TRANSPORT DIR BUFFER_BYTES PHASE...}, where each phase is {@code rtt} (echo until
 * told to stop) or {@code bulk:CHUNK} (read chunks until the last one, then acknowledge). It runs
 * the phases once for every byte the harness writes to the session's control FIFO, so one peer
 * JVM serves every round of its transport, and ends when the harness closes the FIFO. For
 * {@code shm-limit} it only answers cache-line pings. Not meant to be run by hand.
 */
public final class Peer {

    private Peer() {
    }

    /** Entry point; exits 0 when every phase ran, 1 (with a message on stderr) otherwise. */
    public static void main(String[] args) {
        ChildJvm.haltWhenParentGoes();
        try {
            run(args);
        } catch (IOException | RuntimeException e) {
            System.err.println("ring-bench peer " + String.join(" ", args) + ": " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(String[] args) throws IOException {
        // the harness says which CPU this end runs on, when it pins the two ends of its lanes
        Affinity.pinFromEnvironment();
        Transport transport = Transport.byId(args[0]);
        Path dir = Path.of(args[1]);
        if (transport == Transport.SHM_LIMIT) {
            try (Arena arena = Arena.ofConfined()) {
                ShmPingPong.map(dir.resolve("line"), arena).pong();
            }
            return;
        }
        int bufferBytes = Integer.parseInt(args[2]);
        try (Link link = CrossProcess.peerLink(transport, dir, bufferBytes);
             FileChannel control = FileChannel.open(dir.resolve(CrossProcess.CONTROL_FIFO), StandardOpenOption.READ)) {
            // one byte from the harness per round; EOF when it is done with this peer
            ByteBuffer go = ByteBuffer.allocate(1);
            while (control.read(go.clear()) > 0) {
                runPhases(link, java.util.Arrays.asList(args).subList(3, args.length));
            }
        }
    }

    /** Runs the peer's side of each phase once, in order: {@code rtt} or {@code bulk:CHUNK}. */
    static void runPhases(Link link, java.util.List<String> phases) throws IOException {
        for (String phase : phases) {
            if (phase.equals("rtt")) {
                Protocol.echo(link);
            } else if (phase.startsWith("bulk:")) {
                Protocol.drain(link, Integer.parseInt(phase.substring("bulk:".length())));
            } else {
                throw new IllegalArgumentException("phase=" + phase + " is not rtt or bulk:CHUNK");
            }
        }
    }
}
