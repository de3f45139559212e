/* The vocabulary: event-key strings ("COMM/SND_MESSAGE", or "5" in a session file) and their
 * ids. All traces loaded together share one Vocab, so a key has the same id in each. */
#ifndef TRACEAID_VOCAB_H
#define TRACEAID_VOCAB_H

#include "strpool.h"

/* Session files name keys 1..K and key k has id k-1; larger keys are refused. */
#define VOCAB_MAX_SESSION_KEY 100000u

typedef struct Vocab {
    StrPool keys;
} Vocab;

static inline void vocab_init(Vocab *v) { strpool_init(&v->keys); }
static inline void vocab_free(Vocab *v) { strpool_free(&v->keys); }
static inline uint32_t vocab_size(const Vocab *v) { return v->keys.count; }
static inline const char *vocab_name(const Vocab *v, uint32_t id) { return strpool_get(&v->keys, id); }
static inline int64_t vocab_find(const Vocab *v, const char *key, size_t len)
{
    return strpool_find(&v->keys, key, len);
}
static inline bool vocab_intern(Vocab *v, const char *key, size_t len, uint32_t *id, Error *err)
{
    return strpool_intern(&v->keys, key, len, id, err);
}

/* The id of session key k (k >= 1). In a vocabulary that so far holds only the names "1".."n"
 * in order, the missing names below k are added first, so that key k gets id k-1. */
bool vocab_session_key(Vocab *v, uint32_t k, uint32_t *id, Error *err);

#endif
