/* The scheduler of each CPU: priority-preemptive, FIFO among equal priorities unless a thread is
 * round-robin. Threads are bound to a CPU, so each CPU picks only among its own. A dispatch and
 * a block are kernel events of their own (THRUNNING, THREADY, THRECEIVE...), and when a blocked
 * thread runs again it first reports how its kernel call ended. */
#include "gen_internal.h"

static ThreadId idle_thread(int cpu) { return cpu == 0 ? T_IDLE0 : T_IDLE1; }

/* The highest-priority ready thread of a CPU, longest waiting first; -1 for none. */
int best_ready(const Gen *g, int cpu)
{
    int best = -1;
    for (int i = T_FIRST_SCHEDULED; i < T_COUNT; i++) {
        const Thread *t = &g->threads[i];
        if (t->state != TS_READY || t->cpu != cpu)
            continue;
        const Thread *b = best >= 0 ? &g->threads[best] : NULL;
        if (!b || t->prio > b->prio || (t->prio == b->prio && t->ready_order < b->ready_order))
            best = i;
    }
    return best;
}

/* The thread works for a while; its next step comes when the work is done, unless it was
 * preempted or blocked meanwhile (run_gen tells). */
void compute(Gen *g, ThreadId who, Nanos duration)
{
    Thread *t = &g->threads[who];
    t->compute_end = g->clock + duration;
    schedule(g, SIM_RUN, who, t->compute_end, t->run_gen);
}

void make_ready(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    t->state = TS_READY;
    t->ready_order = g->sched.ready_tail++;
    emit(g, who, K_THREADY, fmt(g, "prio=%d", t->prio));
}

void block(Gen *g, ThreadId who, ThState state, Key key, Pending pending)
{
    Thread *t = &g->threads[who];
    t->state = state;
    t->pending = pending;
    t->run_gen++;
    g->sched.cpus[t->cpu].current = -1;
    emit(g, who, key, "");
}

/* What the kernel call a thread blocked in returns, reported once it runs again. */
static void finish_pending(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    Pending pending = t->pending;
    t->pending = PEND_NONE;
    switch (pending) {
    case PEND_NONE:
        return;
    case PEND_RECEIVE:
        report_receive(g, who);
        return;
    case PEND_SEND:
        if (t->req.status >= 0)
            emit(g, who, K_EXIT_MSG_SENDV, fmt(g, "ret=%d", t->req.status));
        else
            emit(g, who, K_EXIT_MSG_SENDV, fmt(g, "ret=-1 errno=%d", -t->req.status));
        return;
    case PEND_INTR:
        emit(g, who, K_EXIT_INTERRUPT_WAIT, "ret=0");
        return;
    case PEND_CONDVAR:
        emit(g, who, K_EXIT_CONDVAR_WAIT, "ret=0");
        return;
    case PEND_MUTEX:
        emit(g, who, K_EXIT_MUTEX_LOCK, "ret=0");
        return;
    case PEND_SLEEP:
        emit(g, who, K_EXIT_TIMER_TIMEOUT, "ret=0");
        return;
    }
}

static void dispatch(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    Cpu *cpu = &g->sched.cpus[t->cpu];
    cpu->current = who;
    cpu->idle_shown = false;
    t->state = TS_RUNNING;
    t->run_gen++;
    emit(g, who, K_THRUNNING, fmt(g, "prio=%d", t->prio));
    /* the switch belongs to whoever caused it; what the thread then reports is its own */
    int cause = g->cause;
    g->cause = own_mark(g, who);
    finish_pending(g, who);
    g->cause = cause;
    Nanos work = t->compute_left ? t->compute_left : rng_span(&g->rng, 1 * US, 3 * US);
    t->compute_left = 0;
    compute(g, who, work);
    if (t->round_robin)
        schedule(g, SIM_SLICE, who, g->clock + SLICE, t->run_gen);
}

/* A preempted thread goes to the front of its priority's line; one whose timeslice ran out
 * goes to the back (to_tail). */
void preempt(Gen *g, ThreadId who, bool to_tail)
{
    Thread *t = &g->threads[who];
    t->compute_left = t->compute_end > g->clock ? t->compute_end - g->clock : 300;
    t->run_gen++;
    t->state = TS_READY;
    t->ready_order = to_tail ? g->sched.ready_tail++ : g->sched.ready_head--;
    g->sched.cpus[t->cpu].current = -1;
    emit(g, who, K_THREADY, fmt(g, "prio=%d", t->prio));
}

/* Run at the end of every action: kernel calls are the preemption points. */
void settle_cpu(Gen *g, int cpu_no)
{
    Cpu *cpu = &g->sched.cpus[cpu_no];
    int best = best_ready(g, cpu_no);
    if (cpu->current >= 0) {
        if (best < 0 || g->threads[best].prio <= g->threads[cpu->current].prio)
            return;
        preempt(g, (ThreadId)cpu->current, false);
    }
    if (best >= 0) {
        dispatch(g, (ThreadId)best);
    } else if (!cpu->idle_shown) {
        cpu->idle_shown = true;
        emit(g, idle_thread(cpu_no), K_THRUNNING, "prio=0");
    }
}
