/* Some traces are read by libraries or tools that open a file by name and seek in it (perf
 * script on a perf.data, libtracecmd on a trace.dat). The input stream reads each input once from
 * start to end, so such a reader asks here for a file holding the input's bytes: the input's own
 * file when the stream reads it as it is, else a temporary copy of what the stream gives
 * (standard input, a pipe, a decompressed file), removed when released. */
#ifndef TRACEAID_INPUT_FILE_H
#define TRACEAID_INPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"

typedef struct InputFile {
    char path[4096];
    bool temporary;     /* a copy made here, removed by input_file_release */
} InputFile;

/* The file to give the library. A copy reads in to its end (Ctrl-C stops it: ERROR_INTERRUPTED)
 * and is removed again on any failure; for, the reader's name, goes into its name and messages. */
bool input_file(InputFile *f, InputStream *in, const char *for_whom, Error *err);
/* Removes a temporary copy. */
void input_file_release(InputFile *f);
/* Makes and opens a new temporary file in $TMPDIR (or /tmp) named traceaid-NAME-XXXXXX; its path
 * goes into path[0..cap). Returns the descriptor, or -1 with errno set. */
int input_temp_file(char *path, size_t cap, const char *name);

#endif
