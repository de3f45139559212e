#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "../io/clock.h"

void progress_init(ProgressLine *p)
{
    p->tty = isatty(STDERR_FILENO);
    p->shown = false;
    p->last_print = 0;
}

/* Seconds between lines: 0.1 on a terminal, 5 in a log; TRACEAID_PROGRESS_SECONDS (0 or more)
 * overrides both, so tests see progress lines whatever the machine's speed. */
static double progress_every(bool tty)
{
    const char *env = getenv("TRACEAID_PROGRESS_SECONDS");
    if (env && *env) {
        char *end;
        double seconds = strtod(env, &end);
        if (!*end && seconds >= 0)
            return seconds;
    }
    return tty ? 0.1 : 5.0;
}

void progress_show(ProgressLine *p, bool force, const char *fmt, ...)
{
    double now = clock_seconds();
    if (!force && now - p->last_print < progress_every(p->tty))
        return;
    p->last_print = now;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, p->tty ? "\r%-79s" : "%s\n", line);
    p->shown = true;
}

void progress_done(ProgressLine *p)
{
    if (p->tty && p->shown)
        fputc('\n', stderr);
    p->shown = false;
}

const char *progress_duration(char *buf, int size, double seconds)
{
    if (seconds >= 3600)
        snprintf(buf, (size_t)size, "%dh%02dm", (int)(seconds / 3600), (int)(seconds / 60) % 60);
    else if (seconds >= 60)
        snprintf(buf, (size_t)size, "%dm%02ds", (int)(seconds / 60), (int)seconds % 60);
    else
        snprintf(buf, (size_t)size, "%.1fs", seconds);
    return buf;
}

void progress_scoring(ProgressLine *p, double start, size_t scored, size_t total)
{
    double elapsed = clock_seconds() - start, rate = elapsed > 0 ? (double)scored / elapsed : 0;
    double eta = rate > 0 ? (double)(total - scored) / rate : 0;
    char took[32], left[32];
    /* The last line is forced where lines are rewritten or some were shown: a short run
     * writes nothing to a log. */
    progress_show(p, scored == total && (p->tty || p->shown), "scoring: %.0f%% (%zu of %zu events)  %.2fM events/s  %s  ETA %s",
                  total ? 100.0 * (double)scored / (double)total : 100.0, scored, total, rate / 1e6,
                  progress_duration(took, sizeof took, elapsed), progress_duration(left, sizeof left, eta));
}
