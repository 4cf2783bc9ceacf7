/**
 * ringipc core: lock-free single-producer/single-consumer rings off the Java heap.
 */
module org.ringipc.core {
    requires java.management;
    requires jdk.jfr;

    exports org.ringipc.core;
}
