package org.ringipc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a peer JVM the way this one was started: the same {@code java}, class path and flags, so
 * both ends of a cross-process transport run the same code under the same settings.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** The command line that runs {@code mainClass} with {@code args} in a JVM like this one. */
    static List<String> command(Class<?> mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a debugger agent would try to take the parent's port
            if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Xrunjdwp")) {
                cmd.add(flag);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts the peer. Its stdin stays a pipe to this JVM, which the peer watches: when it reads EOF
     * (this JVM ended, however it ended) the peer halts, so no peer outlives the harness. Its
     * stderr is this JVM's; its stdout is discarded so that it cannot mix into the table.
     */
    static Process start(Class<?> mainClass, List<String> args) throws IOException {
        // on every CPU this process may use, whatever the starting thread is pinned to; a peer pins
        // its own measuring thread (Affinity.PEER_CPU_ENV)
        return Affinity.start(new ProcessBuilder(command(mainClass, args))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT), Affinity.Side.ANY);
    }

    /** Peer side: halts this JVM as soon as the harness that started it is gone. */
    static void haltWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the harness never writes; any byte is ignored
                }
            } catch (IOException ignored) {
                // treated like EOF
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
