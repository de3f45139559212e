/* The safetensors reader, and both models' loaders behind it. */
#include "../../io/safetensors.h"
#include "../../model/model.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    SafeTensors st;
    Error err = {0};
    if (safetensors_load(&st, path, &err))
        safetensors_free(&st);
    Model m;
    ModelLoadDefaults defaults = {.window = 3, .top_g = 2};
    if (model_load(&m, path, &defaults, &err))
        model_free(&m);
    return 0;
}
