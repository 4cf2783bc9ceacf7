package org.ringipc.mmap.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ring write FILE < input}: stdin into the ring, closing the sink at EOF (see {@link StdioRing}). */
@Command(name = "write", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = "Copy stdin into the ring (a message ring: one message per line, or --framing U32); close the sink (EOF for the reader) at end of input.")
final class WriteCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (see 'ring create').")
    Path file;

    @Mixin
    MessageStream.Options messages;

    @Override
    public Integer call() throws Exception {
        StdioRing.write(file, messages);
        return 0;
    }
}
