/* Reading a meanings file, private to meanings.c and meanings_csv.c: through the input layer,
 * so a file compressed with gzip, xz or zstd (as loghub's templates often are) reads as well. */
#ifndef TRACEAID_MEANINGS_READ_H
#define TRACEAID_MEANINGS_READ_H

#include <stdio.h>

#include "input.h"
#include "meanings.h"

#define MEANINGS_READ_CHUNK 65536

typedef struct MeaningsReader {
    InputStream in;
    char buf[MEANINGS_READ_CHUNK];
    size_t pos, len;
    bool failed;                /* a read error: input_read_error tells it */
} MeaningsReader;

/* The next byte, or EOF at the end or on a read error (then failed is set). */
static inline int meanings_getc(MeaningsReader *rd)
{
    if (rd->pos == rd->len) {
        ssize_t n = rd->failed ? -1 : input_read(&rd->in, rd->buf, sizeof rd->buf);
        if (n <= 0) {
            rd->failed |= n < 0;
            return EOF;
        }
        rd->pos = 0;
        rd->len = (size_t)n;
    }
    return (unsigned char)rd->buf[rd->pos++];
}

/* Reads the rest of loghub's *_templates.csv after its header line (header, its length, the
 * number of its line); each row gives its EventTemplate as the meaning of its EventId and of the
 * template's id (template_id, io/drain.h). */
bool meanings_load_templates(Meanings *m, MeaningsReader *rd, const char *path, const char *header,
                             size_t header_len, size_t header_line, Error *err);

#endif
