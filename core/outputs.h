/* The files a command writes, checked against the files it reads before any long work, in one
 * place for every command: an output must not replace an input or another output, and its
 * folder must exist and be writable. */
#ifndef TRACEAID_OUTPUTS_H
#define TRACEAID_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../io/error.h"
#include "args.h"

/* A path named on the command line and the option that named it, for messages: "--model",
 * "-o". A NULL path is skipped; "-" is standard input or output. */
typedef struct NamedPath {
    const char *option;
    const char *path;
} NamedPath;

/* Refuses (ERROR_USAGE, naming both) an output that is the same file as an input (the
 * positional traces, the --sessions files or reads[]) or as another output, by device and
 * inode, or for outputs not yet there by their folder's and their own name; refuses (ERROR_IO)
 * an output whose folder is missing or not writable, or that is a directory. */
bool outputs_check(const ArgInputs *inputs, const NamedPath *reads, size_t n_reads, const NamedPath *writes,
                   size_t n_writes, Error *err);

#endif
