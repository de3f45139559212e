#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "../io/readers.h"


static void print_trace(FILE *out, const Trace *t, const Vocab *vocab, int path_width)
{
    char events[32], sessions[32], keys[32], name[FORMAT_NAME_WIDTH + 1];
    uint8_t *seen = calloc(vocab_size(vocab) + 1, 1);
    size_t distinct = 0;
    for (size_t i = 0; seen && i < t->n_events; i++) {
        distinct += !seen[t->key_id[i]];
        seen[t->key_id[i]] = 1;
    }
    free(seen);
    fprintf(out, "  %-*s  %-8s %11s events %7s session%s %5s keys", path_width,
           format_shorten(name, sizeof name, t->path, FORMAT_NAME_WIDTH), trace_format_name(t),
           format_count(events, sizeof events, t->n_events),
           format_count(sessions, sizeof sessions, t->n_sessions), t->n_sessions == 1 ? " " : "s",
           format_count(keys, sizeof keys, distinct));
    /* The time from the first event to the last, named so that it does not read as a load time. */
    if (t->timed && t->n_events > 1)
        /* In double: the difference of two extreme int64 timestamps overflows int64. */
        fprintf(out, "  %.3f s span", ((double)t->time[t->n_events - 1] - (double)t->time[0]) / 1e9);
    else if (!t->timed)
        fprintf(out, "  untimed");
    fprintf(out, "\n");
}

void summary_print(FILE *out, const TraceSet *set)
{
    char files[32], total[32], keys[32];
    fprintf(out, "Loaded %s file%s: %s events, %s distinct keys\n",
           format_count(files, sizeof files, set->n_traces), set->n_traces == 1 ? "" : "s",
           format_count(total, sizeof total, trace_set_events(set)),
           format_count(keys, sizeof keys, vocab_size(&set->vocab)));
    int path_width = 0;
    for (size_t i = 0; i < set->n_traces; i++) {
        int len = (int)strlen(set->traces[i].path);
        path_width = len > path_width ? len : path_width;
        path_width = path_width > FORMAT_NAME_WIDTH ? FORMAT_NAME_WIDTH : path_width;
    }
    for (size_t i = 0; i < set->n_traces; i++)
        print_trace(out, &set->traces[i], &set->vocab, path_width);
    fprintf(out, "Compare keys across them with 'traceaid stats'; see 'traceaid help'.\n");
}


void summary_print_warnings(FILE *out, const TraceSet *set)
{
    for (size_t i = 0; i < set->warnings.n; i++)
        fprintf(out, "traceaid: warning: %s\n", set->warnings.items[i]);
}
