/* The clock tick and what hangs off it: sleeps, the control loop's periodic timer, and the
 * timer interrupt that wakes them. Timers expire only on ticks, so everything due on one tick
 * shares one interrupt. */
#include <inttypes.h>

#include "gen_internal.h"

static const uint64_t TICKS_PER_CYCLE = 5;  /* control period 2.5 ms */

/* Interrupt latency of one clock tick: the same for every timer expiring on that tick, so
 * they share one interrupt. */
Nanos tick_time(const Gen *g, uint64_t tick)
{
    uint64_t x = g->timers.tick_salt ^ (tick * 0x9e3779b97f4a7c15ULL);
    uint64_t h = splitmix64(&x);
    Nanos latency = 700 + h % 2300;
    if ((h >> 32) % 400 == 0)
        latency += 8 * US + (h >> 44) % (20 * US);
    return tick * TICK + latency;
}

void sleep_until_tick(Gen *g, ThreadId who, uint64_t tick)
{
    schedule(g, SIM_TIMER, who, tick_time(g, tick), g->threads[who].sleep_gen);
}

/* Without wake_by_timer the sleep is ended by something else: the shell's idle sleep, by the
 * next episode (episodes_poll). */
void kc_nanosleep(Gen *g, ThreadId who, Nanos duration, bool wake_by_timer)
{
    emit(g, who, K_CALL_TIMER_TIMEOUT, fmt(g, "ns=%" PRIu64, duration));
    Thread *t = &g->threads[who];
    t->sleep_gen++;
    /* QNX rounds a sleep up to the next tick and one more */
    if (wake_by_timer)
        sleep_until_tick(g, who, (g->clock + duration) / TICK + 2);
    block(g, who, TS_NANOSLEEP, K_THNANOSLEEP, PEND_SLEEP);
}

/* ---------------------------------------------------------------- the timer interrupt */

/* The control loop's timer is periodic: it sends its pulse and rearms itself. */
static void control_timer_expired(Gen *g)
{
    kernel_pulse(g, T_FCS_CTRL, PULSE_TIMER);
    g->timers.control_tick += TICKS_PER_CYCLE;
    schedule(g, SIM_TIMER, WHO_CONTROL_TIMER, tick_time(g, g->timers.control_tick), 0);
}

/* A sleeper's timer is stale once the thread woke otherwise or slept again (sleep_gen). */
static bool timer_valid(const Gen *g, const SimEvent *ev)
{
    if (ev->who == WHO_CONTROL_TIMER)
        return true;
    const Thread *t = &g->threads[ev->who];
    return t->state == TS_NANOSLEEP && t->sleep_gen == ev->gen;
}

/* Gathers, after `first`, the other timers due on the same tick; returns how many are due. */
static int collect_due(Gen *g, SimEvent first, SimEvent due[T_COUNT + 1])
{
    int n = 0;
    if (timer_valid(g, &first))
        due[n++] = first;
    while (g->queue.count && g->queue.items[0].kind == SIM_TIMER && g->queue.items[0].t == first.t) {
        SimEvent ev = queue_pop(&g->queue);
        if (timer_valid(g, &ev) && n < T_COUNT + 1)
            due[n++] = ev;
    }
    return n;
}

/* a tick that fires only for an injected sleeper exists only because of it */
static int tick_cause(const Gen *g, const SimEvent *due, int n)
{
    int cause = -1;
    for (int i = 0; i < n; i++) {
        int mark = due[i].who == WHO_CONTROL_TIMER ? 0 : own_mark(g, (ThreadId)due[i].who);
        cause = cause < 0 || cause == mark ? mark : 0;
    }
    return cause;
}

void timers_fire(Gen *g, SimEvent first)
{
    SimEvent due[T_COUNT + 1];
    int n = collect_due(g, first, due);
    if (!n)
        return;
    g->cause = tick_cause(g, due, n);
    emit(g, T_IDLE0, K_INT_ENTR, "vector=0x0");
    emit(g, T_IDLE0, K_INT_HANDLER_ENTR, "vector=0x0");
    emit(g, T_IDLE0, K_INT_HANDLER_EXIT, "vector=0x0");
    for (int i = 0; i < n; i++) {
        if (due[i].who == WHO_CONTROL_TIMER) {
            control_timer_expired(g);
            episodes_poll(g);
        } else {
            make_ready(g, (ThreadId)due[i].who);
        }
    }
    emit(g, T_IDLE0, K_INT_EXIT, "vector=0x0");
}
