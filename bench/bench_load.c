/* Loads a trace several times (CSV, or with "auto" whatever format its content shows) and prints the median load time, throughput and the memory
 * the loaded trace holds, as one line of key=value pairs for bench/run.sh. THREADS is what
 * --threads would be (0, the default: TRACEAID_THREADS or every core). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../io/readers.h"
#include "../io/workers.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long resident_bytes(void)
{
    long pages_total, pages_resident;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (!fp || fscanf(fp, "%ld %ld", &pages_total, &pages_resident) != 2)
        pages_resident = 0;
    if (fp)
        fclose(fp);
    return pages_resident * sysconf(_SC_PAGESIZE);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load TRACE [RUNS [csv|auto [THREADS]]]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    double seconds[64];
    runs = runs < 1 ? 1 : runs > 64 ? 64 : runs;
    size_t n_events = 0, held_bytes = 0, accounted = 0;
    bool sniff = argc > 3 && strcmp(argv[3], "auto") == 0;
    TraceOptions opt = {.format = sniff ? TRACE_FORMAT_AUTO : TRACE_FORMAT_CSV,
                        .threads = argc > 4 ? strtoull(argv[4], NULL, 10) : 0};
    for (int run = 0; run < runs; run++) {
        Vocab vocab;
        vocab_init(&vocab);
        Trace trace;
        Error err = {0};
        long before = resident_bytes();
        double start = now_seconds();
        if (!trace_load(&trace, argv[1], &opt, &vocab, NULL, &err)) {
            fprintf(stderr, "bench_load: %s\n", err.msg);
            return 2;
        }
        seconds[run] = now_seconds() - start;
        /* what the loaded trace keeps resident, read before it is freed */
        held_bytes = (size_t)(resident_bytes() - before);
        n_events = trace.n_events;
        accounted = trace_bytes(&trace);
        trace_free(&trace);
        vocab_free(&vocab);
    }
    qsort(seconds, (size_t)runs, sizeof seconds[0], by_value);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    struct stat st; /* a folder (CTF) counts as 0 MB */
    double megabytes = stat(argv[1], &st) == 0 && S_ISREG(st.st_mode) ? (double)st.st_size / 1e6 : 0;
    double median = seconds[runs / 2];
    printf("events=%zu seconds=%.3f min=%.3f max=%.3f mb_per_s=%.1f events_per_s=%.0f "
           "held_bytes_per_event=%.1f accounted_bytes_per_event=%.1f peak_rss_mb=%.1f threads=%d\n",
           n_events, median, seconds[0], seconds[runs - 1], megabytes / median,
           (double)n_events / median, (double)held_bytes / (double)n_events,
           (double)accounted / (double)n_events, (double)usage.ru_maxrss / 1024.0,
           opt.threads ? (int)opt.threads : workers_default());
    return 0;
}
