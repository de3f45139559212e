/* The QNX traceprinter text reader, with --key over a field so the argument splitting is used. */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_QNX, .key_cols = size % 2 ? "event,pid" : NULL};
    Vocab vocab;
    vocab_init(&vocab);
    Trace t;
    Error err = {0};
    if (trace_load(&t, fuzz_file(data, size), &opt, &vocab, NULL, &err))
        trace_free(&t);
    vocab_free(&vocab);
    return 0;
}
