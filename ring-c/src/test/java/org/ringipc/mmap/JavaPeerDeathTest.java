package org.ringipc.mmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.ringipc.mmap.cli.RingCommand;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The C side decides a Java peer's death the way the Java side does (the peer's end marked open,
 * its record lock gone): kill -9 of a Java writer ({@code ring write} in a child JVM) gives the C
 * reader EOF, kill -9 of a Java reader breaks the C writer's pipe.
 */
class JavaPeerDeathTest {

    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int CAPACITY = 1 << 16;

    @TempDir
    Path dir;

    /** {@code ring CMD FILE} in a child JVM on this class path. */
    private static Process ringCommand(String command, Path file, Path stderr) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), RingCommand.class.getName(), command, file.toString()))
                .redirectError(stderr.toFile()).start();
    }

    @Test
    void killingAJavaWriterGivesTheCReaderEof() throws Exception {
        Path file = dir.resolve("java-writer");
        SharedRing.create(file, CAPACITY).close();
        Process writer = ringCommand("write", file, dir.resolve("writer.err"));
        try (CProgram reader = CProgram.start(CProgram.Build.PLAIN, "ringcat-read", file)) {
            writer.getOutputStream().write("from java\n".getBytes(StandardCharsets.US_ASCII));
            writer.getOutputStream().flush();
            assertEquals("from java\n", new String(reader.stdout().readNBytes(10), StandardCharsets.US_ASCII));
            writer.destroyForcibly().waitFor();
            reader.assertCleanExit(EXIT);  // EOF: the dead writer's end is open but unlocked
            assertEquals(-1, reader.stdout().read());
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void killingAJavaReaderBreaksTheCWritersPipe() throws Exception {
        Path file = dir.resolve("java-reader");
        SharedRing.create(file, CAPACITY).close();
        // nobody drains the Java reader's stdout: its pipe fills, then the ring, then the C writer sleeps
        Process reader = ringCommand("read", file, dir.resolve("reader.err"));
        try (SharedRing observer = SharedRing.open(file);
             CProgram writer = CProgram.start(CProgram.Build.PLAIN, "ringcat-write", file)) {
            CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[1 << 16];
                try (OutputStream in = writer.stdin()) {
                    for (int i = 0; i < 64; i++) {
                        in.write(chunk);
                    }
                } catch (IOException e) {
                    // the C writer exited: expected once its pipe broke
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            // the reader has opened its end (a kill between its lock and its OPEN would leave the end
            // NONE, and a writer waits for a reader that never came, as at a FIFO), read, and fallen behind
            writer.await("the Java reader to open, read, and fall behind", () -> observer.consumerEnd().state().equals("open")
                    && observer.stats().bytesRead() > 0 && observer.stats().free() == 0);
            reader.destroyForcibly().waitFor();
            assertEquals(1, writer.waitFor(EXIT), "the C writer fails once the Java reader is dead");
            assertTrue(writer.stderr().contains("broken pipe: the consumer process died"), writer.stderr());
        } finally {
            reader.destroyForcibly();
            reader.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(file));
    }
}
