/*
 * cring-bench [ROUNDS] [MS]: the native figures of the ring file format, C to C between two
 * processes (fork) through ringipc.h: 1-byte round trip over two byte rings (SPIN and BLOCK), and
 * bulk 64 KiB writes through a 1 MiB BLOCK ring, copied out by the reader as a pipe reader would.
 * The lanes run interleaved, ROUNDS rounds (default 5) of MS ms (default 1000) each; it prints each
 * lane's median over the rounds with the min-max. Not a test: nothing is asserted.
 */
#include "ringipc.h"

#include <sys/wait.h>

#define MAX_SAMPLES (1 << 22)
#define CHUNK (64 * 1024)

static char dir[128];

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void die(const char *what, const char *error) {
    fprintf(stderr, "cring-bench: %s: %s\n", what, error);
    exit(1);
}

static void make(const char *name, int64_t capacity, int wait, char *path) {
    ringipc_ring r;
    snprintf(path, 256, "%s/%s", dir, name);
    if (ringipc_create(&r, path, capacity, (uint32_t)wait, 0600, 1) < 0) die("create", r.error);
    ringipc_close(&r);
}

static void open_end(const char *path, ringipc_ring *r, ringipc_end *e, int producer) {
    if (ringipc_open(r, path, RINGIPC_KIND_BYTES) < 0) die("open", r->error);
    if ((producer ? ringipc_producer(r, e) : ringipc_consumer(r, e)) < 0) die("end", e->error);
}

/* median round trip in ns over one timed slice */
static double round_trip(int wait, int64_t ms) {
    char ping[256], pong[256];
    make("ping", 65536, wait, ping);
    make("pong", 65536, wait, pong);
    pid_t child = fork();
    if (child == 0) {
        ringipc_ring ri, ro;
        ringipc_end in, out;
        open_end(ping, &ri, &in, 0);
        open_end(pong, &ro, &out, 1);
        unsigned char b;
        while (ringipc_read(&in, &b, 1) == 1) {
            ringipc_write(&out, &b, 1);
            if (b == 0) break;
        }
        ringipc_end_close(&out);
        _exit(0);
    }
    ringipc_ring ro, ri;
    ringipc_end out, in;
    open_end(ping, &ro, &out, 1);
    open_end(pong, &ri, &in, 0);
    static int64_t samples[MAX_SAMPLES];
    int n = 0;
    unsigned char b = 1;
    int64_t warm_end = ringipc__now() + ms * 1000000LL / 5, end = warm_end + ms * 1000000LL;
    for (int64_t now = ringipc__now(); now < end && n < MAX_SAMPLES; ) {
        ringipc_write(&out, &b, 1);
        ringipc_read(&in, &b, 1);
        int64_t after = ringipc__now();
        if (now >= warm_end) samples[n++] = after - now;
        now = after;
    }
    b = 0;
    ringipc_write(&out, &b, 1);
    ringipc_read(&in, &b, 1);
    waitpid(child, NULL, 0);
    ringipc_end_close(&out);
    ringipc_end_close(&in);
    ringipc_close(&ro);
    ringipc_close(&ri);
    qsort(samples, (size_t)n, sizeof samples[0], cmp_i64);
    return n ? (double)samples[n / 2] : 0;
}

/* GB/s of 64 KiB writes until the reader acknowledged the last byte */
static double bulk(int64_t ms) {
    char data[256], ack[256];
    make("data", 1 << 20, RINGIPC_WAIT_BLOCK, data);
    make("ack", 65536, RINGIPC_WAIT_BLOCK, ack);
    pid_t child = fork();
    if (child == 0) {
        ringipc_ring ri, ro;
        ringipc_end in, out;
        open_end(data, &ri, &in, 0);
        open_end(ack, &ro, &out, 1);
        static unsigned char buf[CHUNK];
        int64_t total = 0, n;
        while ((n = ringipc_read(&in, buf, CHUNK)) > 0) total += n;
        ringipc_write(&out, &total, sizeof total);
        ringipc_end_close(&out);
        _exit(0);
    }
    ringipc_ring ro, ri;
    ringipc_end out, in;
    open_end(data, &ro, &out, 1);
    open_end(ack, &ri, &in, 0);
    static unsigned char buf[CHUNK];
    memset(buf, 7, sizeof buf);
    int64_t sent = 0, start = ringipc__now(), end = start + ms * 1000000LL;
    while (ringipc__now() < end) {
        ringipc_write(&out, buf, CHUNK);
        sent += CHUNK;
    }
    ringipc_end_close(&out);
    int64_t got = 0;
    ringipc_read(&in, &got, sizeof got);
    double seconds = (double)(ringipc__now() - start) / 1e9;
    waitpid(child, NULL, 0);
    ringipc_end_close(&in);
    ringipc_close(&ro);
    ringipc_close(&ri);
    if (got != sent) die("bulk", "the reader acknowledged a different byte count");
    return (double)sent / seconds / 1e9;
}

static void report(const char *lane, const char *unit, double *v, int rounds) {
    double sorted[64];
    memcpy(sorted, v, sizeof(double) * (size_t)rounds);
    for (int i = 0; i < rounds; i++)
        for (int j = i + 1; j < rounds; j++)
            if (sorted[j] < sorted[i]) { double t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t; }
    printf("%-22s median %10.1f %s   (min %.1f, max %.1f, %d rounds)\n", lane, sorted[rounds / 2], unit, sorted[0],
           sorted[rounds - 1], rounds);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    int64_t ms = argc > 2 ? atoll(argv[2]) : 1000;
    if (rounds < 1 || rounds > 64 || ms < 10) {
        fprintf(stderr, "usage: cring-bench [ROUNDS 1..64] [MS >= 10]\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "/dev/shm/cring-bench-%d", (int)getpid());
    mkdir(dir, 0700);
    double spin[64], block[64], gbs[64];
    for (int r = 0; r < rounds; r++) {
        /* interleaved, each round starting one lane later, so drifts of a shared machine hit all alike */
        for (int k = 0; k < 3; k++) {
            switch ((r + k) % 3) {
            case 0: spin[r] = round_trip(RINGIPC_WAIT_SPIN, ms); break;
            case 1: block[r] = round_trip(RINGIPC_WAIT_BLOCK, ms); break;
            default: gbs[r] = bulk(ms); break;
            }
        }
    }
    report("c-ring spin RTT", "ns", spin, rounds);
    report("c-ring block RTT", "ns", block, rounds);
    report("c-ring bulk 64KiB/1MiB", "GB/s", gbs, rounds);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
