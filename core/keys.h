/* A key as people read it: its name in the shared vocabulary and its meaning, the same in
 * every table the front ends print or draw. */
#ifndef TRACEAID_KEYS_H
#define TRACEAID_KEYS_H

#include <stdint.h>

#include "../io/trace_set.h"

/* The key's name; "?" for an id past the vocabulary. */
const char *key_label(const TraceSet *set, uint32_t key);
/* Its meaning from the meanings table, or "" when it has none. */
const char *key_meaning(const TraceSet *set, uint32_t key);

#endif
