/* Ctrl-C: the first one asks long work to stop cleanly (loops poll the flag, temporary files
 * are removed); a second one ends the process at once. */
#ifndef TRACEAID_INTERRUPT_H
#define TRACEAID_INTERRUPT_H

#include <signal.h>

const volatile sig_atomic_t *interrupt_install(void);

#endif
