package org.ringipc.bench;

/**
 * Everything the harness compares. {@link #id()} is the name in the JSON report and the table;
 * those names are a contract, so never rename one.
 */
public enum Transport {
    /** ringipc shared-file ring between two JVMs, busy-spinning waits. */
    RING_SPIN("ring-spin", Scope.CROSS_PROCESS),
    /** ringipc shared-file ring between two JVMs, futex sleeps. */
    RING_BLOCK("ring-block", Scope.CROSS_PROCESS),
    /** A pair of named pipes (mkfifo) between two JVMs: the kernel's pipe. */
    PIPE("pipe", Scope.CROSS_PROCESS),
    /** A Unix domain stream socket between two JVMs. */
    UNIX_SOCKET("unix-socket", Scope.CROSS_PROCESS),
    /** A plain TCP socket over 127.0.0.1 between two JVMs (Nagle off): the yardstick for bridge-udp. */
    TCP_LOOPBACK("tcp-loopback", Scope.CROSS_PROCESS),
    /** Shared ring, ring-bridge over Aeron on localhost UDP, shared ring, each way: leaving the host. */
    BRIDGE_UDP("bridge-udp", Scope.CROSS_PROCESS),
    /** The raw limit: two JVMs ping-ponging one cache line of a shared mapped file. */
    SHM_LIMIT("shm-limit", Scope.CROSS_PROCESS),
    /** The raw limit for bulk: one thread copying with {@code MemorySegment.copy}. */
    COPY_LIMIT("copy-limit", Scope.CROSS_PROCESS),
    /** ringipc {@code Ring} between two threads. */
    RING("ring", Scope.IN_PROCESS),
    /** ringipc {@code MessageRing} (framed records) between two threads. */
    MESSAGE_RING("message-ring", Scope.IN_PROCESS),
    /** ringipc {@code LockedRing}, the mutex-and-conditions baseline, between two threads. */
    LOCKED_RING("locked-ring", Scope.IN_PROCESS),
    /** Agrona {@code OneToOneRingBuffer} between two threads. */
    AGRONA("agrona", Scope.IN_PROCESS),
    /** JCTools {@code SpscArrayQueue} of pooled {@code byte[]} chunks between two threads. */
    JCTOOLS("jctools", Scope.IN_PROCESS),
    /** {@code java.nio.channels.Pipe} between two threads. */
    NIO_PIPE("nio-pipe", Scope.IN_PROCESS),
    /**
     * The in-run limit for rings: the smallest correct ring between two JVMs ({@link RawRing}: two
     * positions in a mapped file, spinning, no stats, roles or checks), round trip and bulk.
     */
    RAW_RING("raw-ring", Scope.CROSS_PROCESS),
    /** A ringipc {@code SharedMessageRing} each way between two JVMs (one message per send), busy-spinning waits. */
    MESSAGE_RING_SPIN("message-ring-spin", Scope.CROSS_PROCESS),
    /** A ringipc {@code SharedMessageRing} each way between two JVMs (one message per send), futex sleeps. */
    MESSAGE_RING_BLOCK("message-ring-block", Scope.CROSS_PROCESS),
    /**
     * The native limit of the same file format: a C process on each side, both through
     * {@code ring-c/include/ringipc.h} (byte rings, busy-spinning), timed in C.
     */
    C_RING("c-ring", Scope.CROSS_PROCESS),
    /**
     * A C process (ringipc.h) writing, a Java ring end reading, over the same files as
     * {@code ring-spin}: the round trip both ways, the bulk from C to Java, timed in C.
     */
    C_TO_JAVA("c-to-java", Scope.CROSS_PROCESS),
    /**
     * The harness's Java ring end (the product's {@code ring-spin} files and link) against a C
     * peer ({@code cring-peer}, ringipc.h) instead of a peer JVM: the bulk from Java to C, timed
     * in Java, which tells the Java writer's cost apart from the Java reader's.
     */
    JAVA_TO_C("java-to-c", Scope.CROSS_PROCESS),
    /**
     * {@code ring-spin} with both ends opened with native copy
     * ({@code RingOptions.withNativeCopy(true)}, {@code SharedRing.open(path, true)}): the product's
     * ring copying in with the C library's {@code memcpy} instead of {@code MemorySegment.copy}. The
     * harness refuses to run it where native copy is not available, rather than measure
     * {@code ring-spin} twice.
     */
    RING_SPIN_MEMCPY("ring-spin-memcpy", Scope.CROSS_PROCESS);

    /** Where the two ends of a transport live. */
    public enum Scope { CROSS_PROCESS, IN_PROCESS }

    private final String id;
    private final Scope scope;

    Transport(String id, Scope scope) {
        this.id = id;
        this.scope = scope;
    }

    /** The transport's name in the report, for example {@code ring-spin}. */
    public String id() {
        return id;
    }

    /** Whether the harness needs a peer JVM for this transport. */
    public Scope scope() {
        return scope;
    }

    /** The transport named {@code id}; an {@link IllegalArgumentException} naming it otherwise. */
    public static Transport byId(String id) {
        for (Transport t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("transport=" + id + " is not one of " + java.util.Arrays.stream(values()).map(Transport::id).toList());
    }
}
