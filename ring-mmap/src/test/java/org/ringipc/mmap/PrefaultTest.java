package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ringipc.core.Ring;

/**
 * A ring file's pages are in place when {@code create} and {@code open} return: this process's
 * mappings of the file are resident ({@code Rss} in {@code /proc/self/smaps}) before any byte went
 * through the ring, so no copy pays for a first touch.
 */
class PrefaultTest {

    private static final int CAPACITY = 8 << 20;
    /** The first line of a mapping's entry: "start-end perms offset dev inode path". */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void createLeavesEveryPageOfTheNewRingResident() throws IOException {
        Path file = dir.resolve("r");
        try (SharedRing ring = SharedRing.create(file, CAPACITY)) {
            long size = Ring.requiredBytes(CAPACITY);
            long rss = residentBytes(file);
            assertTrue(rss >= size, "resident " + rss + " of " + size + " bytes after create");
        }
    }

    @Test
    void openPopulatesTheOpenersOwnMappingToo() throws IOException {
        Path file = dir.resolve("m");
        try (SharedMessageRing made = SharedMessageRing.create(file, CAPACITY);
             SharedMessageRing opened = SharedMessageRing.open(file)) {
            long size = Ring.requiredBytes(CAPACITY);
            // two mappings of the file in this process, the creator's and the opener's
            long rss = residentBytes(file);
            assertTrue(rss >= 2 * size, "resident " + rss + " of 2 x " + size + " bytes after create and open");
        }
    }

    /** The sum of {@code Rss} over this process's mappings of {@code file}. */
    private static long residentBytes(Path file) throws IOException {
        List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"));
        String name = file.toRealPath().toString();
        long kib = 0;
        boolean inFile = false;
        for (String line : smaps) {
            if (MAPPING.matcher(line).lookingAt()) {
                inFile = line.endsWith(" " + name);
            } else if (inFile && line.startsWith("Rss:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib * 1024;
    }
}
