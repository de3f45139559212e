#include "trace_set.h"

#include "format.h"
#include "readers.h"

#include <stdlib.h>
#include <string.h>

void trace_set_init(TraceSet *set)
{
    memset(set, 0, sizeof *set);
    vocab_init(&set->vocab);
    meanings_init(&set->meanings);
    warnings_init(&set->warnings);
}

void trace_set_free(TraceSet *set)
{
    for (size_t i = 0; i < set->n_traces; i++)
        trace_free(&set->traces[i]);
    free(set->traces);
    vocab_free(&set->vocab);
    meanings_free(&set->meanings);
    warnings_free(&set->warnings);
    memset(set, 0, sizeof *set);
}

/* The events a --group-regex matched in no event's column: the session named "" holds them. */
static size_t ungrouped_events(const Trace *t)
{
    for (size_t s = 0; t->session_name && s < t->n_sessions; s++)
        if (strpool_get(&t->names, t->session_name[s])[0] == '\0')
            return trace_session_length(t, s);
    return 0;
}

/* A grouping regex that matched nothing made one session of every event: no error, since the
 * trace still loads, but rarely what was meant; one that left most events out is said too. */
static bool warn_ungrouped(TraceSet *set, const Trace *t, const TraceOptions *opt, Error *err)
{
    size_t left = opt->group_regex ? ungrouped_events(t) : 0;
    const char *col = opt->group_col ? opt->group_col : "Content";
    char n_left[32], n_all[32], n_matched[32];
    if (left == 0 || 2 * left <= t->n_events)
        return true;
    format_count(n_left, sizeof n_left, left);
    format_count(n_all, sizeof n_all, t->n_events);
    format_count(n_matched, sizeof n_matched, t->n_events - left);
    if (left == t->n_events)
        return warnings_add(&set->warnings, err, "%s: --group-regex '%s' matched no event's %s: "
                            "its %s events are one session", t->path, opt->group_regex, col, n_all);
    return warnings_add(&set->warnings, err, "%s: --group-regex '%s' matched %s of %s events' %s: "
                        "the other %s are one session of ungrouped events", t->path,
                        opt->group_regex, n_matched, n_all, col, n_left);
}

/* The keys given two templates past the first few, in a word. */
static bool warn_unlisted(TraceSet *set, Error *err)
{
    size_t n = set->meanings.unlisted, n_file = set->meanings.file_unlisted;
    set->meanings.unlisted = set->meanings.file_unlisted = 0;
    if (n_file && !warnings_add(&set->warnings, err, "%zu more key%s given another template than "
                                "the templates file's (not listed)", n_file, n_file == 1 ? "" : "s"))
        return false;
    return n == 0 || warnings_add(&set->warnings, err, "%zu more key%s stand%s for two templates "
                                  "(not listed)", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
}

bool trace_set_load(TraceSet *set, const TraceInput *inputs, size_t n_inputs,
                    const TraceOptions *opt, Error *err)
{
    Trace *grown = realloc(set->traces, (set->n_traces + n_inputs + 1) * sizeof *grown);
    if (!grown)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    set->traces = grown;
    for (size_t i = 0; i < n_inputs; i++) {
        TraceOptions file_opt = *opt;
        if (inputs[i].format != TRACE_FORMAT_AUTO)
            file_opt.format = inputs[i].format;
        if (!trace_load(&set->traces[set->n_traces], inputs[i].path, &file_opt, &set->vocab,
                        &set->meanings, err))
            return false;
        set->n_traces++;
        if (!warnings_move(&set->warnings, &set->meanings.warnings, err) ||
            !warn_ungrouped(set, &set->traces[set->n_traces - 1], opt, err))
            return false;
    }
    return warn_unlisted(set, err);
}

size_t trace_set_events(const TraceSet *set)
{
    size_t total = 0;
    for (size_t i = 0; i < set->n_traces; i++)
        total += set->traces[i].n_events;
    return total;
}
