/* The schedule in one pass over the events: per CPU, the thread it runs and whether it is in an
 * interrupt; per thread, its state and since when. A change closes the open span and opens the
 * next; a span of no length is not kept, and one that goes on in the same state as the last is
 * merged into it. */
#include "sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_event.h"

#define NO_THREAD UINT32_MAX
#define IDLE_THREAD (UINT32_MAX - 1)
#define NO_STATE UINT32_MAX

typedef struct CpuNow {
    uint32_t runner;            /* the thread switched in (NO_THREAD: idle or unknown) */
    int irq_depth;
    uint32_t open;              /* the open span's what: a thread, SCHED_INTERRUPT, NO_THREAD */
    int64_t since;
} CpuNow;

typedef struct ThreadNow {
    uint32_t state;             /* NO_STATE until an event tells it, or after its death */
    int64_t since;
    uint16_t cpu;               /* where it last ran */
    uint32_t name_id;           /* the trace's name id the name was taken from (QNX) */
} ThreadNow;

typedef struct Builder {
    Schedule *s;
    const Trace *t;
    CpuNow *cpu;
    ThreadNow *now;             /* per thread */
    size_t threads_cap;
    uint64_t *map_key;          /* (pid, tid) -> thread, open addressing */
    uint32_t *map_thread;
    size_t map_cap;
    Error *err;
} Builder;

const char *sched_state_name(SchedState state)
{
    static const char *const names[SCHED_STATE_COUNT] = {
        "running", "interrupted", "ready", "send-blocked", "receive-blocked", "reply-blocked", "mutex",
        "condvar", "sleeping", "waiting for an interrupt", "uninterruptible (D)", "stopped", "blocked"};
    return state < SCHED_STATE_COUNT ? names[state] : "?";
}

const char *sched_format_span(int64_t ns, char *buf, size_t size)
{
    if (ns >= 1000000000)
        snprintf(buf, size, "%.4g s", (double)ns / 1e9);
    else if (ns >= 1000000)
        snprintf(buf, size, "%.3g ms", (double)ns / 1e6);
    else if (ns >= 1000)
        snprintf(buf, size, "%.3g us", (double)ns / 1e3);
    else
        snprintf(buf, size, "%lld ns", (long long)ns);
    return buf;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem, Error *err)
{
    if (need <= *cap)
        return true;
    size_t next = *cap ? *cap * 2 : 16;
    while (next < need)
        next *= 2;
    void *q = realloc(*p, next * elem);
    if (!q)
        return error_nomem(err);
    *p = q;
    *cap = next;
    return true;
}

/* Appends [start, end) what to sp, merged into the last span when it goes on from it. Events a
 * little out of order across CPUs (QNX's) would make spans overlap: a span starts no earlier
 * than the last one ends, so they stay ordered. */
static bool spans_push(SchedSpans *sp, int64_t start, int64_t end, uint32_t what, Error *err)
{
    if (sp->n && start < sp->span[sp->n - 1].end)
        start = sp->span[sp->n - 1].end;
    if (end <= start)
        return true;
    if (sp->n && sp->span[sp->n - 1].what == what && sp->span[sp->n - 1].end == start) {
        sp->span[sp->n - 1].end = end;
        return true;
    }
    if (!grow((void **)&sp->span, &sp->cap, sp->n + 1, sizeof *sp->span, err))
        return false;
    sp->span[sp->n++] = (SchedSpan){start, end, what};
    return true;
}

size_t sched_spans_from(const SchedSpans *sp, int64_t time)
{
    size_t lo = 0, hi = sp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->span[mid].end <= time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t sched_event_at(const Trace *t, int64_t time)
{
    size_t lo = 0, hi = t->n_events;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (trace_time(t, mid) < time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n_events ? lo : t->n_events ? t->n_events - 1 : 0;
}

/* ---- threads -------------------------------------------------------------------------------- */

static uint64_t thread_key(int32_t pid, int32_t tid)
{
    return (uint64_t)(uint32_t)pid << 32 | (uint32_t)tid;
}

static size_t slot_of(const Builder *b, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 17) & (b->map_cap - 1);
    while (b->map_thread[i] != NO_THREAD && b->map_key[i] != key)
        i = (i + 1) & (b->map_cap - 1);
    return i;
}

static bool map_grow(Builder *b)
{
    size_t old_cap = b->map_cap;
    uint64_t *old_key = b->map_key;
    uint32_t *old_thread = b->map_thread;
    b->map_cap = old_cap ? old_cap * 2 : 64;
    b->map_key = malloc(b->map_cap * sizeof *b->map_key);
    b->map_thread = malloc(b->map_cap * sizeof *b->map_thread);
    if (!b->map_key || !b->map_thread) {
        free(old_key), free(old_thread);
        return error_nomem(b->err);
    }
    memset(b->map_thread, 0xff, b->map_cap * sizeof *b->map_thread);
    for (size_t i = 0; i < old_cap; i++)
        if (old_thread[i] != NO_THREAD) {
            size_t j = slot_of(b, old_key[i]);
            b->map_key[j] = old_key[i], b->map_thread[j] = old_thread[i];
        }
    free(old_key), free(old_thread);
    return true;
}

/* The thread (pid, tid), added when new; NO_THREAD when memory ran out. Linux tasks come with
 * pid TRACE_NO_ID: the fields name them by tid alone. */
static uint32_t thread_of(Builder *b, int32_t pid, int32_t tid)
{
    Schedule *s = b->s;
    uint64_t key = thread_key(pid, tid);
    if ((s->n_threads + 1) * 2 > b->map_cap && !map_grow(b))
        return NO_THREAD;
    size_t i = slot_of(b, key);
    if (b->map_thread[i] != NO_THREAD)
        return b->map_thread[i];
    size_t cap = b->threads_cap;
    if (!grow((void **)&s->threads, &b->threads_cap, s->n_threads + 1, sizeof *s->threads, b->err) ||
        !grow((void **)&b->now, &cap, s->n_threads + 1, sizeof *b->now, b->err))
        return NO_THREAD;
    uint32_t th = (uint32_t)s->n_threads++;
    s->threads[th] = (SchedThread){.pid = pid, .tid = tid};
    b->now[th] = (ThreadNow){.state = NO_STATE, .name_id = UINT32_MAX};
    b->map_key[i] = key, b->map_thread[i] = th;
    return th;
}

static bool thread_name(Builder *b, uint32_t th, const char *name)
{
    return strpool_intern(&b->s->names, name, strlen(name), &b->s->threads[th].name, b->err);
}

/* A QNX thread's name: its event's process name, interned when it changes. */
static bool thread_name_from_event(Builder *b, uint32_t th, size_t e)
{
    if (trace_name_id(b->t, e) == b->now[th].name_id || trace_name_id(b->t, e) == 0)
        return true;
    b->now[th].name_id = trace_name_id(b->t, e);
    return thread_name(b, th, strpool_get(&b->t->names, trace_name_id(b->t, e)));
}

/* Thread th is in state (NO_STATE: gone) from time on. */
static bool thread_set(Builder *b, uint32_t th, uint32_t state, int64_t time)
{
    ThreadNow *now = &b->now[th];
    if (now->state == state)
        return true;
    if (now->state != NO_STATE) {
        int64_t start = now->since < time ? now->since : time;
        if (now->state == SCHED_RUNNING)
            b->s->threads[th].cpu_time += time - start;
        if (!spans_push(&b->s->threads[th].states, start, time, now->state, b->err))
            return false;
    }
    now->state = state;
    now->since = time;
    return true;
}

static bool thread_running(const Builder *b, uint32_t th)
{
    return b->now[th].state == SCHED_RUNNING || b->now[th].state == SCHED_INTERRUPTED;
}

/* ---- CPUs ----------------------------------------------------------------------------------- */

static bool cpu_reserve(Builder *b, uint16_t cpu)
{
    Schedule *s = b->s;
    if (cpu < s->n_cpus)
        return true;
    size_t n = (size_t)cpu + 1;
    SchedSpans *spans = realloc(s->cpus, n * sizeof *spans);
    CpuNow *now = spans ? realloc(b->cpu, n * sizeof *now) : NULL;
    if (spans)
        s->cpus = spans;
    if (!now)
        return error_nomem(b->err);
    b->cpu = now;
    for (size_t c = s->n_cpus; c < n; c++) {
        s->cpus[c] = (SchedSpans){0};
        b->cpu[c] = (CpuNow){.runner = NO_THREAD, .open = NO_THREAD};
    }
    s->n_cpus = n;
    return true;
}

/* What cpu runs from time on: a thread, SCHED_INTERRUPT or NO_THREAD. */
static bool cpu_set(Builder *b, uint16_t cpu, uint32_t what, int64_t time)
{
    CpuNow *now = &b->cpu[cpu];
    if (now->open == what)
        return true;
    if (now->open != NO_THREAD && !spans_push(&b->s->cpus[cpu], now->since < time ? now->since : time, time, now->open, b->err))
        return false;
    now->open = what;
    now->since = time;
    return true;
}

/* What cpu shows while nothing changes: its interrupt, its thread or nothing. */
static uint32_t cpu_shows(const Builder *b, uint16_t cpu)
{
    return b->cpu[cpu].irq_depth ? SCHED_INTERRUPT : b->cpu[cpu].runner;
}

/* th (IDLE_THREAD: the idle thread) is switched in on cpu; th running on another cpu has left
 * it. A thread still running on cpu left it without an event saying how (a recording that
 * drops a task's own events, a lost buffer): its state is unknown from then on, a gap, not a
 * guess. */
static bool switch_in(Builder *b, uint16_t cpu, uint32_t th, int64_t time)
{
    uint32_t prev = b->cpu[cpu].runner;
    if (prev != NO_THREAD && prev != th && thread_running(b, prev) && b->now[prev].cpu == cpu &&
        !thread_set(b, prev, NO_STATE, time))
        return false;
    if (th != IDLE_THREAD && thread_running(b, th) && b->now[th].cpu != cpu && b->cpu[b->now[th].cpu].runner == th) {
        uint16_t other = b->now[th].cpu;
        b->cpu[other].runner = NO_THREAD;
        if (!cpu_set(b, other, cpu_shows(b, other), time))
            return false;
    }
    b->cpu[cpu].runner = th == IDLE_THREAD ? NO_THREAD : th;
    if (th != IDLE_THREAD) {
        b->now[th].cpu = cpu;
        if (!thread_set(b, th, b->cpu[cpu].irq_depth ? SCHED_INTERRUPTED : SCHED_RUNNING, time))
            return false;
    }
    return cpu_set(b, cpu, cpu_shows(b, cpu), time);
}

/* th leaves the running state for state (NO_STATE: it died); its cpu is left idle. */
static bool switch_out(Builder *b, uint32_t th, uint32_t state, int64_t time)
{
    uint16_t cpu = b->now[th].cpu;
    if (thread_running(b, th) && cpu < b->s->n_cpus && b->cpu[cpu].runner == th) {
        b->cpu[cpu].runner = NO_THREAD;
        if (!cpu_set(b, cpu, cpu_shows(b, cpu), time))
            return false;
    }
    return thread_set(b, th, state, time);
}

static bool irq(Builder *b, uint16_t cpu, bool entry, int64_t time)
{
    CpuNow *now = &b->cpu[cpu];
    int depth = entry ? now->irq_depth + 1 : now->irq_depth > 0 ? now->irq_depth - 1 : 0;
    if ((depth > 0) == (now->irq_depth > 0)) {
        now->irq_depth = depth;
        return true;
    }
    now->irq_depth = depth;
    if (now->runner != NO_THREAD && !thread_set(b, now->runner, depth ? SCHED_INTERRUPTED : SCHED_RUNNING, time))
        return false;
    return cpu_set(b, cpu, cpu_shows(b, cpu), time);
}

/* ---- events --------------------------------------------------------------------------------- */

/* QNX: the event's own pid and tid are the thread's; procnto's (pid 1) thread cpu+1 is the
 * CPU's idle thread. */
static bool qnx_event(Builder *b, SchedEventClass c, size_t e)
{
    const Trace *t = b->t;
    int64_t time = trace_time(t, e);
    uint16_t cpu = trace_cpu(t, e);
    if (trace_tid(t, e) == TRACE_NO_ID)
        return true;
    if (c.kind == SEV_QNX_RUNNING && trace_pid(t, e) == 1 && trace_tid(t, e) == (int32_t)cpu + 1)
        return switch_in(b, cpu, IDLE_THREAD, time);
    uint32_t th = thread_of(b, trace_pid(t, e), trace_tid(t, e));
    if (th == NO_THREAD || !thread_name_from_event(b, th, e))
        return false;
    if (c.kind == SEV_QNX_RUNNING)
        return switch_in(b, cpu, th, time);
    return switch_out(b, th, c.kind == SEV_QNX_DEAD ? NO_STATE : c.state, time);
}

/* A Linux task named in an event's fields: tid; 0 is the idle task. */
static uint32_t linux_task(Builder *b, const char *text, const char *pid_field, const char *comm_field, bool *ok)
{
    char value[64];
    *ok = true;
    if (!sched_field(text, pid_field, value, sizeof value))
        return NO_THREAD;
    long tid = strtol(value, NULL, 10);
    if (tid == 0)
        return IDLE_THREAD;
    uint32_t th = thread_of(b, TRACE_NO_ID, (int32_t)tid);
    *ok = th != NO_THREAD && (!sched_field(text, comm_field, value, sizeof value) || thread_name(b, th, value));
    return th;
}

static bool linux_event(Builder *b, SchedEventClass c, size_t e)
{
    const Trace *t = b->t;
    char text[1024];
    const char *event;
    int64_t time = trace_time(t, e);
    uint16_t cpu = trace_cpu(t, e);
    trace_event_fields(t, e, &event, text, sizeof text);
    bool ok = true;
    if (c.kind == SEV_WAKEUP) {
        uint32_t th = linux_task(b, text, "pid", "comm", &ok);
        if (ok && th < IDLE_THREAD && !thread_running(b, th))
            ok = thread_set(b, th, SCHED_READY, time);
        return ok;
    }
    uint32_t prev = linux_task(b, text, "prev_pid", "prev_comm", &ok);
    if (ok && prev < IDLE_THREAD && trace_tid(t, e) == b->s->threads[prev].tid && trace_pid(t, e) != TRACE_NO_ID)
        b->s->threads[prev].pid = trace_pid(t, e); /* the switch is the task's own event: its process shows */
    if (ok && prev < IDLE_THREAD) {
        char state[16] = "R";
        bool dead;
        sched_field(text, "prev_state", state, sizeof state);
        SchedState next_state = sched_linux_state(state, &dead);
        ok = switch_out(b, prev, dead ? NO_STATE : next_state, time);
    }
    uint32_t next = ok ? linux_task(b, text, "next_pid", "next_comm", &ok) : NO_THREAD;
    return ok && (next == NO_THREAD || switch_in(b, cpu, next, time));
}

static bool take_event(Builder *b, SchedEventClass c, size_t e)
{
    if (c.kind == SEV_NONE || trace_cpu(b->t, e) == TRACE_NO_CPU)
        return true;
    if (!cpu_reserve(b, trace_cpu(b->t, e)))
        return false;
    b->s->n_sched_events++;
    switch (c.kind) {
    case SEV_IRQ_ENTRY: case SEV_IRQ_EXIT: return irq(b, trace_cpu(b->t, e), c.kind == SEV_IRQ_ENTRY, trace_time(b->t, e));
    case SEV_SWITCH: case SEV_WAKEUP: return b->t->fields.n_records ? linux_event(b, c, e) : true;
    default: return qnx_event(b, c, e);
    }
}

/* ---- the pass --------------------------------------------------------------------------------- */

static const Schedule *sort_schedule;

static int by_cpu_time(const void *a, const void *b)
{
    const SchedThread *x = &sort_schedule->threads[*(const uint32_t *)a], *y = &sort_schedule->threads[*(const uint32_t *)b];
    if (x->cpu_time != y->cpu_time)
        return x->cpu_time > y->cpu_time ? -1 : 1;
    return x->pid != y->pid ? (x->pid > y->pid) - (x->pid < y->pid) : (x->tid > y->tid) - (x->tid < y->tid);
}

/* The open spans closed at the trace's end, the threads ordered. */
static bool finish(Builder *b)
{
    Schedule *s = b->s;
    for (size_t th = 0; th < s->n_threads; th++)
        if (!thread_set(b, (uint32_t)th, NO_STATE, s->end))
            return false;
    for (size_t c = 0; c < s->n_cpus; c++)
        if (!cpu_set(b, (uint16_t)c, NO_THREAD, s->end))
            return false;
    s->by_cpu_time = malloc((s->n_threads + 1) * sizeof *s->by_cpu_time);
    if (!s->by_cpu_time)
        return error_nomem(b->err);
    for (size_t th = 0; th < s->n_threads; th++)
        s->by_cpu_time[th] = (uint32_t)th;
    sort_schedule = s; /* qsort has no context argument in C11 */
    qsort(s->by_cpu_time, s->n_threads, sizeof *s->by_cpu_time, by_cpu_time);
    return true;
}

/* Each key's class; with none found among the keys (a trace keyed otherwise with --key), the
 * events' own names are read from their fields. */
static SchedEventClass *key_classes(const Vocab *vocab, bool *any)
{
    uint32_t n = vocab_size(vocab);
    SchedEventClass *classes = malloc(((size_t)n + 1) * sizeof *classes);
    *any = false;
    for (uint32_t k = 0; classes && k < n; k++) {
        classes[k] = sched_event_class(vocab_name(vocab, k));
        *any |= classes[k].kind != SEV_NONE;
    }
    return classes;
}

bool schedule_build(Schedule *s, const Trace *t, const Vocab *vocab, Error *err)
{
    memset(s, 0, sizeof *s);
    strpool_init(&s->names);
    Builder b = {.s = s, .t = t, .err = err};
    if (t->n_events) {
        s->start = trace_time(t, 0);
        s->end = trace_time(t, t->n_events - 1);
    }
    bool any;
    SchedEventClass *classes = key_classes(vocab, &any);
    bool ok = classes != NULL || error_nomem(err);
    char text[8];
    for (size_t e = 0; ok && e < t->n_events; e++) {
        SchedEventClass c = classes[t->key_id[e]];
        if (!any && t->fields.n_records) {
            const char *event;
            trace_event_fields(t, e, &event, text, sizeof text);
            c = sched_event_class(event);
        }
        ok = take_event(&b, c, e);
    }
    ok = ok && finish(&b);
    free(classes);
    free(b.cpu), free(b.now), free(b.map_key), free(b.map_thread);
    if (!ok)
        schedule_free(s);
    return ok;
}

void schedule_free(Schedule *s)
{
    for (size_t c = 0; c < s->n_cpus; c++)
        free(s->cpus[c].span);
    for (size_t th = 0; th < s->n_threads; th++)
        free(s->threads[th].states.span);
    free(s->cpus);
    free(s->threads);
    free(s->by_cpu_time);
    strpool_free(&s->names);
    memset(s, 0, sizeof *s);
}
