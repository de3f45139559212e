/* What a scheduling event says, private to core/sched.c: its kind from its name, and a Linux
 * event's fields read from its text. */
#ifndef TRACEAID_SCHED_EVENT_H
#define TRACEAID_SCHED_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"

typedef enum SchedEventKind {
    SEV_NONE,
    SEV_QNX_RUNNING,    /* THREAD/THRUNNING: the event's thread runs on the event's CPU */
    SEV_QNX_STATE,      /* THREAD/TH<state>: the event's thread is in that state */
    SEV_QNX_DEAD,       /* THREAD/THDEAD, THDESTROY */
    SEV_IRQ_ENTRY,      /* INT/INT_ENTR, irq_handler_entry */
    SEV_IRQ_EXIT,       /* INT/INT_EXIT, irq_handler_exit */
    SEV_SWITCH,         /* sched_switch */
    SEV_WAKEUP,         /* sched_waking, sched_wakeup, sched_wakeup_new */
} SchedEventKind;

typedef struct SchedEventClass {
    SchedEventKind kind;
    SchedState state;   /* SEV_QNX_STATE's */
} SchedEventClass;

/* The class of an event named name: a key ("THREAD/THREPLY", "sched:sched_switch") or a kernel
 * event's own name ("sched_switch"). */
SchedEventClass sched_event_class(const char *name);
/* The value of field name= in text (up to the next " field=" or " ==>"), into buf; false when
 * text has no such field. */
bool sched_field(const char *text, const char *name, char *buf, size_t cap);
/* A Linux prev_state ("S", "D", "R+", "I", ...) as a state; *dead for X and Z. */
SchedState sched_linux_state(const char *prev_state, bool *dead);

#endif
