/* The explorer's entry: on the terminal, or headless from a script of keys and dumps. */
#ifndef TRACEAID_EXPLORER_H
#define TRACEAID_EXPLORER_H

#include "../core/args.h"
#include "loader.h"

typedef struct ExplorerOptions {
    const char *theme;      /* a name or a path; NULL: default */
    const char *script;     /* run headless from this file, dumps to standard output */
} ExplorerOptions;

/* Runs the explorer while the loader loads and scores in its thread: a progress bar until the
 * traces are in, then the traces, then their scores. Esc cancels the loading. A script starts
 * once everything is loaded. Returns false with err set on a failure (cancelled: "cancelled"). */
bool explorer_run(Loader *loader, bool has_model, const ExplorerOptions *opt, Error *err);

/* Can the terminal on standard output place the cursor, as the explorer needs? TERM unset,
 * unknown to terminfo or without cursor addressing (TERM=dumb, an Emacs shell) cannot: why then
 * says so in a few words. */
bool explorer_terminal_usable(char *why, size_t size);

/* The command that opens the explorer: `traceaid open TRACE...`, or traces and no command. */
extern const Command cmd_open;

#endif
