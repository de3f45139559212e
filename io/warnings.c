#include "warnings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void warnings_init(Warnings *w)
{
    memset(w, 0, sizeof *w);
}

void warnings_free(Warnings *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->items[i]);
    free(w->items);
    memset(w, 0, sizeof *w);
}

static bool make_room(Warnings *w, size_t more, Error *err)
{
    if (w->n + more <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap * 2 : 4;
    while (cap < w->n + more)
        cap *= 2;
    char **grown = realloc(w->items, cap * sizeof *grown);
    if (!grown)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    w->items = grown;
    w->cap = cap;
    return true;
}

bool warnings_add(Warnings *w, Error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = len < 0 ? NULL : malloc((size_t)len + 1);
    if (!text || !make_room(w, 1, err)) {
        free(text);
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    w->items[w->n++] = text;
    return true;
}

bool warnings_move(Warnings *to, Warnings *from, Error *err)
{
    if (from->n == 0)
        return true; /* from->items may be NULL: memcpy from NULL is undefined even for 0 bytes */
    if (!make_room(to, from->n, err))
        return false;
    memcpy(to->items + to->n, from->items, from->n * sizeof *from->items);
    to->n += from->n;
    from->n = 0;
    return true;
}
