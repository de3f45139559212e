/* Loading one trace with its own vocabulary and meanings, for the io/ tests. */
#ifndef TRACEAID_TEST_LOAD_H
#define TRACEAID_TEST_LOAD_H

#include "../io/readers.h"

typedef struct Loaded {
    Trace trace;
    Vocab vocab;
    Meanings meanings;
    Error err;
    bool ok;
} Loaded;

static inline Loaded *load_with(const char *path, TraceOptions opt)
{
    Loaded *l = calloc(1, sizeof *l);
    vocab_init(&l->vocab);
    meanings_init(&l->meanings);
    l->ok = trace_load(&l->trace, path, &opt, &l->vocab, &l->meanings, &l->err);
    return l;
}

static inline void loaded_free(Loaded *l)
{
    trace_free(&l->trace);
    vocab_free(&l->vocab);
    meanings_free(&l->meanings);
    free(l);
}

#endif
