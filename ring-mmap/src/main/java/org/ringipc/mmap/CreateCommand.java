package org.ringipc.mmap;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.ringipc.core.OverflowPolicy;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ring create FILE [--capacity BYTES]}: makes (or replaces) a shared ring file. */
@Command(name = "create", description = "Make a shared ring file (replacing one that is there).")
final class CreateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file, best under /dev/shm.")
    Path file;

    @Option(names = "--capacity", paramLabel = "BYTES", defaultValue = "1m", converter = Sizes.IntBytes.class,
            description = "Data bytes: a power of two, 4k .. 1g (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--wait", paramLabel = "STRATEGY", defaultValue = "BLOCK",
            description = "How an end waits: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    WaitStrategy wait;

    @Option(names = "--overflow", paramLabel = "POLICY", defaultValue = "BLOCK",
            description = "A write that does not fit: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OverflowPolicy overflow;

    @Override
    public Integer call() throws Exception {
        RingOptions options = RingOptions.defaults().withWaitStrategy(wait).withOverflowPolicy(overflow);
        SharedRing.create(file, capacity, options).close();
        return 0;
    }
}
