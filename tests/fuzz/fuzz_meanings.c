/* The meanings-file reader. */
#include "../../io/meanings.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    meanings_load(&m, fuzz_file(data, size), &err);
    meanings_free(&m);
    return 0;
}
