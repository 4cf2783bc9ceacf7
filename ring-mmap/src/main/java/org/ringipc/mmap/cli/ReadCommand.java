package org.ringipc.mmap.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ring read FILE... > output}: rings to stdout until EOF. One file without {@code --tag}: its
 * bytes exactly as written, or a message ring's messages one per line (see {@link StdioRing}).
 * Several files (or {@code --tag}): one thread serves them all with one
 * {@link org.ringipc.core.RingSelector} ({@link FanIn}), and the output is records, each written
 * whole: a message ring's messages, and a byte ring's data cut into lines at the delimiter
 * ({@link LineCutter}). Records of one file keep their order; records of different files interleave
 * as they arrive. {@code --tag} puts the file name (as given) and a tab before each record, as
 * {@code parallel --tag} does. EOF on one file does not end the others; the command ends when all did.
 */
@Command(name = "read", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = {
        "Copy the ring to stdout until EOF (the writer closed or died); a message ring's messages one per line,"
                + " or --framing U32.",
        "Several files: one thread serves them all until every one reached EOF; each message, and each line of a"
                + " byte ring (cut at --delimiter), is written whole, so lines of different rings never mix."
                + " --tag puts the file name and a TAB before each."})
final class ReadCommand implements Callable<Integer> {

    /** Messages per pump of a message ring: the others get their turn after a batch. */
    private static final int MESSAGES_PER_PUMP = 256;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE", description = "The ring files (see 'ring create').")
    List<Path> files;

    @Option(names = "--tag", description = "Start each record (line or message) with the file name as given and a TAB.")
    boolean tag;

    @Mixin
    MessageStream.Options messages;

    @Override
    public Integer call() throws Exception {
        if (files.size() == 1 && !tag) {
            StdioRing.read(files.getFirst(), messages);
            return 0;
        }
        RecordOut out = new RecordOut(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024),
                messages.framing, messages.delimiter);
        try (FanIn fanIn = new FanIn()) {
            for (Path file : files) {
                AnyRing ring = fanIn.open(file);
                byte[] prefix = tag ? (file + "\t").getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (ring.bytes() != null) {
                    RingSource source = ring.bytes().source();
                    LineCutter lines = new LineCutter(out, prefix, messages.delimiter);
                    fanIn.add(source, () -> {
                        long n = source.drain(lines::accept, Integer.MAX_VALUE);
                        if (n < 0) {
                            lines.end();
                        }
                        return (int) n;
                    });
                } else {
                    MessageSource source = ring.messages().source();
                    MessageHandler emit = msg -> out.emit(prefix, msg);
                    fanIn.add(source, () -> source.poll(emit, MESSAGES_PER_PUMP));
                }
            }
            fanIn.run(() -> false, out::flush);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
        return 0;
    }
}
