/* The simulation loop: take what is due next from the event queue, act on it, let each CPU's
 * scheduler settle, until the trace has its rows. The threads' behaviours are step functions
 * (servers.c, flight_stack.c, injected.c), picked by role. */
#include "gen_internal.h"

static void step(Gen *g, ThreadId self)
{
    switch (g->threads[self].role) {
    case ROLE_SERVER: server_step(g, self); return;
    case ROLE_FCS_CTRL: fcs_ctrl_step(g, self); return;
    case ROLE_FCS_EST: fcs_est_step(g, self); return;
    case ROLE_FCS_GPS: fcs_gps_step(g, self); return;
    case ROLE_IMU_INTR: imu_intr_step(g, self); return;
    case ROLE_HIL: hil_step(g, self); return;
    case ROLE_TELEMETRY: telemetry_step(g, self); return;
    case ROLE_SH: sh_step(g, self); return;
    case ROLE_LS: ls_step(g, self); return;
    case ROLE_WHILE: while_step(g, self); return;
    case ROLE_IDLE: return;
    }
}

/* One due event. A stale one (the thread was preempted or blocked since) does nothing;
 * otherwise every action ends with both CPUs rescheduled, since kernel calls are the
 * preemption points. */
static void act(Gen *g, SimEvent ev)
{
    if (ev.t > g->clock)
        g->clock = ev.t;
    g->cause = 0;
    switch ((SimKind)ev.kind) {
    case SIM_RUN: {
        Thread *t = &g->threads[ev.who];
        if (t->state != TS_RUNNING || t->run_gen != ev.gen)
            return;
        g->cause = own_mark(g, (ThreadId)ev.who);
        step(g, (ThreadId)ev.who);
        break;
    }
    case SIM_SLICE: {
        Thread *t = &g->threads[ev.who];
        if (t->state != TS_RUNNING || t->run_gen != ev.gen)
            return;
        /* with no one of its priority waiting, the thread just starts another slice */
        int next = best_ready(g, t->cpu);
        if (next < 0 || g->threads[next].prio < t->prio) {
            schedule(g, SIM_SLICE, ev.who, g->clock + SLICE, ev.gen);
            return;
        }
        g->cause = own_mark(g, (ThreadId)ev.who);
        preempt(g, (ThreadId)ev.who, true);
        break;
    }
    case SIM_TIMER:
        timers_fire(g, ev);
        break;
    case SIM_IRQ:
        irq_fire(g, (IrqSource)ev.who, ev.t);
        break;
    }
    settle_cpu(g, 0);
    settle_cpu(g, 1);
}

/* Until the trace has its rows; false with err set when cancelled, out of memory or a write
 * failed. */
bool simulate(Gen *g, const char *trace_name, const char *truth_name, Error *err)
{
    output_begin(g);
    const CancelFlag *cancel = g->opt->cancel;
    uint64_t next_check = PROGRESS_EVERY;
    while (!all_written(g)) {
        if (cancel && *cancel)
            return error_interrupted(err);
        if (g->out_of_memory)
            return error_set_code(err, ERROR_NOMEM, "%s: out of memory", trace_name);
        if (!g->queue.count)
            return error_set(err, "%s: simulation ran out of events", trace_name);
        act(g, queue_pop(&g->queue));
        if (g->out.written >= next_check) {
            next_check += PROGRESS_EVERY;
            if (output_failed(g, trace_name, truth_name, err))
                return false;
        }
    }
    return output_finish(g, trace_name, truth_name, err);
}
