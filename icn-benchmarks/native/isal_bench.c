/*
 * Native reference for the erasure-coding benchmarks: Intel ISA-L (Debian's libisal) doing the same
 * RS(10,4) work as the JMH suite in io.icn.benchmarks.erasure, single-threaded.
 *
 *   encode            10 data shards -> 4 parity shards   (ec_init_tables once + ec_encode_data)
 *   reconstruct-*     4 shards lost, rebuilt from 10 survivors: gf_invert_matrix + ec_init_tables +
 *                     ec_encode_data, all inside the timed region (the matrix work is microseconds
 *                     against milliseconds of shard arithmetic)
 *
 * Throughput counts data bytes, k * shard size, per call, in GB/s (10^9 bytes/s), exactly like the
 * JMH figures. Each figure is the median of RUNS timed calls (clock_gettime(CLOCK_MONOTONIC)) after
 * WARMUP untimed ones. Reconstructed shards are compared with the originals before any timing.
 * ISA-L picks its own SIMD path (SSE/AVX2/AVX-512/GFNI) at run time.
 *
 * Usage: isal_bench [shard_bytes [runs [warmup]]]        default 5000000 21 5
 * Environment: ISAL_THP=1 puts the shards in transparent huge pages; ISAL_CLOCK=thread times by the
 * thread's CPU time instead of the wall clock.
 * Output: one line per operation, "isal <operation> <GB/s median> <GB/s min> <GB/s max> <runs>",
 * read by run-erasure-benchmarks.sh.
 */
#define _DEFAULT_SOURCE
#include <isa-l/erasure_code.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t) 2 << 20)

#define K 10
#define M 4
#define N (K + M)

static unsigned char encode_matrix[N * K];
static unsigned char encode_tables[K * M * 32];

/* ISAL_CLOCK=thread: time by this thread's CPU time (CLOCK_THREAD_CPUTIME_ID) instead of the wall
 * clock, as ErasureCpuTimeLoad does on the JVM side: on a machine shared with other builds the time
 * the thread waits for a core then counts for neither side. */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* ISAL_THP=1: shards in transparent huge pages, as the JVM's heap with -XX:+UseTransparentHugePages. */
static int use_thp;

static unsigned char *alloc_shard(size_t len) {
    void *p = NULL;
    size_t align = use_thp ? HUGE_PAGE : 64;
    size_t size = use_thp ? (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : len;
    if (posix_memalign(&p, align, size) != 0) {
        fprintf(stderr, "isal_bench: cannot allocate %zu bytes\n", len);
        exit(2);
    }
    if (use_thp && madvise(p, size, MADV_HUGEPAGE) != 0) {
        perror("isal_bench: madvise(MADV_HUGEPAGE)");
        exit(2);
    }
    return p;
}

static void encode(unsigned char **shards, int len) {
    ec_encode_data(len, K, M, encode_tables, shards, shards + K);
}

/*
 * Rebuilds shards[missing[0..nmissing)] from the first K survivors, as ISA-L's own examples do:
 * invert the survivors' rows of the encode matrix; a lost data shard is a row of the inverse, a lost
 * parity shard its encode row times the inverse.
 */
static int reconstruct(unsigned char **shards, const int *missing, int nmissing, int len) {
    unsigned char survivors_matrix[K * K], inverse[K * K], decode_matrix[M * K];
    unsigned char decode_tables[K * M * 32];
    unsigned char *sources[K], *targets[M];
    int lost[N] = {0};
    for (int i = 0; i < nmissing; i++) {
        lost[missing[i]] = 1;
    }
    for (int i = 0, r = 0; i < N && r < K; i++) {
        if (!lost[i]) {
            memcpy(survivors_matrix + r * K, encode_matrix + i * K, K);
            sources[r++] = shards[i];
        }
    }
    if (gf_invert_matrix(survivors_matrix, inverse, K) < 0) {
        return -1;
    }
    for (int e = 0; e < nmissing; e++) {
        int row = missing[e];
        if (row < K) {
            memcpy(decode_matrix + e * K, inverse + row * K, K);
        } else {
            for (int c = 0; c < K; c++) {
                unsigned char s = 0;
                for (int j = 0; j < K; j++) {
                    s ^= gf_mul(inverse[j * K + c], encode_matrix[row * K + j]);
                }
                decode_matrix[e * K + c] = s;
            }
        }
        targets[e] = shards[row];
    }
    ec_init_tables(K, nmissing, decode_matrix, decode_tables);
    ec_encode_data(len, K, nmissing, decode_tables, sources, targets);
    return 0;
}

typedef struct {
    const char *name;
    int missing[M]; /* empty name = encode */
} operation;

static void run(const operation *op, unsigned char **shards, int len, int runs, int warmup) {
    int is_encode = op->missing[0] < 0;
    double *gbps = malloc(sizeof(double) * runs);
    for (int r = -warmup; r < runs; r++) {
        double start = now_seconds();
        if (is_encode) {
            encode(shards, len);
        } else if (reconstruct(shards, op->missing, M, len) != 0) {
            fprintf(stderr, "isal_bench: singular decode matrix for %s\n", op->name);
            exit(3);
        }
        double elapsed = now_seconds() - start;
        if (r >= 0) {
            gbps[r] = (double) K * len / elapsed / 1e9;
        }
    }
    qsort(gbps, runs, sizeof(double), compare_doubles);
    printf("isal %s %.3f %.3f %.3f %d\n", op->name, gbps[runs / 2], gbps[0], gbps[runs - 1], runs);
    fflush(stdout);
    free(gbps);
}

int main(int argc, char **argv) {
    int len = argc > 1 ? atoi(argv[1]) : 5000000;
    int runs = argc > 2 ? atoi(argv[2]) : 21;
    int warmup = argc > 3 ? atoi(argv[3]) : 5;
    const char *clk = getenv("ISAL_CLOCK");
    if (clk != NULL && strcmp(clk, "thread") == 0) {
        clock_id = CLOCK_THREAD_CPUTIME_ID;
    }
    const char *thp = getenv("ISAL_THP");
    use_thp = thp != NULL && strcmp(thp, "1") == 0;
    if (len <= 0 || runs <= 0 || warmup < 0) {
        fprintf(stderr, "usage: %s [shard_bytes [runs [warmup]]]\n", argv[0]);
        return 1;
    }

    /* Cauchy: every K x K submatrix of the systematic matrix is invertible, so any 4 losses decode. */
    gf_gen_cauchy1_matrix(encode_matrix, N, K);
    ec_init_tables(K, M, encode_matrix + K * K, encode_tables);

    unsigned char *shards[N], *saved[N];
    srand(0x1CE5EED);
    for (int i = 0; i < N; i++) {
        shards[i] = alloc_shard(len);
        saved[i] = alloc_shard(len);
        for (int b = 0; b < len; b++) {
            shards[i][b] = (unsigned char) (rand() >> 7);
        }
    }
    encode(shards, len);
    for (int i = 0; i < N; i++) {
        memcpy(saved[i], shards[i], len);
    }

    const operation ops[] = {
        {"encode", {-1}},
        {"reconstruct-d0+d1+p0+p1", {0, 1, K, K + 1}},
        {"reconstruct-d0+d1+d2+d3", {0, 1, 2, 3}},
    };
    const int nops = sizeof(ops) / sizeof(ops[0]);

    /* Correctness first: wipe the lost shards, rebuild, compare. */
    for (int o = 1; o < nops; o++) {
        for (int e = 0; e < M; e++) {
            memset(shards[ops[o].missing[e]], 0, len);
        }
        if (reconstruct(shards, ops[o].missing, M, len) != 0) {
            fprintf(stderr, "isal_bench: singular decode matrix for %s\n", ops[o].name);
            return 3;
        }
        for (int i = 0; i < N; i++) {
            if (memcmp(saved[i], shards[i], len) != 0) {
                fprintf(stderr, "isal_bench: %s rebuilt shard %d wrongly\n", ops[o].name, i);
                return 4;
            }
        }
    }

    printf("# ISA-L RS(%d,%d), shard %d bytes, data bytes per call %lld, median of %d runs after %d warm-up\n",
           K, M, len, (long long) K * len, runs, warmup);
    printf("# operation GB/s-median GB/s-min GB/s-max runs\n");
    for (int o = 0; o < nops; o++) {
        run(&ops[o], shards, len, runs, warmup);
    }
    for (int i = 0; i < N; i++) {
        free(shards[i]);
        free(saved[i]);
    }
    return 0;
}
