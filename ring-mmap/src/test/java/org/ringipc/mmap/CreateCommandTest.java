package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aBadModeIsAOneLineErrorNamingIt() {
        assertEquals(2, ring("create", dir.resolve("x").toString(), "--mode", "0799"));
        assertTrue(err.toString().contains("mode=0799 is not an octal file mode"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertEquals(1, ring("create", dir.resolve("y").toString(), "--mode", "0400"));
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
