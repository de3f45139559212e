/* The ftrace text reader (trace, trace_pipe, trace-cmd report, function_graph). */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_FTRACE};
    fuzz_load_trace(data, size, &opt);
    return 0;
}
