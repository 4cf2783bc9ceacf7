/*
 * ringcat-write FILE: stdin into the ring file until end of input, then close the producer end
 * (the reader sees EOF). A byte ring takes stdin as it comes, read(2) straight into claimed ring
 * space; a message ring gets one message per line (without the newline).
 * Exit status: 0 done, 1 a ring error (the message on stderr), 2 a bad command line.
 */
#include "ringipc.h"

#define MAX_CHUNK (1 << 20)

static int bytes(ringipc_end *out) {
    int64_t chunk = out->ring->capacity / 4 < MAX_CHUNK ? out->ring->capacity / 4 : MAX_CHUNK;
    for (;;) {
        void *space = NULL;
        int64_t room = ringipc_claim(out, 1, &space);
        if (room < 0) return (int)room;
        ssize_t n;
        do {
            n = read(STDIN_FILENO, space, (size_t)(room < chunk ? room : chunk));
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            ringipc_commit(out, 0);
            return ringipc__fail(out->error, RINGIPC_ESYS, "stdin: %s", strerror(errno));
        }
        int rc = ringipc_commit(out, n);
        if (rc < 0) return rc;
        if (n == 0) return 0;
    }
}

static int lines(ringipc_end *out) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    uint32_t max = ringipc_max_message_length(out->ring->capacity);
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n') n--;
        if ((uint64_t)n > max) {
            rc = ringipc__fail(out->error, RINGIPC_EINVAL, "a line of %zd bytes is longer than maxMessageLength=%u", n, max);
            break;
        }
        rc = ringipc_send(out, line, n);
        if (rc < 0) break;
        rc = 0;
    }
    free(line);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: ringcat-write FILE   (stdin into the ring; EOF closes the producer end)\n");
        return 2;
    }
    ringipc_ring ring;
    ringipc_end out;
    if (ringipc_open(&ring, argv[1], RINGIPC_KIND_ANY) < 0) {
        fprintf(stderr, "ringcat-write: %s\n", ring.error);
        return 1;
    }
    if (ringipc_producer(&ring, &out) < 0) {
        fprintf(stderr, "ringcat-write: %s\n", out.error);
        ringipc_close(&ring);
        return 1;
    }
    int rc = ring.messages ? lines(&out) : bytes(&out);
    if (rc < 0) fprintf(stderr, "ringcat-write: %s\n", out.error);
    ringipc_end_close(&out);
    ringipc_close(&ring);
    return rc < 0 ? 1 : 0;
}
