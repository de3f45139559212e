/* The QNX traceprinter text reader, with --key over a field so the argument splitting is used. */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_QNX, .key_cols = size % 2 ? "event,pid" : NULL};
    fuzz_load_trace(data, size, &opt);
    return 0;
}
