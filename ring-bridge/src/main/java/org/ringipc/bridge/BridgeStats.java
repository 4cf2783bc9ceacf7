package org.ringipc.bridge;

import java.util.Map;

/**
 * What one bridge moved, for {@code --json}: payload bytes, messages (Aeron messages; for a message
 * ring, ring messages), back-pressure events, how it ended, and the driver's loss and retransmit
 * counters. The counters are written by the bridge's one pumping thread; volatile so that the
 * report, taken on another thread at exit, sees them.
 *
 * <p>Back-pressure events: on the sending bridge, the times the publication refused an offer
 * because the receiver's window was full (counted once per episode); on the receiving bridge, the
 * times it went to sleep waiting for room in its ring (the ring's producer sleeps while it held
 * the producer end).
 */
final class BridgeStats {
    final String role;
    volatile long bytes;
    volatile long messages;
    volatile long backPressureEvents;
    volatile String outcome = "running";
    volatile Map<String, Long> aeron = Map.of();

    BridgeStats(String role) {
        this.role = role;
    }

    String toJson() {
        StringBuilder json = new StringBuilder()
                .append("{\"role\":\"").append(role).append('"')
                .append(",\"outcome\":\"").append(outcome).append('"')
                .append(",\"bytes\":").append(bytes)
                .append(",\"messages\":").append(messages)
                .append(",\"backPressureEvents\":").append(backPressureEvents)
                .append(",\"aeron\":{");
        String sep = "";
        for (Map.Entry<String, Long> e : aeron.entrySet()) {
            json.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
            sep = ",";
        }
        return json.append("}}").toString();
    }
}
