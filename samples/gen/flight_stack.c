/* The flight stack and what feeds it, the steady work of a clean trace: the control loop
 * (fcs, woken by its 400 Hz timer: read the IMU, compute, command the motors), the state
 * estimator and GPS reader behind a shared lock, the IMU's interrupt thread, the
 * hardware-in-the-loop bridge and telemetry. Each step function does one stretch of a
 * thread's behaviour and returns at the next kernel call or piece of work; pc says where
 * the thread resumes. */
#include "gen_internal.h"

static const char *const phase_names[] = {
    "PREFLIGHT", "ARMED", "TAKEOFF", "HOVER", "MISSION", "RETURN", "LANDING", "DISARMED",
};
enum { PHASE_COUNT = sizeof phase_names / sizeof phase_names[0] };

/* Once a cycle: now and then a new flight phase (a user trace event), now and then a log
 * record for slogger2. */
static void fcs_housekeeping(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    if (t->counter >= g->fcs.next_phase_cycle) {
        g->fcs.phase = (g->fcs.phase + 1) % PHASE_COUNT;
        g->fcs.next_phase_cycle = t->counter + rng_span(&g->rng, 150, 600);
        emit(g, self, K_CALL_TRACE_EVENT, "mode=0x10000004");
        emit(g, self, K_USREVENT,
             fmt(g, "id=%d phase=%s", 100 + g->fcs.phase, phase_names[g->fcs.phase]));
        emit(g, self, K_EXIT_TRACE_EVENT, "ret=0");
    }
    if (rng_chance(&g->rng, 20))
        kc_send_pulse(g, self, T_SLOGGER, PULSE_LOG);
}

void fcs_ctrl_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 0:
        t->pc = 1;
        kc_receive(g, self);
        return;
    case 1:
        /* a whole period late: this tick is dropped and the next one taken straight away */
        if (t->rx.pulse && has_pulse(g, self, PULSE_TIMER)) {
            skip_tick(g, self);
            return;
        }
        t->pc = 2;
        compute(g, self, rng_span(&g->rng, 12 * US, 25 * US));
        return;
    case 2:
        t->pc = 3;
        kc_send(g, self, T_IMU_RM, OP_READ, 16, 64, false);
        return;
    case 3:
        t->pc = 4;
        if (++t->counter % 2 == 0)
            condvar_signal(g, self, T_FCS_EST);
        compute(g, self, rng_span(&g->rng, 200 * US, 350 * US));
        return;
    case 4:
        t->pc = 5;
        kc_send(g, self, T_PWM, OP_WRITE, 24, 0, false);
        return;
    default:
        t->pc = 0;
        fcs_housekeeping(g, self);
        compute(g, self, rng_span(&g->rng, 4 * US, 12 * US));
        return;
    }
}

/* the state estimator and the GPS reader update the shared state under one lock, which
 * telemetry reads: contention is rare but normal */
static void locked_update_step(Gen *g, ThreadId self, Nanos before_lo, Nanos before_hi,
                               Nanos held_lo, Nanos held_hi)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 1:
        t->pc = 2;
        compute(g, self, rng_span(&g->rng, before_lo, before_hi));
        return;
    case 2:
        t->pc = 3;
        if (mutex_lock(g, self))
            compute(g, self, 1 * US);
        return;
    case 3:
        t->pc = 4;
        compute(g, self, rng_span(&g->rng, held_lo, held_hi));
        return;
    default:
        mutex_unlock(g, self);
        t->pc = 1;
        if (self == T_FCS_EST)
            condvar_wait(g, self);
        else
            kc_send(g, self, T_SER, OP_READ, 16, 82, false);
        return;
    }
}

void fcs_est_step(Gen *g, ThreadId self)
{
    locked_update_step(g, self, 80 * US, 140 * US, 25 * US, 45 * US);
}

void fcs_gps_step(Gen *g, ThreadId self)
{
    locked_update_step(g, self, 30 * US, 60 * US, 5 * US, 10 * US);
}

void imu_intr_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    if (t->pc == 1) {
        t->pc = 2;
        compute(g, self, rng_span(&g->rng, 15 * US, 30 * US)); /* SPI burst read */
        return;
    }
    t->pc = 1;
    emit(g, self, K_CALL_INTERRUPT_WAIT, "flags=0x0");
    block(g, self, TS_INTR, K_THINTR, PEND_INTR);
}

void hil_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 1:
        t->pc = 2;
        compute(g, self, rng_span(&g->rng, 30 * US, 60 * US));
        return;
    case 2:
        t->pc = 3;
        kc_send(g, self, T_IMU_RM, OP_WRITE, 96, 0, false); /* simulated sensor state in */
        return;
    case 3:
        t->pc = 4;
        compute(g, self, rng_span(&g->rng, 8 * US, 15 * US));
        return;
    case 4:
        t->pc = 5;
        kc_send(g, self, T_IOPKT, OP_WRITE, 64, 0, false); /* actuator state back out */
        return;
    default:
        t->pc = 1;
        kc_send(g, self, T_IOPKT, OP_READ, 16, 256, false);
        return;
    }
}

void telemetry_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 1:
        t->pc = 2;
        if (mutex_lock(g, self))
            compute(g, self, 1 * US);
        return;
    case 2:
        t->pc = 3;
        compute(g, self, rng_span(&g->rng, 20 * US, 40 * US));
        return;
    case 3:
        mutex_unlock(g, self);
        t->pc = 4;
        kc_send(g, self, T_IOPKT, OP_WRITE, 180, 0, false);
        return;
    default:
        t->pc = 1;
        kc_nanosleep(g, self, TELEMETRY_PERIOD - rng_span(&g->rng, 0, 300 * US), true);
        return;
    }
}
