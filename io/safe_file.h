/* Writing a file so that an interrupted write never leaves a broken one: the data goes to a
 * temporary file beside the target (unique per writer), which is renamed into place only once
 * complete. A symbolic link is followed, so the link stays and its target is replaced; an
 * existing file keeps its mode. A device or FIFO (/dev/null) is written directly. */
#ifndef TRACEAID_SAFE_FILE_H
#define TRACEAID_SAFE_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

typedef struct SafeFile {
    FILE *fp;           /* write through this */
    char *path;         /* the name given, for messages */
    char *target;       /* the file replaced: a link's target, else path */
    char *tmp_path;     /* where the data goes until commit; NULL when written directly */
} SafeFile;

/* Opens a temporary file beside path ("-" means standard output, written directly). */
bool safe_file_open(SafeFile *sf, const char *path, Error *err);
/* Flushes, syncs and renames the temporary file into place; closes the file either way. */
bool safe_file_commit(SafeFile *sf, Error *err);
/* Closes and removes the temporary file; the target is left as it was. */
void safe_file_abort(SafeFile *sf);

#endif
