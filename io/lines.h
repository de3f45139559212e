/* An input read line by line, for the readers of line-oriented text (session files, perf script,
 * ftrace, traceprinter): chunks read, a line split across two chunks joined, the line end ("\n"
 * or "\r\n") and a UTF-8 byte-order mark taken off, progress reported, Ctrl-C honoured, a read
 * error named. */
#ifndef TRACEAID_LINES_H
#define TRACEAID_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "trace.h"

/* Called for each line, numbered from 1, without its line end. Returning false stops reading
 * (err says why). */
typedef bool (*LineFn)(void *ctx, size_t line_no, const char *line, size_t len, Error *err);

/* Reads in to its end, calling fn on each line (the last one even without a final newline). A
 * file whose lines end with a bare CR is refused (every error would name line 1). */
bool lines_read(InputStream *in, const TraceOptions *opt, LineFn fn, void *ctx, Error *err);

#endif
