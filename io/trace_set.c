#include "trace_set.h"

#include "readers.h"

#include <stdlib.h>
#include <string.h>

void trace_set_init(TraceSet *set)
{
    memset(set, 0, sizeof *set);
    vocab_init(&set->vocab);
    meanings_init(&set->meanings);
}

void trace_set_free(TraceSet *set)
{
    for (size_t i = 0; i < set->n_traces; i++)
        trace_free(&set->traces[i]);
    free(set->traces);
    vocab_free(&set->vocab);
    meanings_free(&set->meanings);
    memset(set, 0, sizeof *set);
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
    }
    return true;
}

size_t trace_set_events(const TraceSet *set)
{
    size_t total = 0;
    for (size_t i = 0; i < set->n_traces; i++)
        total += set->traces[i].n_events;
    return total;
}
