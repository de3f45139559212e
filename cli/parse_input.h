/* The logs `traceaid parse` reads, twice: once to mine the templates, once to write each line
 * with its final template. A file is opened again for the second pass; standard input, a pipe
 * or a FIFO is copied to an unlinked temporary file on the first and read back from there. */
#ifndef TRACEAID_PARSE_INPUT_H
#define TRACEAID_PARSE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/cancel.h"
#include "../io/error.h"
#include "progress.h"

/* Called per line without its line end, numbered from 1 in its file. */
typedef bool (*ParseLineFn)(void *ctx, size_t line_no, const char *line, size_t len, Error *err);

typedef struct ParseInput {
    const char *path;           /* as given; "-" is standard input */
    int spool_fd;               /* the copy read by the second pass, or -1 */
    uint64_t bytes;             /* what the first pass read (decompressed): the second reads
                                 * no more, so a log still being written reads the same */
} ParseInput;

typedef struct ParseReading {
    const CancelFlag *cancel;
    ProgressLine *progress;     /* NULL: none */
    const char *what;           /* "mining", "writing": for the progress line */
    double start;               /* clock_seconds() of the command's start: progress after 1 s */
} ParseReading;

void parse_input_init(ParseInput *in, const char *path);
/* Reads the input's lines as Python's text files split them ("\n", "\r\n" or a lone "\r" ends
 * a line; the last one needs none), a leading UTF-8 byte-order mark dropped. The first pass
 * (second false) spools what is no regular file. */
bool parse_input_read(ParseInput *in, bool second, const ParseReading *how, ParseLineFn fn,
                      void *ctx, Error *err);
void parse_input_close(ParseInput *in);

#endif
