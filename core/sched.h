/* Who runs on each CPU and what state each thread is in, over time: built once per trace, in one
 * pass, from its scheduling events. QNX: THREAD/TH* (THRUNNING on a CPU, THREADY, THRECEIVE,
 * THREPLY, THSEND, THMUTEX, ...) and INT/INT_ENTR, INT/INT_EXIT. Linux: sched_switch (prev_pid,
 * prev_state, next_pid and the comms), sched_waking, sched_wakeup(_new) and irq_handler_entry/exit.
 * The result is spans, one per change: a CPU's spans name the thread it ran, a thread's spans its
 * state, so memory follows the state changes, not the events. The idle threads (Linux pid 0,
 * QNX procnto's pid 1 thread cpu+1) leave their CPU without a span: idle is a gap. */
#ifndef TRACEAID_SCHED_H
#define TRACEAID_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../io/strpool.h"
#include "../io/trace.h"
#include "../io/vocab.h"

typedef enum SchedState {
    SCHED_RUNNING,
    SCHED_INTERRUPTED,  /* running, but its CPU is in an interrupt handler */
    SCHED_READY,        /* woken or preempted, not yet switched in (Linux R, runnable) */
    SCHED_SEND,         /* QNX: SEND-blocked, the server has not received the message yet */
    SCHED_RECEIVE,      /* QNX: RECEIVE-blocked, a server waiting for a message */
    SCHED_REPLY,        /* QNX: REPLY-blocked, a client waiting for the reply */
    SCHED_MUTEX,        /* QNX: blocked on a mutex */
    SCHED_CONDVAR,      /* QNX: blocked on a condition variable */
    SCHED_SLEEP,        /* Linux S (and I), QNX NANOSLEEP */
    SCHED_INTR_WAIT,    /* QNX: a driver thread waiting for its interrupt (THINTR) */
    SCHED_DISK,         /* Linux D: uninterruptible */
    SCHED_STOPPED,      /* Linux T/t, QNX STOPPED */
    SCHED_BLOCKED,      /* any other wait (QNX SEM, JOIN, ...; Linux's other prev_state letters) */
    SCHED_STATE_COUNT
} SchedState;

#define SCHED_INTERRUPT (UINT32_MAX - 2)/* a CPU span's thread: the CPU ran an interrupt handler */

/* [start, end) in the trace's time; what: a thread's index (CPU spans) or a SchedState. */
typedef struct SchedSpan {
    int64_t start, end;
    uint32_t what;
} SchedSpan;

typedef struct SchedSpans {
    SchedSpan *span;
    size_t n, cap;
} SchedSpans;

typedef struct SchedThread {
    int32_t pid, tid;           /* pid TRACE_NO_ID when the trace does not tell (Linux: a task whose own
                                 * sched_switch out was not seen) */
    uint32_t name;              /* into Schedule.names: the process name (QNX) or the comm (Linux) */
    int64_t cpu_time;           /* time running, interrupts left out */
    SchedSpans states;
} SchedThread;

typedef struct Schedule {
    size_t n_sched_events;      /* 0: the trace has no scheduling events */
    size_t n_cpus;
    SchedSpans *cpus;           /* per CPU, ordered and not overlapping */
    SchedThread *threads;
    size_t n_threads;
    uint32_t *by_cpu_time;      /* thread indexes, busiest first (ties: by pid, then tid) */
    StrPool names;
    int64_t start, end;         /* the trace's first and last event's time */
} Schedule;

/* The spans of t's scheduling events (vocab names its keys). A trace without such events gives
 * an empty schedule (n_sched_events 0), not an error; false only when memory runs out. */
bool schedule_build(Schedule *s, const Trace *t, const Vocab *vocab, Error *err);
void schedule_free(Schedule *s);
/* The first span of sp that ends after time (sp->n when none). */
size_t sched_spans_from(const SchedSpans *sp, int64_t time);
/* The first event of t at or after time (the last event when none is); events in time order. */
size_t sched_event_at(const Trace *t, int64_t time);
/* A duration in ns for people: "0.543 s", "67.9 ms", "12.3 us", "850 ns". Returns buf. */
const char *sched_format_span(int64_t ns, char *buf, size_t size);
/* "running", "ready", "reply", ... */
const char *sched_state_name(SchedState state);
/* A thread's name as the time view shows it. */
static inline const char *sched_thread_name(const Schedule *s, const SchedThread *th)
{
    return strpool_get(&s->names, th->name);
}

#endif
