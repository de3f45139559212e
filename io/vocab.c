#include "vocab.h"

#include <stdio.h>

bool vocab_session_key(Vocab *v, uint32_t k, uint32_t *id, Error *err)
{
    char name[16];
    int len = snprintf(name, sizeof name, "%u", k);
    int64_t found = vocab_find(v, name, (size_t)len);
    if (found >= 0) {
        *id = (uint32_t)found;
        return true;
    }
    for (uint32_t below = vocab_size(v) + 1; below < k; below++) {
        char below_name[16];
        int below_len = snprintf(below_name, sizeof below_name, "%u", below);
        uint32_t ignored;
        if (!vocab_intern(v, below_name, (size_t)below_len, &ignored, err))
            return false;
    }
    return vocab_intern(v, name, (size_t)len, id, err);
}
