/* The project's one error type: every fallible function takes an Error * last and, on
 * failure, fills it with a message naming the file, line and column or tensor at fault. */
#ifndef TRACEAID_ERROR_H
#define TRACEAID_ERROR_H

#include <stdbool.h>

typedef struct Error {
    bool failed;
    char msg[1024];
} Error;

/* Sets the message (printf-style) and returns false, so callers can `return error_set(...)`.
 * A NULL err is allowed: the failure is then only signalled by the return value. */
bool error_set(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends context ("reading model.st: ") to an error already set; returns false. */
bool error_prefix(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void error_clear(Error *err);

#endif
