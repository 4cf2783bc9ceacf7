/*
 * The C side checked against docs/FORMAT.md: every header offset, the record header, a file made by
 * ringipc_create read back byte by byte, every refused kind of file, role refusal between two
 * handles, a byte ring and a message ring between two processes (fork), every byte checked, streams one
 * after another in either order, and a producer killed mid-record taken over (its record counted lost).
 * Prints one line per check; exit status 0 when every check passed.
 */
#include "ringipc.h"

#include <assert.h>
#include <signal.h>
#include <sys/wait.h>

static int failures;

#define CHECK(cond, ...) do { \
        if (cond) { printf("ok   "); } else { printf("FAIL "); failures++; } \
        printf(__VA_ARGS__); printf("\n"); } while (0)

/* The header as FORMAT.md section 2 tables it, padding spelled out. */
struct spec_header {
    int64_t magic; int32_t version, capacity, flags, header_size; unsigned char pad0[104];
    int64_t head, writes, bytes_dropped, drops, producer_sleeps, producer_owner, publishing; unsigned char pad1[72];
    int64_t tail, reads, consumer_sleeps, consumer_owner, batch_end, lost_records, lost_bytes; unsigned char pad2[72];
    int32_t producer_waiting, consumer_waiting, producer_wake_seq, consumer_wake_seq, producer_state, consumer_state;
    int64_t streams; unsigned char pad3[96];
};

#define PIN(field, macro) static_assert(offsetof(struct spec_header, field) == macro, #field " is at " #macro)
PIN(magic, RINGIPC_OFF_MAGIC); PIN(version, RINGIPC_OFF_VERSION); PIN(capacity, RINGIPC_OFF_CAPACITY);
PIN(flags, RINGIPC_OFF_FLAGS); PIN(header_size, RINGIPC_OFF_HEADER_SIZE);
PIN(head, RINGIPC_OFF_HEAD); PIN(writes, RINGIPC_OFF_WRITES); PIN(bytes_dropped, RINGIPC_OFF_BYTES_DROPPED);
PIN(drops, RINGIPC_OFF_DROPS); PIN(producer_sleeps, RINGIPC_OFF_PRODUCER_SLEEPS);
PIN(producer_owner, RINGIPC_OFF_PRODUCER_OWNER); PIN(publishing, RINGIPC_OFF_PUBLISHING);
PIN(tail, RINGIPC_OFF_TAIL); PIN(reads, RINGIPC_OFF_READS); PIN(consumer_sleeps, RINGIPC_OFF_CONSUMER_SLEEPS);
PIN(consumer_owner, RINGIPC_OFF_CONSUMER_OWNER); PIN(batch_end, RINGIPC_OFF_BATCH_END);
PIN(lost_records, RINGIPC_OFF_LOST_RECORDS); PIN(lost_bytes, RINGIPC_OFF_LOST_BYTES);
PIN(producer_waiting, RINGIPC_OFF_PRODUCER_WAITING); PIN(consumer_waiting, RINGIPC_OFF_CONSUMER_WAITING);
PIN(producer_wake_seq, RINGIPC_OFF_PRODUCER_WAKE_SEQ); PIN(consumer_wake_seq, RINGIPC_OFF_CONSUMER_WAKE_SEQ);
PIN(producer_state, RINGIPC_OFF_PRODUCER_STATE); PIN(consumer_state, RINGIPC_OFF_CONSUMER_STATE);
PIN(streams, RINGIPC_OFF_STREAMS);
static_assert(sizeof(struct spec_header) == RINGIPC_HEADER_BYTES, "the header is 512 bytes");
static_assert(RINGIPC_OFF_PRODUCER_BLOCK == 128 && RINGIPC_OFF_CONSUMER_BLOCK == 256 && RINGIPC_OFF_SIGNAL_BLOCK == 384,
              "four 128-byte blocks");

static char dir[256];

static void path_of(char *out, const char *name) {
    snprintf(out, 512, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (n) fwrite(bytes, 1, n, f);
    fclose(f);
}

/* a good 4096 ring's file, with one field overwritten */
static void make_bad(const char *path, size_t off, const void *value, size_t n, size_t size) {
    static unsigned char file[512 + 8192];
    ringipc_ring r;
    char good[512];
    path_of(good, "good");
    int rc = ringipc_create(&r, good, 4096, RINGIPC_WAIT_BLOCK, 0600, 1);
    assert(rc == 0);
    memset(file, 0, sizeof file);
    memcpy(file, r.base, r.size);
    ringipc_close(&r);
    if (value) memcpy(file + off, value, n);
    write_file(path, file, size);
}

static void refuses(const char *name, size_t off, const void *value, size_t n, size_t size, int kind, int expected, const char *word) {
    char path[512];
    path_of(path, name);
    make_bad(path, off, value, n, size);
    ringipc_ring r;
    int rc = ringipc_open(&r, path, kind);
    CHECK(rc == expected && strstr(r.error, word) != NULL, "a %s file is refused with %s naming '%s': %s", name,
          ringipc_strerror(expected), word, r.error);
    if (rc == 0) ringipc_close(&r);
}

static unsigned char pattern(uint64_t i) {
    return (unsigned char)(i * 2654435761u >> 13);
}

static void check_layout(void) {
    char path[512];
    path_of(path, "layout");
    ringipc_ring r;
    int rc = ringipc_create(&r, path, 8192, RINGIPC_WAIT_BLOCK | RINGIPC_FLAG_MESSAGES, 0600, 0);
    CHECK(rc == 0, "ringipc_create makes a message ring file: %s", r.error);
    struct stat st;
    stat(path, &st);
    CHECK(st.st_size == 512 + 8192, "the file is 512 + capacity bytes (%lld)", (long long)st.st_size);
    CHECK((st.st_mode & 0777) == 0600, "the file's mode is 0600 (%o)", st.st_mode & 0777);
    const struct spec_header *h = (const struct spec_header *)(const void *)r.base;
    CHECK(h->magic == RINGIPC_MAGIC && memcmp(r.base, "1CPIGNIR", 8) == 0, "magic is RINGIPC1 as a native (little-endian) long");
    CHECK(h->version == 2 && h->capacity == 8192 && h->header_size == 512, "version 2, capacity, headerSize 512");
    CHECK(h->flags == 0x103, "flags: BLOCK wait (3), BLOCK overflow (0), messages (0x100): 0x%x", h->flags);
    CHECK(h->head == 0 && h->tail == 0 && h->producer_state == 0 && h->consumer_state == 0 && h->streams == 0,
          "a new ring: positions 0, both ends NONE, no streams");
    CHECK(ringipc__header_word(5, 1) == ((int64_t)1 << 32 | 5), "a record header word is type << 32 | length on little-endian");
    CHECK(ringipc__record_bytes(0) == 8 && ringipc__record_bytes(1) == 16 && ringipc__record_bytes(8) == 16 && ringipc__record_bytes(9) == 24,
          "recordBytes rounds header + payload up to 8");
    CHECK(ringipc_max_message_length(4096) == 2040, "maxMessageLength(4096) = 2040");
    ringipc_end p, c;
    CHECK(ringipc_producer(&r, &p) == 0, "the producer end opens");
    CHECK(h->producer_state == 1 && h->streams == 1 && (h->producer_owner & 0xFFFFFFFF) == getpid(),
          "open: producerState 1, streams 1, owner holds our pid");
    CHECK(ringipc_consumer(&r, &c) == 0, "the consumer end opens");
    ringipc_end_close(&p);
    ringipc_end_close(&c);
    CHECK(h->producer_state == 2 && h->consumer_state == 2 && h->producer_owner == 0, "close: states 2, owner 0");
    ringipc_close(&r);
}

static void check_refusals(void) {
    char path[512];
    path_of(path, "empty");
    write_file(path, "", 0);
    ringipc_ring r;
    CHECK(ringipc_open(&r, path, RINGIPC_KIND_ANY) == RINGIPC_ESIZE && strstr(r.error, "size=0"), "an empty file is refused: %s", r.error);
    refuses("short", 0, NULL, 0, 100, RINGIPC_KIND_ANY, RINGIPC_ESIZE, "size=100");
    int64_t magic = 0x1234;
    refuses("bad-magic", 0, &magic, 8, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_EMAGIC, "magic=");
    int32_t version = 1;
    refuses("bad-version", 8, &version, 4, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_EVERSION, "version=1");
    int32_t capacity = 1000;
    refuses("bad-capacity", 12, &capacity, 4, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_ECAPACITY, "capacity=1000");
    refuses("size-mismatch", 0, NULL, 0, 512 + 8192, RINGIPC_KIND_ANY, RINGIPC_ESIZE, "does not match capacity=4096");
    refuses("truncated", 0, NULL, 0, 512 + 2048, RINGIPC_KIND_ANY, RINGIPC_ESIZE, "truncated");
    int32_t header = 256;
    refuses("bad-header-size", 20, &header, 4, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_EHEADER, "headerSize=256");
    int32_t flags = 0x10000;
    refuses("bad-flags", 16, &flags, 4, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_EFLAGS, "flags=0x10000");
    refuses("byte-ring-as-messages", 0, NULL, 0, 512 + 4096, RINGIPC_KIND_MESSAGES, RINGIPC_EKIND, "a byte ring");
    int32_t state = 7;
    refuses("bad-state", RINGIPC_OFF_CONSUMER_STATE, &state, 4, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_ECORRUPT, "consumerState=7");
    int64_t head = 9000;
    refuses("bad-positions", RINGIPC_OFF_HEAD, &head, 8, 512 + 4096, RINGIPC_KIND_ANY, RINGIPC_ECORRUPT, "head=9000");
    CHECK(ringipc_open(&r, dir, RINGIPC_KIND_ANY) == RINGIPC_ENOTFILE, "a directory is refused: %s", r.error);
    path_of(path, "missing");
    CHECK(ringipc_open(&r, path, RINGIPC_KIND_ANY) == RINGIPC_ESYS && strstr(r.error, "no such ring file"), "a missing file: %s", r.error);
}

static void check_roles(void) {
    char path[512];
    path_of(path, "roles");
    ringipc_ring a, b;
    ringipc_create(&a, path, 4096, RINGIPC_WAIT_BLOCK, 0600, 1);
    ringipc_open(&b, path, RINGIPC_KIND_BYTES);
    ringipc_end p1, p2, p3;
    CHECK(ringipc_producer(&a, &p1) == 0, "handle A claims the producer end");
    CHECK(ringipc_producer(&b, &p2) == RINGIPC_EBUSY && strstr(p2.error, "already held"), "handle B is refused: %s", p2.error);
    CHECK(ringipc_producer(&a, &p3) == RINGIPC_EBUSY, "handle A itself is refused a second producer: %s", p3.error);
    ringipc_end_close(&p1);
    CHECK(ringipc_producer(&b, &p2) == 0, "after A closes its producer, B claims it");
    ringipc_end_close(&p2);
    ringipc_close(&a);
    ringipc_close(&b);
}

#define TOTAL (64LL << 20)

struct stream { uint64_t got, bad; };

/* each payload is the next piece of one patterned stream */
static void check_message(void *context, const void *message, uint32_t length) {
    struct stream *s = (struct stream *)context;
    const unsigned char *p = (const unsigned char *)message;
    for (uint32_t k = 0; k < length; k++) s->bad += p[k] != pattern(s->got + k);
    s->got += length;
}

static void check_processes(int messages) {
    char path[512];
    path_of(path, messages ? "fork-messages" : "fork-bytes");
    ringipc_ring r;
    ringipc_create(&r, path, 65536, RINGIPC_WAIT_BLOCK | (messages ? RINGIPC_FLAG_MESSAGES : 0), 0600, 1);
    ringipc_close(&r);
    pid_t child = fork();
    if (child == 0) {
        ringipc_ring w;
        ringipc_end p;
        if (ringipc_open(&w, path, RINGIPC_KIND_ANY) < 0 || ringipc_producer(&w, &p) < 0) _exit(3);
        static unsigned char buf[4096];
        uint64_t sent = 0;
        for (int i = 0; sent < (uint64_t)TOTAL; i++) {
            int64_t n = 1 + (i * 7919) % (int64_t)sizeof buf;
            if (n > TOTAL - (int64_t)sent) n = TOTAL - (int64_t)sent;
            for (int64_t k = 0; k < n; k++) buf[k] = pattern(sent + (uint64_t)k);
            int64_t rc = messages ? ringipc_send(&p, buf, n) : ringipc_write(&p, buf, n);
            if (rc < 0) _exit(4);
            sent += (uint64_t)n;
        }
        ringipc_end_close(&p);
        ringipc_close(&w);
        _exit(0);
    }
    ringipc_ring rd;
    ringipc_end c;
    ringipc_open(&rd, path, RINGIPC_KIND_ANY);
    ringipc_consumer(&rd, &c);
    static unsigned char buf[65536];
    struct stream acc = {0, 0};
    for (;;) {
        int64_t n;
        if (messages) {
            n = ringipc_take(&c, check_message, &acc, 64, -1);
        } else {
            n = ringipc_read(&c, buf, sizeof buf);
            if (n > 0) check_message(&acc, buf, (uint32_t)n);
        }
        if (n < 0) {
            CHECK(n == RINGIPC_EOF, "%s: the stream ends in EOF (%s)", messages ? "messages" : "bytes", ringipc_strerror((int)n));
            break;
        }
    }
    uint64_t got = acc.got, bad = acc.bad;
    int status;
    waitpid(child, &status, 0);
    ringipc_stats s;
    ringipc_stats_read(&rd, &s);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the forked producer exits 0 (%d)", messages ? "messages" : "bytes", status);
    CHECK(got == (uint64_t)TOTAL && bad == 0, "%s: %llu bytes came through in order (%llu wrong)", messages ? "messages" : "bytes",
          (unsigned long long)got, (unsigned long long)bad);
    CHECK(s.bytes_written == s.bytes_read && s.producer_state == 2, "stats: written %lld = read %lld, producer CLOSED",
          (long long)s.bytes_written, (long long)s.bytes_read);
    ringipc_end_close(&c);
    ringipc_close(&rd);
}

struct text { char buf[64]; int n; };

static void append_text(void *context, const void *message, uint32_t length) {
    struct text *t = (struct text *)context;
    if (t->n + (int)length + 1 < (int)sizeof t->buf) {
        memcpy(t->buf + t->n, message, length);
        t->n += (int)length;
        t->buf[t->n++] = ';';
        t->buf[t->n] = 0;
    }
}

static int64_t read_text(ringipc_end *c, char *out, size_t cap) {
    int64_t n = ringipc_read_timeout(c, out, (int64_t)cap - 1, 5000000000LL);
    out[n > 0 ? n : 0] = 0;
    return n;
}

/* FORMAT.md 3.8: one stream after another on one byte ring, the next reader first, then the next writer first */
static void check_streams(void) {
    char path[512], got[64];
    path_of(path, "streams");
    ringipc_ring r;
    ringipc_create(&r, path, 4096, RINGIPC_WAIT_BLOCK, 0600, 1);
    ringipc_end p, c;
    ringipc_producer(&r, &p);
    ringipc_consumer(&r, &c);
    ringipc_write(&p, "one", 3);
    ringipc_end_close(&p);
    CHECK(read_text(&c, got, sizeof got) == 3 && strcmp(got, "one") == 0, "stream 1 is read: '%s'", got);
    CHECK(ringipc_try_read(&c, got, sizeof got) == RINGIPC_EOF, "then its EOF");
    ringipc_end_close(&c);
    CHECK(ringipc_consumer(&r, &c) == 0, "a reader opens after stream 1 ended and was read to its end");
    CHECK(ringipc_try_read(&c, got, sizeof got) == RINGIPC_EAGAIN, "it waits for the next writer, not the old EOF");
    ringipc_producer(&r, &p);
    CHECK(ringipc_write(&p, "two", 3) == 3, "the next writer writes");
    ringipc_end_close(&p);
    CHECK(read_text(&c, got, sizeof got) == 3 && strcmp(got, "two") == 0, "stream 2 is read: '%s'", got);
    CHECK(ringipc_try_read(&c, got, sizeof got) == RINGIPC_EOF, "then its EOF");
    ringipc_end_close(&c);
    CHECK(ringipc_producer(&r, &p) == 0, "a writer opens while stream 2's reader is CLOSED");
    CHECK(ringipc_write(&p, "three", 5) == 5, "its write is not a broken pipe: %s", p.error);
    ringipc_end_close(&p);
    CHECK(ringipc_consumer(&r, &c) == 0, "a reader opens after the writer closed");
    CHECK(read_text(&c, got, sizeof got) == 5 && strcmp(got, "three") == 0, "stream 3's bytes are not lost: '%s'", got);
    CHECK(ringipc_try_read(&c, got, sizeof got) == RINGIPC_EOF, "then its EOF");
    ringipc_stats s;
    ringipc_stats_read(&r, &s);
    CHECK(s.streams == 3, "streams counts 3 (%lld)", (long long)s.streams);
    ringipc_end_close(&c);
    ringipc_close(&r);
}

/* FORMAT.md 3.6: a producer killed between head and its record's header word (crash-writer's stop,
   here a forked child), taken over: the record is marked LOST and skipped and counted by the consumer */
static void check_lost(int wrap) {
    char path[512];
    path_of(path, wrap ? "lost-wrap" : "lost");
    ringipc_ring r;
    ringipc_create(&r, path, 4096, RINGIPC_WAIT_BLOCK | RINGIPC_FLAG_MESSAGES, 0600, 1);
    ringipc_end c, p;
    ringipc_consumer(&r, &c);
    int fds[2];
    if (pipe(fds) != 0) abort();
    const int64_t length = 100;
    pid_t child = fork();
    if (child == 0) {
        ringipc_ring w;
        ringipc_end out;
        if (ringipc_open(&w, path, RINGIPC_KIND_MESSAGES) < 0 || ringipc_producer(&w, &out) < 0) _exit(3);
        static char big[2000];
        memset(big, 'b', sizeof big);
        if (ringipc_send(&out, "first", 5) < 0) _exit(4);
        /* two big records: head at 16 + 2 * 2008 = 4032, so the next record of 112 bytes wraps */
        for (int i = 0; wrap && i < 2; i++)
            if (ringipc_send(&out, big, sizeof big) < 0) _exit(4);
        int64_t index = ringipc__reserve(&out, length, 1); /* waits until the parent read the big ones */
        if (index < 0) _exit(5);
        memset(w.data + index + RINGIPC_RECORD_HEADER_BYTES, 'x', (size_t)length);
        atomic_store_explicit(ringipc__l(&w, RINGIPC_OFF_PUBLISHING), out.pos, memory_order_relaxed);
        ringipc__publish_head(&out, out.record_start + ringipc__record_bytes(length));
        if (write(fds[1], "s", 1) != 1) _exit(6);
        for (;;) pause();
    }
    struct text t = {{0}, 0};
    for (int want = wrap ? 3 : 1, got = 0; got < want;) {
        int n = ringipc_take(&c, append_text, &t, 8, 5000000000LL);
        if (n < 0) break;
        got += n;
    }
    char stop;
    CHECK(read(fds[0], &stop, 1) == 1, "%s: the child stopped between head and the header word", wrap ? "wrap" : "plain");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    int64_t start = atomic_load(ringipc__l(&r, RINGIPC_OFF_PUBLISHING));
    CHECK(start == (wrap ? 4032 : 16) && atomic_load(ringipc__word(&r, start & r.mask)) == 0,
          "publishing=%lld is where the unpublished record starts, its word 0", (long long)start);
    CHECK(ringipc_producer(&r, &p) == 0, "a new producer takes the dead one's end over: %s", p.error);
    int32_t len, type;
    ringipc__split_word(atomic_load(ringipc__word(&r, wrap ? 0 : 16)), &len, &type);
    CHECK(type == RINGIPC_TYPE_LOST && len == 104, "the record is marked LOST (type=%d length=%d)", type, len);
    if (wrap) {
        ringipc__split_word(atomic_load(ringipc__word(&r, 4032)), &len, &type);
        CHECK(type == RINGIPC_TYPE_PADDING && len == 56, "the padding before the wrap is published (type=%d length=%d)", type, len);
    }
    ringipc_send(&p, "after", 5);
    ringipc_end_close(&p);
    int n = ringipc_take(&c, append_text, &t, 8, 5000000000LL);
    CHECK(n == 1 && strstr(t.buf, "after;") != NULL && strncmp(t.buf, "first;", 6) == 0, "%s: the reader skips it and reads on: '%s'",
          wrap ? "wrap" : "plain", t.buf);
    CHECK(ringipc_take(&c, append_text, &t, 8, 5000000000LL) == RINGIPC_EOF, "then EOF");
    ringipc_stats s;
    ringipc_stats_read(&r, &s);
    CHECK(s.lost_records == 1 && s.lost_bytes == 112, "lostRecords=%lld lostBytes=%lld: one record of 112 bytes",
          (long long)s.lost_records, (long long)s.lost_bytes);
    ringipc_end_close(&c);
    ringipc_close(&r);
}

int main(void) {
    snprintf(dir, sizeof dir, "/dev/shm/ringipc-ctest-%d", (int)getpid());
    mkdir(dir, 0700);
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_layout();
    check_refusals();
    check_roles();
    check_processes(0);
    check_processes(1);
    check_streams();
    check_lost(0);
    check_lost(1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) failures++;
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
