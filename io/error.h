/* The project's one error type: every fallible function takes an Error * last and, on
 * failure, fills it with a message naming the file, line and column or tensor at fault, and a
 * code saying what kind of failure it was (the command line maps the code to an exit status). */
#ifndef TRACEAID_ERROR_H
#define TRACEAID_ERROR_H

#include <stdbool.h>

typedef enum ErrorCode {
    ERROR_NONE = 0,         /* no failure: what a zeroed or cleared Error holds */
    ERROR_USAGE,            /* the command line asked for something impossible */
    ERROR_INPUT,            /* a file's contents are wrong (the common case: error_set) */
    ERROR_IO,               /* a file could not be opened, read or written */
    ERROR_NOMEM,            /* out of memory */
    ERROR_INTERRUPTED,      /* stopped on request (Ctrl-C, Esc) */
} ErrorCode;

typedef struct Error {
    bool failed;
    ErrorCode code;         /* ERROR_NONE until failed */
    char msg[1024];
} Error;

/* Sets the message (printf-style) with code ERROR_INPUT and returns false, so callers can
 * `return error_set(...)`. A NULL err is allowed: the failure is then only signalled by the
 * return value. */
bool error_set(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same with the code given. */
bool error_set_code(Error *err, ErrorCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "out of memory", ERROR_NOMEM; returns false. */
bool error_nomem(Error *err);

/* "interrupted", ERROR_INTERRUPTED; returns false. */
bool error_interrupted(Error *err);

/* Prepends context ("reading model.st: ") to an error already set, keeping its code; returns
 * false. */
bool error_prefix(Error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void error_clear(Error *err);

#endif
