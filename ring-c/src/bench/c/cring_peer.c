/*
 * cring-peer: the C ends of ./ring bench's c-ring and c-to-java lanes, speaking the harness's
 * protocol (ring-bench's Protocol: the first byte of every message is a marker, 1 GO, 0 STOP) over
 * two byte rings made by the harness, DIR/forward.ring (driver to peer) and DIR/reverse.ring.
 *
 *   cring-peer TRANSPORT DIR BUFFER_BYTES PHASE...
 *       the far end, as ring-bench's Java Peer: runs its phases (rtt: echo until STOP; bulk:CHUNK:
 *       read whole chunks until the STOP one, then acknowledge with 1 byte) once for every byte read
 *       from DIR/control.fifo, until that FIFO reaches EOF. Ends when its stdin (a pipe from the
 *       harness) reaches EOF, so it never outlives the harness.
 *   cring-peer --drive DIR BUFFER_BYTES WARMUP_MS MEASURE_MS FRESH CHUNK...
 *       the timing end, as ring-bench's CrossProcessBench: one handshake round trip; round trips
 *       warmed until two slices' medians agree within 15% (at least 1 s when FRESH is 1: a fresh
 *       JVM peer runs interpreted at first), then timed; the same after a 200 us idle pause before
 *       each ping; then per CHUNK a warm-up and a timed bulk stream. Prints "METRIC CHUNK VALUE"
 *       lines (the report's metric names) on stdout.
 *
 * Not meant to be run by hand. Exit status 0, 1 on a ring error (named on stderr), 2 bad usage.
 */
#include "ringipc.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

#define GO 1
#define STOP 0
#define IDLE_PAUSE_NS 200000LL
#define MIN_WARM_NS 1000000000LL
#define SETTLED 0.15

typedef struct link {
    ringipc_ring out_ring, in_ring;
    ringipc_end out, in;
    unsigned char *buffer;
} link_t;

static void die(const char *what, const char *error) {
    fprintf(stderr, "cring-peer: %s: %s\n", what, error);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t number(const char *text, const char *name, int64_t min) {
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min) {
        fprintf(stderr, "cring-peer: %s=%s is not an integer >= %lld\n", name, text, (long long)min);
        exit(2);
    }
    return v;
}

/* producer end of DIR/out_name, consumer end of DIR/in_name, and a buffer of buffer_bytes */
static void link_open(link_t *l, const char *dir, const char *out_name, const char *in_name, int64_t buffer_bytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, out_name);
    if (ringipc_open(&l->out_ring, path, RINGIPC_KIND_BYTES) < 0) die(path, l->out_ring.error);
    if (ringipc_producer(&l->out_ring, &l->out) < 0) die(path, l->out.error);
    snprintf(path, sizeof path, "%s/%s", dir, in_name);
    if (ringipc_open(&l->in_ring, path, RINGIPC_KIND_BYTES) < 0) die(path, l->in_ring.error);
    if (ringipc_consumer(&l->in_ring, &l->in) < 0) die(path, l->in.error);
    l->buffer = aligned_alloc(64, (size_t)((buffer_bytes + 63) / 64 * 64));
    if (l->buffer == NULL) die("buffer", strerror(errno));
}

static void link_close(link_t *l) {
    ringipc_end_close(&l->out);
    ringipc_end_close(&l->in);
    ringipc_close(&l->out_ring);
    ringipc_close(&l->in_ring);
    free(l->buffer);
}

static void link_send(link_t *l, int64_t length) {
    if (ringipc_write(&l->out, l->buffer, length) != length) die("write", l->out.error);
}

/* fills the first length bytes of the buffer; the other end closing first is an error here */
static void link_receive(link_t *l, int64_t length) {
    for (int64_t done = 0; done < length;) {
        int64_t n = ringipc_read(&l->in, l->buffer + done, length - done);
        if (n == RINGIPC_EOF) die("read", "the other end closed mid-phase");
        if (n < 0) die("read", l->in.error);
        done += n;
    }
}

static int64_t sleeps(link_t *l) {
    ringipc_stats a, b;
    ringipc_stats_read(&l->out_ring, &a);
    ringipc_stats_read(&l->in_ring, &b);
    return a.producer_sleeps + a.consumer_sleeps + b.producer_sleeps + b.consumer_sleeps;
}

/* ---- the peer ------------------------------------------------------------------------------- */

static void echo(link_t *l) {
    unsigned char marker;
    do {
        link_receive(l, 1);
        marker = l->buffer[0];
        link_send(l, 1);
    } while (marker != STOP);
}

static void drain(link_t *l, int64_t chunk) {
    unsigned char marker;
    do {
        link_receive(l, chunk);
        marker = l->buffer[0];
    } while (marker != STOP);
    link_send(l, 1);
}

/* halts this process as soon as the harness that started it is gone (its stdin pipe at EOF) */
static void *watch_parent(void *unused) {
    (void)unused;
    char b[64];
    while (read(STDIN_FILENO, b, sizeof b) > 0) {
    }
    _exit(3);
    return NULL;
}

static int peer(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: cring-peer TRANSPORT DIR BUFFER_BYTES PHASE...\n");
        return 2;
    }
    const char *dir = argv[2];
    int64_t buffer_bytes = number(argv[3], "BUFFER_BYTES", 1);
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "rtt") != 0 && (strncmp(argv[i], "bulk:", 5) != 0 || number(argv[i] + 5, "CHUNK", 1) > buffer_bytes)) {
            fprintf(stderr, "cring-peer: phase=%s is not rtt or bulk:CHUNK (CHUNK 1 .. BUFFER_BYTES)\n", argv[i]);
            return 2;
        }
    }
    pthread_t watcher;
    if (pthread_create(&watcher, NULL, watch_parent, NULL) != 0) die("thread", "cannot start the parent watch");
    link_t l;
    link_open(&l, dir, "reverse.ring", "forward.ring", buffer_bytes);
    char control_path[4096];
    snprintf(control_path, sizeof control_path, "%s/control.fifo", dir);
    int control = open(control_path, O_RDONLY);
    if (control < 0) die(control_path, strerror(errno));
    unsigned char go;
    ssize_t got;
    /* one byte from the harness per round; EOF when it is done with this peer */
    while ((got = read(control, &go, 1)) > 0 || (got < 0 && errno == EINTR)) {
        if (got < 0) continue;
        for (int i = 4; i < argc; i++) {
            if (strcmp(argv[i], "rtt") == 0) {
                echo(&l);
            } else {
                drain(&l, number(argv[i] + 5, "CHUNK", 1));
            }
        }
    }
    close(control);
    link_close(&l);
    return 0;
}

/* ---- the driver ----------------------------------------------------------------------------- */

typedef struct samples {
    int64_t *v;
    size_t n, cap;
} samples_t;

static void record(samples_t *s, int64_t value) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1 << 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (s->v == NULL) die("samples", strerror(errno));
    }
    s->v[s->n++] = value;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* the smallest sample with at least percent% of them at or below it (HdrHistogram's definition) */
static double percentile(samples_t *s, double percent) {
    size_t rank = (size_t)((percent / 100.0) * (double)s->n + 0.999999);
    return (double)s->v[rank == 0 ? 0 : rank - 1];
}

/* round trips until the deadline (at least one), pausing before each when pause_ns > 0; sorted */
static void pings(link_t *l, int64_t deadline, int64_t pause_ns, samples_t *s) {
    struct timespec pause = { 0, (long)pause_ns };
    s->n = 0;
    int64_t now;
    do {
        if (pause_ns > 0) nanosleep(&pause, NULL);
        l->buffer[0] = GO;
        int64_t start = now_ns();
        link_send(l, 1);
        link_receive(l, 1);
        now = now_ns();
        record(s, now - start);
    } while (now < deadline);
    qsort(s->v, s->n, sizeof *s->v, cmp_i64);
}

static void end_phase(link_t *l) {
    l->buffer[0] = STOP;
    link_send(l, 1);
    link_receive(l, 1);
}

/* slices until one slice's median is within SETTLED of the one before (not before min_ns), or cap */
static void warm_until_settled(link_t *l, int64_t slice_ns, int64_t cap_ns, int64_t pause_ns, int64_t min_ns,
                               samples_t *s) {
    int64_t begin = now_ns();
    int64_t cap = begin + (cap_ns > min_ns ? cap_ns : min_ns);
    double previous = -1;
    for (;;) {
        pings(l, now_ns() + slice_ns, pause_ns, s);
        double p50 = percentile(s, 50.0);
        int64_t now = now_ns();
        int settled = previous >= 0 && (p50 - previous <= SETTLED * previous && previous - p50 <= SETTLED * previous);
        if ((now - begin >= min_ns && settled) || now >= cap) break;
        previous = p50;
    }
    end_phase(l);
}

static double stream(link_t *l, int64_t chunk, int64_t duration_ns) {
    int64_t start = now_ns(), deadline = start + duration_ns, bytes = 0;
    do {
        l->buffer[0] = GO;
        link_send(l, chunk);
        bytes += chunk;
    } while (now_ns() < deadline);
    l->buffer[0] = STOP;
    link_send(l, chunk);
    bytes += chunk;
    link_receive(l, 1);
    return (double)bytes * 1e3 / (double)(now_ns() - start);
}

static void print_sleeps(const char *metric, link_t *l, int64_t before, samples_t *s) {
    /* the phase's closing STOP round trip counts too */
    printf("%s 1 %.6f\n", metric, (double)(sleeps(l) - before) / (double)(s->n + 1));
}

static int drive(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: cring-peer --drive DIR BUFFER_BYTES WARMUP_MS MEASURE_MS FRESH CHUNK...\n");
        return 2;
    }
    const char *dir = argv[2];
    int64_t buffer_bytes = number(argv[3], "BUFFER_BYTES", 1);
    int64_t warm_ns = number(argv[4], "WARMUP_MS", 1) * 1000000LL;
    int64_t measure_ns = number(argv[5], "MEASURE_MS", 1) * 1000000LL;
    int64_t min_warm_ns = number(argv[6], "FRESH", 0) ? MIN_WARM_NS : 0;
    for (int i = 7; i < argc; i++) {
        if (number(argv[i], "CHUNK", 1) > buffer_bytes) {
            fprintf(stderr, "cring-peer: CHUNK=%s is larger than BUFFER_BYTES=%s\n", argv[i], argv[3]);
            return 2;
        }
    }
    link_t l;
    link_open(&l, dir, "forward.ring", "reverse.ring", buffer_bytes);
    memset(l.buffer, 7, (size_t)buffer_bytes);
    samples_t s = { 0 };
    pings(&l, 0, 0, &s);
    end_phase(&l);
    warm_until_settled(&l, warm_ns, 20 * warm_ns, 0, min_warm_ns, &s);
    int64_t before = sleeps(&l);
    pings(&l, now_ns() + measure_ns, 0, &s);
    end_phase(&l);
    printf("rtt_p50_ns 1 %.0f\nrtt_p99_ns 1 %.0f\nrtt_p999_ns 1 %.0f\nrtt_max_ns 1 %.0f\n", percentile(&s, 50.0),
           percentile(&s, 99.0), percentile(&s, 99.9), (double)s.v[s.n - 1]);
    print_sleeps("sleeps_per_rtt", &l, before, &s);
    warm_until_settled(&l, warm_ns, 20 * warm_ns, IDLE_PAUSE_NS, min_warm_ns, &s);
    before = sleeps(&l);
    pings(&l, now_ns() + measure_ns, IDLE_PAUSE_NS, &s);
    end_phase(&l);
    printf("rtt_idle_p50_ns 1 %.0f\nrtt_idle_p99_ns 1 %.0f\n", percentile(&s, 50.0), percentile(&s, 99.0));
    print_sleeps("sleeps_per_idle_rtt", &l, before, &s);
    for (int i = 7; i < argc; i++) {
        int64_t chunk = number(argv[i], "CHUNK", 1);
        stream(&l, chunk, warm_ns);
        printf("throughput_mb_s %lld %.3f\n", (long long)chunk, stream(&l, chunk, measure_ns));
    }
    free(s.v);
    link_close(&l);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--drive") == 0) return drive(argc, argv);
    if (argc > 1 && argv[1][0] != '-') return peer(argc, argv);
    fprintf(stderr, "usage: cring-peer TRANSPORT DIR BUFFER_BYTES PHASE...\n"
                    "       cring-peer --drive DIR BUFFER_BYTES WARMUP_MS MEASURE_MS FRESH CHUNK...\n");
    return 2;
}
