/* Ctrl-C and SIGTERM: the first one asks long work to stop cleanly (loops poll the flag,
 * temporary files are removed); a second one ends the process at once. The exit status then
 * says which signal it was: 130 for Ctrl-C (SIGINT), 143 for SIGTERM, as a shell reports a
 * process killed by them. */
#ifndef TRACEAID_INTERRUPT_H
#define TRACEAID_INTERRUPT_H

#include "../io/cancel.h"

/* Installs the handler (again, harmlessly) and returns the flag it sets. Installing it before
 * ncurses starts also keeps ncurses' own handler out, which would exit with status 1. */
const CancelFlag *interrupt_install(void);
/* 143 after SIGTERM, else 130: the status of work stopped on request. */
int interrupt_exit_status(void);

#endif
