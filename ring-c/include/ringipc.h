/*
 * ringipc.h - the ringipc ring file (layout version 2) from C11.
 *
 * Header-only: libc and Linux system calls, nothing else. The file format, the claim of an end,
 * liveness, takeover, records and the futex protocol are specified in docs/FORMAT.md; this file
 * follows it and the Java implementation (org.ringipc.core / org.ringipc.mmap) step for step, so a
 * C end and a Java end of one ring interoperate in either direction.
 *
 *   ringipc_ring ring;                       // one handle: one descriptor, one mapping
 *   ringipc_end out;
 *   if (ringipc_open(&ring, "/dev/shm/r", RINGIPC_KIND_BYTES) < 0) { puts(ring.error); ... }
 *   if (ringipc_producer(&ring, &out) < 0) { puts(out.error); ... }   // RINGIPC_EBUSY: held
 *   ringipc_write(&out, buf, n);              // blocks until every byte is in; RINGIPC_EPIPE
 *   ringipc_end_close(&out);                  // the reader sees EOF after draining
 *   ringipc_close(&ring);
 *
 * Return values: >= 0 is success (a count); a negative value is one of the RINGIPC_E* codes and
 * the end's (or ring's) `error` buffer holds a message naming the field or value.
 *
 * Threads: one thread at a time per end; the two ends of one handle may run on two threads.
 * A process that truncates a mapped ring file makes this side die of SIGBUS on its next access.
 * Include this header before any system header (it defines _GNU_SOURCE), or define _GNU_SOURCE.
 */
#ifndef RINGIPC_H
#define RINGIPC_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A system header included before this one, without _GNU_SOURCE, hides what the ring needs: say so
 * here rather than in a page of implicit-declaration errors. */
#if !defined(O_CLOEXEC) || !defined(O_NOFOLLOW) || !defined(CLOCK_MONOTONIC)
#error "ringipc.h: include it before any system header (it defines _GNU_SOURCE), or compile with -D_GNU_SOURCE"
#endif

#if !defined(F_OFD_SETLK)
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#endif

/* ---- the layout (docs/FORMAT.md section 2) ------------------------------------------------ */

#define RINGIPC_MAGIC 0x52494E4749504331LL /* "RINGIPC1" */
#define RINGIPC_VERSION 2
#define RINGIPC_BLOCK_BYTES 128
#define RINGIPC_HEADER_BYTES 512
#define RINGIPC_MIN_CAPACITY 4096
#define RINGIPC_MAX_CAPACITY (1 << 30)

/* identity block */
#define RINGIPC_OFF_MAGIC 0
#define RINGIPC_OFF_VERSION 8
#define RINGIPC_OFF_CAPACITY 12
#define RINGIPC_OFF_FLAGS 16
#define RINGIPC_OFF_HEADER_SIZE 20
/* producer block */
#define RINGIPC_OFF_PRODUCER_BLOCK 128
#define RINGIPC_OFF_HEAD 128
#define RINGIPC_OFF_WRITES 136
#define RINGIPC_OFF_BYTES_DROPPED 144
#define RINGIPC_OFF_DROPS 152
#define RINGIPC_OFF_PRODUCER_SLEEPS 160
#define RINGIPC_OFF_PRODUCER_OWNER 168
#define RINGIPC_OFF_PUBLISHING 176 /* where the message record in flight starts (was epoch) */
/* consumer block */
#define RINGIPC_OFF_CONSUMER_BLOCK 256
#define RINGIPC_OFF_TAIL 256
#define RINGIPC_OFF_READS 264
#define RINGIPC_OFF_CONSUMER_SLEEPS 272
#define RINGIPC_OFF_CONSUMER_OWNER 280
#define RINGIPC_OFF_BATCH_END 288
#define RINGIPC_OFF_LOST_RECORDS 296
#define RINGIPC_OFF_LOST_BYTES 304
/* signal block */
#define RINGIPC_OFF_SIGNAL_BLOCK 384
#define RINGIPC_OFF_PRODUCER_WAITING 384
#define RINGIPC_OFF_CONSUMER_WAITING 388
#define RINGIPC_OFF_PRODUCER_WAKE_SEQ 392
#define RINGIPC_OFF_CONSUMER_WAKE_SEQ 396
#define RINGIPC_OFF_PRODUCER_STATE 400
#define RINGIPC_OFF_CONSUMER_STATE 404
#define RINGIPC_OFF_STREAMS 408

#define RINGIPC_STATE_NONE 0
#define RINGIPC_STATE_OPEN 1
#define RINGIPC_STATE_CLOSED 2

/* flags: bits 0-3 wait strategy, 4-7 overflow policy, bit 8 message ring */
#define RINGIPC_WAIT_SPIN 0
#define RINGIPC_WAIT_YIELD 1
#define RINGIPC_WAIT_BACKOFF 2
#define RINGIPC_WAIT_BLOCK 3
#define RINGIPC_OVERFLOW_BLOCK 0
#define RINGIPC_OVERFLOW_DROP 1
#define RINGIPC_FLAG_WAIT_SHIFT 0
#define RINGIPC_FLAG_OVERFLOW_SHIFT 4
#define RINGIPC_FLAG_MESSAGES 0x100
#define RINGIPC_FLAG_KNOWN_BITS 0x1FF

/* records of a message ring (FORMAT.md section 5) */
#define RINGIPC_RECORD_ALIGNMENT 8
#define RINGIPC_RECORD_HEADER_BYTES 8
#define RINGIPC_RECORD_LENGTH_OFFSET 0
#define RINGIPC_RECORD_TYPE_OFFSET 4
#define RINGIPC_TYPE_MESSAGE 1
#define RINGIPC_TYPE_PADDING (-1)
#define RINGIPC_TYPE_LOST 2 /* a record a dead producer reserved, marked by the producer taking over */

/* ---- return codes --------------------------------------------------------------------------- */

enum {
    RINGIPC_OK = 0,
    RINGIPC_EOF = -1,       /* the producer closed or died and the ring is drained */
    RINGIPC_EAGAIN = -2,    /* a try operation: nothing to read / no room now */
    RINGIPC_ETIMEDOUT = -3, /* a timed read or take: nothing came in time */
    RINGIPC_EPIPE = -4,     /* broken pipe: the consumer closed or died */
    RINGIPC_EBUSY = -5,     /* the end is held by a live process */
    RINGIPC_ESYS = -6,      /* a system call failed: the message names it and errno */
    RINGIPC_ENOTFILE = -7,  /* the path is not a regular file */
    RINGIPC_ESIZE = -8,     /* empty, too short, too long, or not 512 + capacity */
    RINGIPC_EMAGIC = -9,    /* not a ringipc ring */
    RINGIPC_EVERSION = -10, /* another layout version */
    RINGIPC_EHEADER = -11,  /* headerSize is not 512 */
    RINGIPC_ECAPACITY = -12,/* capacity not a power of two in 4096 .. 2^30 */
    RINGIPC_EFLAGS = -13,   /* unknown flag bits or values */
    RINGIPC_EKIND = -14,    /* a byte ring opened as a message ring, or the reverse */
    RINGIPC_ECORRUPT = -15, /* the header or a record holds what no honest peer writes */
    RINGIPC_EINVAL = -16,   /* a bad argument */
    RINGIPC_ESTATE = -17    /* wrong state: a claim pending, nothing claimed, end closed */
};

/* what ringipc_open accepts */
#define RINGIPC_KIND_BYTES 0
#define RINGIPC_KIND_MESSAGES 1
#define RINGIPC_KIND_ANY 2

#define RINGIPC_ERROR_BYTES 320

/** One mapping of a ring file and the descriptor its end locks are held on. */
typedef struct ringipc_ring {
    int fd;
    unsigned char *base;
    size_t size;
    unsigned char *data;
    uint32_t capacity;
    uint32_t mask;
    uint32_t flags;
    int messages;
    int wait;
    int overflow;
    atomic_int held[2]; /* ends this handle holds: an OFD lock never conflicts with its own description */
    int64_t token;      /* this process's owner word */
    char error[RINGIPC_ERROR_BYTES];
} ringipc_ring;

#define RINGIPC_PRODUCER 0
#define RINGIPC_CONSUMER 1

/** One end of a ring: used by one thread at a time. */
typedef struct ringipc_end {
    ringipc_ring *ring;
    int side;
    int open;
    int peer_died;
    int broken;
    int64_t pos;        /* head (producer) or tail (consumer): only this end stores it */
    int64_t cached;     /* the peer's position as last read */
    int64_t wanted;     /* producer: the room a waiting call needs */
    int64_t last_poll;  /* when the peer's liveness was last asked (ns, CLOCK_MONOTONIC) */
    /* byte producer: a pending claim's length, or -1 */
    int64_t claimed;
    /* message producer: a pending claim */
    int64_t claim_index;  /* -1: none */
    uint32_t claim_length;
    int64_t record_start;
    int64_t padding_index; /* -1: none */
    uint32_t padding_length;
    char error[RINGIPC_ERROR_BYTES];
} ringipc_end;

/** A snapshot of the counters in the header (the same one every process sees). */
typedef struct ringipc_stats {
    int64_t capacity, used, free, bytes_written, bytes_read, bytes_dropped, writes, reads, drops;
    int64_t producer_sleeps, consumer_sleeps, producer_pid, consumer_pid, lost_records, lost_bytes, streams;
    int producer_state, consumer_state;
} ringipc_stats;

typedef void (*ringipc_handler)(void *context, const void *message, uint32_t length);

/* ---- internals ------------------------------------------------------------------------------ */

#define RINGIPC__SPIN_NS 20000LL
#define RINGIPC__YIELD_NS 60000LL
#define RINGIPC__SLEEP_SLICE_NS 100000000LL
#define RINGIPC__PEER_POLL_NS 100000000LL
#define RINGIPC__MAX_BACKOFF_NS 1000000LL

static inline _Atomic(int64_t) *ringipc__l(const ringipc_ring *r, size_t off) {
    return (_Atomic(int64_t) *)(void *)(r->base + off);
}
static inline _Atomic(int32_t) *ringipc__i(const ringipc_ring *r, size_t off) {
    return (_Atomic(int32_t) *)(void *)(r->base + off);
}
static inline _Atomic(int64_t) *ringipc__word(const ringipc_ring *r, int64_t index) {
    return (_Atomic(int64_t) *)(void *)(r->data + index);
}

static inline int ringipc__fail(char *buf, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, RINGIPC_ERROR_BYTES, fmt, ap);
    va_end(ap);
    return code;
}

static inline int64_t ringipc__now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void ringipc__relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* opaque (relaxed) counter bump by the field's only writer: load, add, store */
static inline void ringipc__add_opaque(const ringipc_ring *r, size_t off, int64_t n) {
    _Atomic(int64_t) *p = ringipc__l(r, off);
    atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + n, memory_order_relaxed);
}

/* The owner word: pid low 32 bits, starttime (field 22 of /proc/self/stat) high 32; 0 if unknown. */
static inline int64_t ringipc__token(void) {
    uint64_t pid = (uint64_t)getpid();
    uint64_t start = 0;
    FILE *f = fopen("/proc/self/stat", "re");
    if (f) {
        char line[1024];
        size_t n = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[n] = 0;
        char *p = strrchr(line, ')');
        if (p) {
            /* after ") " come fields 3, 4, ...: starttime is field 22, the 20th from there */
            p += 2;
            for (int field = 3; field < 22 && p; field++) {
                p = strchr(p, ' ');
                if (p) p++;
            }
            if (p) start = strtoull(p, NULL, 10);
        }
    }
    return (int64_t)((start & 0xFFFFFFFFULL) << 32 | (pid & 0xFFFFFFFFULL));
}

static inline const char *ringipc__label(int side) {
    return side == RINGIPC_PRODUCER ? "producer" : "consumer";
}
static inline size_t ringipc__state_off(int side) {
    return side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_STATE : RINGIPC_OFF_CONSUMER_STATE;
}
static inline size_t ringipc__owner_off(int side) {
    return side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_OWNER : RINGIPC_OFF_CONSUMER_OWNER;
}
static inline size_t ringipc__waiting_off(int side) {
    return side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_WAITING : RINGIPC_OFF_CONSUMER_WAITING;
}
static inline size_t ringipc__wake_seq_off(int side) {
    return side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_WAKE_SEQ : RINGIPC_OFF_CONSUMER_WAKE_SEQ;
}
static inline size_t ringipc__sleeps_off(int side) {
    return side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_SLEEPS : RINGIPC_OFF_CONSUMER_SLEEPS;
}

static inline int ringipc__state_acquire(const ringipc_ring *r, int side) {
    /* acquire: pairs with the release of an end's state on open and close; what that end
       published before (its positions, its repair) is visible */
    return atomic_load_explicit(ringipc__i(r, ringipc__state_off(side)), memory_order_acquire);
}

/* F_OFD_SETLK / F_OFD_GETLK on the end's byte (128 or 256): 0 / errno, or the l_type reported */
static inline int ringipc__lock(const ringipc_ring *r, int cmd, short type, int side) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = side == RINGIPC_PRODUCER ? RINGIPC_OFF_PRODUCER_BLOCK : RINGIPC_OFF_CONSUMER_BLOCK;
    fl.l_len = 1;
    fl.l_pid = 0; /* OFD locks: must be 0 */
    for (;;) {
        if (fcntl(r->fd, cmd, &fl) == 0) return cmd == F_OFD_GETLK ? fl.l_type : 0;
        if (errno != EINTR) return -errno;
    }
}

/** True when a live holder (this handle included) holds the end's lock. */
static inline int ringipc_end_held(ringipc_ring *r, int side) {
    if (atomic_load(&r->held[side])) return 1;
    return ringipc__lock(r, F_OFD_GETLK, F_WRLCK, side) != F_UNLCK;
}

/** True when the end is marked open but no live process holds its lock: its holder died. */
static inline int ringipc_holder_died(ringipc_ring *r, int side) {
    /* the lock first, then the state: a holder that closes stores CLOSED before it unlocks, so a free
       lock followed by OPEN means the holder died (or a new holder is between its lock and its OPEN:
       not open yet either way; the next poll sees it) */
    if (ringipc_end_held(r, side)) return 0;
    return ringipc__state_acquire(r, side) == RINGIPC_STATE_OPEN;
}

static inline long ringipc__futex(void *addr, int op, int val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

/* Waker's half of the Dekker pair (FORMAT.md section 6): after publishing, wake the peer only if it
   announced that it sleeps. */
static inline void ringipc__wake_peer(ringipc_end *e) {
    ringipc_ring *r = e->ring;
    if (r->wait != RINGIPC_WAIT_BLOCK) return;
    int peer = 1 - e->side;
    /* StoreLoad (waker's half): our position store is visible before we read the peer's flag;
       pairs with the fence in ringipc__sleep */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(ringipc__i(r, ringipc__waiting_off(peer)), memory_order_relaxed) != 0) {
        _Atomic(int32_t) *seq = ringipc__i(r, ringipc__wake_seq_off(peer));
        atomic_fetch_add_explicit(seq, 1, memory_order_seq_cst);
        ringipc__futex((void *)seq, FUTEX_WAKE, INT_MAX, NULL);
    }
}

/* Bumps this side's own futex word and wakes it: ends a wait of this side (a close). */
static inline void ringipc__wake_self(ringipc_end *e) {
    _Atomic(int32_t) *seq = ringipc__i(e->ring, ringipc__wake_seq_off(e->side));
    atomic_fetch_add_explicit(seq, 1, memory_order_seq_cst);
    ringipc__futex((void *)seq, FUTEX_WAKE, INT_MAX, NULL);
}

typedef int (*ringipc__ready_fn)(ringipc_end *e);

static inline void ringipc__poll_peer(ringipc_end *e) {
    e->peer_died = ringipc_holder_died(e->ring, 1 - e->side);
}

/* For callers that never wait: polls the peer when the last poll is a poll period old. */
static inline int ringipc__poll_peer_periodically(ringipc_end *e) {
    int64_t now = ringipc__now();
    if (now - e->last_poll < RINGIPC__PEER_POLL_NS) return 0;
    e->last_poll = now;
    ringipc__poll_peer(e);
    return 1;
}

/* Sleeper's half: announce, fence, re-check, FUTEX_WAIT on our own word. 1 when it slept. */
static inline int ringipc__sleep(ringipc_end *e, ringipc__ready_fn ready, int64_t max_ns, int slept_before) {
    ringipc_ring *r = e->ring;
    _Atomic(int32_t) *seq_word = ringipc__i(r, ringipc__wake_seq_off(e->side));
    _Atomic(int32_t) *waiting = ringipc__i(r, ringipc__waiting_off(e->side));
    /* acquire: read the word before announcing, so a wake sent after this read changes it and the
       futex will not sleep through that wake */
    int32_t seq = atomic_load_explicit(seq_word, memory_order_acquire);
    atomic_store_explicit(waiting, 1, memory_order_seq_cst);
    /* StoreLoad (sleeper's half): the flag is visible before we re-read the peer's position;
       pairs with the fence in ringipc__wake_peer */
    atomic_thread_fence(memory_order_seq_cst);
    int did = 0;
    if (!ready(e)) {
        if (!slept_before) ringipc__add_opaque(r, ringipc__sleeps_off(e->side), 1);
        struct timespec ts = { (time_t)(max_ns / 1000000000LL), (long)(max_ns % 1000000000LL) };
        /* shared futex (no FUTEX_PRIVATE_FLAG): keyed by file page and offset, so it meets a Java
           or C waker in another process */
        ringipc__futex((void *)seq_word, FUTEX_WAIT, seq, &ts);
        did = 1;
    }
    atomic_store_explicit(waiting, 0, memory_order_seq_cst);
    return did;
}

/* Waits until ready(e), or the deadline (0: none). 1 ready, 0 timed out. */
static inline int ringipc__await(ringipc_end *e, ringipc__ready_fn ready, int64_t deadline) {
    const int64_t start = ringipc__now();
    int64_t now = start, last_poll = start, backoff = 1000;
    int slept = 0;
    const int strategy = e->ring->wait;
    for (long i = 0;; i++) {
        if (ready(e)) return 1;
        if ((i & 63) == 0 || strategy != RINGIPC_WAIT_SPIN) {
            now = ringipc__now();
            if (deadline && now - deadline >= 0) return 0;
            if (now - last_poll >= RINGIPC__PEER_POLL_NS) {
                last_poll = now;
                ringipc__poll_peer(e);
            }
        }
        int64_t waited = now - start;
        switch (strategy) {
        case RINGIPC_WAIT_SPIN:
            ringipc__relax();
            break;
        case RINGIPC_WAIT_YIELD:
            if (i < 100) ringipc__relax(); else sched_yield();
            break;
        case RINGIPC_WAIT_BACKOFF:
            if (i < 100) {
                ringipc__relax();
            } else if (i < 200) {
                sched_yield();
            } else {
                struct timespec ts = { 0, (long)backoff };
                nanosleep(&ts, NULL);
                backoff = backoff * 2 < RINGIPC__MAX_BACKOFF_NS ? backoff * 2 : RINGIPC__MAX_BACKOFF_NS;
            }
            break;
        default: /* BLOCK */
            if (waited < RINGIPC__SPIN_NS) {
                ringipc__relax();
            } else if (waited < RINGIPC__YIELD_NS) {
                sched_yield();
            } else {
                int64_t slice = RINGIPC__SLEEP_SLICE_NS;
                if (deadline && deadline - now < slice) slice = deadline - now;
                if (slice > 0 && ringipc__sleep(e, ready, slice, slept)) slept = 1;
            }
        }
    }
}

/* ---- opening and creating ------------------------------------------------------------------- */

static inline int ringipc__is_pow2_capacity(int64_t c) {
    return c >= RINGIPC_MIN_CAPACITY && c <= RINGIPC_MAX_CAPACITY && (c & (c - 1)) == 0;
}

/** Header plus data: the bytes a ring of this capacity needs (the file's exact size). */
static inline int64_t ringipc_required_bytes(int64_t capacity) {
    return RINGIPC_HEADER_BYTES + capacity;
}

/** Largest payload of a message ring: half the ring less a record header. */
static inline uint32_t ringipc_max_message_length(uint32_t capacity) {
    return capacity / 2 - RINGIPC_RECORD_HEADER_BYTES;
}

static inline int64_t ringipc__record_bytes(int64_t length) {
    return (RINGIPC_RECORD_HEADER_BYTES + length + RINGIPC_RECORD_ALIGNMENT - 1) & -(int64_t)RINGIPC_RECORD_ALIGNMENT;
}

/* What is wrong with head and tail, written into buf, or 0 when an honest ring could hold them. */
static inline int ringipc__check_positions(ringipc_ring *r, char *buf) {
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    if (tail < 0 || head < tail || head - tail > (int64_t)r->capacity)
        return ringipc__fail(buf, RINGIPC_ECORRUPT, "head=%lld tail=%lld capacity=%u: positions no ring can hold (corrupt header)",
                             (long long)head, (long long)tail, r->capacity);
    if (r->messages && ((head | tail) % RINGIPC_RECORD_ALIGNMENT) != 0)
        return ringipc__fail(buf, RINGIPC_ECORRUPT, "head=%lld tail=%lld are not multiples of 8: not on record boundaries (corrupt header)",
                             (long long)head, (long long)tail);
    return 0;
}

static inline void ringipc__unmap(ringipc_ring *r) {
    if (r->base && r->base != MAP_FAILED) munmap(r->base, r->size);
    r->base = NULL;
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
}

/* The checks of FORMAT.md 3.2 on a mapped file; fails naming the field. */
static inline int ringipc__attach(ringipc_ring *r, const char *path, int kind) {
    char *err = r->error;
    if (r->size < RINGIPC_HEADER_BYTES)
        return ringipc__fail(err, RINGIPC_ESIZE, "file=%s: size=%zu is smaller than a ring header (512 bytes): not a ring, or truncated", path, r->size);
    /* acquire: pairs with the creator's release of the magic; every identity field is visible */
    int64_t magic = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_MAGIC), memory_order_acquire);
    if (magic != RINGIPC_MAGIC)
        return ringipc__fail(err, RINGIPC_EMAGIC, "file=%s: magic=0x%016llx is not a ringipc ring (expected 0x%016llx)",
                             path, (unsigned long long)magic, (unsigned long long)RINGIPC_MAGIC);
    int32_t version = atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_VERSION), memory_order_relaxed);
    if (version != RINGIPC_VERSION)
        return ringipc__fail(err, RINGIPC_EVERSION, "file=%s: version=%d: this build reads version %d", path, version, RINGIPC_VERSION);
    int32_t header_size = atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_HEADER_SIZE), memory_order_relaxed);
    if (header_size != RINGIPC_HEADER_BYTES)
        return ringipc__fail(err, RINGIPC_EHEADER, "file=%s: headerSize=%d, expected 512", path, header_size);
    int32_t capacity = atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_CAPACITY), memory_order_relaxed);
    if (!ringipc__is_pow2_capacity(capacity))
        return ringipc__fail(err, RINGIPC_ECAPACITY, "file=%s: capacity=%d is not a power of two (4096 .. 2^30)", path, capacity);
    if ((int64_t)r->size < ringipc_required_bytes(capacity))
        return ringipc__fail(err, RINGIPC_ESIZE, "file=%s: capacity=%d needs %lld bytes but the file holds %zu: truncated",
                             path, capacity, (long long)ringipc_required_bytes(capacity), r->size);
    uint32_t flags = (uint32_t)atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_FLAGS), memory_order_relaxed);
    int wait = (int)(flags >> RINGIPC_FLAG_WAIT_SHIFT & 0xF), overflow = (int)(flags >> RINGIPC_FLAG_OVERFLOW_SHIFT & 0xF);
    if ((flags & ~(uint32_t)RINGIPC_FLAG_KNOWN_BITS) != 0 || wait > RINGIPC_WAIT_BLOCK || overflow > RINGIPC_OVERFLOW_DROP)
        return ringipc__fail(err, RINGIPC_EFLAGS, "file=%s: flags=0x%x holds values this build does not know", path, flags);
    int messages = (flags & RINGIPC_FLAG_MESSAGES) != 0;
    if (kind != RINGIPC_KIND_ANY && messages != (kind == RINGIPC_KIND_MESSAGES))
        return ringipc__fail(err, RINGIPC_EKIND, messages
                ? "file=%s: flags=0x%x: a message ring (flag 0x100 set), not a byte ring"
                : "file=%s: flags=0x%x: a byte ring, not a message ring (flag 0x100 clear)", path, flags);
    for (int side = 0; side < 2; side++) {
        int state = ringipc__state_acquire(r, side);
        if (state < RINGIPC_STATE_NONE || state > RINGIPC_STATE_CLOSED)
            return ringipc__fail(err, RINGIPC_ECORRUPT, "file=%s: %sState=%d is not an end state (0 none, 1 open, 2 closed)",
                                 path, ringipc__label(side), state);
    }
    r->capacity = (uint32_t)capacity;
    r->mask = (uint32_t)capacity - 1;
    r->flags = flags;
    r->messages = messages;
    r->wait = wait;
    r->overflow = overflow;
    r->data = r->base + RINGIPC_HEADER_BYTES;
    char why[RINGIPC_ERROR_BYTES];
    int rc = ringipc__check_positions(r, why);
    if (rc < 0) return ringipc__fail(err, rc, "file=%s: %s", path, why);
    if ((int64_t)r->size != ringipc_required_bytes(capacity))
        return ringipc__fail(err, RINGIPC_ESIZE, "file=%s: size=%zu does not match capacity=%d, which needs %lld bytes",
                             path, r->size, capacity, (long long)ringipc_required_bytes(capacity));
    return 0;
}

static inline void ringipc__init(ringipc_ring *r) {
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->token = ringipc__token();
}

/**
 * Opens and validates a ring file (every check the Java side makes, FORMAT.md 3.2); changes nothing
 * in it. kind: RINGIPC_KIND_BYTES, _MESSAGES or _ANY. On failure r->error names the field.
 */
static inline int ringipc_open(ringipc_ring *r, const char *path, int kind) {
    ringipc__init(r);
    struct stat st;
    if (stat(path, &st) != 0)
        return ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: %s", path, errno == ENOENT ? "no such ring file" : strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ringipc__fail(r->error, RINGIPC_ENOTFILE, "file=%s is not a regular file, not a ring file", path);
    /* the descriptor the end locks are held on: one per handle, never inherited by a child */
    r->fd = open(path, O_RDWR | O_CLOEXEC);
    if (r->fd < 0)
        return ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: open(O_RDWR) failed: %s", path, strerror(errno));
    if (fstat(r->fd, &st) != 0) {
        int rc = ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: fstat failed: %s", path, strerror(errno));
        ringipc__unmap(r);
        return rc;
    }
    if (st.st_size == 0) {
        ringipc__unmap(r);
        return ringipc__fail(r->error, RINGIPC_ESIZE, "file=%s: size=0, the file is empty (not a ring)", path);
    }
    if (st.st_size > ringipc_required_bytes(RINGIPC_MAX_CAPACITY)) {
        ringipc__unmap(r);
        return ringipc__fail(r->error, RINGIPC_ESIZE, "file=%s: size=%lld is larger than any ring (%lld bytes): not a ring",
                             path, (long long)st.st_size, (long long)ringipc_required_bytes(RINGIPC_MAX_CAPACITY));
    }
    r->size = (size_t)st.st_size;
    r->base = (unsigned char *)mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (r->base == MAP_FAILED) {
        r->base = NULL;
        int rc = ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: mmap failed: %s", path, strerror(errno));
        ringipc__unmap(r);
        return rc;
    }
    int rc = ringipc__attach(r, path, kind);
    if (rc < 0) ringipc__unmap(r);
    return rc;
}

/**
 * Creates a ring file, or replaces the ring file at path: formatted under a temporary name in the
 * same directory, then renamed over path (openers see the whole old ring or the whole new one).
 * flags: wait strategy | overflow policy << 4 | RINGIPC_FLAG_MESSAGES. mode: e.g. 0600. Refuses a
 * symbolic link, a non-regular file, and (unless force) a regular file that is not a ring.
 */
static inline int ringipc_create(ringipc_ring *r, const char *path, int64_t capacity, uint32_t flags, mode_t mode, int force) {
    ringipc__init(r);
    if (!ringipc__is_pow2_capacity(capacity))
        return ringipc__fail(r->error, RINGIPC_EINVAL, "capacity=%lld is not a power of two (4096 .. 2^30)", (long long)capacity);
    if ((flags & ~(uint32_t)RINGIPC_FLAG_KNOWN_BITS) != 0 || (flags & 0xF) > RINGIPC_WAIT_BLOCK || (flags >> 4 & 0xF) > RINGIPC_OVERFLOW_DROP)
        return ringipc__fail(r->error, RINGIPC_EINVAL, "flags=0x%x holds unknown values", flags);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return ringipc__fail(r->error, RINGIPC_ENOTFILE, "file=%s is a symbolic link; refusing to write through it", path);
        if (!S_ISREG(st.st_mode))
            return ringipc__fail(r->error, RINGIPC_ENOTFILE, "file=%s is not a regular file; refusing to replace it", path);
        if (!force) {
            int64_t magic = 0;
            int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (fd >= 0) {
                if (read(fd, &magic, sizeof magic) != (ssize_t)sizeof magic) magic = 0;
                close(fd);
            }
            if (magic != RINGIPC_MAGIC)
                return ringipc__fail(r->error, RINGIPC_EMAGIC, "file=%s exists and is not a ring file (no ring magic in its first 8 bytes); create with force to replace it", path);
        }
    }
    char tmp[4096];
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    if (snprintf(tmp, sizeof tmp, "%.*s.%s.%d.%lld.tmp", dir_len, path, slash ? slash + 1 : path,
                 (int)getpid(), (long long)ringipc__now()) >= (int)sizeof tmp)
        return ringipc__fail(r->error, RINGIPC_EINVAL, "file=%s: path too long", path);
    r->fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (r->fd < 0)
        return ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: cannot create %s: %s", path, tmp, strerror(errno));
    r->size = (size_t)ringipc_required_bytes(capacity);
    int rc = 0;
    if (fchmod(r->fd, mode) != 0 || ftruncate(r->fd, (off_t)r->size) != 0) {
        rc = ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: sizing to %zu bytes failed: %s", path, r->size, strerror(errno));
    } else {
        r->base = (unsigned char *)mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
        if (r->base == MAP_FAILED) {
            r->base = NULL;
            rc = ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: mmap failed: %s", path, strerror(errno));
        }
    }
    if (rc == 0) {
        memset(r->base, 0, RINGIPC_HEADER_BYTES);
        atomic_store_explicit(ringipc__i(r, RINGIPC_OFF_CAPACITY), (int32_t)capacity, memory_order_relaxed);
        atomic_store_explicit(ringipc__i(r, RINGIPC_OFF_FLAGS), (int32_t)flags, memory_order_relaxed);
        atomic_store_explicit(ringipc__i(r, RINGIPC_OFF_HEADER_SIZE), RINGIPC_HEADER_BYTES, memory_order_relaxed);
        atomic_store_explicit(ringipc__i(r, RINGIPC_OFF_VERSION), RINGIPC_VERSION, memory_order_relaxed);
        /* release: a process that reads the magic with acquire sees every other identity field */
        atomic_store_explicit(ringipc__l(r, RINGIPC_OFF_MAGIC), RINGIPC_MAGIC, memory_order_release);
        rc = ringipc__attach(r, path, RINGIPC_KIND_ANY);
        if (rc == 0 && rename(tmp, path) != 0)
            rc = ringipc__fail(r->error, RINGIPC_ESYS, "file=%s: rename from %s failed: %s", path, tmp, strerror(errno));
    }
    if (rc < 0) {
        ringipc__unmap(r);
        unlink(tmp);
    }
    return rc;
}

/** Unmaps and closes the descriptor (dropping any lock still held). Close the ends first. */
static inline void ringipc_close(ringipc_ring *r) {
    ringipc__unmap(r);
}

/* ---- claiming and giving back an end (FORMAT.md 3.3 - 3.7) ---------------------------------- */

static inline void ringipc__zero(ringipc_ring *r, int64_t position, int64_t bytes) {
    int64_t index = position & r->mask;
    int64_t first = bytes < (int64_t)r->capacity - index ? bytes : (int64_t)r->capacity - index;
    if (first > 0) memset(r->data + index, 0, (size_t)first);
    if (bytes > first) memset(r->data, 0, (size_t)(bytes - first));
}

static inline int64_t ringipc__record_bytes(int64_t length);
static inline uint32_t ringipc_max_message_length(uint32_t capacity);
static inline int64_t ringipc__header_word(int32_t length, int32_t type);

/* Every open of a message producer end (FORMAT.md 3.6): the previous producer may have left bytes in
   the free space (a killed producer's claim, a claim filled after its end closed); zero it all, so
   every header word the consumer may reach past head reads 0 until this producer publishes there.
   The consumer never reads past head; the release of OPEN orders the zeroing before our records. */
static inline void ringipc__prepare_message_producer(ringipc_ring *r) {
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_relaxed);
    /* acquire: the consumer's reads and zeroing below tail are done; we only touch bytes above head */
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    ringipc__zero(r, head, (int64_t)r->capacity - (head - tail));
}

/* Publishes the word of [position, position + bytes) as `type` if the dead producer never did and
   the consumer has not passed it. */
static inline void ringipc__mark_if_unpublished(ringipc_ring *r, int64_t position, int64_t index, int64_t bytes, int32_t type) {
    /* acquire: a word the dead producer published reads non-zero; one the consumer read and zeroed
       reads 0 too, so look at the consumer's positions after the word */
    int64_t word = atomic_load_explicit(ringipc__word(r, index), memory_order_acquire);
    /* acquire (both): the consumer stores batchEnd before it zeroes a batch (a release fence between)
       and releases tail after: a zeroed word we read comes with a position past it */
    int64_t batch_end = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_BATCH_END), memory_order_acquire);
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    if (word != 0 || tail > position || batch_end > position) return;
    /* release: pairs with the consumer's acquire of the word */
    atomic_store_explicit(ringipc__word(r, index), ringipc__header_word((int32_t)(bytes - RINGIPC_RECORD_HEADER_BYTES), type),
                          memory_order_release);
}

/* Takeover of a message producer (FORMAT.md 3.6): the dead one may have died between storing head
   and the header word of the record it covers (and of the padding before it, at a wrap). Its start
   is in `publishing`; each of its words that still reads 0 is published now, the record as
   RINGIPC_TYPE_LOST (the consumer skips and counts it), the padding as padding. */
static inline void ringipc__recover_message_producer(ringipc_ring *r) {
    /* relaxed: we hold the end; the dead producer's stores are visible through the lock and the
       acquire of its state OPEN in the open sequence */
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_relaxed);
    int64_t start = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_PUBLISHING), memory_order_relaxed);
    int64_t capacity = r->capacity;
    if (start >= head || head - start > ringipc__record_bytes(ringipc_max_message_length(r->capacity)) + capacity
        || start % RINGIPC_RECORD_ALIGNMENT != 0)
        return; /* nothing in flight (or not a position an honest producer stored: leave it) */
    int64_t index = start & r->mask, to_end = capacity - index;
    if (head - start > to_end) {
        /* a wrap: padding at [start, end of region), the record at index 0; the record's word first */
        ringipc__mark_if_unpublished(r, start + to_end, 0, head - start - to_end, RINGIPC_TYPE_LOST);
        ringipc__mark_if_unpublished(r, start, index, to_end, RINGIPC_TYPE_PADDING);
    } else {
        ringipc__mark_if_unpublished(r, start, index, head - start, RINGIPC_TYPE_LOST);
    }
}

/* An end that opens (not a takeover) forgets the peer's CLOSED from an earlier stream (FORMAT.md
   3.8): a new writer is not refused by the last stream's reader, and a reader that comes after a
   stream was read to its end waits for the next writer instead of reading the old EOF. */
static inline void ringipc__start_stream(ringipc_ring *r, int side) {
    _Atomic(int32_t) *peer_state = ringipc__i(r, ringipc__state_off(1 - side));
    int32_t expected = RINGIPC_STATE_CLOSED;
    if (side == RINGIPC_PRODUCER) {
        /* CAS, not a store: a reader opening right now (OPEN) is left as it is */
        atomic_compare_exchange_strong(peer_state, &expected, RINGIPC_STATE_NONE);
        return;
    }
    /* acquire (streams, state, head): a CLOSED seen here comes with the writer's final head */
    int64_t stream = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_STREAMS), memory_order_acquire);
    if (atomic_load_explicit(peer_state, memory_order_acquire) != RINGIPC_STATE_CLOSED
        || atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire)
           != atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_relaxed))
        return;
    if (atomic_compare_exchange_strong(peer_state, &expected, RINGIPC_STATE_NONE)
        && atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_STREAMS), memory_order_acquire) != stream) {
        /* a whole stream opened and closed between the check and the CAS (its writer counted it
           after its OPEN and before its release of CLOSED, and the CAS read that CLOSED): it has
           bytes for us, so put its EOF back */
        expected = RINGIPC_STATE_NONE;
        atomic_compare_exchange_strong(peer_state, &expected, RINGIPC_STATE_CLOSED);
    }
}

/* takeover of a message consumer: finish zeroing the batch a dead consumer delivered */
static inline void ringipc__recover_message_consumer(ringipc_ring *r) {
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_relaxed);
    int64_t batch_end = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_BATCH_END), memory_order_relaxed);
    /* acquire: the producer's head covers every record of the batch */
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
    if (batch_end > tail && batch_end <= head && batch_end % RINGIPC_RECORD_ALIGNMENT == 0) {
        ringipc__zero(r, tail, batch_end - tail);
        /* release: the zeroing is complete before the producer may write there */
        atomic_store_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), batch_end, memory_order_release);
    }
}

/* Claims side's end exactly as RingMemory.open does. */
static inline int ringipc__open_end(ringipc_ring *r, ringipc_end *e, int side) {
    memset(e, 0, sizeof *e);
    e->ring = r;
    e->side = side;
    e->claimed = -1;
    e->claim_index = -1;
    e->padding_index = -1;
    e->last_poll = ringipc__now();
    const char *label = ringipc__label(side);
    if (!r->base) return ringipc__fail(e->error, RINGIPC_ESTATE, "ring is closed");
    int got = atomic_load(&r->held[side]) ? -EAGAIN : ringipc__lock(r, F_OFD_SETLK, F_WRLCK, side);
    if (got != 0) {
        if (got != -EAGAIN && got != -EACCES)
            return ringipc__fail(e->error, RINGIPC_ESYS, "fcntl(F_OFD_SETLK) on the %s end failed: %s", label, strerror(-got));
        int64_t owner = atomic_load_explicit(ringipc__l(r, ringipc__owner_off(side)), memory_order_seq_cst);
        long pid = (long)(owner & 0xFFFFFFFF);
        if (atomic_load(&r->held[side]) || pid == (long)getpid())
            return ringipc__fail(e->error, RINGIPC_EBUSY, "%s end is already held by pid %ld (this process)", label, (long)getpid());
        if (pid == 0) return ringipc__fail(e->error, RINGIPC_EBUSY, "%s end is already held by a live process", label);
        return ringipc__fail(e->error, RINGIPC_EBUSY, "%s end is already held by live pid %ld", label, pid);
    }
    atomic_store(&r->held[side], 1);
    atomic_store_explicit(ringipc__l(r, ringipc__owner_off(side)), r->token, memory_order_seq_cst);
    int previous = ringipc__state_acquire(r, side);
    /* positions are checked before anything follows them */
    int rc = ringipc__check_positions(r, e->error);
    if (rc < 0) {
        atomic_store_explicit(ringipc__l(r, ringipc__owner_off(side)), 0, memory_order_seq_cst);
        ringipc__lock(r, F_OFD_SETLK, F_UNLCK, side);
        atomic_store(&r->held[side], 0);
        return rc;
    }
    if (previous == RINGIPC_STATE_OPEN) {
        /* the lock was free but the end says open: its holder died holding it (a takeover) */
        if (r->messages && side == RINGIPC_PRODUCER) ringipc__recover_message_producer(r);
        else if (r->messages) ringipc__recover_message_consumer(r);
    } else {
        ringipc__start_stream(r, side);
    }
    if (r->messages && side == RINGIPC_PRODUCER) ringipc__prepare_message_producer(r);
    if (side == RINGIPC_PRODUCER) {
        int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_relaxed);
        e->pos = head;
        /* acquire: the consumer's copies out of the bytes below tail are done */
        e->cached = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    } else {
        e->pos = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_relaxed);
        /* acquire: the bytes below head are visible */
        e->cached = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
    }
    /* release: the owner word and any repair are visible before anyone sees the end open */
    atomic_store_explicit(ringipc__i(r, ringipc__state_off(side)), RINGIPC_STATE_OPEN, memory_order_release);
    /* counted after OPEN, never before (FORMAT.md 3.5): a producer that dies between the two leaves
       the state it found (CLOSED) with a new count, and a reader opening meanwhile would take that
       for a whole stream that came and went, and put the old EOF back; the count is ordered before
       this end's CLOSED by that store's release */
    if (side == RINGIPC_PRODUCER && previous != RINGIPC_STATE_OPEN) ringipc__add_opaque(r, RINGIPC_OFF_STREAMS, 1);
    e->open = 1;
    ringipc__wake_peer(e); /* a peer asleep on a dead or closed end re-checks */
    return 0;
}

/** Claims the producer end; RINGIPC_EBUSY (naming the pid) when a live process holds it. */
static inline int ringipc_producer(ringipc_ring *r, ringipc_end *e) {
    return ringipc__open_end(r, e, RINGIPC_PRODUCER);
}

/** Claims the consumer end; RINGIPC_EBUSY (naming the pid) when a live process holds it. */
static inline int ringipc_consumer(ringipc_ring *r, ringipc_end *e) {
    return ringipc__open_end(r, e, RINGIPC_CONSUMER);
}

static inline void ringipc__abandon_message_claim(ringipc_end *e) {
    if (e->claim_index >= 0) {
        ringipc__zero(e->ring, e->claim_index + RINGIPC_RECORD_HEADER_BYTES,
                      ringipc__record_bytes(e->claim_length) - RINGIPC_RECORD_HEADER_BYTES);
        e->claim_index = -1;
    }
    e->padding_index = -1;
}

/** Gives the end back: the peer sees EOF (producer) or broken pipe (consumer). Idempotent. */
static inline void ringipc_end_close(ringipc_end *e) {
    if (!e->open) return;
    ringipc_ring *r = e->ring;
    e->open = 0;
    e->claimed = -1;
    if (r->messages && e->side == RINGIPC_PRODUCER) ringipc__abandon_message_claim(e);
    /* release: everything this end published (its final position) is visible to a peer that reads
       CLOSED with acquire */
    atomic_store_explicit(ringipc__i(r, ringipc__state_off(e->side)), RINGIPC_STATE_CLOSED, memory_order_release);
    atomic_store_explicit(ringipc__l(r, ringipc__owner_off(e->side)), 0, memory_order_seq_cst);
    ringipc__lock(r, F_OFD_SETLK, F_UNLCK, e->side);
    atomic_store(&r->held[e->side], 0);
    ringipc__wake_peer(e);
    if (r->wait == RINGIPC_WAIT_BLOCK) ringipc__wake_self(e);
}

/* ---- the byte ring (FORMAT.md section 4) ---------------------------------------------------- */

static inline int ringipc__check_open(ringipc_end *e, int side, int messages) {
    if (!e->open) return ringipc__fail(e->error, RINGIPC_ESTATE, "the end is closed");
    if (e->side != side) return ringipc__fail(e->error, RINGIPC_ESTATE, "a %s end cannot do that", ringipc__label(e->side));
    if (e->ring->messages != messages)
        return ringipc__fail(e->error, RINGIPC_EKIND, messages ? "a byte ring has no messages" : "a message ring has no byte stream");
    if (e->broken) return RINGIPC_ECORRUPT; /* the message stays as the first report wrote it */
    return 0;
}

/* Broken pipe once the consumer closed or died. */
static inline int ringipc__check_writable(ringipc_end *e) {
    /* a consumer found dead may have been taken over since: ask again (a lock query) before saying so */
    if (e->peer_died) ringipc__poll_peer(e);
    /* acquire: the consumer's CLOSED is seen together with everything before it */
    if (ringipc__state_acquire(e->ring, RINGIPC_CONSUMER) == RINGIPC_STATE_CLOSED || e->peer_died)
        return ringipc__fail(e->error, RINGIPC_EPIPE, e->peer_died ? "broken pipe: the consumer process died"
                                                                   : "broken pipe: the consumer end is closed");
    return 0;
}

static inline int ringipc__corrupt(ringipc_end *e, const char *what, int64_t head, int64_t tail) {
    e->broken = 1;
    return ringipc__fail(e->error, RINGIPC_ECORRUPT, "ring corrupted: %s (head=%lld tail=%lld capacity=%u)",
                         what, (long long)head, (long long)tail, e->ring->capacity);
}

static inline int ringipc__tail_honest(ringipc_end *e, int64_t tail) {
    ringipc_ring *r = e->ring;
    if (tail < e->cached || tail > e->pos) return 0;
    if (r->messages && (tail % RINGIPC_RECORD_ALIGNMENT) != 0) return 0;
    return atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_CAPACITY), memory_order_relaxed) == (int32_t)r->capacity;
}

/* Free bytes; re-reads the consumer's tail only when the cached one shows fewer than wanted. */
static inline int64_t ringipc__free(ringipc_end *e, int64_t wanted) {
    ringipc_ring *r = e->ring;
    int64_t free_bytes = (int64_t)r->capacity - (e->pos - e->cached);
    if (free_bytes < wanted) {
        /* acquire: pairs with the consumer's release of tail; its copies out of (or zeroing of) the
           bytes below tail are complete before we overwrite them */
        int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
        if (!ringipc__tail_honest(e, tail)) return ringipc__corrupt(e, "the consumer's tail ran backwards or past head", e->pos, tail);
        e->cached = tail;
        free_bytes = (int64_t)r->capacity - (e->pos - tail);
        if (free_bytes < wanted) ringipc__poll_peer_periodically(e);
    }
    return free_bytes;
}

static inline int ringipc__producer_ready(ringipc_end *e) {
    ringipc_ring *r = e->ring;
    if (!e->open || e->peer_died || e->broken || ringipc__state_acquire(r, RINGIPC_CONSUMER) == RINGIPC_STATE_CLOSED) return 1;
    /* acquire: as in ringipc__free */
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    if (!ringipc__tail_honest(e, tail)) return 1; /* the woken caller finds and reports it */
    return (int64_t)r->capacity - (e->pos - tail) >= e->wanted;
}

/* Sleeps until `bytes` are free, or the consumer went away (then RINGIPC_EPIPE). */
static inline int ringipc__await_room(ringipc_end *e, int64_t bytes) {
    e->wanted = bytes;
    if (e->peer_died) ringipc__poll_peer(e);
    ringipc__await(e, ringipc__producer_ready, 0);
    if (e->broken) return RINGIPC_ECORRUPT;
    return ringipc__check_writable(e);
}

static inline void ringipc__copy_in(ringipc_ring *r, int64_t position, const void *src, int64_t n) {
    int64_t index = position & r->mask;
    int64_t first = n < (int64_t)r->capacity - index ? n : (int64_t)r->capacity - index;
    memcpy(r->data + index, src, (size_t)first);
    if (first < n) memcpy(r->data, (const unsigned char *)src + first, (size_t)(n - first));
}

static inline void ringipc__copy_out(ringipc_ring *r, int64_t position, void *dst, int64_t n) {
    int64_t index = position & r->mask;
    int64_t first = n < (int64_t)r->capacity - index ? n : (int64_t)r->capacity - index;
    memcpy(dst, r->data + index, (size_t)first);
    if (first < n) memcpy((unsigned char *)dst + first, r->data, (size_t)(n - first));
}

static inline void ringipc__publish_head(ringipc_end *e, int64_t new_head) {
    e->pos = new_head;
    /* release: the bytes copied in are visible before the consumer can see the new head; pairs with
       the consumer's acquire of head */
    atomic_store_explicit(ringipc__l(e->ring, RINGIPC_OFF_HEAD), new_head, memory_order_release);
}

static inline int ringipc__byte_producer_idle(ringipc_end *e) {
    int rc = ringipc__check_open(e, RINGIPC_PRODUCER, 0);
    if (rc < 0) return rc;
    if (e->claimed >= 0)
        return ringipc__fail(e->error, RINGIPC_ESTATE, "a claim of %lld bytes is pending: commit it first", (long long)e->claimed);
    return ringipc__check_writable(e);
}

static inline void ringipc__drop(ringipc_end *e, int64_t bytes) {
    ringipc__add_opaque(e->ring, RINGIPC_OFF_BYTES_DROPPED, bytes);
    ringipc__add_opaque(e->ring, RINGIPC_OFF_DROPS, 1);
}

/**
 * Writes all len bytes, waiting for room (a DROP ring discards a write that does not fit whole and
 * returns 0). Returns len, or RINGIPC_EPIPE when the consumer closed or died.
 */
static inline int64_t ringipc_write(ringipc_end *e, const void *buf, int64_t len) {
    int rc = ringipc__byte_producer_idle(e);
    if (rc < 0) return rc;
    if (len <= 0) return 0;
    ringipc_ring *r = e->ring;
    const unsigned char *src = (const unsigned char *)buf;
    if (r->overflow == RINGIPC_OVERFLOW_DROP) {
        int64_t f = ringipc__free(e, len);
        if (f < 0) return f;
        if (f < len) {
            ringipc__drop(e, len);
            return 0;
        }
        ringipc__copy_in(r, e->pos, src, len);
        ringipc__publish_head(e, e->pos + len);
        ringipc__wake_peer(e);
    } else {
        for (int64_t done = 0; done < len;) {
            int64_t f = ringipc__free(e, len - done);
            if (f < 0) return f;
            int64_t n = f < len - done ? f : len - done;
            if (n == 0) {
                rc = ringipc__await_room(e, 1);
                if (rc < 0) return rc;
                continue;
            }
            ringipc__copy_in(r, e->pos, src + done, n);
            ringipc__publish_head(e, e->pos + n);
            ringipc__wake_peer(e);
            done += n;
        }
    }
    ringipc__add_opaque(r, RINGIPC_OFF_WRITES, 1);
    return len;
}

/** Writes what fits now (maybe part, maybe 0); never waits. */
static inline int64_t ringipc_try_write(ringipc_end *e, const void *buf, int64_t len) {
    int rc = ringipc__byte_producer_idle(e);
    if (rc < 0) return rc;
    if (len <= 0) return 0;
    int64_t f = ringipc__free(e, len);
    if (f < 0) return f;
    int64_t n = f < len ? f : len;
    if (n > 0) {
        ringipc__copy_in(e->ring, e->pos, buf, n);
        ringipc__publish_head(e, e->pos + n);
        ringipc__wake_peer(e);
        ringipc__add_opaque(e->ring, RINGIPC_OFF_WRITES, 1);
    }
    return n;
}

/* claim: a contiguous writable slice of at least min(min_bytes, bytes to the end of the region) */
static inline int64_t ringipc__claim(ringipc_end *e, int64_t min_bytes, void **slice, int wait) {
    int rc = ringipc__byte_producer_idle(e);
    if (rc < 0) return rc;
    ringipc_ring *r = e->ring;
    if (min_bytes < 1 || min_bytes > (int64_t)r->capacity)
        return ringipc__fail(e->error, RINGIPC_EINVAL, "min_bytes=%lld is not in 1 .. capacity=%u", (long long)min_bytes, r->capacity);
    int64_t index = e->pos & r->mask, to_end = (int64_t)r->capacity - index;
    int64_t need = min_bytes < to_end ? min_bytes : to_end, f;
    while ((f = ringipc__free(e, need)) < need) {
        if (f < 0) return f;
        if (!wait) return RINGIPC_EAGAIN;
        rc = ringipc__await_room(e, need);
        if (rc < 0) return rc;
    }
    e->claimed = f < to_end ? f : to_end;
    *slice = r->data + index;
    return e->claimed;
}

/** Zero-copy write: *slice gets >= min(min_bytes, to end of region) writable bytes; commit after. */
static inline int64_t ringipc_claim(ringipc_end *e, int64_t min_bytes, void **slice) {
    return ringipc__claim(e, min_bytes, slice, 1);
}

/** As ringipc_claim, but RINGIPC_EAGAIN instead of waiting. */
static inline int64_t ringipc_try_claim(ringipc_end *e, int64_t min_bytes, void **slice) {
    return ringipc__claim(e, min_bytes, slice, 0);
}

/** Publishes the first `bytes` of the claimed slice (0 gives the claim up). */
static inline int ringipc_commit(ringipc_end *e, int64_t bytes) {
    int64_t limit = e->claimed > 0 ? e->claimed : 0;
    if (bytes < 0 || bytes > limit)
        return ringipc__fail(e->error, RINGIPC_EINVAL, "bytes=%lld is not in 0 .. claimed=%lld", (long long)bytes, (long long)limit);
    e->claimed = -1;
    int rc = ringipc__check_open(e, RINGIPC_PRODUCER, 0);
    if (rc < 0) return rc;
    rc = ringipc__check_writable(e);
    if (rc < 0) return rc;
    if (bytes > 0) {
        ringipc__publish_head(e, e->pos + bytes);
        ringipc__wake_peer(e);
        ringipc__add_opaque(e->ring, RINGIPC_OFF_WRITES, 1);
    }
    return 0;
}

/* Bytes readable now; re-reads the producer's head only when the cached one shows none. */
static inline int64_t ringipc__available(ringipc_end *e) {
    ringipc_ring *r = e->ring;
    int64_t available = e->cached - e->pos;
    if (available == 0) {
        /* acquire: pairs with the producer's release of head; the bytes below it are visible */
        int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
        if (head < e->cached || head - e->pos > (int64_t)r->capacity
            || atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_CAPACITY), memory_order_relaxed) != (int32_t)r->capacity)
            return ringipc__corrupt(e, "the producer's head ran backwards or too far", head, e->pos);
        e->cached = head;
        available = head - e->pos;
    }
    return available;
}

/* True once the producer is gone (closed or dead) and nothing is left to read; <0 on corruption. */
static inline int64_t ringipc__byte_eof(ringipc_end *e) {
    /* acquire: a CLOSED seen here happens-after the producer's last release of head, so the re-read
       of head below sees its final value */
    if (ringipc__state_acquire(e->ring, RINGIPC_PRODUCER) != RINGIPC_STATE_CLOSED) {
        /* a reader that never waits learns of a dead producer, and of a takeover after one
           (peer_died back to 0), at most every poll period */
        ringipc__poll_peer_periodically(e);
        if (!e->peer_died) return 0;
    }
    int64_t a = ringipc__available(e);
    return a < 0 ? a : a == 0;
}

static inline int ringipc__byte_consumer_ready(ringipc_end *e) {
    ringipc_ring *r = e->ring;
    if (!e->open || e->peer_died || e->broken) return 1;
    /* acquire: as in ringipc__available */
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
    return head != e->pos || ringipc__state_acquire(r, RINGIPC_PRODUCER) == RINGIPC_STATE_CLOSED;
}

/* Waits for data: the bytes available, RINGIPC_EOF, or RINGIPC_ETIMEDOUT. */
static inline int64_t ringipc__await_data(ringipc_end *e, int64_t deadline) {
    if (e->peer_died) ringipc__poll_peer(e);
    for (;;) {
        int ready = ringipc__await(e, ringipc__byte_consumer_ready, deadline);
        if (!e->open) return ringipc__fail(e->error, RINGIPC_ESTATE, "the end is closed");
        int64_t a = ringipc__available(e);
        if (a != 0) return a;
        int64_t eof = ringipc__byte_eof(e);
        if (eof < 0) return eof;
        if (eof) return RINGIPC_EOF;
        if (!ready) return RINGIPC_ETIMEDOUT;
    }
}

static inline void ringipc__release_tail(ringipc_end *e, int64_t new_tail) {
    e->pos = new_tail;
    /* release: our copies out of the freed bytes are complete before the producer may reuse them;
       pairs with the producer's acquire of tail */
    atomic_store_explicit(ringipc__l(e->ring, RINGIPC_OFF_TAIL), new_tail, memory_order_release);
}

static inline int64_t ringipc__read(ringipc_end *e, void *buf, int64_t len, int wait, int64_t deadline) {
    int rc = ringipc__check_open(e, RINGIPC_CONSUMER, 0);
    if (rc < 0) return rc;
    if (len <= 0) return 0;
    int64_t a = ringipc__available(e);
    if (a < 0) return a;
    if (a == 0) {
        if (!wait) {
            int64_t eof = ringipc__byte_eof(e);
            return eof < 0 ? eof : eof ? RINGIPC_EOF : RINGIPC_EAGAIN;
        }
        a = ringipc__await_data(e, deadline);
        if (a < 0) return a;
    }
    int64_t n = a < len ? a : len;
    ringipc__copy_out(e->ring, e->pos, buf, n);
    ringipc__release_tail(e, e->pos + n);
    ringipc__add_opaque(e->ring, RINGIPC_OFF_READS, 1);
    ringipc__wake_peer(e);
    return n;
}

/** Reads at least one byte, waiting; RINGIPC_EOF once the producer closed or died and all is read. */
static inline int64_t ringipc_read(ringipc_end *e, void *buf, int64_t len) {
    return ringipc__read(e, buf, len, 1, 0);
}

/** As ringipc_read, but RINGIPC_ETIMEDOUT after timeout_ns. */
static inline int64_t ringipc_read_timeout(ringipc_end *e, void *buf, int64_t len, int64_t timeout_ns) {
    int64_t deadline = ringipc__now() + (timeout_ns > 0 ? timeout_ns : 1);
    return ringipc__read(e, buf, len, 1, deadline);
}

/** Never waits: bytes read, RINGIPC_EAGAIN when empty, RINGIPC_EOF at end of stream. */
static inline int64_t ringipc_try_read(ringipc_end *e, void *buf, int64_t len) {
    return ringipc__read(e, buf, len, 0, 0);
}

/**
 * Zero-copy read: waits for data and points *slice at the readable bytes in place (contiguous, up to
 * the end of the region); returns their count or RINGIPC_EOF. Give them back with ringipc_consume.
 */
static inline int64_t ringipc_peek(ringipc_end *e, const void **slice) {
    int rc = ringipc__check_open(e, RINGIPC_CONSUMER, 0);
    if (rc < 0) return rc;
    int64_t a = ringipc__available(e);
    if (a == 0) a = ringipc__await_data(e, 0);
    if (a < 0) return a;
    int64_t index = e->pos & e->ring->mask, to_end = (int64_t)e->ring->capacity - index;
    *slice = e->ring->data + index;
    return a < to_end ? a : to_end;
}

/** Gives back n bytes seen through ringipc_peek. */
static inline int ringipc_consume(ringipc_end *e, int64_t n) {
    int rc = ringipc__check_open(e, RINGIPC_CONSUMER, 0);
    if (rc < 0) return rc;
    if (n < 0 || n > e->cached - e->pos)
        return ringipc__fail(e->error, RINGIPC_EINVAL, "n=%lld is more than the %lld bytes available", (long long)n, (long long)(e->cached - e->pos));
    if (n > 0) {
        ringipc__release_tail(e, e->pos + n);
        ringipc__add_opaque(e->ring, RINGIPC_OFF_READS, 1);
        ringipc__wake_peer(e);
    }
    return 0;
}

/* ---- the message ring (FORMAT.md section 5) ------------------------------------------------- */

/* the header word of (length, type) in native layout: length at offset 0, type at offset 4 */
static inline int64_t ringipc__header_word(int32_t length, int32_t type) {
    int32_t fields[2] = { length, type };
    int64_t word;
    memcpy(&word, fields, sizeof word);
    return word;
}

static inline void ringipc__split_word(int64_t word, int32_t *length, int32_t *type) {
    int32_t fields[2];
    memcpy(fields, &word, sizeof fields);
    *length = fields[0];
    *type = fields[1];
}

static inline int ringipc__message_producer_idle(ringipc_end *e) {
    int rc = ringipc__check_open(e, RINGIPC_PRODUCER, 1);
    if (rc < 0) return rc;
    if (e->claim_index >= 0)
        return ringipc__fail(e->error, RINGIPC_ESTATE, "a claim of %u bytes is pending: commit or abort it first", e->claim_length);
    return ringipc__check_writable(e);
}

static inline int ringipc__check_length(ringipc_end *e, int64_t length) {
    uint32_t max = ringipc_max_message_length(e->ring->capacity);
    if (length < 0 || length > (int64_t)max)
        return ringipc__fail(e->error, RINGIPC_EINVAL, "length=%lld is not in 0 .. maxMessageLength=%u (half the ring less an 8-byte record header)",
                             (long long)length, max);
    return 0;
}

/* Finds room for a record (with padding before the wrap when needed): its index, or an error. */
static inline int64_t ringipc__reserve(ringipc_end *e, int64_t length, int wait) {
    ringipc_ring *r = e->ring;
    const int64_t size = ringipc__record_bytes(length);
    const int64_t index = e->pos & r->mask, to_end = (int64_t)r->capacity - index;
    const int64_t need = size <= to_end ? size : to_end + size;
    int64_t f;
    while ((f = ringipc__free(e, need)) < need) {
        if (f < 0) return f;
        if (!wait) return RINGIPC_EAGAIN;
        int rc = ringipc__await_room(e, need);
        if (rc < 0) return rc;
    }
    if (size <= to_end) {
        e->record_start = e->pos;
        return index;
    }
    /* the padding is published with the record (an aborted claim leaves none behind) */
    e->padding_index = index;
    e->padding_length = (uint32_t)(to_end - RINGIPC_RECORD_HEADER_BYTES);
    e->record_start = e->pos + to_end;
    return 0;
}

static inline void ringipc__publish_record(ringipc_end *e, int64_t index, int32_t length) {
    ringipc_ring *r = e->ring;
    /* relaxed: where this record (with the padding before it) starts, for a producer that takes over
       if we die before its header word; the release of head below orders it */
    atomic_store_explicit(ringipc__l(r, RINGIPC_OFF_PUBLISHING), e->pos, memory_order_relaxed);
    /* release: head (for stats, EOF and the consumer's honesty check) covers the record before its
       header word can be seen, so the consumer's position never passes head */
    ringipc__publish_head(e, e->record_start + ringipc__record_bytes(length));
    /* release: the payload is written before the header word that vouches for it; pairs with the
       consumer's acquire of the word */
    atomic_store_explicit(ringipc__word(r, index), ringipc__header_word(length, RINGIPC_TYPE_MESSAGE), memory_order_release);
    if (e->padding_index >= 0) {
        /* release: the record's word is stored before the padding's, so a consumer that skips the
           padding finds the record whole */
        atomic_store_explicit(ringipc__word(r, e->padding_index),
                              ringipc__header_word((int32_t)e->padding_length, RINGIPC_TYPE_PADDING), memory_order_release);
        e->padding_index = -1;
    }
    ringipc__add_opaque(r, RINGIPC_OFF_WRITES, 1);
    ringipc__wake_peer(e);
}

static inline int ringipc__put_message(ringipc_end *e, const void *msg, int64_t length, int wait) {
    int rc = ringipc__check_length(e, length);
    if (rc < 0) return rc;
    rc = ringipc__message_producer_idle(e);
    if (rc < 0) return rc;
    int64_t index = ringipc__reserve(e, length, wait);
    if (index == RINGIPC_EAGAIN) {
        ringipc__drop(e, ringipc__record_bytes(length));
        return 0;
    }
    if (index < 0) return (int)index;
    if (length > 0) memcpy(e->ring->data + index + RINGIPC_RECORD_HEADER_BYTES, msg, (size_t)length);
    ringipc__publish_record(e, index, (int32_t)length);
    return 1;
}

/** Publishes one message if it fits now: 1, or 0 when there is no room (counted as a drop). */
static inline int ringipc_offer(ringipc_end *e, const void *msg, int64_t length) {
    return ringipc__put_message(e, msg, length, 0);
}

/** Publishes one message, waiting for room (a DROP ring offers instead). 1, or an error. */
static inline int ringipc_send(ringipc_end *e, const void *msg, int64_t length) {
    return ringipc__put_message(e, msg, length, e->ring->overflow != RINGIPC_OVERFLOW_DROP);
}

/** Zero-copy: *payload gets `length` writable bytes of a new record (waiting for room); then commit or abort. */
static inline int ringipc_message_claim(ringipc_end *e, int64_t length, void **payload) {
    int rc = ringipc__check_length(e, length);
    if (rc < 0) return rc;
    rc = ringipc__message_producer_idle(e);
    if (rc < 0) return rc;
    int64_t index = ringipc__reserve(e, length, 1);
    if (index < 0) return (int)index;
    e->claim_index = index;
    e->claim_length = (uint32_t)length;
    *payload = e->ring->data + index + RINGIPC_RECORD_HEADER_BYTES;
    return 0;
}

/** Publishes the claimed record with its first `length` bytes (at most the claimed length). */
static inline int ringipc_message_commit(ringipc_end *e, int64_t length) {
    if (e->claim_index < 0) return ringipc__fail(e->error, RINGIPC_ESTATE, "nothing is claimed: claim before commit");
    if (length < 0 || length > (int64_t)e->claim_length)
        return ringipc__fail(e->error, RINGIPC_EINVAL, "length=%lld is not in 0 .. claimed=%u", (long long)length, e->claim_length);
    int rc = ringipc__check_open(e, RINGIPC_PRODUCER, 1);
    if (rc == 0) rc = ringipc__check_writable(e);
    if (rc < 0) {
        ringipc__abandon_message_claim(e);
        return rc;
    }
    int64_t index = e->claim_index;
    e->claim_index = -1;
    /* the unused end of the claim: a later record's header may land there, and must read 0 */
    ringipc__zero(e->ring, index + ringipc__record_bytes(length),
                  ringipc__record_bytes(e->claim_length) - ringipc__record_bytes(length));
    ringipc__publish_record(e, index, (int32_t)length);
    return 0;
}

/** Gives the claimed record up (zeroing whatever was written into it). */
static inline void ringipc_message_abort(ringipc_end *e) {
    ringipc__abandon_message_claim(e);
}

static inline int ringipc__published(ringipc_end *e) {
    /* acquire: pairs with the producer's release of the header word */
    return atomic_load_explicit(ringipc__word(e->ring, e->pos & e->ring->mask), memory_order_acquire) != 0;
}

/* Zeroes [tail, new_tail), then releases the new tail; batchEnd first, for a taker-over. */
static inline void ringipc__release_batch(ringipc_end *e, int64_t new_tail, int64_t messages) {
    ringipc_ring *r = e->ring;
    atomic_store_explicit(ringipc__l(r, RINGIPC_OFF_BATCH_END), new_tail, memory_order_relaxed);
    /* StoreStore: batchEnd is in memory before the first zeroing store, so whoever finds part of the
       batch zeroed also finds batchEnd covering it */
    atomic_thread_fence(memory_order_release);
    ringipc__zero(r, e->pos, new_tail - e->pos);
    /* release: the handler's reads of the batch and the zeroing are complete before the producer
       may reuse its bytes; pairs with the producer's acquire of tail */
    ringipc__release_tail(e, new_tail);
    ringipc__add_opaque(r, RINGIPC_OFF_READS, messages);
    ringipc__wake_peer(e);
}

static inline int ringipc__positions_honest(ringipc_ring *r, int64_t head, int64_t tail) {
    return tail >= 0 && head >= tail && head - tail <= (int64_t)r->capacity && ((head | tail) % RINGIPC_RECORD_ALIGNMENT) == 0
           && atomic_load_explicit(ringipc__i(r, RINGIPC_OFF_CAPACITY), memory_order_relaxed) == (int32_t)r->capacity;
}

/* Hands up to limit published records to the handler (at most one lap), then releases them. */
static inline int ringipc__consume(ringipc_end *e, ringipc_handler handler, void *context, int limit) {
    ringipc_ring *r = e->ring;
    const int64_t start = e->pos, capacity = r->capacity;
    const uint32_t max = ringipc_max_message_length(r->capacity);
    int64_t position = start;
    int count = 0, rc = 0;
    while (count < limit && position - start < capacity) {
        const int64_t index = position & r->mask, to_end = capacity - index;
        /* acquire: pairs with the producer's release of the header word; the payload it vouches for
           is complete. Bytes not yet published read 0: we zeroed them last lap */
        const int64_t word = atomic_load_explicit(ringipc__word(r, index), memory_order_acquire);
        if (word == 0) break;
        int32_t length, type;
        ringipc__split_word(word, &length, &type);
        int valid = type == RINGIPC_TYPE_MESSAGE || type == RINGIPC_TYPE_LOST ? length >= 0 && (uint32_t)length <= max && ringipc__record_bytes(length) <= to_end
                  : type == RINGIPC_TYPE_PADDING ? length == to_end - RINGIPC_RECORD_HEADER_BYTES : 0;
        int64_t size = valid ? ringipc__record_bytes(length) : 0;
        if (!valid || size > capacity - (position - start)) {
            e->broken = 1;
            rc = ringipc__fail(e->error, RINGIPC_ECORRUPT, "message ring corrupted: record at index %lld has length=%d type=%d (tail=%lld capacity=%u)",
                               (long long)index, length, type, (long long)e->pos, r->capacity);
            break;
        }
        position += size;
        if (type == RINGIPC_TYPE_LOST) {
            ringipc__add_opaque(r, RINGIPC_OFF_LOST_RECORDS, 1);
            ringipc__add_opaque(r, RINGIPC_OFF_LOST_BYTES, size);
        }
        if (type == RINGIPC_TYPE_MESSAGE) {
            count++;
            handler(context, r->data + index + RINGIPC_RECORD_HEADER_BYTES, (uint32_t)length);
        }
    }
    if (position != start) ringipc__release_batch(e, position, count);
    return rc < 0 ? rc : count;
}

static inline int ringipc__head_honest(ringipc_end *e) {
    /* acquire: pairs with the producer's release of head */
    int64_t head = atomic_load_explicit(ringipc__l(e->ring, RINGIPC_OFF_HEAD), memory_order_acquire);
    if (head < e->cached || !ringipc__positions_honest(e->ring, head, e->pos)) {
        ringipc__corrupt(e, "head ran backwards, too far or off a record boundary", head, e->pos);
        return 0;
    }
    e->cached = head;
    return 1;
}

/* 1 once the producer is gone and nothing is left, 0 not yet, <0 corrupt */
static inline int ringipc__message_eof(ringipc_end *e) {
    /* acquire: a CLOSED seen here happens-after the producer's last publication, so the re-read of the
       word at the tail below sees its last record */
    if (ringipc__state_acquire(e->ring, RINGIPC_PRODUCER) == RINGIPC_STATE_CLOSED) return !ringipc__published(e);
    /* a reader that never waits learns of a dead producer, of a takeover after one (peer_died back
       to 0), and of a scribbled head, at most every poll period */
    if (ringipc__poll_peer_periodically(e) && !ringipc__head_honest(e)) return RINGIPC_ECORRUPT;
    return e->peer_died && !ringipc__published(e);
}

static inline int ringipc__message_consumer_ready(ringipc_end *e) {
    if (!e->open || e->peer_died || e->broken) return 1;
    if (!ringipc__head_honest(e)) return 1; /* the woken caller reports it */
    return ringipc__published(e) || ringipc__state_acquire(e->ring, RINGIPC_PRODUCER) == RINGIPC_STATE_CLOSED;
}

/**
 * Hands up to limit published messages to handler, in place (the bytes are valid until it returns);
 * never waits. The count, 0 when none is there, RINGIPC_EOF once the producer is gone and all read.
 */
static inline int ringipc_poll(ringipc_end *e, ringipc_handler handler, void *context, int limit) {
    int rc = ringipc__check_open(e, RINGIPC_CONSUMER, 1);
    if (rc < 0) return rc;
    if (limit < 1) return ringipc__fail(e->error, RINGIPC_EINVAL, "limit=%d is not positive", limit);
    if (!ringipc__published(e)) {
        int eof = ringipc__message_eof(e);
        if (eof < 0) return eof;
        if (eof) return RINGIPC_EOF;
        if (!ringipc__published(e)) return 0;
    }
    return ringipc__consume(e, handler, context, limit);
}

/**
 * As ringipc_poll, but waits for at least one message: the count, RINGIPC_EOF, or RINGIPC_ETIMEDOUT
 * after timeout_ns (a negative timeout waits for ever).
 */
static inline int ringipc_take(ringipc_end *e, ringipc_handler handler, void *context, int limit, int64_t timeout_ns) {
    int rc = ringipc__check_open(e, RINGIPC_CONSUMER, 1);
    if (rc < 0) return rc;
    if (limit < 1) return ringipc__fail(e->error, RINGIPC_EINVAL, "limit=%d is not positive", limit);
    int64_t deadline = timeout_ns < 0 ? 0 : ringipc__now() + (timeout_ns > 0 ? timeout_ns : 1);
    if (e->peer_died) ringipc__poll_peer(e);
    for (;;) {
        if (ringipc__published(e)) {
            int taken = ringipc__consume(e, handler, context, limit);
            if (taken != 0) return taken;
            continue; /* only padding was there: look again at the record after it */
        }
        int ready = ringipc__await(e, ringipc__message_consumer_ready, deadline);
        if (!e->open) return ringipc__fail(e->error, RINGIPC_ESTATE, "the end is closed");
        if (e->broken) return RINGIPC_ECORRUPT;
        if (ringipc__published(e)) continue;
        int eof = ringipc__message_eof(e);
        if (eof < 0) return eof;
        if (eof) return RINGIPC_EOF;
        if (!ready) return RINGIPC_ETIMEDOUT;
    }
}

/* ---- stats and messages --------------------------------------------------------------------- */

/** A snapshot of the counters in the header. */
static inline void ringipc_stats_read(ringipc_ring *r, ringipc_stats *s) {
    memset(s, 0, sizeof *s);
    int64_t tail = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_TAIL), memory_order_acquire);
    int64_t head = atomic_load_explicit(ringipc__l(r, RINGIPC_OFF_HEAD), memory_order_acquire);
    int64_t used = head - tail;
    if (used < 0) used = 0;
    if (used > (int64_t)r->capacity) used = r->capacity;
#define RINGIPC__OPAQUE(off) atomic_load_explicit(ringipc__l(r, off), memory_order_relaxed)
    s->capacity = r->capacity;
    s->used = used;
    s->free = (int64_t)r->capacity - used;
    s->bytes_written = head;
    s->bytes_read = tail;
    s->bytes_dropped = RINGIPC__OPAQUE(RINGIPC_OFF_BYTES_DROPPED);
    s->writes = RINGIPC__OPAQUE(RINGIPC_OFF_WRITES);
    s->reads = RINGIPC__OPAQUE(RINGIPC_OFF_READS);
    s->drops = RINGIPC__OPAQUE(RINGIPC_OFF_DROPS);
    s->producer_sleeps = RINGIPC__OPAQUE(RINGIPC_OFF_PRODUCER_SLEEPS);
    s->consumer_sleeps = RINGIPC__OPAQUE(RINGIPC_OFF_CONSUMER_SLEEPS);
    s->producer_pid = RINGIPC__OPAQUE(RINGIPC_OFF_PRODUCER_OWNER) & 0xFFFFFFFF;
    s->consumer_pid = RINGIPC__OPAQUE(RINGIPC_OFF_CONSUMER_OWNER) & 0xFFFFFFFF;
    s->lost_records = RINGIPC__OPAQUE(RINGIPC_OFF_LOST_RECORDS);
    s->lost_bytes = RINGIPC__OPAQUE(RINGIPC_OFF_LOST_BYTES);
    s->streams = RINGIPC__OPAQUE(RINGIPC_OFF_STREAMS);
#undef RINGIPC__OPAQUE
    s->producer_state = ringipc__state_acquire(r, RINGIPC_PRODUCER);
    s->consumer_state = ringipc__state_acquire(r, RINGIPC_CONSUMER);
}

/** The name of a return code. */
static inline const char *ringipc_strerror(int code) {
    switch (code) {
    case RINGIPC_OK: return "ok";
    case RINGIPC_EOF: return "end of stream";
    case RINGIPC_EAGAIN: return "try again";
    case RINGIPC_ETIMEDOUT: return "timed out";
    case RINGIPC_EPIPE: return "broken pipe";
    case RINGIPC_EBUSY: return "end held by a live process";
    case RINGIPC_ESYS: return "system call failed";
    case RINGIPC_ENOTFILE: return "not a regular file";
    case RINGIPC_ESIZE: return "bad file size";
    case RINGIPC_EMAGIC: return "bad magic";
    case RINGIPC_EVERSION: return "bad version";
    case RINGIPC_EHEADER: return "bad header size";
    case RINGIPC_ECAPACITY: return "bad capacity";
    case RINGIPC_EFLAGS: return "bad flags";
    case RINGIPC_EKIND: return "wrong kind of ring";
    case RINGIPC_ECORRUPT: return "ring corrupted";
    case RINGIPC_EINVAL: return "bad argument";
    case RINGIPC_ESTATE: return "wrong state";
    default: return "unknown";
    }
}

#endif /* RINGIPC_H */
