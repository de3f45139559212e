#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "../io/clock.h"

void progress_init(ProgressLine *p)
{
    p->tty = isatty(STDERR_FILENO);
    p->shown = false;
    p->last_print = 0;
}

void progress_show(ProgressLine *p, bool force, const char *fmt, ...)
{
    double now = clock_seconds();
    if (!force && now - p->last_print < (p->tty ? 0.1 : 5.0))
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
