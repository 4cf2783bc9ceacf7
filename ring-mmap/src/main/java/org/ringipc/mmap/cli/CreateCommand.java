package org.ringipc.mmap.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.ringipc.core.OverflowPolicy;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;
import org.ringipc.mmap.SharedMessageRing;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ring create FILE [--capacity BYTES] [--mode OCTAL] [--force]}: makes (or replaces) a shared
 * ring file, owner-only unless {@code --mode} says otherwise; a file there that is not a ring is
 * replaced only with {@code --force}, a symbolic link never.
 */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = "Make a shared ring file (replacing a ring file that is there; "
        + "another file only with --force; never through a symbolic link).")
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

    @Option(names = "--mode", paramLabel = "OCTAL", defaultValue = "0600", converter = Mode.class,
            description = "File permissions, octal: 0600 (owner only, the default) or e.g. 0660 to let a group attach.")
    Set<PosixFilePermission> mode;

    @Option(names = "--force", description = "Replace an existing file even when it is not a ring.")
    boolean force;

    @Spec
    CommandSpec spec;
    @Option(names = "--messages", description = "A ring of framed messages (boundaries kept) instead of a byte stream.")
    boolean messages;

    @Override
    public Integer call() throws Exception {
        RingOptions options = RingOptions.defaults().withWaitStrategy(wait).withOverflowPolicy(overflow);
        try {
            if (messages) {
                SharedMessageRing.create(file, capacity, options, mode, force).close();
            } else {
                SharedRing.create(file, capacity, options, mode, force).close();
            }
        } catch (IllegalArgumentException e) {
            // create throws it for a bad argument only (capacity, mode), before it touches the
            // file: that is a bad command line (exit 2), not a failure
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return 0;
    }

    /** An octal file mode ({@code 600}, {@code 0660}) as POSIX permissions. */
    static final class Mode implements ITypeConverter<Set<PosixFilePermission>> {

        private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");

        @Override
        public Set<PosixFilePermission> convert(String value) {
            String text = value.trim();
            if (!OCTAL.matcher(text).matches()) {
                throw new TypeConversionException("mode=" + value + " is not an octal file mode such as 0600 or 0660");
            }
            int bits = Integer.parseInt(text, 8);
            StringBuilder rwx = new StringBuilder(9);
            for (int shift = 8; shift >= 0; shift--) {
                rwx.append((bits & (1 << shift)) != 0 ? "rwx".charAt((8 - shift) % 3) : '-');
            }
            return PosixFilePermissions.fromString(rwx.toString());
        }
    }
}
