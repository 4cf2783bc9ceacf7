/**
 * ringipc across processes: the ring in a shared mapped file, process roles and peer-death
 * detection, and Linux futex wait/wake through the foreign function API.
 *
 * <p>The library needs nothing outside the JDK. The {@code ring} command-line tool lives in the
 * package {@code org.ringipc.mmap.cli}, which this module does not export: it is run, not called
 * ({@code ./ring}, or {@code java -jar ring.jar}). Only it uses picocli, so picocli is a static
 * (compile-time) dependency, and only that package is opened to picocli, whose annotations it
 * reads by reflection.
 *
 * <p>The futex downcall is a restricted method: run with
 * {@code --enable-native-access=org.ringipc.mmap} on the module path (or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path), or the JDK prints a warning.
 */
module org.ringipc.mmap {
    // org.ringipc.core in turn requires transitive java.management (SharedRing.registerMXBean
    // returns a javax.management.ObjectName) and jdk.jfr
    requires transitive org.ringipc.core;
    requires static info.picocli;

    exports org.ringipc.mmap;
    opens org.ringipc.mmap.cli to info.picocli;
}
