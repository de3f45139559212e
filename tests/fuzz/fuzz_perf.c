/* The perf script text reader, with --key over a field when the first byte is odd. A perf.data
 * (magic PERFILE2) would run perf on every input: those are left out. */
#include <string.h>

#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size >= 8 && memcmp(data, "PERFILE2", 8) == 0)
        return 0;
    TraceOptions opt = {.format = TRACE_FORMAT_PERF};
    if (size > 0 && (data[0] & 1))
        opt.key_cols = "event,stack,sym";
    fuzz_load_trace(data, size, &opt);
    return 0;
}
