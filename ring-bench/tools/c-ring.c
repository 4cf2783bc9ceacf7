// A C SPSC ring between two processes (fork + shared anonymous mapping), the hardware figure that
// BulkExperiment --c-ring runs in its rounds. Build: cc -O2 -mavx2 -o target/c-ring tools/c-ring.c
// Run: c-ring CAPACITY CHUNK SECONDS memcpy|movsb|loop|nt|vec; prints the median single-copy times and MB/s.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#include <immintrin.h>
typedef struct { _Alignas(128) volatile uint64_t head; char p1[120]; _Alignas(128) volatile uint64_t tail; char p2[120]; } hdr_t;
static int mode;
static void cp(void *restrict d, const void *restrict s, size_t n) {
  if (mode == 0) memcpy(d, s, n);
  else if (mode == 1) { __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) :: "memory"); }
  else if (mode == 2) { uint64_t *D = d; const uint64_t *S = s; for (size_t i = 0; i < n / 8; i++) D[i] = S[i]; }
  else if (mode == 4) { char *D = d; const char *S = s; for (size_t i = 0; i < n; i += 128) { // 32-byte vector stores, as the JDK's copy stub
      __m256i a = _mm256_loadu_si256((const __m256i*)(S+i)), b = _mm256_loadu_si256((const __m256i*)(S+i+32)), c = _mm256_loadu_si256((const __m256i*)(S+i+64)), e = _mm256_loadu_si256((const __m256i*)(S+i+96));
      _mm256_storeu_si256((__m256i*)(D+i), a); _mm256_storeu_si256((__m256i*)(D+i+32), b); _mm256_storeu_si256((__m256i*)(D+i+64), c); _mm256_storeu_si256((__m256i*)(D+i+96), e); } }
  else { char *D = d; const char *S = s; for (size_t i = 0; i < n; i += 32) _mm256_stream_si256((__m256i*)(D+i), _mm256_loadu_si256((const __m256i*)(S+i))); _mm_sfence(); }
}
static long ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
static int cmpl(const void *a, const void *b) { long x = *(long*)a, y = *(long*)b; return x < y ? -1 : x > y; }
static long times_[1 << 22]; static long ntimes;
static void rec(long t) { if (ntimes < (1 << 22)) times_[ntimes++] = t; }
static long median(void) { qsort(times_, ntimes, sizeof(long), cmpl); return ntimes ? times_[ntimes / 2] : 0; }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
  size_t cap = atol(argv[1]), chunk = atol(argv[2]); double secs = atof(argv[3]);
  mode = !strcmp(argv[4], "memcpy") ? 0 : !strcmp(argv[4], "movsb") ? 1 : !strcmp(argv[4], "loop") ? 2 : !strcmp(argv[4], "nt") ? 3 : 4;
  char *m = mmap(0, 4096 + cap + 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  hdr_t *h = (hdr_t *)m; char *data = m + 4096; volatile uint64_t *done = (volatile uint64_t *)(m + 2048);
  char *buf = aligned_alloc(4096, chunk); memset(buf, 1, chunk);
  if (fork() == 0) { // consumer
    uint64_t tail = 0;
    for (;;) {
      uint64_t head;
      while ((head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE)) - tail < chunk) { if (*done) { printf("copy-out median %ld ns ", median()); fflush(stdout); _exit(0); } _mm_pause(); }
      long t0 = ns();
      cp(buf, data + (tail & (cap - 1)), chunk);
      rec(ns() - t0);
      tail += chunk;
      __atomic_store_n(&h->tail, tail, __ATOMIC_RELEASE);
    }
  }
  uint64_t head = 0; double t0 = now(), t; long n = 0;
  do {
    for (int i = 0; i < 64; i++) {
      while (cap - (head - __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE)) < chunk) _mm_pause();
      long t0 = ns();
      cp(data + (head & (cap - 1)), buf, chunk);
      rec(ns() - t0);
      head += chunk;
      __atomic_store_n(&h->head, head, __ATOMIC_RELEASE);
      n++;
    }
  } while ((t = now()) - t0 < secs);
  while (__atomic_load_n(&h->tail, __ATOMIC_ACQUIRE) != head) _mm_pause();
  t = now();
  fflush(stdout); *done = 1; wait(0);
  printf("copy-in median %ld ns %s cap=%zu chunk=%zu %.0f MB/s\n", median(), argv[4], cap, chunk, n * chunk / (t - t0) / 1e6);
}
