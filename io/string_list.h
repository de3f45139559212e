/* A short list of borrowed strings: an option given more than once (--mask RE --mask RE2). */
#ifndef TRACEAID_STRING_LIST_H
#define TRACEAID_STRING_LIST_H

#include <stddef.h>

#define STRING_LIST_MAX 16

typedef struct StringList {
    const char *items[STRING_LIST_MAX];
    size_t n;
} StringList;

#endif
