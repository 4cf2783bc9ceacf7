package org.ringipc.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The in-process transports (ring, message-ring, locked-ring, Agrona, JCTools, the NIO pipe) run
 * in a JVM of their own, as a JMH fork would run them, not in the harness's. The harness JVM also
 * drives the cross-process message lanes through the same {@code MessageRing} classes over mapped
 * files, and the JIT then compiles the shared code for both: in one harness JVM message-ring gave
 * 13.9 M messages/s against Agrona's 18.0 M (0.78x), while with only the in-process lanes in the
 * JVM it gave 22.6-25.0 M against 11.2-13.8 M (1.77-2.01x). Agrona's and JCTools' code is used
 * one way only in either JVM; here message-ring's is too.
 *
 * <p>Harness side: {@link #start}, then {@link #round} once per round. Child side: {@link #main}
 * reads one command per line on stdin ({@code ROUND T,T,...}) and answers on stdout with
 * {@code FIGURE TRANSPORT METRIC CHUNK VALUE} lines and {@code DONE}; EOF on stdin ends it.
 */
final class InProcessJvm implements Closeable {

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;
    private boolean ready;

    private InProcessJvm(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /**
     * Starts the JVM for {@code config}'s in-process transports; it warms each of them at once (an
     * untimed run of each kind) and then waits for its first round.
     */
    static InProcessJvm start(BenchConfig config, List<Transport> transports) throws IOException {
        Affinity.Pinning pin = Affinity.current().orElse(null);
        List<String> args = List.of(
                Long.toString(config.warmup().toNanos()), Long.toString(config.measure().toNanos()),
                Integer.toString(config.messageBytes()), join(config.chunkSizes()),
                pin == null ? "-" : pin.harness() + "," + pin.peer() + "," + join(pin.all()),
                transports.stream().map(Transport::id).collect(Collectors.joining(",")));
        Process p = Affinity.start(new ProcessBuilder(ChildJvm.command(InProcessJvm.class, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT), Affinity.Side.ANY);
        return new InProcessJvm(p);
    }

    /** The child's process, for its compilers' time. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Waits until the child has warmed every transport. */
    void awaitReady() throws IOException {
        if (!ready) {
            String line = answers.readLine();
            if (!"READY".equals(line)) {
                throw failed("did not start (it said " + line + ")");
            }
            ready = true;
        }
    }

    /**
     * Runs one round of the in-process transports in {@code order} in the child (their message
     * rates interleaved first, then each one's bulk rates) and adds the figures to {@code results}.
     */
    void round(List<Transport> order, Results results) throws IOException {
        awaitReady();
        try {
            commands.write("ROUND " + order.stream().map(Transport::id).collect(Collectors.joining(",")) + "\n");
            commands.flush();
        } catch (IOException e) {
            IOException failure = failed("could not be told to run a round");
            failure.addSuppressed(e);
            throw failure;
        }
        String line;
        while ((line = answers.readLine()) != null) {
            if (line.equals("DONE")) {
                return;
            }
            String[] f = line.split(" ");
            if (f.length != 5 || !f[0].equals("FIGURE")) {
                throw failed("said \"" + line + "\", not FIGURE TRANSPORT METRIC CHUNK VALUE");
            }
            results.add(Transport.byId(f[1]), Metric.byId(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]));
        }
        throw failed("ended in the middle of a round");
    }

    private IOException failed(String what) {
        String exit;
        try {
            exit = process.waitFor(5, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = "interrupted";
        }
        return new IOException("the in-process lanes' JVM (pid " + process.pid() + ") " + what + " (" + exit
                + "; its messages are above)");
    }

    /**
     * Tells the child to end (EOF on its stdin) without waiting for it, so that it exits while the
     * peers do; {@link #close} waits. Idempotent.
     */
    void requestEnd() {
        try {
            commands.close();
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    /** Ends the child: EOF on its stdin, then waits for it to exit. */
    @Override
    public void close() {
        requestEnd();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s));
        }
        return out;
    }

    /**
     * Child side: {@code WARMUP_NS MEASURE_NS MESSAGE_BYTES CHUNKS PINNING TRANSPORTS}, where
     * PINNING is {@code -} or {@code HARNESS_CPU,PEER_CPU,ALLOWED...}. Not meant to be run by hand.
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        // nothing else may write to stdout: it carries the answers
        System.setOut(System.err);
        if (!args[4].equals("-")) {
            List<Integer> cpus = ints(args[4]);
            Affinity.begin(new Affinity.Pinning(cpus.get(0), cpus.get(1), cpus.subList(2, cpus.size())));
        }
        List<Transport> transports = new ArrayList<>();
        for (String id : args[5].split(",")) {
            transports.add(Transport.byId(id));
        }
        BenchConfig config = new BenchConfig("in-process", 1, Duration.ofNanos(Long.parseLong(args[0])),
                Duration.ofNanos(Long.parseLong(args[1])), ints(args[3]), Integer.parseInt(args[2]), transports);
        for (Transport t : transports) {
            InProcessBench.warmOnly(t, config);
        }
        out.println("READY");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.startsWith("ROUND ")) {
                throw new IllegalArgumentException("command=" + line + " is not ROUND T,T,...");
            }
            List<Transport> order = new ArrayList<>();
            for (String id : line.substring("ROUND ".length()).split(",")) {
                order.add(Transport.byId(id));
            }
            Results results = new Results();
            InProcessBench.messages(order, config, results);
            for (Transport t : order) {
                InProcessBench.round(t, config, results);
            }
            for (var e : results.summaries().entrySet()) {
                Results.Key k = e.getKey();
                for (double v : results.rounds(k.transport(), k.metric(), k.chunkBytes())) {
                    out.printf(Locale.ROOT, "FIGURE %s %s %d %s%n", k.transport().id(), k.metric().id(), k.chunkBytes(),
                            Double.toString(v));
                }
            }
            out.println("DONE");
            out.flush();
        }
    }
}
