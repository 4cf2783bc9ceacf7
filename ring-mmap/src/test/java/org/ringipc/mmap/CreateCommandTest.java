package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ringipc.mmap.cli.RingCommand;

/** {@code ring create} with {@code --mode} and {@code --force}, through the command's own entry point. */
class CreateCommandTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int ring(String... args) {
        return RingCommand.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void createMakesAnOwnerOnlyFileByDefaultAndTheModeAskedFor() throws IOException {
        Path mine = dir.resolve("mine");
        assertEquals(0, ring("create", mine.toString(), "--capacity", "4k"), err.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mine)));
        Path shared = dir.resolve("shared");
        assertEquals(0, ring("create", shared.toString(), "--mode", "0660"), err.toString());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    }

    /**
     * The umask of the creating process can neither widen the file (0600 is given at creation, so
     * a permissive umask 000 leaves it owner-only) nor narrow the mode asked for (umask 077 would
     * take the group bits of 0660 away; create sets them again).
     */
    @ParameterizedTest
    @CsvSource({"000, 0600, rw-------", "077, 0660, rw-rw----", "022, 0660, rw-rw----"})
    void theUmaskOfTheCreatingProcessDoesNotChangeTheMode(String umask, String mode, String expected) throws Exception {
        Path file = dir.resolve("umask-" + umask);
        List<String> java = ChildJvm.javaCommand(RingCommand.class, "create", file.toString(), "--mode", mode);
        String command = "umask " + umask + " && exec " + java.stream().map(a -> "'" + a + "'")
                .collect(Collectors.joining(" "));
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ring create did not finish");
        assertEquals(0, p.exitValue(), output);
        assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aBadModeIsAOneLineErrorNamingIt() {
        assertEquals(2, ring("create", dir.resolve("x").toString(), "--mode", "0799"));
        assertTrue(err.toString().contains("mode=0799 is not an octal file mode"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        // a mode SharedRing.create refuses is a bad command line too
        assertEquals(2, ring("create", dir.resolve("y").toString(), "--mode", "0400"));
        assertTrue(err.toString().contains("mode=r--------"), err.toString());
        assertTrue(Files.notExists(dir.resolve("x")) && Files.notExists(dir.resolve("y")));
    }

    @Test
    void createReplacesAFileThatIsNotARingOnlyWithForce() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "keep me");
        assertEquals(1, ring("create", file.toString()));
        assertTrue(err.toString().contains("not a ring") && err.toString().contains("--force"), err.toString());
        assertEquals("keep me", Files.readString(file));
        assertEquals(0, ring("create", file.toString(), "--force"), err.toString());
        try (SharedRing ring = SharedRing.open(file)) {
            assertEquals(1 << 20, ring.capacity());
        }
    }

    @Test
    void createRefusesASymbolicLinkEvenWithForce() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("link"), victim);
        assertEquals(1, ring("create", link.toString(), "--force"));
        assertTrue(err.toString().contains("is a symbolic link; refusing to write through it"), err.toString());
        assertEquals("precious", Files.readString(victim));
    }
}
