#include "keys.h"

const char *key_label(const TraceSet *set, uint32_t key)
{
    return key < vocab_size(&set->vocab) ? vocab_name(&set->vocab, key) : "?";
}

const char *key_meaning(const TraceSet *set, uint32_t key)
{
    const char *m = key < vocab_size(&set->vocab) ? meanings_get(&set->meanings, vocab_name(&set->vocab, key)) : NULL;
    return m ? m : "";
}
