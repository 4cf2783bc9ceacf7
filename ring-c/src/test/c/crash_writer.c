/*
 * crash-writer FILE COUNT [LENGTH]: a fault-injection producer for the takeover tests. Publishes COUNT
 * messages "m0", "m1", ... on a message ring, then reserves one more record of LENGTH bytes (default 4),
 * writes its payload, stores `publishing` and releases `head` - and stops there, before the record's
 * header word, the window a producer killed mid-record leaves behind (FORMAT.md 3.6). It prints
 * "stopped" and waits to be killed. Exit status: 1 a ring error, 2 a bad command line.
 */
#include "ringipc.h"

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: crash-writer FILE COUNT [LENGTH]\n");
        return 2;
    }
    long count = strtol(argv[2], NULL, 10);
    long length = argc == 4 ? strtol(argv[3], NULL, 10) : 4;
    ringipc_ring ring;
    ringipc_end out;
    if (ringipc_open(&ring, argv[1], RINGIPC_KIND_MESSAGES) < 0) {
        fprintf(stderr, "crash-writer: %s\n", ring.error);
        return 1;
    }
    if (ringipc_producer(&ring, &out) < 0 || ringipc__check_length(&out, length) < 0) {
        fprintf(stderr, "crash-writer: %s\n", out.error);
        return 1;
    }
    char msg[32];
    for (long i = 0; i < count; i++) {
        int n = snprintf(msg, sizeof msg, "m%ld", i);
        if (ringipc_send(&out, msg, n) < 0) {
            fprintf(stderr, "crash-writer: %s\n", out.error);
            return 1;
        }
    }
    int64_t index = ringipc__reserve(&out, length, 1);
    if (index < 0) {
        fprintf(stderr, "crash-writer: %s\n", out.error);
        return 1;
    }
    memset(ring.data + index + RINGIPC_RECORD_HEADER_BYTES, 'x', (size_t)length);
    /* ringipc__publish_record's first two steps, without the header words that follow them */
    atomic_store_explicit(ringipc__l(&ring, RINGIPC_OFF_PUBLISHING), out.pos, memory_order_relaxed);
    /* release: as in ringipc__publish_record */
    ringipc__publish_head(&out, out.record_start + ringipc__record_bytes(length));
    printf("stopped\n");
    fflush(stdout);
    for (;;) pause();
}
