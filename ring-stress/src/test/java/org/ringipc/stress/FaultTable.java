package org.ringipc.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The "fault | what we did | outcome" table of the fault and hostile-peer tests, in Markdown, at
 * {@code target/stress-work/fault-table.md} (started afresh by the first row of a test JVM), for
 * the Testing section of docs/evidence.md. Each row is also printed as a {@code FAULT} line.
 */
final class FaultTable {

    static final Path FILE = Children.WORK.resolve("fault-table.md");
    private static boolean started;

    private FaultTable() {
    }

    static synchronized void row(String fault, String action, String outcome) {
        System.out.println("FAULT " + fault + " | " + action + " -> " + outcome);
        try {
            Files.createDirectories(Children.WORK);
            if (!started) {
                Files.write(FILE, List.of("| fault | what we did | outcome |", "| --- | --- | --- |"));
                started = true;
            }
            Files.write(FILE, List.of("| " + cell(fault) + " | " + cell(action) + " | " + cell(outcome) + " |"),
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
