/* The CSV trace reader (and structured logs grouped by a regex, when the first byte is odd). */
#include "../../io/readers.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    TraceOptions opt = {.format = TRACE_FORMAT_CSV};
    if (size > 0 && (data[0] & 1))
        opt.group_regex = "blk_-?[0-9]+";
    Vocab vocab;
    Meanings meanings;
    vocab_init(&vocab);
    meanings_init(&meanings);
    Trace t;
    Error err = {0};
    if (trace_load(&t, fuzz_file(data, size), &opt, &vocab, &meanings, &err))
        trace_free(&t);
    vocab_free(&vocab);
    meanings_free(&meanings);
    return 0;
}
