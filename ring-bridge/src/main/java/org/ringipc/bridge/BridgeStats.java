package org.ringipc.bridge;

/** What one bridge moved: bytes, Aeron messages and back-pressure events (written by one thread). */
final class BridgeStats {
    final String role;
    volatile long bytes;
    volatile long messages;
    volatile long backPressureEvents;

    BridgeStats(String role) {
        this.role = role;
    }

    String toJson() {
        return "{\"role\":\"" + role + "\",\"bytes\":" + bytes + ",\"messages\":" + messages
                + ",\"backPressureEvents\":" + backPressureEvents + "}";
    }
}
