/*
 * C to C in one process, two threads, for ThreadSanitizer: a producer thread and a consumer thread
 * on two handles of one ring file move 16 MiB through a byte ring and then a message ring (BLOCK, so
 * both sleep and wake through the futex words), every byte checked. Exit status 0 when all arrived.
 */
#include "ringipc.h"

#include <pthread.h>

#define TOTAL (16LL << 20)

static const char *path;

static unsigned char pattern(uint64_t i) {
    return (unsigned char)(i * 2654435761u >> 13);
}

static void *produce(void *arg) {
    ringipc_ring r;
    ringipc_end p;
    intptr_t messages = (intptr_t)arg;
    if (ringipc_open(&r, path, RINGIPC_KIND_ANY) < 0 || ringipc_producer(&r, &p) < 0) return (void *)1;
    unsigned char buf[3000];
    int64_t sent = 0;
    for (int i = 0; sent < TOTAL; i++) {
        int64_t n = 1 + (i * 7919) % (int64_t)sizeof buf;
        if (n > TOTAL - sent) n = TOTAL - sent;
        for (int64_t k = 0; k < n; k++) buf[k] = pattern((uint64_t)(sent + k));
        if ((messages ? ringipc_send(&p, buf, n) : ringipc_write(&p, buf, n)) < 0) return (void *)2;
        sent += n;
    }
    ringipc_end_close(&p);
    ringipc_close(&r);
    return NULL;
}

struct stream { uint64_t got, bad; };

static void check(void *context, const void *message, uint32_t length) {
    struct stream *s = (struct stream *)context;
    for (uint32_t k = 0; k < length; k++) s->bad += ((const unsigned char *)message)[k] != pattern(s->got + k);
    s->got += length;
}

static int run(int messages) {
    ringipc_ring r;
    if (ringipc_create(&r, path, 16384, RINGIPC_WAIT_BLOCK | (messages ? RINGIPC_FLAG_MESSAGES : 0), 0600, 1) < 0) {
        fprintf(stderr, "%s\n", r.error);
        return 1;
    }
    ringipc_end c;
    ringipc_consumer(&r, &c);
    pthread_t t;
    pthread_create(&t, NULL, produce, (void *)(intptr_t)messages);
    struct stream s = {0, 0};
    unsigned char buf[5000];
    int64_t n;
    do {
        if (messages) {
            n = ringipc_take(&c, check, &s, 16, -1);
        } else {
            n = ringipc_read(&c, buf, sizeof buf);
            if (n > 0) check(&s, buf, (uint32_t)n);
        }
    } while (n >= 0);
    void *result;
    pthread_join(t, &result);
    ringipc_stats st;
    ringipc_stats_read(&r, &st);
    printf("%s: %llu bytes, %llu wrong, end %s, producer sleeps %lld, consumer sleeps %lld\n", messages ? "messages" : "bytes",
           (unsigned long long)s.got, (unsigned long long)s.bad, ringipc_strerror((int)n), (long long)st.producer_sleeps,
           (long long)st.consumer_sleeps);
    ringipc_end_close(&c);
    ringipc_close(&r);
    return !(result == NULL && n == RINGIPC_EOF && s.got == (uint64_t)TOTAL && s.bad == 0);
}

int main(int argc, char **argv) {
    path = argc > 1 ? argv[1] : "/dev/shm/ringipc-threads-test";
    int failed = run(0) + run(1);
    unlink(path);
    printf("%s\n", failed ? "FAILED" : "PASSED");
    return failed;
}
