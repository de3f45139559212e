/* Warnings a load collects for the command to tell: what was read is usable, but something in
 * it deserves a word (a key standing for two templates, a grouping that matched nothing). io/
 * never prints; commands print them as "traceaid: warning: ...", the explorer on its status line. */
#ifndef TRACEAID_WARNINGS_H
#define TRACEAID_WARNINGS_H

#include <stddef.h>

#include "error.h"

typedef struct Warnings {
    char **items;
    size_t n, cap;
} Warnings;

void warnings_init(Warnings *w);
void warnings_free(Warnings *w);
/* Adds a formatted warning; fails only when memory runs out (ERROR_NOMEM). */
bool warnings_add(Warnings *w, Error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Moves from's warnings to the end of to's, leaving from empty. */
bool warnings_move(Warnings *to, Warnings *from, Error *err);

#endif
