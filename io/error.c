#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool error_set(Error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->failed = true;
    return false;
}

bool error_prefix(Error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t prefix_len = strlen(prefix);
    if (prefix_len >= sizeof err->msg)
        prefix_len = sizeof err->msg - 1;
    size_t old_len = strnlen(err->msg, sizeof err->msg - 1);
    if (prefix_len + old_len >= sizeof err->msg)
        old_len = sizeof err->msg - 1 - prefix_len;
    memmove(err->msg + prefix_len, err->msg, old_len);
    memcpy(err->msg, prefix, prefix_len);
    err->msg[prefix_len + old_len] = '\0';
    err->failed = true;
    return false;
}

void error_clear(Error *err)
{
    if (!err)
        return;
    err->failed = false;
    err->msg[0] = '\0';
}
