package org.ringipc.bridge;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedMessageRing;
import org.ringipc.mmap.SharedRing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ring bridge}: carries a shared ring to another host over Aeron.
 *
 * <p>{@code send FILE CHANNEL} takes the consumer end of FILE and publishes what it reads
 * ({@link Sender}); {@code receive CHANNEL FILE} subscribes and writes into the producer end of FILE
 * ({@link Receiver}). Each Aeron message is one {@link Frame}. Back-pressure, EOF and a dead peer
 * travel end to end: a slow remote reader makes the local writer wait, the local writer's close
 * reaches the remote reader as EOF after the last byte, and a bridge that dies shows on its ring as
 * a dead peer (EOF or broken pipe) while the other bridge says so in one line and exits 1.
 *
 * <p>Exit status: 0 after EOF went through, 1 when a peer went away or the bridge failed, 2 for a bad
 * command line (one line on stderr). {@code --json} prints {@link BridgeStats} on stdout at exit.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Bridge a shared ring to another host over Aeron.",
        subcommands = {BridgeCommand.Send.class, BridgeCommand.Receive.class})
public final class BridgeCommand implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: send or receive");
    }

    /** Options both subcommands take. */
    static class Common {
        @Option(names = "--aeron-dir", paramLabel = "DIR",
                description = "use the external media driver in DIR instead of an embedded one")
        Path aeronDir;
        @Option(names = "--json", description = "print the bridge's stats as one JSON line on stdout at exit")
        boolean json;
        @Option(names = "--messages", description = "the ring is a message ring: each message travels as one")
        boolean messages;
        @Option(names = "--peer-timeout", paramLabel = "MS", defaultValue = "" + AeronMedia.DEFAULT_PEER_TIMEOUT_MS,
                description = "the embedded driver declares the other bridge gone after MS ms of silence"
                        + " (default: ${DEFAULT-VALUE}; at least 500)")
        long peerTimeoutMs;

        /** How a silent peer is told, for the line that says it went away. */
        String silence() {
            return aeronDir != null ? "within the external driver's timeouts" : "for " + peerTimeoutMs + " ms";
        }

        AeronMedia media(Path file) {
            return AeronMedia.start(file, aeronDir, peerTimeoutMs);
        }

        /** Prints the stats, with the driver's counters read now, before the driver closes. */
        void report(BridgeStats stats, AeronMedia media) {
            stats.aeron = media.counters();
            if (json) {
                System.out.println(stats.toJson());
                System.out.flush();
            }
        }
    }

    /** {@code send FILE CHANNEL}: the ring's bytes out over Aeron. */
    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Take the reader end of the ring FILE and publish what it reads to the Aeron CHANNEL.")
    static final class Send extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "the local ring file (it must exist)")
        Path file;
        @Parameters(index = "1", paramLabel = "CHANNEL", description = "e.g. aeron:udp?endpoint=otherhost:40123")
        String channel;

        @Override
        public Integer call() throws Exception {
            BridgeStats stats = new BridgeStats("send");
            if (messages) {
                try (SharedMessageRing ring = SharedMessageRing.open(file);
                     AeronMedia media = media(file);
                     ExclusivePublication pub = media.aeron().addExclusivePublication(channel, Frame.STREAM_ID);
                     MessageSource source = ring.source()) {
                    try {
                        return new Sender(pub, stats, System.err, silence()).pumpMessages(source, ring.maxMessageLength());
                    } finally {
                        report(stats, media);
                    }
                }
            }
            try (SharedRing ring = SharedRing.open(file);
                 AeronMedia media = media(file);
                 ExclusivePublication pub = media.aeron().addExclusivePublication(channel, Frame.STREAM_ID);
                 RingSource source = ring.source()) {
                try {
                    return new Sender(pub, stats, System.err, silence()).pumpBytes(source);
                } finally {
                    report(stats, media);
                }
            }
        }
    }

    /** {@code receive CHANNEL FILE}: from Aeron into the ring (created if missing). */
    @Command(name = "receive", mixinStandardHelpOptions = true,
            description = "Subscribe to the Aeron CHANNEL and write into the writer end of the ring FILE"
                    + " (created if missing).")
    static final class Receive extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHANNEL", description = "e.g. aeron:udp?endpoint=0.0.0.0:40123")
        String channel;
        @Parameters(index = "1", paramLabel = "FILE", description = "the local ring file (created if missing)")
        Path file;
        @Option(names = "--capacity", paramLabel = "BYTES", defaultValue = "1048576",
                description = "capacity of a ring this command creates (default: ${DEFAULT-VALUE})")
        int capacity;

        @Override
        public Integer call() throws Exception {
            BridgeStats stats = new BridgeStats("receive");
            Receiver receiver = new Receiver(stats, System.err, messages, silence());
            if (messages) {
                try (SharedMessageRing ring = Files.exists(file) ? SharedMessageRing.open(file)
                        : SharedMessageRing.create(file, capacity);
                     AeronMedia media = media(file);
                     MessageSink sink = ring.sink();
                     Subscription sub = media.aeron().addSubscription(channel, Frame.STREAM_ID,
                             image -> { }, receiver::onUnavailableImage)) {
                    try {
                        return receiver.pump(sub, sink::write, ring::stats, ring.maxMessageLength());
                    } finally {
                        report(stats, media);
                    }
                }
            }
            try (SharedRing ring = Files.exists(file) ? SharedRing.open(file) : SharedRing.create(file, capacity);
                 AeronMedia media = media(file);
                 RingSink sink = ring.sink()) {
                try (Subscription sub = media.aeron().addSubscription(channel, Frame.STREAM_ID,
                        image -> { }, receiver::onUnavailableImage)) {
                    return receiver.pump(sub, sink::write, ring::stats, Frame.CHUNK);
                } finally {
                    report(stats, media);
                }
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
