/* What each key means, in a phrase: from a meanings file (KEY<TAB>meaning a line, # comments)
 * or from the EventTemplate column of a loghub-style structured log. */
#ifndef TRACEAID_MEANINGS_H
#define TRACEAID_MEANINGS_H

#include "strpool.h"

/* A longer line is refused, naming it, rather than read on without end. */
#define MEANINGS_MAX_LINE (1 << 20)

typedef struct Meanings {
    StrPool keys;           /* key names, ids in order of first appearance */
    StrPool texts;          /* the phrases */
    uint32_t *text_id;      /* key id -> phrase id */
    uint32_t cap;
} Meanings;

void meanings_init(Meanings *m);
void meanings_free(Meanings *m);
/* Reads a meanings file; a key already known gets the file's phrase. A read error, a line over
 * MEANINGS_MAX_LINE bytes or running out of memory (ERROR_NOMEM) is an error naming the line. */
bool meanings_load(Meanings *m, const char *path, Error *err);
bool meanings_set(Meanings *m, const char *key, size_t key_len, const char *text, size_t text_len,
                  Error *err);
/* The phrase for key, or NULL when none is known. */
const char *meanings_get(const Meanings *m, const char *key);
static inline uint32_t meanings_count(const Meanings *m) { return m->keys.count; }

#endif
