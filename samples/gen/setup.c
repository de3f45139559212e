/* The board as the trace starts: its processes and threads, each blocked where it waits in
 * steady flight, and the first event of every timer and device. Before the simulation draws
 * anything, the episodes are planned and then the sources set up, in that order. */
#include <string.h>

#include "gen_internal.h"

static const Nanos IMU_PERIOD = 2500 * US;

/* the process table as tracelogger names it */
static const struct {
    const char *name;
    bool injected;
} process_spec[P_COUNT] = {
    [P_PROCNTO] = {"procnto-smp-instr", false}, [P_SLOGGER] = {"slogger2", false},
    [P_SER] = {"devc-ser8250", false},          [P_IOPKT] = {"io-pkt-v6-hc", false},
    [P_SDMMC] = {"devb-sdmmc", false},          [P_PTY] = {"devc-pty", false},
    [P_IMU] = {"devi-imu", false},              [P_PWM] = {"pwm-motor", false},
    [P_HIL] = {"hil-bridge", false},            [P_FCS] = {"fcs", false},
    [P_TELEMETRY] = {"telemetry", false},       [P_SH] = {"sh", true},
    [P_LS] = {"ls", true},                      [P_WHILE] = {"while", true},
};


/* who runs where at what priority, and what each is blocked in when the trace begins */
static const struct {
    ProcId proc;
    int tid, cpu, prio;
    bool round_robin;   /* only the busy loop ever outlasts a timeslice */
    Role role;
    ThState start;
    Pending pending;
    int pc;
} thread_spec[T_COUNT] = {
    [T_IDLE0] = {P_PROCNTO, 1, 0, 0, false, ROLE_IDLE, TS_DEAD, PEND_NONE, 0},
    [T_IDLE1] = {P_PROCNTO, 2, 1, 0, false, ROLE_IDLE, TS_DEAD, PEND_NONE, 0},
    [T_PROC] = {P_PROCNTO, 5, 0, 10, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_SLOGGER] = {P_SLOGGER, 1, 0, 10, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_SER] = {P_SER, 1, 0, 24, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_IOPKT] = {P_IOPKT, 1, 0, 21, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_SDMMC] = {P_SDMMC, 2, 0, 21, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_PTY] = {P_PTY, 1, 0, 20, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_IMU_RM] = {P_IMU, 1, 0, 48, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_IMU_INTR] = {P_IMU, 2, 0, 52, false, ROLE_IMU_INTR, TS_INTR, PEND_INTR, 1},
    [T_PWM] = {P_PWM, 1, 0, 48, false, ROLE_SERVER, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_HIL] = {P_HIL, 1, 1, 40, false, ROLE_HIL, TS_REPLY, PEND_SEND, 1},
    [T_FCS_CTRL] = {P_FCS, 2, 1, 50, false, ROLE_FCS_CTRL, TS_RECEIVE, PEND_RECEIVE, 1},
    [T_FCS_EST] = {P_FCS, 3, 1, 49, false, ROLE_FCS_EST, TS_CONDVAR, PEND_CONDVAR, 1},
    [T_FCS_GPS] = {P_FCS, 4, 1, 30, false, ROLE_FCS_GPS, TS_REPLY, PEND_SEND, 1},
    [T_TELEMETRY] = {P_TELEMETRY, 1, 0, 15, false, ROLE_TELEMETRY, TS_NANOSLEEP, PEND_SLEEP, 1},
    [T_SH] = {P_SH, 1, 1, 10, false, ROLE_SH, TS_NANOSLEEP, PEND_SLEEP, 0},
    [T_LS] = {P_LS, 1, 1, 60, false, ROLE_LS, TS_DEAD, PEND_NONE, 0},
    [T_WHILE] = {P_WHILE, 1, 1, 50, true, ROLE_WHILE, TS_DEAD, PEND_NONE, 0},
};

static void setup_processes(Gen *g)
{
    for (int i = 0; i < P_COUNT; i++) {
        g->procs[i] = (Process){.name = process_spec[i].name,
                                .pid = make_pid(i + 1, i),
                                .injected = process_spec[i].injected};
    }
    g->procs[P_SH].pid = make_pid(P_SH + 1, 7);
}

static void setup_threads(Gen *g)
{
    for (int i = 0; i < T_COUNT; i++) {
        Thread *t = &g->threads[i];
        *t = (Thread){.proc = thread_spec[i].proc,
                      .tid = thread_spec[i].tid,
                      .cpu = thread_spec[i].cpu,
                      .base_prio = thread_spec[i].prio,
                      .prio = thread_spec[i].prio,
                      .round_robin = thread_spec[i].round_robin,
                      .role = thread_spec[i].role,
                      .state = thread_spec[i].start,
                      .pending = thread_spec[i].pending,
                      .pc = thread_spec[i].pc};
    }
    /* the GPS reader and the bridge start out blocked in reads their drivers are holding */
    g->drv.ser.reader = T_FCS_GPS;
    g->drv.iopkt.reader = T_HIL;
    g->threads[T_FCS_GPS].req.op = OP_READ;
    g->threads[T_HIL].req.op = OP_READ;
    g->state_lock.owner = -1;
    g->pm.waiter = -1;
    for (int c = 0; c < 2; c++)
        g->sched.cpus[c] = (Cpu){.current = -1, .idle_shown = true};
    g->sched.ready_tail = 1;
    g->sched.ready_head = -1;
}

/* The first event of each timer and device, each at a random phase, and the flight stack's
 * and the shell's first random counts. */
static void setup_sources(Gen *g)
{
    Rng *r = &g->rng;
    g->timers.tick_salt = rng_next(r);
    /* the IMU runs off its own crystal, so its phase against the control loop drifts */
    int64_t drift_ppm = (int64_t)rng_span(r, 500, 2000);
    if (!rng_chance(r, 500))
        drift_ppm = -drift_ppm;
    g->dev.imu_period = (Nanos)((int64_t)IMU_PERIOD + (int64_t)IMU_PERIOD * drift_ppm / 1000000);
    g->timers.control_tick = rng_span(r, 2, 11);
    schedule(g, SIM_TIMER, WHO_CONTROL_TIMER, tick_time(g, g->timers.control_tick), 0);
    schedule(g, SIM_IRQ, IRQ_IMU, rng_span(r, 10 * US, IMU_PERIOD), 0);
    g->dev.gps_burst_start = rng_span(r, 1 * MS, GPS_INTERVAL);
    g->dev.gps_chars_left = 5;
    schedule(g, SIM_IRQ, IRQ_GPS, g->dev.gps_burst_start, 0);
    g->dev.net_next = rng_span(r, 1 * MS, SIM_PACKET_PERIOD);
    schedule(g, SIM_IRQ, IRQ_NET, g->dev.net_next, 0);
    sleep_until_tick(g, T_TELEMETRY, rng_span(r, 1, TELEMETRY_PERIOD / TICK));
    g->fcs.next_phase_cycle = rng_span(r, 40, 400);
    g->threads[T_SH].counter = rng_span(r, 0, 3);
}

bool gen_init(Gen *g, const GenOptions *opt, FILE *trace, FILE *truth)
{
    memset(g, 0, sizeof *g);
    g->opt = opt;
    g->out.trace = trace;
    g->out.truth = truth;
    rng_seed(&g->rng, opt->seed ^ ((uint64_t)opt->kind << 56));
    setup_processes(g);
    setup_threads(g);
    plan_episodes(g);
    setup_sources(g);
    return !g->out_of_memory;
}
