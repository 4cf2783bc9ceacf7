package org.ringipc.bridge;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ring bridge}: carries a shared byte ring to another host over Aeron.
 *
 * <p>{@code send FILE CHANNEL} takes the consumer end of FILE and publishes what it reads;
 * {@code receive CHANNEL FILE} subscribes and writes into the producer end of FILE. Each Aeron
 * message is one frame: a type byte ({@link #DATA} or {@link #EOF}) then the payload. The sender
 * reads from the ring only after the previous frame went out, so a back-pressured publication
 * stops the draining and the local writer waits (BLOCK) or drops (DROP) as with a slow reader.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Bridge a shared ring to another host over Aeron.",
        subcommands = {BridgeCommand.Send.class, BridgeCommand.Receive.class})
public final class BridgeCommand implements Runnable {

    /** Frame type: ring bytes follow. */
    static final byte DATA = 0;
    /** Frame type: the local writer closed; no bytes follow. */
    static final byte EOF = 1;
    /** Aeron stream id used by both ends. */
    static final int STREAM_ID = 1001;
    /** Payload bytes per frame (plus the type byte); Aeron fragments and reassembles it. */
    static final int CHUNK = 60 * 1024;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: send or receive");
    }

    /** Common options: the driver directory and JSON stats. */
    static class Common {
        @Option(names = "--aeron-dir", description = "use the external media driver in this directory")
        Path aeronDir;
        @Option(names = "--json", description = "print the stats as JSON at exit")
        boolean json;

        /** An embedded driver under the ring file's folder unless --aeron-dir names an external one. */
        AutoCloseable driver(Path ringFile) {
            if (aeronDir != null) {
                return () -> { };
            }
            Path parent = ringFile.toAbsolutePath().getParent();
            Path dir = parent.resolve(".aeron-" + ringFile.getFileName() + "-" + ProcessHandle.current().pid());
            aeronDir = dir;
            MediaDriver.Context ctx = new MediaDriver.Context()
                    .aeronDirectoryName(dir.toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true);
            return MediaDriver.launch(ctx);
        }

        Aeron connect() {
            return Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir.toString()));
        }

        void report(BridgeStats stats) {
            if (json) {
                System.out.println(stats.toJson());
            }
        }
    }

    /** {@code send FILE CHANNEL}: the ring's bytes out over Aeron. */
    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Publish the bytes of the ring FILE to the Aeron CHANNEL.")
    static final class Send extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE") Path file;
        @Parameters(index = "1", paramLabel = "CHANNEL") String channel;

        @Override
        public Integer call() throws Exception {
            BridgeStats stats = new BridgeStats("send");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> report(stats)));
            try (AutoCloseable driver = driver(file);
                 Aeron aeron = connect();
                 ExclusivePublication pub = aeron.addExclusivePublication(channel, STREAM_ID);
                 SharedRing ring = SharedRing.open(file);
                 RingSource source = ring.source()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK + 1);
                UnsafeBuffer frame = new UnsafeBuffer(buf);
                while (!pub.isConnected()) {
                    LockSupport.parkNanos(1_000_000);
                }
                while (true) {
                    buf.clear().position(1);
                    int n = source.read(buf, 100, TimeUnit.MILLISECONDS);
                    if (!pub.isConnected()) {
                        System.err.println("bridge send: the receiver went away (image unavailable) before EOF");
                        return 1;
                    }
                    if (n == 0) {
                        continue;
                    }
                    frame.putByte(0, n < 0 ? EOF : DATA);
                    int length = n < 0 ? 1 : n + 1;
                    if (!offer(pub, frame, length, stats)) {
                        return 1;
                    }
                    if (n < 0) {
                        // linger until the receiver has it all, then leave
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (pub.isConnected() && System.nanoTime() < deadline) {
                            LockSupport.parkNanos(1_000_000);
                        }
                        return 0;
                    }
                    stats.bytes += n;
                    stats.messages++;
                }
            }
        }

        private static boolean offer(Publication pub, UnsafeBuffer frame, int length, BridgeStats stats) {
            boolean pressured = false;
            while (true) {
                long r = pub.offer(frame, 0, length);
                if (r > 0) {
                    return true;
                }
                if (r == Publication.BACK_PRESSURED || r == Publication.ADMIN_ACTION) {
                    if (!pressured) {
                        stats.backPressureEvents++;
                        pressured = true;
                    }
                    Thread.onSpinWait();
                } else if (r == Publication.NOT_CONNECTED) {
                    System.err.println("bridge send: the receiver went away (not connected) before EOF");
                    return false;
                } else {
                    System.err.println("bridge send: publication failed, offer returned " + r);
                    return false;
                }
            }
        }
    }

    /** {@code receive CHANNEL FILE}: from Aeron into the ring (created if missing). */
    @Command(name = "receive", mixinStandardHelpOptions = true,
            description = "Subscribe to the Aeron CHANNEL and write into the ring FILE (created if missing).")
    static final class Receive extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHANNEL") String channel;
        @Parameters(index = "1", paramLabel = "FILE") Path file;
        @Option(names = "--capacity", defaultValue = "1048576", description = "capacity of a new ring (bytes)")
        int capacity;

        private volatile boolean eof;
        private volatile boolean lost;

        @Override
        public Integer call() throws Exception {
            BridgeStats stats = new BridgeStats("receive");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> report(stats)));
            SharedRing ring = Files.exists(file) ? SharedRing.open(file) : SharedRing.create(file, capacity);
            try (AutoCloseable driver = driver(file);
                 Aeron aeron = connect();
                 Subscription sub = aeron.addSubscription(channel, STREAM_ID, image -> { },
                         (Image image) -> { if (!eof) { lost = true; } });
                 ring;
                 RingSink sink = ring.sink()) {
                ByteBuffer scratch = ByteBuffer.allocateDirect(CHUNK);
                FragmentAssembler assembler = new FragmentAssembler(
                        (DirectBuffer buffer, int offset, int length, Header header) -> {
                            if (buffer.getByte(offset) == EOF) {
                                eof = true;
                                return;
                            }
                            scratch.clear();
                            buffer.getBytes(offset + 1, scratch, 0, length - 1);
                            scratch.limit(length - 1);
                            try {
                                sink.write(scratch);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            stats.bytes += length - 1;
                            stats.messages++;
                        });
                while (!eof) {
                    int n = sub.poll(assembler, 16);
                    if (lost && !eof) {
                        System.err.println("bridge receive: the sender went away (image unavailable) without EOF");
                        return 1;
                    }
                    if (n == 0) {
                        LockSupport.parkNanos(100_000);
                    }
                }
                return 0;
            } catch (java.io.UncheckedIOException e) {
                System.err.println("bridge receive: " + e.getCause().getMessage());
                return 1;
            }
        }
    }

    /** Runs the command; exit 2 with one line on stderr for a bad command line. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BridgeCommand());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("ring bridge: " + ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, r) -> {
            System.err.println("ring bridge: " + ex);
            return 1;
        });
        System.exit(cl.execute(args));
    }
}
