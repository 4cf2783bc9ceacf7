/*
 * ringcat-read FILE: the ring file to stdout until EOF (the producer closed or died). A byte ring
 * is written out in place from the ring (no copy); a message ring one message per line.
 * Exit status: 0 at EOF, 1 a ring or stdout error (the message on stderr), 2 a bad command line.
 */
#include "ringipc.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>

static int write_all(const void *buf, size_t n) {
    const unsigned char *p = (const unsigned char *)buf;
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int bytes(ringipc_end *in) {
    for (;;) {
        const void *slice;
        int64_t n = ringipc_peek(in, &slice);
        if (n == RINGIPC_EOF) return 0;
        if (n < 0) return (int)n;
        if (write_all(slice, (size_t)n) < 0) return ringipc__fail(in->error, RINGIPC_ESYS, "stdout: %s", strerror(errno));
        int rc = ringipc_consume(in, n);
        if (rc < 0) return rc;
    }
}

static void print_line(void *context, const void *message, uint32_t length) {
    int *failed = (int *)context;
    if (*failed) return;
    if (fwrite(message, 1, length, stdout) != length || fputc('\n', stdout) == EOF) *failed = errno ? errno : EIO;
}

static int lines(ringipc_end *in) {
    int failed = 0;
    for (;;) {
        int n = ringipc_take(in, print_line, &failed, 256, -1);
        if (failed) return ringipc__fail(in->error, RINGIPC_ESYS, "stdout: %s", strerror(failed));
        if (n == RINGIPC_EOF) return fflush(stdout) == 0 ? 0 : ringipc__fail(in->error, RINGIPC_ESYS, "stdout: %s", strerror(errno));
        if (n < 0) return n;
        if (fflush(stdout) != 0) return ringipc__fail(in->error, RINGIPC_ESYS, "stdout: %s", strerror(errno));
    }
}

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: ringcat-read FILE   (the ring to stdout until EOF)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    ringipc_ring ring;
    ringipc_end in;
    if (ringipc_open(&ring, argv[1], RINGIPC_KIND_ANY) < 0) {
        fprintf(stderr, "ringcat-read: %s\n", ring.error);
        return 1;
    }
    if (ringipc_consumer(&ring, &in) < 0) {
        fprintf(stderr, "ringcat-read: %s\n", in.error);
        ringipc_close(&ring);
        return 1;
    }
    int rc = ring.messages ? lines(&in) : bytes(&in);
    if (rc < 0) fprintf(stderr, "ringcat-read: %s\n", in.error);
    ringipc_end_close(&in);
    ringipc_close(&ring);
    return rc < 0 ? 1 : 0;
}
