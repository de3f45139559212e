/* inject: the anomalies of the seed experiment, injected for real beside the flight
 * controller, and the ground truth of when they ran, in CLOCK_MONOTONIC nanoseconds (the clock
 * `perf record -k CLOCK_MONOTONIC` stamps events with):
 *
 *   clean             nothing (the truth holds no interval)
 *   fifo-ls           ls run again and again
 *   fifo-ls-sporadic  ls run now and then: 100-400 ms apart
 *   full-while        a busy loop
 *   half-while        a busy loop at half duty: 10 ms busy, 10 ms asleep
 *
 * Run it under `chrt -f PRIO taskset -c CPU` (scripts/record.sh does): ls and the loop inherit
 * the FIFO policy and the CPU. Over --seconds S there are two episodes, from 25% to 50% of S
 * and from 65% to 90%, so an anomalous trace has clean stretches before, between and after.
 * The truth file: "# kind: KIND", then start_ns,stop_ns,label, a row per episode (for
 * fifo-ls-sporadic, a row per ls run). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t Nanos;

#define MS 1000000ULL

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static Nanos now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (Nanos)ts.tv_sec * 1000000000ULL + (Nanos)ts.tv_nsec;
}

static void sleep_until(Nanos t)
{
    struct timespec ts = {(time_t)(t / 1000000000ULL), (long)(t % 1000000000ULL)};
    while (!interrupted && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

typedef struct Injection {
    const char *kind;
    FILE *truth;
    unsigned seed;
} Injection;

static void truth_row(Injection *in, Nanos start, Nanos stop, const char *label)
{
    fprintf(in->truth, "%llu,%llu,%s\n", (unsigned long long)start, (unsigned long long)stop, label);
}

/* One `ls -l /usr/bin`, its output thrown away; false when it could not run. */
static bool run_ls(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        execlp("ls", "ls", "-l", "/usr/bin", (char *)NULL);
        _exit(127);
    }
    int status;
    pid_t waited;
    while (pid > 0 && (waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) /* a stop request */
        ;
    return pid > 0 && waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void busy_until(Nanos t)
{
    volatile uint64_t spins = 0;
    while (!interrupted && now() < t)
        for (int i = 0; i < 1000; i++)
            spins++;
}

/* One episode of the kind from start to stop; its truth rows. */
static bool episode(Injection *in, Nanos start, Nanos stop)
{
    sleep_until(start);
    if (interrupted) /* stopped before the episode: it never ran, and has no row */
        return true;
    Nanos began = now();
    if (strcmp(in->kind, "fifo-ls") == 0) {
        while (!interrupted && now() < stop)
            if (!run_ls())
                return false;
        truth_row(in, began, now(), "ls loop");
    } else if (strcmp(in->kind, "fifo-ls-sporadic") == 0) {
        while (!interrupted && now() < stop) {
            Nanos t0 = now();
            if (!run_ls())
                return false;
            truth_row(in, t0, now(), "ls");
            sleep_until(now() + (100 + (Nanos)(rand_r(&in->seed) % 301)) * MS);
        }
    } else if (strcmp(in->kind, "full-while") == 0) {
        busy_until(stop);
        truth_row(in, began, now(), "busy loop");
    } else if (strcmp(in->kind, "half-while") == 0) {
        while (!interrupted && now() < stop) {
            busy_until(now() + 10 * MS);
            sleep_until(now() + 10 * MS);
        }
        truth_row(in, began, now(), "busy loop at half duty");
    }
    return true;
}

static const char *const kinds[] = {"clean", "fifo-ls", "fifo-ls-sporadic", "full-while", "half-while"};

static int usage(FILE *out, int status)
{
    fprintf(out, "usage: inject KIND SECONDS TRUTH_FILE [SEED]\n"
                 "  KIND: clean, fifo-ls, fifo-ls-sporadic, full-while or half-while; two episodes,\n"
                 "  from 25%% to 50%% of SECONDS and from 65%% to 90%%; the truth (CLOCK_MONOTONIC ns)\n"
                 "  goes to TRUTH_FILE; SEED sets fifo-ls-sporadic's gaps (default 1)\n");
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0)
        return usage(stdout, 0);
    if (argc < 4 || argc > 5)
        return usage(stderr, 2);
    Injection in = {.kind = argv[1], .seed = argc == 5 ? (unsigned)strtoul(argv[4], NULL, 10) : 1};
    bool known = false;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        known |= strcmp(in.kind, kinds[i]) == 0;
    char *end;
    double seconds = strtod(argv[2], &end);
    if (!known || *end || !(seconds > 0 && seconds < 86400)) {
        fprintf(stderr, "inject: unknown kind '%s' or bad SECONDS '%s'\n", argv[1], argv[2]);
        return usage(stderr, 2);
    }
    in.truth = fopen(argv[3], "w");
    if (!in.truth) {
        fprintf(stderr, "inject: %s: %s\n", argv[3], strerror(errno));
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(in.truth, "# kind: %s\nstart_ns,stop_ns,label\n", in.kind);
    Nanos t0 = now(), span = (Nanos)(seconds * 1e9);
    bool ok = episode(&in, t0 + span / 4, t0 + span / 2) && episode(&in, t0 + span * 65 / 100, t0 + span * 9 / 10);
    if (!ok)
        fprintf(stderr, "inject: ls did not run\n");
    sleep_until(t0 + span);
    if (fclose(in.truth) != 0) {
        fprintf(stderr, "inject: %s: %s\n", argv[3], strerror(errno));
        return 2;
    }
    return interrupted ? 130 : ok ? 0 : 2;
}
