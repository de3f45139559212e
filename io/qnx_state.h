/* What the traceprinter reader remembers across events: the 64-bit cycle count rebuilt from the
 * printed low 32 bits, the thread running on each cpu, and each process's name. */
#ifndef TRACEAID_QNX_STATE_H
#define TRACEAID_QNX_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct QnxClock {
    bool started, anchored;
    int64_t prev;           /* the last event's cycle count */
} QnxClock;

/* The cycle count whose low 32 bits are t32 nearest the previous event's: a step back of less
 * than 2^31 cycles is an event slightly out of order across cpus, a larger one a wrap. */
int64_t qnx_clock_next(QnxClock *c, uint32_t t32);
/* A CONTROL TIME event: its count taken from msb and lsb; *shift is what the events before the
 * first such event must be moved by (0 after). False when msb is out of range. */
bool qnx_clock_anchor(QnxClock *c, uint32_t t32, uint64_t msb, uint64_t lsb, int64_t *now,
                      int64_t *shift);
/* cycles * 1e9 / hz, exactly rounded down; false when it does not fit. */
bool qnx_cycles_to_ns(int64_t cycles, uint64_t hz, int64_t *ns);

typedef struct QnxNames {
    int32_t *pid;
    char **name;
    size_t n, cap;          /* cap a power of two; open addressing */
} QnxNames;

bool qnx_names_set(QnxNames *m, int32_t pid, const char *name, size_t len, Error *err);
const char *qnx_names_get(const QnxNames *m, int32_t pid);
void qnx_names_free(QnxNames *m);

typedef struct QnxRunning {
    int32_t *pid, *tid;     /* per cpu, TRACE_NO_ID until a THRUNNING */
    size_t n;
} QnxRunning;

bool qnx_running_set(QnxRunning *r, uint16_t cpu, int32_t pid, int32_t tid, Error *err);
bool qnx_running_get(const QnxRunning *r, uint16_t cpu, int32_t *pid, int32_t *tid);
void qnx_running_free(QnxRunning *r);

#endif
