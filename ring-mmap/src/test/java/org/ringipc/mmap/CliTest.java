package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ringipc.mmap.cli.RingCommand;

/**
 * The {@code ring} command end to end: every subcommand runs in its own child JVM
 * ({@code org.ringipc.mmap.cli.RingCommand} on the test class path, as {@code ./ring} runs it), talking
 * to the others only through the ring file. Timeouts are generous: the machine is shared.
 */
class CliTest {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    /** A ring file serves one write/read pair after another, like a FIFO, in either order of starting. */
    @Test
    void aRingFileServesStreamAfterStreamInEitherOrder() throws Exception {
        Path ring = dir.resolve("fifo");
        ring(dir, "create", ring.toString(), "--capacity", "64k").assertOk();
        for (int run = 1; run <= 2; run++) {
            // writer first
            Path in = randomFile(dir.resolve("w-first-" + run), 100_000, run);
            Path out = dir.resolve("w-first-out-" + run);
            ring(dir, "write", ring.toString()).assertOk();  // an empty stream: write closes at once
            Cli writer = Cli.start(dir, in, null, "write", ring.toString());
            Cli reader = Cli.start(dir, null, out, "read", ring.toString());
            writer.finish().assertOk();
            reader.finish().assertOk();
            assertEquals(sha256(in), sha256(out), "run " + run + ", writer first");
            // reader first: it waits for the next writer instead of reading the old EOF
            Path in2 = randomFile(dir.resolve("r-first-" + run), 100_000, 10 + run);
            Path out2 = dir.resolve("r-first-out-" + run);
            Cli early = Cli.start(dir, null, out2, "read", ring.toString());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!"open".equals(ends(ring).get(1).state())) {
                assertTrue(System.nanoTime() < deadline, "the reader never took the source");
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertTrue(early.process.isAlive(), "the early reader waits for a writer, it did not read an old EOF");
            Cli late = Cli.start(dir, in2, null, "write", ring.toString());
            late.finish().assertOk();
            early.finish().assertOk();
            assertEquals(sha256(in2), sha256(out2), "run " + run + ", reader first");
        }
        Map<String, Object> stat = Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals(6L, stat.get("streams"), "two empty streams, four with data");
        assertEquals(400_000L, stat.get("bytesRead"));
    }

    @Test
    void writeAndReadMoveEightMiBOfRandomBytesUnchangedAndStatCountsThem() throws Exception {
        Path ring = dir.resolve("pipe");
        Path input = randomFile(dir.resolve("input.bin"), 8 << 20, 4);
        Path output = dir.resolve("output.bin");
        ring(dir, "create", ring.toString(), "--capacity", "64k").assertOk();

        Cli reader = Cli.start(dir, null, output, "read", ring.toString());
        Cli writer = Cli.start(dir, input, null, "write", ring.toString());
        writer.finish().assertOk();
        reader.finish().assertOk();

        assertEquals(sha256(input), sha256(output), "sha256 of what 'ring read' printed");
        Map<String, Object> stat = Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals(8L << 20, stat.get("bytesWritten"));
        assertEquals(8L << 20, stat.get("bytesRead"));
        assertEquals(65536L, stat.get("capacity"));
        assertEquals(0L, stat.get("used"));
        assertEquals(0L, stat.get("drops"));
        assertEquals(Map.of("pid", 0L, "alive", false, "state", "closed"), stat.get("producer"));
        assertEquals(Map.of("pid", 0L, "alive", false, "state", "closed"), stat.get("consumer"));
    }

    @Test
    void dmaIntoASlowConsumerCountsEveryDroppedBurstAsAGapAndNoneCorrupt() throws Exception {
        Path ring = dir.resolve("dma");
        ring(dir, "create", ring.toString(), "--capacity", "4k").assertOk();  // 8 bursts of 512 bytes

        Cli consumer = Cli.start(dir, null, null, "consume", ring.toString(), "--delay", "200ms", "--json");
        Cli dma = Cli.start(dir, null, null, "dma", ring.toString(), "--duration", "1500ms", "--json");
        Map<String, Object> sent = Json.parse(dma.finish().assertOk().out());
        Map<String, Object> got = Json.parse(consumer.finish().assertOk().out());

        long dropped = (Long) sent.get("dropped");
        assertTrue(dropped > 0, "a consumer at 5 bursts/s behind a 20 bursts/s engine drops: " + sent);
        assertEquals(0L, got.get("corrupt"), "corrupt: " + got);
        assertEquals(got.get("drops"), got.get("gaps"), "gaps == the ring's drop counter: " + got);
        assertEquals(dropped, got.get("gaps"), "gaps == the engine's dropped bursts");
        assertEquals(sent.get("bursts"), got.get("bursts"), "every burst sent arrived");
        assertEquals(sent.get("bytes"), got.get("bytes"));
        assertEquals(false, got.get("interrupted"));
    }

    @Test
    void dmaIntoAFastConsumerHasNoGaps() throws Exception {
        Path ring = dir.resolve("fast");
        ring(dir, "create", ring.toString(), "--capacity", "1m").assertOk();

        Cli consumer = Cli.start(dir, null, null, "consume", ring.toString(), "--json");
        Cli dma = Cli.start(dir, null, null, "dma", ring.toString(), "--interval", "10ms", "--duration", "1s",
                "--burst", "1k", "--json");
        Map<String, Object> sent = Json.parse(dma.finish().assertOk().out());
        Map<String, Object> got = Json.parse(consumer.finish().assertOk().out());

        assertTrue((Long) sent.get("bursts") > 0, "bursts sent: " + sent);
        assertEquals(0L, sent.get("dropped"));
        assertEquals(0L, got.get("gaps"), "gaps: " + got);
        assertEquals(0L, got.get("drops"));
        assertEquals(0L, got.get("corrupt"));
        assertEquals(sent.get("bursts"), got.get("bursts"));
        assertEquals((Long) sent.get("bursts") * 1024, got.get("bytes"));
        assertTrue((Double) got.get("cpuSeconds") > 0, "the consumer's CPU time is reported: " + got);
    }

    @Test
    void sigtermStopsDmaWhichClosesTheRingSoTheConsumerEndsCleanlyAndStatShowsBothHolders() throws Exception {
        Path ring = dir.resolve("term");
        ring(dir, "create", ring.toString(), "--capacity", "64k").assertOk();
        Cli consumer = Cli.start(dir, null, null, "consume", ring.toString(), "--json");
        Cli dma = Cli.start(dir, null, null, "dma", ring.toString(), "--interval", "20ms", "--json");
        awaitBothEndsOpen(ring);

        Map<String, Object> stat = Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals(Map.of("pid", dma.pid(), "alive", true, "state", "open"), stat.get("producer"));
        assertEquals(Map.of("pid", consumer.pid(), "alive", true, "state", "open"), stat.get("consumer"));

        dma.process.destroy();  // SIGTERM: the shutdown hook closes the engine and prints the telemetry
        Result stopped = dma.finish();
        assertEquals(143, stopped.exit(), "SIGTERM's exit status; stderr: " + stopped.err());
        Map<String, Object> sent = Json.parse(stopped.out());
        assertEquals(true, sent.get("interrupted"));
        Map<String, Object> got = Json.parse(consumer.finish().assertOk().out());
        assertEquals(sent.get("bursts"), got.get("bursts"), "the consumer read to EOF: " + got);
        assertEquals(sent.get("dropped"), got.get("gaps"));
        assertEquals(0L, got.get("corrupt"));
    }

    @Test
    void ctrlCStopsAConsumerThatWaitsForDataAndItStillPrintsItsTelemetry() throws Exception {
        Path ring = dir.resolve("idle");
        ring(dir, "create", ring.toString()).assertOk();
        // a JVM started with SIGINT ignored keeps it ignored (as a shell does for a background job, so
        // a build run with `&` passes that on): the child restores the default disposition first
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(ChildJvm.javaCommand(RingCommand.class, "consume", ring.toString()));
        Cli consumer = Cli.start(new ProcessBuilder(command), dir, null, null);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!"open".equals(ends(ring).get(1).state())) {
            assertTrue(System.nanoTime() < deadline, "the consumer never took the source");
            Thread.sleep(50);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(consumer.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        Result r = consumer.finish();
        assertEquals(130, r.exit(), "SIGINT's exit status; stderr: " + r.err());
        assertTrue(r.out().matches("(?s)bursts +0\n.*gaps +0\n.*interrupted +true\n"), r.out());
        assertEquals("closed", ends(ring).get(1).state(), "the hook closed the source before the JVM halted");
    }

    @Test
    void statWatchPrintsAHeaderAndOneLineOfRatesPerInterval() throws Exception {
        Path ring = dir.resolve("watch");
        ring(dir, "create", ring.toString()).assertOk();
        Result r = ring(dir, "stat", ring.toString(), "--watch", "200ms", "--count", "3").assertOk();
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).trim().startsWith("MB/s-in"), lines.get(0));
        assertTrue(lines.get(0).contains("drops/s") && lines.get(0).contains("used"), lines.get(0));
        for (String line : lines.subList(1, 4)) {
            assertTrue(line.trim().matches("[0-9.]+( +[0-9.]+){7}"), "a line of 8 numbers: " + line);
        }
    }

    @Test
    void statWatchFollowsARingFileReplacedUnderIt() throws Exception {
        Path ring = dir.resolve("replaced");
        ring(dir, "create", ring.toString()).assertOk();
        Path lines = dir.resolve("watch-lines.json");
        Cli watch = Cli.start(dir, null, lines, "stat", ring.toString(), "--watch", "100ms", "--json");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (completeLines(lines).size() < 2) {
            assertTrue(System.nanoTime() < deadline, "the watch printed no lines");
            Thread.sleep(50);
        }
        ring(dir, "create", "--force", ring.toString()).assertOk();  // a new file renamed over the old one
        Path input = Files.createTempFile(dir, "in-", ".bin");
        Files.write(input, new byte[1000]);
        Cli.start(dir, input, null, "write", ring.toString()).finish().assertOk();  // 1000 bytes nobody reads
        List<Long> used;
        do {
            assertTrue(System.nanoTime() < deadline, "the watch never showed the new ring's 1000 bytes");
            Thread.sleep(100);
            used = completeLines(lines).stream().map(line -> (Long) Json.parse(line).get("used")).toList();
        } while (!used.contains(1000L));
        watch.process.destroy();  // SIGTERM ends the watch
        Result r = watch.finish();
        assertEquals(0L, used.get(0), "the first ring is empty");
        assertEquals(1000L, used.get(used.size() - 1), "the watch stays on the new ring: " + used);
        assertTrue(r.err().contains(ring + " was replaced; watching the new ring"), r.err());
    }

    /** The lines a running command has finished writing to {@code file} (not one it is in the middle of). */
    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("stat", "{dir}/missing"), 1, List.of("missing", "no such")),
                Arguments.of(List.of("read", "{dir}/not-a-ring"), 1, List.of("not-a-ring")),
                Arguments.of(List.of("create", "{dir}/r", "--capacity", "1000"), 2, List.of("capacity=1000", "power of two")),
                Arguments.of(List.of("create", "{dir}/r", "--capacity", "12q"), 2, List.of("--capacity", "12q")),
                Arguments.of(List.of("dma", "{dir}/ring", "--burst", "8"), 2, List.of("--burst=8")),
                Arguments.of(List.of("dma", "{dir}/ring", "--burst", "lots"), 2, List.of("--burst", "lots")),
                Arguments.of(List.of("dma", "{dir}/ring", "--interval", "0ms"), 2, List.of("--interval", "0ms")),
                Arguments.of(List.of("dma", "{dir}/ring", "--interval", "fast"), 2, List.of("--interval", "fast")),
                Arguments.of(List.of("dma", "{dir}/ring", "--duration", "-3s"), 2, List.of("--duration", "-3s")),
                Arguments.of(List.of("consume", "{dir}/ring", "--delay", "soon"), 2, List.of("--delay", "soon")),
                Arguments.of(List.of("stat", "{dir}/ring", "--count", "3"), 2, List.of("--count=3", "--watch")),
                Arguments.of(List.of("dma", "{dir}/not-a-ring"), 1, List.of("not-a-ring")));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badInputExitsNonZeroWithOneLineNamingTheBadThing(List<String> args, int status, List<String> named) throws Exception {
        randomFile(dir.resolve("not-a-ring"), 8192, 7);
        ring(dir, "create", dir.resolve("ring").toString(), "--capacity", "4k").assertOk();

        Result r = ring(dir, args.stream().map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new));
        assertEquals(status, r.exit(), "exit status; stderr: " + r.err());
        List<String> errLines = r.err().lines().toList();
        assertEquals(1, errLines.size(), "one line on stderr, no stack trace: " + r.err());
        for (String name : named) {
            assertTrue(errLines.get(0).contains(name), "'" + name + "' named in: " + errLines.get(0));
        }
        assertEquals("", r.out());
        assertFalse(Files.exists(dir.resolve("r")), "nothing made from a bad create");
    }

    // ---- helpers shared with the launcher IT ----

    /** Waits until a producer and a consumer hold the ring (read in this JVM, without taking an end). */
    static void awaitBothEndsOpen(Path ring) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<EndStatus> ends = ends(ring);
            if (ends.stream().allMatch(e -> "open".equals(e.state()))) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "both ends never opened: " + ends);
            Thread.sleep(50);
        }
    }

    static List<EndStatus> ends(Path ring) throws IOException {
        try (SharedRing r = SharedRing.open(ring)) {
            return List.of(r.producerEnd(), r.consumerEnd());
        }
    }

    /** Writes {@code bytes} random bytes (from {@code seed}) to {@code file}; returns it. */
    static Path randomFile(Path file, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        return Files.write(file, data);
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** Runs {@code ring ARGS} in a child JVM to the end. */
    static Result ring(Path dir, String... args) throws Exception {
        return Cli.start(dir, null, null, args).finish();
    }

    /** What a finished command printed and returned. */
    record Result(int exit, String out, String err) {
        Result assertOk() {
            assertEquals(0, exit, "exit status; stderr: " + err);
            assertFalse(err.contains("WARNING"), "no JVM warnings: " + err);
            return this;
        }
    }

    /** A running command: a child JVM, or the launcher script, with stdout and stderr in files. */
    static final class Cli {
        final Process process;
        private final Path out;
        private final Path err;
        private final boolean ownOut;

        private Cli(Process process, Path out, Path err, boolean ownOut) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.ownOut = ownOut;
        }

        /** {@code ring ARGS} in a child JVM; stdin from {@code in} and stdout to {@code out} when given. */
        static Cli start(Path dir, Path in, Path out, String... args) throws IOException {
            return start(new ProcessBuilder(ChildJvm.javaCommand(RingCommand.class, args)), dir, in, out);
        }

        static Cli start(ProcessBuilder pb, Path dir, Path in, Path out) throws IOException {
            Path stdout = out != null ? out : Files.createTempFile(dir, "out-", ".txt");
            Path stderr = Files.createTempFile(dir, "err-", ".txt");
            pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.redirectInput(in != null ? ProcessBuilder.Redirect.from(in.toFile()) : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            return new Cli(pb.start(), stdout, stderr, out == null);
        }

        long pid() {
            return process.pid();
        }

        Result finish() throws IOException, InterruptedException {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("ring still running after " + TIMEOUT + "; stderr:\n" + Files.readString(err));
            }
            String o = ownOut ? Files.readString(out, StandardCharsets.UTF_8) : "";
            return new Result(process.exitValue(), o, Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    /** A strict reader for the JSON the commands print: objects, strings, integers (Long), decimals (Double), booleans, null. */
    static final class Json {
        private final String s;
        private int at;

        private Json(String s) {
            this.s = s;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> parse(String text) {
            Json j = new Json(text.trim());
            Object v = j.value();
            if (j.at != j.s.length()) {
                throw new AssertionError("trailing text at " + j.at + " in " + text);
            }
            if (!(v instanceof Map)) {
                throw new AssertionError("not a JSON object: " + text);
            }
            return (Map<String, Object>) v;
        }

        private Object value() {
            char c = s.charAt(at);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                at++;
                if (s.charAt(at) == '}') {
                    at++;
                    return m;
                }
                do {
                    String key = string();
                    expect(':');
                    m.put(key, value());
                } while (s.charAt(at++) == ',');
                if (s.charAt(at - 1) != '}') {
                    throw new AssertionError("expected } at " + (at - 1) + " in " + s);
                }
                return m;
            }
            if (c == '"') {
                return string();
            }
            for (String word : List.of("true", "false", "null")) {
                if (s.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String number = s.substring(start, at);
            if (number.isEmpty()) {
                throw new AssertionError("unexpected '" + c + "' at " + start + " in " + s);
            }
            return number.matches("-?\\d+") ? (Object) Long.valueOf(number) : (Object) Double.valueOf(number);
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (s.charAt(at) != '"') {
                char c = s.charAt(at++);
                if (c == '\\') {
                    char e = s.charAt(at++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            at++;
            return sb.toString();
        }

        private void expect(char c) {
            if (s.charAt(at) != c) {
                throw new AssertionError("expected '" + c + "' at " + at + " in " + s);
            }
            at++;
        }
    }
}
