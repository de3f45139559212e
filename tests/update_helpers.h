/* What the update tests share: numbers read from the commands' output, update's "still flagged"
 * line, and the segments score flags (tests/test_update.c, tests/test_update_parts.c). */
#ifndef TRACEAID_TEST_UPDATE_HELPERS_H
#define TRACEAID_TEST_UPDATE_HELPERS_H

#include "test_util.h"

/* A number as the commands print it, "4,046". */
static inline long count_after(const char *text, const char *label)
{
    const char *at = strstr(text, label);
    if (!at)
        fail_msg("no \"%s\" in:\n%s", label, text);
    long n = 0;
    for (at += strlen(label); *at == ' '; at++)
        ;
    for (; (*at >= '0' && *at <= '9') || *at == ','; at++)
        if (*at != ',')
            n = n * 10 + (*at - '0');
    return n;
}

/* The line of update's output holding what ("sessions learned"): how many of them the updated
 * model still flags, and how many the model before the update flagged. */
static inline void still_flagged(const char *err, const char *what, long *after, long *before)
{
    const char *at = strstr(err, what), *line = at;
    if (!at)
        fail_msg("no \"%s\" in:\n%s", what, err);
    while (line > err && line[-1] != '\n' && line[-1] != '\r')
        line--;
    *after = count_after(line, "update:");
    *before = count_after(at, "(");
}

/* The segments score flags in trace with model. */
static inline long flagged_segments(const char *model, const char *trace)
{
    RunResult r = run_traceaid("score", "--model", model, trace);
    long n = 0;
    for (const char *at = r.out; (at = strstr(at, "FLAGGED")); at++)
        n++;
    run_result_free(&r);
    return n;
}

#endif
