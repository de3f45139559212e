/* traceaid(1): the manual page, written from the commands' own tables as --help is, so that the
 * two cannot drift (tests/test_man.c checks every option of every --help is in it). */
#ifndef TRACEAID_MAN_H
#define TRACEAID_MAN_H

#include <stdio.h>

#include "../core/args.h"

/* Prints the page in troff's man macros: every command with its usage, summary, options and
 * details, then exit status, environment, files and examples. */
void man_print(FILE *out, const char *version, const Command *const *commands, size_t n_commands);

#endif
