/**
 * ringipc core: lock-free single-producer/single-consumer rings off the Java heap.
 */
module org.ringipc.core {
    exports org.ringipc.core;
}
