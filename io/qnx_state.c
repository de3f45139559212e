/* The traceprinter reader's memory across events (see qnx_state.h). */
#include "qnx_state.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define WRAP ((int64_t)1 << 32)
#define HALF_WRAP ((uint32_t)1 << 31)

/* The count with low bits t32 nearest near; at the ends of the 64-bit count (a CONTROL TIME
 * anchor near 2^63), the end itself rather than an overflow. */
static int64_t nearest(int64_t near, uint32_t t32)
{
    uint32_t step = t32 - (uint32_t)near;
    int64_t delta = step < HALF_WRAP ? (int64_t)step : (int64_t)step - WRAP, next;
    if (__builtin_add_overflow(near, delta, &next))
        return delta > 0 ? INT64_MAX : INT64_MIN;
    return next;
}

int64_t qnx_clock_next(QnxClock *c, uint32_t t32)
{
    c->prev = c->started ? nearest(c->prev, t32) : (int64_t)t32;
    c->started = true;
    return c->prev;
}

bool qnx_clock_anchor(QnxClock *c, uint32_t t32, uint64_t msb, uint64_t lsb, int64_t *now,
                      int64_t *shift)
{
    if (msb > 0x7fffffffu || lsb > 0xffffffffu)
        return false;
    int64_t unanchored = qnx_clock_next(c, t32);
    c->prev = nearest((int64_t)(msb << 32 | lsb), t32);
    *shift = c->anchored ? 0 : c->prev - unanchored;
    c->anchored = true;
    *now = c->prev;
    return true;
}

bool qnx_cycles_to_ns(int64_t cycles, uint64_t hz, int64_t *ns)
{
    const uint64_t giga = 1000000000u;
    if (hz == 0)
        return false;
    bool negative = cycles < 0;
    uint64_t c = negative ? (uint64_t)0 - (uint64_t)cycles : (uint64_t)cycles;
    uint64_t whole = c / hz, rest = c % hz;
    if (whole > (uint64_t)INT64_MAX / giga - 1 || rest > UINT64_MAX / giga)
        return false;
    uint64_t v = whole * giga + rest * giga / hz;
    *ns = negative ? -(int64_t)v : (int64_t)v;
    return true;
}

static size_t slot(const QnxNames *m, int32_t pid)
{
    size_t i = ((uint32_t)pid * 2654435761u) & (m->cap - 1);
    while (m->name[i] && m->pid[i] != pid)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static bool grow(QnxNames *m, Error *err)
{
    QnxNames bigger = {.cap = m->cap ? m->cap * 2 : 64};
    bigger.pid = calloc(bigger.cap, sizeof *bigger.pid);
    bigger.name = calloc(bigger.cap, sizeof *bigger.name);
    if (!bigger.pid || !bigger.name) {
        free(bigger.pid);
        free(bigger.name);
        return error_nomem(err);
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->name[i]) {
            size_t j = slot(&bigger, m->pid[i]);
            bigger.pid[j] = m->pid[i];
            bigger.name[j] = m->name[i];
        }
    bigger.n = m->n;
    free(m->pid);
    free(m->name);
    *m = bigger;
    return true;
}

bool qnx_names_set(QnxNames *m, int32_t pid, const char *name, size_t len, Error *err)
{
    if ((m->n + 1) * 2 > m->cap && !grow(m, err))
        return false;
    char *copy = malloc(len + 1);
    if (!copy)
        return error_nomem(err);
    memcpy(copy, name, len);
    copy[len] = '\0';
    size_t i = slot(m, pid);
    if (m->name[i])
        free(m->name[i]);
    else
        m->n++;
    m->pid[i] = pid;
    m->name[i] = copy;
    return true;
}

const char *qnx_names_get(const QnxNames *m, int32_t pid)
{
    if (m->cap == 0)
        return NULL;
    return m->name[slot(m, pid)];
}

void qnx_names_free(QnxNames *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->name[i]);
    free(m->pid);
    free(m->name);
    memset(m, 0, sizeof *m);
}

bool qnx_running_set(QnxRunning *r, uint16_t cpu, int32_t pid, int32_t tid, Error *err)
{
    if (cpu >= r->n) {
        size_t n = (size_t)cpu + 1;
        int32_t *p = realloc(r->pid, n * sizeof *p);
        if (p)
            r->pid = p;
        int32_t *t = p ? realloc(r->tid, n * sizeof *t) : NULL;
        if (!t)
            return error_nomem(err);
        r->tid = t;
        for (size_t i = r->n; i < n; i++)
            r->pid[i] = r->tid[i] = TRACE_NO_ID;
        r->n = n;
    }
    r->pid[cpu] = pid;
    r->tid[cpu] = tid;
    return true;
}

bool qnx_running_get(const QnxRunning *r, uint16_t cpu, int32_t *pid, int32_t *tid)
{
    if (cpu >= r->n || r->pid[cpu] == TRACE_NO_ID)
        return false;
    *pid = r->pid[cpu];
    *tid = r->tid[cpu];
    return true;
}

void qnx_running_free(QnxRunning *r)
{
    free(r->pid);
    free(r->tid);
    memset(r, 0, sizeof *r);
}
