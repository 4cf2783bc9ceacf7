package org.ringipc.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** {@code @TempDir(factory = ShmTempDir.class)}: a temporary folder in /dev/shm where it exists (fast, like production). */
public final class ShmTempDir implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "ringipc-test-");
        }
        return Files.createTempDirectory("ringipc-test-");
    }
}
