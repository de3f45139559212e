#include "sched_event.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* QNX's thread states as traceprinter names them (THREAD/TH<name>). */
static const struct {
    const char *name;
    SchedState state;
} qnx_states[] = {
    {"READY", SCHED_READY},       {"SEND", SCHED_SEND},         {"RECEIVE", SCHED_RECEIVE},
    {"REPLY", SCHED_REPLY},       {"MUTEX", SCHED_MUTEX},       {"CONDVAR", SCHED_CONDVAR},
    {"NANOSLEEP", SCHED_SLEEP},   {"INTR", SCHED_INTR_WAIT},    {"STOPPED", SCHED_STOPPED},
    {"SEM", SCHED_BLOCKED},       {"JOIN", SCHED_BLOCKED},      {"SIGSUSPEND", SCHED_BLOCKED},
    {"SIGWAITINFO", SCHED_BLOCKED}, {"WAITTHREAD", SCHED_BLOCKED}, {"WAITPAGE", SCHED_BLOCKED},
    {"WAITCTX", SCHED_BLOCKED},   {"STACK", SCHED_BLOCKED},     {"NET_SEND", SCHED_SEND},
    {"NET_REPLY", SCHED_REPLY},
};

static SchedEventClass qnx_thread_class(const char *state)
{
    if (strcmp(state, "RUNNING") == 0)
        return (SchedEventClass){SEV_QNX_RUNNING, SCHED_RUNNING};
    if (strcmp(state, "DEAD") == 0 || strcmp(state, "DESTROY") == 0)
        return (SchedEventClass){SEV_QNX_DEAD, SCHED_BLOCKED};
    if (strcmp(state, "CREATE") == 0)
        return (SchedEventClass){SEV_NONE, SCHED_BLOCKED};
    for (size_t i = 0; i < sizeof qnx_states / sizeof qnx_states[0]; i++)
        if (strcmp(state, qnx_states[i].name) == 0)
            return (SchedEventClass){SEV_QNX_STATE, qnx_states[i].state};
    return (SchedEventClass){SEV_QNX_STATE, SCHED_BLOCKED}; /* a state this list does not know: a wait */
}

SchedEventClass sched_event_class(const char *name)
{
    if (strncmp(name, "THREAD/TH", 9) == 0)
        return qnx_thread_class(name + 9);
    if (strcmp(name, "INT/INT_ENTR") == 0)
        return (SchedEventClass){SEV_IRQ_ENTRY, SCHED_BLOCKED};
    if (strcmp(name, "INT/INT_EXIT") == 0)
        return (SchedEventClass){SEV_IRQ_EXIT, SCHED_BLOCKED};
    /* Linux: perf's "sched:sched_switch", ftrace's and LTTng's "sched_switch" */
    const char *base = strrchr(name, ':');
    base = base ? base + 1 : name;
    if (strcmp(base, "sched_switch") == 0)
        return (SchedEventClass){SEV_SWITCH, SCHED_BLOCKED};
    if (strcmp(base, "sched_waking") == 0 || strcmp(base, "sched_wakeup") == 0 || strcmp(base, "sched_wakeup_new") == 0)
        return (SchedEventClass){SEV_WAKEUP, SCHED_READY};
    if (strcmp(base, "irq_handler_entry") == 0)
        return (SchedEventClass){SEV_IRQ_ENTRY, SCHED_BLOCKED};
    if (strcmp(base, "irq_handler_exit") == 0)
        return (SchedEventClass){SEV_IRQ_EXIT, SCHED_BLOCKED};
    return (SchedEventClass){SEV_NONE, SCHED_BLOCKED};
}

/* Does a field ("name=") start at p? */
static bool field_starts(const char *p)
{
    if (!islower((unsigned char)*p) && *p != '_')
        return false;
    while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')
        p++;
    return *p == '=';
}

bool sched_field(const char *text, const char *name, char *buf, size_t cap)
{
    size_t len = strlen(name);
    for (const char *p = text; (p = strstr(p, name)) != NULL; p++) {
        if ((p != text && p[-1] != ' ') || p[len] != '=')
            continue;
        const char *v = p + len + 1, *end = v;
        /* a comm may hold spaces ("Web Content"): it ends where the next field does */
        while (*end && !(*end == ' ' && (field_starts(end + 1) || strncmp(end + 1, "==>", 3) == 0)))
            end++;
        size_t n = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
        memcpy(buf, v, n);
        buf[n] = '\0';
        return true;
    }
    return false;
}

SchedState sched_linux_state(const char *prev_state, bool *dead)
{
    *dead = false;
    if (isdigit((unsigned char)prev_state[0])) { /* LTTng gives the kernel's task state bits */
        long bits = strtol(prev_state, NULL, 0);
        *dead = (bits & 0x30) != 0;
        return bits == 0 ? SCHED_READY : bits & 1 || bits & 0x400 ? SCHED_SLEEP : bits & 2 ? SCHED_DISK
               : bits & 0xc ? SCHED_STOPPED : SCHED_BLOCKED;
    }
    switch (prev_state[0]) {
    case 'R': return SCHED_READY; /* preempted: still runnable ("R+" too) */
    case 'S': case 'I': return SCHED_SLEEP;
    case 'D': return SCHED_DISK;
    case 'T': case 't': return SCHED_STOPPED;
    case 'X': case 'Z': *dead = true; return SCHED_BLOCKED;
    default: return SCHED_BLOCKED;
    }
}
