#include "model_vocab.h"

#include <string.h>

bool model_vocab_seed(TraceSet *set, char *const *key_names, int n_keys, Error *err)
{
    for (int k = 0; k < n_keys; k++) {
        uint32_t id;
        if (!vocab_intern(&set->vocab, key_names[k], strlen(key_names[k]), &id, err))
            return false;
        if (id != (uint32_t)k)
            return error_set(err, "the model's vocabulary names key '%s' twice", key_names[k]);
    }
    return true;
}
