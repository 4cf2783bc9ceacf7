package org.ringipc.bridge;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One bridge's Aeron: an embedded media driver in a directory beside the ring file (or an external
 * driver named by {@code --aeron-dir}) and a client connected to it.
 *
 * <p>The embedded driver declares a peer dead after the peer timeout ({@code --peer-timeout},
 * {@value #DEFAULT_PEER_TIMEOUT_MS} ms by default): a publication whose receiver sent no status
 * message for that long is no longer connected, and an image whose sender sent neither data nor
 * heartbeat for that long goes unavailable. Aeron's defaults (5 s and 10 s) would leave the other
 * bridge waiting long after its peer was killed; one second is enough on a quiet host but not on
 * a loaded one, where a starved driver thread misses its heartbeats while JVMs start. An external
 * driver keeps its own settings.
 */
final class AeronMedia implements AutoCloseable {

    /** How long a silent peer bridge lives on in the eyes of this bridge's driver, by default. */
    static final long DEFAULT_PEER_TIMEOUT_MS = 3000;

    /** The driver's loss and retransmit counters the bridges report, by JSON name. */
    private static final Map<String, SystemCounterDescriptor> REPORTED = new LinkedHashMap<>();

    static {
        REPORTED.put("bytesSent", SystemCounterDescriptor.BYTES_SENT);
        REPORTED.put("bytesReceived", SystemCounterDescriptor.BYTES_RECEIVED);
        REPORTED.put("naksSent", SystemCounterDescriptor.NAK_MESSAGES_SENT);
        REPORTED.put("naksReceived", SystemCounterDescriptor.NAK_MESSAGES_RECEIVED);
        REPORTED.put("retransmitsSent", SystemCounterDescriptor.RETRANSMITS_SENT);
        REPORTED.put("retransmittedBytes", SystemCounterDescriptor.RETRANSMITTED_BYTES);
        REPORTED.put("lossGapFills", SystemCounterDescriptor.LOSS_GAP_FILLS);
        REPORTED.put("shortSends", SystemCounterDescriptor.SHORT_SENDS);
        REPORTED.put("errors", SystemCounterDescriptor.ERRORS);
    }

    /**
     * How long the client waits for its embedded driver to answer: Aeron's 10 s ran out while six JVMs
     * started at once on two cores shared with other builds.
     */
    static final long DRIVER_TIMEOUT_MS = 30_000;

    /** The receiver window (and socket buffers) the embedded driver asks for, if the kernel allows. */
    static final int WANTED_WINDOW = 2 << 20;

    private final MediaDriver driver;
    private final Aeron aeron;

    private AeronMedia(MediaDriver driver, Aeron aeron) {
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * Starts an embedded driver in {@code .aeron-NAME-PID} beside {@code ringFile} when
     * {@code externalDir} is null, else connects to the driver running there.
     *
     * @throws IllegalArgumentException when {@code peerTimeoutMs} is not at least 500 (the driver
     *                                  exchanges status every 200 ms)
     */
    static AeronMedia start(Path ringFile, Path externalDir, long peerTimeoutMs) {
        if (peerTimeoutMs < 500) {
            throw new IllegalArgumentException("--peer-timeout=" + peerTimeoutMs + " is below 500 ms");
        }
        long peerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(peerTimeoutMs);
        MediaDriver driver = null;
        Path dir = externalDir;
        if (dir == null) {
            Path parent = ringFile.toAbsolutePath().getParent();
            dir = parent.resolve(".aeron-" + ringFile.getFileName() + "-" + ProcessHandle.current().pid());
            int window = window();
            driver = MediaDriver.launch(new MediaDriver.Context()
                    .initialWindowLength(window)
                    .socketRcvbufLength(window)
                    .socketSndbufLength(window)
                    .aeronDirectoryName(dir.toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .driverTimeoutMs(DRIVER_TIMEOUT_MS)
                    .imageLivenessTimeoutNs(peerTimeoutNs)
                    .publicationConnectionTimeoutNs(peerTimeoutNs)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
        }
        try {
            Aeron.Context client = new Aeron.Context().aeronDirectoryName(dir.toString());
            if (driver != null) {
                client.driverTimeoutMs(DRIVER_TIMEOUT_MS);
            }
            Aeron aeron = Aeron.connect(client);
            return new AeronMedia(driver, aeron);
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            throw e;
        }
    }

    /**
     * Aeron's receiver window caps a stream at window / round trip, and its default (128 KiB, the
     * usual socket buffer) gave 6 MB/s at a loaded host's 20 ms round trip. Ask for
     * {@link #WANTED_WINDOW}, but never above the kernel's {@code net.core.rmem_max} and
     * {@code wmem_max} (the driver would warn that it got less), nor below Aeron's default.
     */
    private static int window() {
        long allowed = Math.min(sysctl("rmem_max"), sysctl("wmem_max"));
        return (int) Math.max(128 * 1024, Math.min(WANTED_WINDOW, allowed));
    }

    private static long sysctl(String name) {
        try {
            return Long.parseLong(java.nio.file.Files.readString(Path.of("/proc/sys/net/core", name)).strip());
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    Aeron aeron() {
        return aeron;
    }


    /**
     * The driver's loss and retransmit counters now (for the whole driver: with an embedded driver,
     * this bridge's stream only).
     */
    Map<String, Long> counters() {
        Map<String, Long> values = new LinkedHashMap<>();
        if (aeron.isClosed()) {
            return values;
        }
        CountersReader reader = aeron.countersReader();
        reader.forEach((int counterId, int typeId, org.agrona.DirectBuffer key, String label) -> {
            if (typeId != SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID) {
                return;
            }
            // a system counter's key is its descriptor id
            int id = key.getInt(0);
            REPORTED.forEach((name, descriptor) -> {
                if (descriptor.id() == id) {
                    values.put(name, reader.getCounterValue(counterId));
                }
            });
        });
        return values;
    }

    @Override
    public void close() {
        aeron.close();
        if (driver != null) {
            driver.close();
        }
    }
}
