/* The ftrace text reader (trace, trace_pipe, trace-cmd report, function_graph). */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_FTRACE};
    Vocab vocab;
    vocab_init(&vocab);
    Trace t;
    Error err = {0};
    if (trace_load(&t, fuzz_file(data, size), &opt, &vocab, NULL, &err))
        trace_free(&t);
    vocab_free(&vocab);
    return 0;
}
