#include "model_vocab.h"

#include <string.h>

static bool seed_names(TraceSet *set, const char *const *names, int n, Error *err)
{
    for (int k = 0; k < n; k++) {
        uint32_t id;
        if (!vocab_intern(&set->vocab, names[k], strlen(names[k]), &id, err))
            return false;
        if (id != (uint32_t)k)
            return error_set(err, "the model's vocabulary names key '%s' twice", names[k]);
    }
    return true;
}

bool model_vocab_seed(TraceSet *set, const Model *m, Error *err)
{
    int n_keys;
    char *const *names = model_key_names(m, &n_keys);
    return seed_names(set, (const char *const *)names, n_keys, err);
}

bool model_vocab_reserve(TraceSet *set, const ModelKind *kind, Error *err)
{
    return seed_names(set, kind->reserved_names, kind->n_reserved, err);
}
