#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool error_vset(Error *err, ErrorCode code, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->failed = true;
    err->code = code;
    return false;
}

bool error_set(Error *err, const char *fmt, ...)
{
    if (!err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, ERROR_INPUT, fmt, ap);
    va_end(ap);
    return false;
}

bool error_set_code(Error *err, ErrorCode code, const char *fmt, ...)
{
    if (!err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, fmt, ap);
    va_end(ap);
    return false;
}

bool error_nomem(Error *err)
{
    return error_set_code(err, ERROR_NOMEM, "out of memory");
}

bool error_interrupted(Error *err)
{
    return error_set_code(err, ERROR_INTERRUPTED, "interrupted");
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
    if (err->code == ERROR_NONE)
        err->code = ERROR_INPUT;
    return false;
}

void error_clear(Error *err)
{
    if (!err)
        return;
    err->failed = false;
    err->code = ERROR_NONE;
    err->msg[0] = '\0';
}
