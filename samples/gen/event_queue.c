/* The simulation's event queue: what is due next (a thread's work ending, a timeslice, a timer,
 * a device interrupt), in time order and, at equal times, in the order it was queued. That
 * tie-break keeps a run deterministic. */
#include <stdlib.h>

#include "gen_internal.h"

static bool event_before(const SimEvent *a, const SimEvent *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static bool queue_push(EventQueue *q, SimKind kind, int who, Nanos t, uint32_t gen)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        SimEvent *items = realloc(q->items, cap * sizeof *items);
        if (!items)
            return false;
        q->items = items;
        q->cap = cap;
    }
    SimEvent ev = {.t = t, .seq = q->next_seq++, .gen = gen, .kind = (int16_t)kind,
                   .who = (int16_t)who};
    size_t i = q->count++;
    while (i > 0 && event_before(&ev, &q->items[(i - 1) / 2])) {
        q->items[i] = q->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->items[i] = ev;
    return true;
}

SimEvent queue_pop(EventQueue *q)
{
    SimEvent top = q->items[0];
    SimEvent last = q->items[--q->count];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->count)
            break;
        if (child + 1 < q->count && event_before(&q->items[child + 1], &q->items[child]))
            child++;
        if (!event_before(&q->items[child], &last))
            break;
        q->items[i] = q->items[child];
        i = child;
    }
    if (q->count)
        q->items[i] = last;
    return top;
}

/* A failed push can only be running out of memory; it is reported once the action is over. */
void schedule(Gen *g, SimKind kind, int who, Nanos t, uint32_t gen)
{
    if (!queue_push(&g->queue, kind, who, t, gen))
        g->out_of_memory = true;
}

void queue_free(EventQueue *q)
{
    free(q->items);
    *q = (EventQueue){0};
}
