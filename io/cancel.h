/* The flag that asks long work to stop (loading, scoring, training, generating). It is written by
 * a signal handler (Ctrl-C, SIGTERM) or by another thread (the explorer's Esc, read by its
 * worker), so it is atomic: a plain or volatile int read by one thread while another writes it is
 * a data race. Lock-free atomics are also what a signal handler may write (C11 7.14.1.1).
 * Readers only read it: `if (cancel && *cancel)` is an atomic load. */
#ifndef TRACEAID_CANCEL_H
#define TRACEAID_CANCEL_H

#include <stdatomic.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only write a lock-free atomic");

typedef atomic_int CancelFlag;

#endif
