/**
 * ringipc core: lock-free single-producer/single-consumer rings off the Java heap.
 *
 * <p>Both required modules are transitive because the public API names their types: a module
 * that requires only {@code org.ringipc.core} can call {@code ring.registerMXBean("x")} and keep
 * the {@code javax.management.ObjectName} it returns, and can see the JFR event classes of
 * {@code RingEvents}, which extend {@code jdk.jfr.Event}.
 */
module org.ringipc.core {
    requires transitive java.management;
    requires transitive jdk.jfr;

    exports org.ringipc.core;
}
