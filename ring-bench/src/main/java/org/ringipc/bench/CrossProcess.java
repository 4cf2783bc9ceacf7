package org.ringipc.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingStats;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

/**
 * Sets up both ends of a cross-process transport in a fresh folder (under /dev/shm when there is
 * one): the harness end here, the peer end in {@link Peer}. "Forward" is harness to peer,
 * "reverse" peer to harness.
 */
final class CrossProcess {

    /** The forward ring carries the bulk chunks: big enough for a 1 MiB chunk to go in whole. */
    static final int FORWARD_RING_BYTES = 4 << 20;
    /** The reverse ring carries only one-byte replies. */
    static final int REVERSE_RING_BYTES = 64 << 10;
    /** The file in a tcp-loopback session's folder that holds the harness's port. */
    private static final String PORT_FILE = "port";
    /** The FIFO in a session's folder through which the harness starts each round of the peer. */
    static final String CONTROL_FIFO = "control.fifo";

    private CrossProcess() {
    }

    /**
     * A running peer and the harness's link to it. Closing ends the peer (waiting for it a little
     * first) and removes the folder.
     */
    static final class Session implements Closeable {
        private final Path dir;
        private final Process peer;
        private final Link link;
        private FileChannel control;
        private int roundsStarted;
        private boolean ending;

        Session(Path dir, Process peer, Link link) {
            this.dir = dir;
            this.peer = peer;
            this.link = link;
        }

        Link link() {
            return link;
        }

        /** The peer JVM. */
        Process peer() {
            return peer;
        }

        /** How many rounds this peer has been told to run so far: 0 means its JVM is fresh. */
        int roundsStarted() {
            return roundsStarted;
        }

        /**
         * Tells the peer to run its script once more. Between rounds it sleeps in a blocking read
         * of the control FIFO, so an idle peer of a spinning transport takes no core from the
         * transports measured meanwhile.
         */
        void startRound() throws IOException {
            if (control == null) {
                // waits for the peer to open its end, after its link
                control = FileChannel.open(dir.resolve(CONTROL_FIFO), StandardOpenOption.WRITE);
            }
            control.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            roundsStarted++;
        }

        /**
         * Tells the peer to end (EOF on its control FIFO, its link closed) without waiting for it, so
         * that a run's peers shut their JVMs down together rather than one after the other (about
         * half a second each). A bridge-udp link's close does wait, for its bridge JVMs. Idempotent;
         * {@link #close} calls it first.
         */
        void requestEnd() throws IOException {
            if (ending) {
                return;
            }
            ending = true;
            try {
                if (control != null) {
                    control.close();   // EOF: the peer leaves its round loop and closes its end
                }
            } finally {
                link.close();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                requestEnd();
                if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                    peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                peer.destroyForcibly();
            } finally {
                deleteTree(dir);
            }
        }
    }

    /**
     * Prepares {@code transport}, starts its peer with the {@code phases} it will go through, and
     * connects. When the peer dies before the session is over, the harness cannot always be woken
     * (a FIFO open, a spinning ring read), so it says so and exits.
     */
    static Session start(Transport transport, List<String> phases, int bufferBytes) throws IOException {
        Path dir = tempDir(transport.id());
        Fifo.make(dir.resolve(CONTROL_FIFO));
        List<String> args = new ArrayList<>();
        args.add(transport.id());
        args.add(dir.toString());
        args.add(Integer.toString(bufferBytes));
        args.addAll(phases);
        try {
            return switch (transport) {
                case RING_SPIN, RING_BLOCK, JAVA_TO_C, RING_SPIN_MEMCPY -> {
                    RingOptions opts = RingOptions.defaults().withWaitStrategy(
                            transport == Transport.RING_BLOCK ? WaitStrategy.BLOCK : WaitStrategy.SPIN);
                    if (transport == Transport.RING_SPIN_MEMCPY) {
                        opts = opts.withNativeCopy(true);   // this process's ends only: the file does not record it
                    }
                    SharedRing forward = SharedRing.create(dir.resolve("forward.ring"), FORWARD_RING_BYTES, opts);
                    SharedRing reverse = SharedRing.create(dir.resolve("reverse.ring"), REVERSE_RING_BYTES, opts);
                    checkNativeCopy(transport, forward);
                    Process peer = transport == Transport.JAVA_TO_C
                            ? NativeLanes.startPeer(NativeLanes.programDir(), args) : launch(transport, args);
                    Link link = new RingLink(forward.sink(), reverse.source(), bufferBytes,
                            () -> sleeps(forward) + sleeps(reverse), () -> {
                                forward.close();
                                reverse.close();
                            });
                    yield new Session(dir, peer, link);
                }
                case PIPE -> {
                    Fifo.make(dir.resolve("forward.fifo"));
                    Fifo.make(dir.resolve("reverse.fifo"));
                    Process peer = launch(transport, args);
                    // the same open order on both sides: a FIFO open waits for the other end
                    FileChannel out = FileChannel.open(dir.resolve("forward.fifo"), StandardOpenOption.WRITE);
                    FileChannel in = FileChannel.open(dir.resolve("reverse.fifo"), StandardOpenOption.READ);
                    yield new Session(dir, peer, new ChannelLink(in, out, bufferBytes));
                }
                case UNIX_SOCKET -> {
                    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                        server.bind(UnixDomainSocketAddress.of(dir.resolve("socket")));
                        Process peer = launch(transport, args);
                        SocketChannel ch = server.accept();
                        yield new Session(dir, peer, new ChannelLink(ch, ch, bufferBytes));
                    }
                }
                case TCP_LOOPBACK -> {
                    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                        // the peer learns the port the kernel chose from a file in the session's folder
                        Files.writeString(dir.resolve(PORT_FILE),
                                Integer.toString(((InetSocketAddress) server.getLocalAddress()).getPort()));
                        Process peer = launch(transport, args);
                        SocketChannel ch = server.accept();
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        yield new Session(dir, peer, new ChannelLink(ch, ch, bufferBytes));
                    }
                }
                case RAW_RING -> {
                    Link link = RawRingLink.create(dir, bufferBytes, RawRing.Tuning.LANE.prefaulted(), FORWARD_RING_BYTES);
                    yield new Session(dir, launch(transport, args), link);
                }
                case BRIDGE_UDP -> BridgeLane.start(dir, args, bufferBytes);
                case MESSAGE_RING_SPIN, MESSAGE_RING_BLOCK -> {
                    Link link = MessageRingLink.create(dir, transport, bufferBytes);
                    yield new Session(dir, launch(transport, args), link);
                }
                default -> throw new IllegalArgumentException("transport=" + transport.id() + " has no link");
            };
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * {@code ring-spin-memcpy} only: fails when {@code ring}'s sink would not copy natively (no native
     * access for ring-core here), so that the lane never reports {@code ring-spin} under its name.
     */
    private static void checkNativeCopy(Transport transport, SharedRing ring) {
        if (transport == Transport.RING_SPIN_MEMCPY && !ring.nativeCopy()) {
            throw new IllegalStateException(transport.id() + ": native copy is not available in this JVM (pid "
                    + ProcessHandle.current().pid() + "); run it with --enable-native-access=ALL-UNNAMED (class path)");
        }
    }

    /** Sleeps of both ends of {@code ring}, from its shared header (so the peer's count too). */
    private static long sleeps(SharedRing ring) {
        RingStats stats = ring.stats();
        return stats.producerSleeps() + stats.consumerSleeps();
    }

    /** Peer side of {@link #start}: opens the other ends in {@code dir}. */
    static Link peerLink(Transport transport, Path dir, int bufferBytes) throws IOException {
        return switch (transport) {
            case RING_SPIN, RING_BLOCK, RING_SPIN_MEMCPY -> {
                // native copy is per process: the peer asks for it on its own ends
                boolean nativeCopy = transport == Transport.RING_SPIN_MEMCPY;
                SharedRing forward = SharedRing.open(dir.resolve("forward.ring"), nativeCopy);
                SharedRing reverse = SharedRing.open(dir.resolve("reverse.ring"), nativeCopy);
                checkNativeCopy(transport, reverse);
                yield new RingLink(reverse.sink(), forward.source(), bufferBytes,
                        () -> sleeps(forward) + sleeps(reverse), () -> {
                            forward.close();
                            reverse.close();
                        });
            }
            case PIPE -> {
                FileChannel in = FileChannel.open(dir.resolve("forward.fifo"), StandardOpenOption.READ);
                FileChannel out = FileChannel.open(dir.resolve("reverse.fifo"), StandardOpenOption.WRITE);
                yield new ChannelLink(in, out, bufferBytes);
            }
            case UNIX_SOCKET -> {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("socket")));
                yield new ChannelLink(ch, ch, bufferBytes);
            }
            case TCP_LOOPBACK -> {
                int port = Integer.parseInt(Files.readString(dir.resolve(PORT_FILE)).strip());
                SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                yield new ChannelLink(ch, ch, bufferBytes);
            }
            case RAW_RING -> RawRingLink.open(dir, bufferBytes, RawRing.Tuning.LANE);
            case BRIDGE_UDP -> BridgeLane.peerLink(dir, bufferBytes);
            case MESSAGE_RING_SPIN, MESSAGE_RING_BLOCK -> MessageRingLink.open(dir, bufferBytes);
            default -> throw new IllegalArgumentException("transport=" + transport.id() + " has no link");
        };
    }

    /** Starts a peer, and a watchdog that ends this JVM if the peer fails mid-session. */
    static Process launch(Transport transport, List<String> args) throws IOException {
        Process peer = ChildJvm.start(Peer.class, args);
        peer.onExit().thenAccept(p -> {
            if (p.exitValue() != 0) {
                System.err.printf("%nring-bench: the %s peer (pid %d) failed with exit code %d; see its output above%n",
                        transport.id(), p.pid(), p.exitValue());
                System.exit(2);
            }
        });
        return peer;
    }

    static Path tempDir(String name) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "ring-bench-" + name + "-")
                : Files.createTempDirectory("ring-bench-" + name + "-");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
