/* The explorer following its loader (tui/loader.h): a progress bar until something is in, a big
 * trace's head (tui/preview.h) while the rest loads, the chart filling in as the whole's scores
 * come, then the whole trace and its scores. */
#ifndef TRACEAID_FOLLOW_H
#define TRACEAID_FOLLOW_H

#include "app.h"
#include "loader.h"

/* Where the explorer is with the loader. */
typedef struct Follow {
    bool app_ready;             /* the app shows a scored set: the preview or the whole */
    bool previewing;            /* the preview */
    bool stopped;               /* the whole trace failed or was cancelled: the preview stays */
    bool timing;                /* rates and times on the status line (not in scripts) */
    bool filling_fixed;         /* a script's `wait scored N`: the chart as far as N, not further */
    char said[256];             /* the preview's last status line: a key's word stays until the next key */
    struct UpdateSource *update_src;    /* U's, put back with the whole trace (the head is no source) */
} Follow;

/* One step: what the loader brought since the last (the terminal calls it each poll, a script at
 * its waits). Returns false with err set when the loading ended without traces. */
bool follow_loader(App *app, Loader *loader, bool has_model, Follow *f, Error *err);
/* The whole trace's scores so far in the head's chart, as far as its first events (SIZE_MAX: as
 * far as they are scored). */
void follow_fill_chart(App *app, Loader *loader, size_t events);
/* Loading's first warning appended to the status line. */
void follow_append_warning(App *app, const Loader *loader);

#endif
