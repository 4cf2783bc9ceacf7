package org.ringipc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

/**
 * The lanes with C on the timing side, through {@code ring-c/include/ringipc.h}: {@code c-ring} (a C
 * driver and a C peer: the native limit of the ring file format) and {@code c-to-java} (the same C
 * driver against a Java ring end in this JVM). Both run over the files {@code ring-spin} uses (two
 * SPIN byte rings, made here) and the harness's protocol; the C driver ({@code cring-peer --drive})
 * times the round trips and bulk streams exactly as {@link CrossProcessBench} does and prints its
 * figures, which this class records. In {@code c-to-java} the bulk flows from C to Java: the native
 * producer and JVM consumer of the usual deployment.
 *
 * <p>Each round starts its C processes afresh (compiled code needs no warm-up across rounds). When
 * the C programs are not built (no C compiler), the lanes are skipped and the report says why.
 */
final class NativeLanes {

    /** The C program: the peer and, with {@code --drive}, the timing end. */
    static final String PROGRAM = "cring-peer";
    /** Overrides where the C programs are (ring-c's build folder). */
    static final String DIR_PROPERTY = "ringipc.c.target";

    private NativeLanes() {
    }

    /**
     * Where the C programs are: {@link #DIR_PROPERTY}, else {@code ring-c/target} in the checkout
     * this module was built in (its classes or jar sit in {@code ring-bench/target}).
     */
    static Path programDir() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null) {
            return Path.of(property);
        }
        try {
            Path code = Path.of(NativeLanes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // ring-bench/target/classes or ring-bench/target/ring-bench.jar: the parent is target either way
            return code.toAbsolutePath().getParent().getParent().getParent().resolve("ring-c").resolve("target");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("ring-c", "target");
        }
    }

    /** Why the C lanes cannot run with the programs in {@code dir}, or empty when they can. */
    static Optional<String> unavailable(Path dir) {
        Path program = dir.resolve(PROGRAM);
        if (Files.isExecutable(program)) {
            return Optional.empty();
        }
        return Optional.of(program + " is not built (ring-c needs a C compiler: ./ring bench builds it when"
                + " cc, gcc or clang is on the PATH; or mvn -pl ring-c compile)");
    }

    /** Measures {@code transport} once with the C programs in {@code dir}, or records why it cannot. */
    static void round(Transport transport, BenchConfig config, Results results, Path dir) throws IOException {
        Optional<String> why = unavailable(dir);
        if (why.isPresent()) {
            results.skip(transport, why.get());
            return;
        }
        Path work = CrossProcess.tempDir(transport.id());
        try {
            RingOptions spin = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
            SharedRing.create(work.resolve("forward.ring"), CrossProcess.FORWARD_RING_BYTES, spin).close();
            SharedRing.create(work.resolve("reverse.ring"), CrossProcess.REVERSE_RING_BYTES, spin).close();
            List<String> peerArgs = new ArrayList<>(List.of(transport.id(), work.toString(),
                    Integer.toString(config.largestChunk())));
            peerArgs.addAll(CrossProcessBench.phases(config));
            if (transport == Transport.C_RING) {
                cPeerRound(dir, work, peerArgs, config, results, transport);
            } else {
                javaPeerRound(dir, work, peerArgs, config, results, transport);
            }
        } finally {
            CrossProcess.deleteTree(work);
        }
    }

    /** c-ring: a C peer, told through its control FIFO to run one round, then the driver. */
    private static void cPeerRound(Path dir, Path work, List<String> peerArgs, BenchConfig config, Results results,
                                   Transport transport) throws IOException {
        Fifo.make(work.resolve(CrossProcess.CONTROL_FIFO));
        Process peer = start(dir, peerArgs, ProcessBuilder.Redirect.DISCARD, Affinity.Side.PEER);
        try {
            // the open waits for the peer, which opens its FIFO end after its ring ends; one byte is one
            // round, and the close right after is its EOF: the peer ends once the round is done
            try (FileChannel control = FileChannel.open(work.resolve(CrossProcess.CONTROL_FIFO), StandardOpenOption.WRITE)) {
                control.write(ByteBuffer.wrap(new byte[] {1}));
            }
            drive(dir, work, config, false, results, transport);
            if (!peer.waitFor(10, TimeUnit.SECONDS) || peer.exitValue() != 0) {
                throw new IOException(transport.id() + ": the C peer did not end cleanly (exit "
                        + (peer.isAlive() ? "none" : peer.exitValue()) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(transport.id() + ": interrupted", e);
        } finally {
            peer.destroyForcibly();
        }
    }

    /** The lanes whose Java end has run in this JVM already (so its code is compiled). */
    private static final java.util.Set<Transport> JAVA_END_RAN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** c-to-java: the Java end runs the peer's phases on a thread of this JVM while the C driver times. */
    private static void javaPeerRound(Path dir, Path work, List<String> peerArgs, BenchConfig config, Results results,
                                      Transport transport) throws IOException {
        // the thread opens the Java ends (its link is confined to it) and closes them when done or
        // failed, so that the driver then sees EOF or broken pipe and ends instead of waiting
        CompletableFuture<Void> opened = new CompletableFuture<>();
        FutureTask<Void> javaEnd = new FutureTask<>(() -> {
            Affinity.pinPeerEnd();
            try (Link link = CrossProcess.peerLink(Transport.RING_SPIN, work, config.largestChunk())) {
                opened.complete(null);
                Peer.runPhases(link, peerArgs.subList(3, peerArgs.size()));
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);   // no effect once opened
                throw e;
            }
            return null;
        });
        Thread.ofPlatform().name(transport.id() + "-java-end").daemon().start(javaEnd);
        IOException failure = null;
        try {
            opened.get();
            // the Java end's code runs interpreted the first time this JVM runs the lane: the driver
            // then warms at least 1 s; later rounds find it compiled and warm as for a C peer
            drive(dir, work, config, JAVA_END_RAN.add(transport), results, transport);
        } catch (IOException e) {
            failure = e;
        } catch (ExecutionException e) {
            throw new IOException(transport.id() + ": the Java end could not open the rings", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(transport.id() + ": interrupted", e);
        }
        try {
            // a driver that died leaves the Java end to see its end gone (EOF) first
            javaEnd.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            IOException javaFailure = new IOException(transport.id() + (e instanceof TimeoutException
                    ? ": the Java end did not finish its phases" : ": the Java end failed"), e.getCause());
            if (failure == null) {
                failure = javaFailure;
            } else {
                failure.addSuppressed(javaFailure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException(transport.id() + ": interrupted", e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Runs the C driver to its end and records each figure it prints ("METRIC CHUNK VALUE"). */
    private static void drive(Path dir, Path work, BenchConfig config, boolean fresh, Results results,
                              Transport transport) throws IOException {
        List<String> args = new ArrayList<>(List.of("--drive", work.toString(), Integer.toString(config.largestChunk()),
                Long.toString(config.warmup().toMillis()), Long.toString(config.measure().toMillis()), fresh ? "1" : "0"));
        config.chunkSizes().forEach(c -> args.add(Integer.toString(c)));
        Process driver = start(dir, args, ProcessBuilder.Redirect.PIPE, Affinity.Side.HARNESS);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                record(line, transport, results);
            }
            if (driver.waitFor() != 0) {
                throw new IOException(transport.id() + ": " + PROGRAM + " --drive failed with exit code "
                        + driver.exitValue() + "; see its message above");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(transport.id() + ": interrupted", e);
        } finally {
            driver.destroyForcibly();
        }
    }

    /** One line of the driver's output into {@code results}; anything else is a clear error. */
    static void record(String line, Transport transport, Results results) throws IOException {
        String[] f = line.strip().split(" ");
        if (f.length == 3) {
            try {
                results.add(transport, Metric.byId(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                return;
            } catch (IllegalArgumentException e) {
                // reported below (NumberFormatException is one too)
            }
        }
        throw new IOException(transport.id() + ": " + PROGRAM + " printed \"" + line + "\", not METRIC CHUNK VALUE");
    }

    /**
     * Starts {@code cring-peer} as the peer of a harness session ({@code java-to-c}): the same
     * arguments and control FIFO as a peer JVM's. It prints nothing on stdout; its stderr is this JVM's.
     */
    static Process startPeer(Path dir, List<String> args) throws IOException {
        return start(dir, args, ProcessBuilder.Redirect.DISCARD, Affinity.Side.PEER);
    }

    /**
     * Starts {@code cring-peer} with {@code args}; its stdin stays a pipe to this JVM, which it
     * watches (EOF: this JVM is gone, so it ends too), and its stderr is this JVM's.
     */
    private static Process start(Path dir, List<String> args, ProcessBuilder.Redirect stdout, Affinity.Side side)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(dir.resolve(PROGRAM).toString());
        cmd.addAll(args);
        // a C process is one measuring thread (and an idle parent watch): it runs on its end's CPU
        return Affinity.start(new ProcessBuilder(cmd).redirectOutput(stdout).redirectError(ProcessBuilder.Redirect.INHERIT),
                side);
    }
}
