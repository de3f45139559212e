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
    /* The time from the earliest event to the latest (a log's times may go back), named so that
     * it does not read as a load time. */
    if (t->timed && t->n_events > 1) {
        int64_t min = trace_time(t, 0), max = trace_time(t, 0);
        for (size_t i = 1; i < t->n_events; i++) {
            min = trace_time(t, i) < min ? trace_time(t, i) : min;
            max = trace_time(t, i) > max ? trace_time(t, i) : max;
        }
        /* In double: the difference of two extreme int64 timestamps overflows int64. */
        fprintf(out, "  %.3f s span", ((double)max - (double)min) / 1e9);
    }
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

static int by_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

SessionLengths summary_session_lengths(const Trace *t)
{
    SessionLengths l = {0};
    if (!trace_has_sessions(t) || t->n_sessions == 0)
        return l;
    size_t *len = malloc(t->n_sessions * sizeof *len);
    l.n = t->n_sessions;
    l.shortest = SIZE_MAX;
    for (size_t s = 0; s < t->n_sessions; s++) {
        size_t n = trace_session_length(t, s);
        l.shortest = n < l.shortest ? n : l.shortest;
        l.longest = n > l.longest ? n : l.longest;
        if (len)
            len[s] = n;
    }
    if (len) { /* the lower median of an even count: a length some session has */
        qsort(len, l.n, sizeof *len, by_size);
        l.median = len[(l.n - 1) / 2];
    }
    free(len);
    return l;
}

bool summary_sessions_too_short(const TraceSet *set, int tx, int ty, char *buf, size_t size)
{
    size_t longest = 0, sessions = 0, need = (size_t)tx + (size_t)ty;
    buf[0] = '\0';
    for (size_t i = 0; i < set->n_traces; i++) {
        if (!trace_has_sessions(&set->traces[i]))
            return false; /* a trace of events is scored in segments, however short */
        SessionLengths l = summary_session_lengths(&set->traces[i]);
        longest = l.longest > longest ? l.longest : longest;
        sessions += l.n;
    }
    if (sessions == 0 || longest >= need)
        return false;
    /* a session is scored from its first window and the keys predicted after it */
    char predicted[32] = "the key";
    if (ty > 1)
        snprintf(predicted, sizeof predicted, "the %d keys", ty);
    snprintf(buf, size, "every session is shorter than the window of %d plus %s after it (longest "
             "%zu event%s)", tx, predicted, longest, longest == 1 ? "" : "s");
    return true;
}

/* A key named as loghub's EventIds (E1, E2, ...)? */
static bool is_eventid(const char *name)
{
    return name && name[0] == 'E' && name[1] && strspn(name + 1, "0123456789") == strlen(name + 1);
}

/* A key named as a template's id (8 hex digits, io/drain.h)? */
static bool is_template_id(const char *name)
{
    return name && strlen(name) == 8 && strspn(name, "0123456789abcdef") == 8;
}

/* Does the model know keys named so? */
static bool model_has_keys(const Model *m, bool (*named)(const char *))
{
    int n_keys;
    char *const *names = model_key_names(m, &n_keys);
    for (int k = model_n_reserved(m); names && k < n_keys; k++)
        if (named(names[k]))
            return true;
    return false;
}

static bool model_has_eventid_keys(const Model *m)
{
    return model_has_keys(m, is_eventid);
}

/* A structured log none of whose keys the model knows (ids from the model's key count up). */
static bool knows_none(const Trace *t, int n_keys)
{
    for (size_t e = 0; e < t->n_events; e++)
        if (t->key_id[e] < (uint32_t)n_keys)
            return false;
    return t->n_events > 0;
}

void summary_warn_model_fit(FILE *out, const TraceSet *set, const Model *m)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    char why[256];
    if (summary_sessions_too_short(set, tx, ty, why, sizeof why))
        fprintf(out, "traceaid: warning: %s: nothing to score\n", why);
    model_key_names(m, &n_keys);
    for (size_t i = 0; i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        if (!t->structured_log || !knows_none(t, n_keys))
            continue;
        bool by_eventid = is_eventid(vocab_name(&set->vocab, t->key_id[0]));
        if (!by_eventid && model_has_eventid_keys(m)) {
            fprintf(out, "traceaid: warning: %s: the model knows none of its keys, and its own look like "
                         "EventIds (E1, E2, ...): trained on structured logs keyed by EventId? Give --key "
                         "EventId (structured logs are keyed by template by default)\n", t->path);
            break;
        }
        if (by_eventid && model_has_keys(m, is_template_id)) {
            fprintf(out, "traceaid: warning: %s: the model knows none of its keys (EventIds), and its own "
                         "look like template ids (8 hex digits): trained on structured logs keyed by "
                         "template? Leave out --key EventId\n", t->path);
            break;
        }
    }
}
