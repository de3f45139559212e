/* Fuzz inputs for readers that take a path: the bytes go to a file on tmpfs first. */
#ifndef TRACEAID_FUZZ_INPUT_H
#define TRACEAID_FUZZ_INPUT_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *fuzz_file(const unsigned char *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/dev/shm/traceaid-fuzz-%d", (int)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    return path;
}

#ifdef TRACEAID_READERS_H
/* Loads the bytes as a trace with opt, and frees what was loaded: the trace readers' targets. */
static void fuzz_load_trace(const unsigned char *data, size_t size, const TraceOptions *opt)
{
    Vocab vocab;
    vocab_init(&vocab);
    Trace t;
    Error err = {0};
    if (trace_load(&t, fuzz_file(data, size), opt, &vocab, NULL, &err))
        trace_free(&t);
    vocab_free(&vocab);
}
#endif

#endif
