/* The DeepLog session-file reader. */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_SESSIONS};
    fuzz_load_trace(data, size, &opt);
    return 0;
}
