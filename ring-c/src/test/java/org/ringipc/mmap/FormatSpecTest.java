package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.ringipc.core.RingLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/FORMAT.md against the Java layout: every header field the specification tables list sits at
 * the offset and has the size the spec gives, and every field of {@link RingLayout#HEADER} is in the
 * spec. (The C test pins ringipc.h's offsets against the same tables.)
 */
class FormatSpecTest {

    private static final Pattern BLOCK = Pattern.compile("^### 2\\.\\d (\\w+) block \\(offset (\\d+)\\)");
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| (\\d+) \\| `(\\w+)` \\|");

    /** "block.field" to {offset, size}, as the spec's tables give them. */
    private static Map<String, long[]> specFields() throws IOException {
        Path spec = Path.of(System.getProperty("ringc.target", "target")).toAbsolutePath().getParent().getParent()
                .resolve("docs").resolve("FORMAT.md");
        Map<String, long[]> fields = new LinkedHashMap<>();
        String block = null;
        for (String line : Files.readAllLines(spec)) {
            Matcher b = BLOCK.matcher(line);
            if (b.find()) {
                block = b.group(1).toLowerCase(java.util.Locale.ROOT);
                continue;
            }
            if (line.startsWith("## ") || line.startsWith("### ")) {
                block = null;
            }
            Matcher row = ROW.matcher(line);
            if (block != null && row.find()) {
                fields.put(block + "." + row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))});
            }
        }
        return fields;
    }

    @Test
    void everyFieldTheSpecListsSitsWhereTheJavaLayoutPutsIt() throws IOException {
        Map<String, long[]> spec = specFields();
        assertTrue(spec.size() >= 26, "the spec's header tables: " + spec.keySet());
        spec.forEach((name, where) -> {
            String[] parts = name.split("\\.");
            assertEquals(where[0], RingLayout.offset(parts[0], parts[1]), name + " offset");
            assertEquals(where[1], RingLayout.HEADER.select(PathElement.groupElement(parts[0]), PathElement.groupElement(parts[1]))
                    .byteSize(), name + " size");
        });
    }

    @Test
    void everyFieldOfTheJavaLayoutIsInTheSpec() throws IOException {
        Map<String, long[]> spec = specFields();
        for (MemoryLayout block : RingLayout.HEADER.memberLayouts()) {
            for (MemoryLayout field : ((StructLayout) block).memberLayouts()) {
                if (field.name().isPresent()) {
                    String name = block.name().orElseThrow() + "." + field.name().get();
                    assertTrue(spec.containsKey(name), name + " is missing from docs/FORMAT.md");
                }
            }
        }
    }
}
