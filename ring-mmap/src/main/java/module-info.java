/**
 * ringipc across processes: the ring in a shared mapped file, process roles and peer-death
 * detection, Linux futex wait/wake through the foreign function API, and the {@code ring} command.
 *
 * <p>The library needs nothing outside the JDK. picocli is needed only by the command-line
 * classes ({@code RingCommand} and its subcommands), so it is a static (compile-time) dependency.
 * The futex downcall is a restricted method: run with
 * {@code --enable-native-access=org.ringipc.mmap} (or {@code ALL-UNNAMED} on the class path).
 */
module org.ringipc.mmap {
    requires transitive org.ringipc.core;
    requires static info.picocli;
    // SharedRing.registerMXBean returns a javax.management.ObjectName
    requires transitive java.management;

    exports org.ringipc.mmap;
    // picocli reads and sets the annotated fields of the command classes by reflection
    opens org.ringipc.mmap to info.picocli;
}
