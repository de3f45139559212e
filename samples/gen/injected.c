/* The injected behaviour: when it happens, and the processes that carry it. A shell sleeps
 * until an episode is due, then has procnto spawn a child and waits for it: ls at FIFO
 * priority 60, again and again (in bursts with random gaps for fifo-ls-sporadic), or a busy
 * loop at the control loop's priority on its CPU (half-while: working and sleeping by turns).
 * Everything they do reaches the trace through the same kernel as the flight stack. */
#include "gen_internal.h"

/* ---------------------------------------------------------------- episodes */

static bool injecting_ls(const Gen *g)
{
    return g->opt->kind == GEN_FIFO_LS || g->opt->kind == GEN_FIFO_LS_SPORADIC;
}

static bool episode_over(const Gen *g)
{
    const Episodes *ep = &g->episodes;
    return !ep->active || g->out.written >= ep->items[ep->current].end;
}

/* After a clean stretch of 22-30 % of the trace, the episodes each get an equal slot of the
 * rest and start somewhere inside it. Drawn once, before the simulation starts. */
void plan_episodes(Gen *g)
{
    uint64_t n = g->opt->n_events;
    if (g->opt->kind == GEN_CLEAN || n < 100)
        return;
    uint64_t clean_end = n * rng_span(&g->rng, 22, 30) / 100;
    uint64_t count = n <= 64000 ? rng_span(&g->rng, 3, 6) : n / 16000 + rng_below(&g->rng, 4);
    if (count > MAX_EPISODES)
        count = MAX_EPISODES;
    uint64_t slot = (n - clean_end - n / 40) / count;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t length = slot * rng_span(&g->rng, 28, 45) / 100;
        uint64_t slack = slot - length - slot / 10;
        uint64_t start = clean_end + i * slot + slot / 10 + rng_below(&g->rng, slack);
        g->episodes.items[i] = (Episode){start, start + length};
    }
    g->episodes.count = (int)count;
}

/* Polled once a control cycle: the shell's sleep ends a few ticks after an episode is due. */
void episodes_poll(Gen *g)
{
    Episodes *ep = &g->episodes;
    if (ep->active || ep->next >= ep->count || g->out.written < ep->items[ep->next].start)
        return;
    ep->active = true;
    ep->current = ep->next++;
    g->procs[P_SH].episode = ep->current + 1;
    sleep_until_tick(g, T_SH, g->clock / TICK + rng_span(&g->rng, 2, 8));
}

/* ---------------------------------------------------------------- processes coming and going */

/* procnto creates the shell's child; the child belongs to the shell's episode. */
void spawn_child(Gen *g)
{
    ThreadId child = injecting_ls(g) ? T_LS : T_WHILE;
    Thread *t = &g->threads[child];
    Process *p = &g->procs[t->proc];
    p->pid = make_pid((int)t->proc + 1, ++g->pm.generation);
    p->episode = g->procs[P_SH].episode;
    emit(g, T_PROC, K_PROCCREATE_NAME,
         fmt(g, "ppid=%d pid=%d name=%s", g->procs[P_SH].pid, p->pid,
             child == T_LS ? "/bin/ls" : "/tmp/while"));
    t->state = TS_DEAD;
    t->sleep_gen++;
    t->pc = 0;
    t->counter = 0;
    t->gap_done = false;
    t->compute_left = 0;
    t->pending = PEND_NONE;
    t->prio = t->base_prio;
    emit(g, child, K_THCREATE,
         fmt(g, "prio=%d policy=%s", t->prio, t->round_robin ? "RR" : "FIFO"));
    make_ready(g, child);
}

/* The child ends; procnto learns of it by a pulse and reaps it (child_reaped). */
static void exit_process(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    g->pm.last_child_pid = g->procs[t->proc].pid;
    emit(g, who, K_CALL_THREAD_DESTROY, "tid=1 status=0");
    emit(g, who, K_THDESTROY, "");
    t->state = TS_DEAD;
    t->run_gen++;
    g->sched.cpus[t->cpu].current = -1;
    kernel_pulse(g, T_PROC, PULSE_CHILD);
}

/* The shell gets SIGCHLD, and its wait returns now or, if it is not waiting yet, when it does. */
void child_reaped(Gen *g)
{
    emit(g, T_PROC, K_PROCDESTROY,
         fmt(g, "ppid=%d pid=%d", g->procs[P_SH].pid, g->pm.last_child_pid));
    emit(g, T_SH, K_SIGNAL, fmt(g, "signo=%d pid=%d", SIGCHLD_NO, g->pm.last_child_pid));
    if (g->pm.waiter >= 0) {
        kc_reply(g, T_PROC, (ThreadId)g->pm.waiter, 0);
        g->pm.waiter = -1;
    } else {
        g->pm.child_exited = true;
    }
}

/* ---------------------------------------------------------------- the injected processes */

static const Nanos SH_IDLE_SLEEP = 30000 * MS;

void sh_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 0:
        t->pc = 1;
        compute(g, self, rng_span(&g->rng, 40 * US, 90 * US));
        return;
    case 1:
        if (episode_over(g)) {
            g->episodes.active = false;
            t->pc = 0;
            kc_nanosleep(g, self, SH_IDLE_SLEEP, false);
            return;
        }
        t->pc = 2;
        kc_send(g, self, T_PROC, OP_SPAWN, 96, 8, false);
        return;
    case 2:
        t->pc = 3;
        kc_send(g, self, T_PROC, OP_WAIT, 16, 8, false);
        return;
    case 3:
        if (!injecting_ls(g)) { /* the busy loop ran the whole episode */
            g->episodes.active = false;
            t->pc = 0;
            kc_nanosleep(g, self, SH_IDLE_SLEEP, false);
            return;
        }
        t->pc = 4;
        compute(g, self, rng_span(&g->rng, 60 * US, 200 * US));
        return;
    default:
        t->pc = 1;
        if (g->opt->kind == GEN_FIFO_LS_SPORADIC && t->counter-- == 0) {
            t->counter = rng_span(&g->rng, 0, 3);
            kc_nanosleep(g, self, rng_span(&g->rng, 5 * MS, 60 * MS), true);
            return;
        }
        compute(g, self, rng_span(&g->rng, 3 * US, 10 * US));
        return;
    }
}

typedef enum LsStep {
    LS_LOOKUP, LS_LOOKUP_FAIL, LS_OPEN, LS_OPEN_FAIL, LS_READ, LS_CLOSE, LS_SORT, LS_WRITE, LS_EXIT
} LsStep;

static void ls_add(Thread *t, LsStep step, uint64_t times)
{
    for (uint64_t i = 0; i < times && t->prog.len < (int)sizeof t->prog.steps; i++)
        t->prog.steps[t->prog.len++] = (uint8_t)step;
}

/* What one ls does: load libc, fail to find a locale file or two, read the directory, sort,
 * print; a little different every run. */
static void ls_plan(Gen *g, Thread *t)
{
    Rng *r = &g->rng;
    t->prog.len = t->prog.pos = 0;
    ls_add(t, LS_LOOKUP, 1);
    ls_add(t, LS_OPEN, 1);
    ls_add(t, LS_READ, 1);
    ls_add(t, LS_CLOSE, 1);
    ls_add(t, LS_LOOKUP_FAIL, rng_span(r, 0, 2));
    if (rng_chance(r, 500)) {
        ls_add(t, LS_LOOKUP, 1);
        ls_add(t, LS_OPEN_FAIL, 1);
    }
    ls_add(t, LS_LOOKUP, 1);
    ls_add(t, LS_OPEN, 1);
    ls_add(t, LS_READ, rng_span(r, 1, 4));
    ls_add(t, LS_CLOSE, 1);
    ls_add(t, LS_SORT, 1);
    ls_add(t, LS_WRITE, rng_span(r, 1, 3));
    ls_add(t, LS_EXIT, 1);
}

void ls_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    if (t->pc == 0) {
        t->pc = 1;
        ls_plan(g, t);
    }
    if (!t->gap_done) {
        t->gap_done = true;
        compute(g, self, rng_span(&g->rng, 3 * US, 15 * US));
        return;
    }
    t->gap_done = false;
    LsStep step = t->prog.pos < t->prog.len ? (LsStep)t->prog.steps[t->prog.pos++] : LS_EXIT;
    switch (step) {
    case LS_LOOKUP: kc_send(g, self, T_PROC, OP_LOOKUP, 48, 24, false); return;
    case LS_LOOKUP_FAIL: kc_send(g, self, T_PROC, OP_LOOKUP, 48, 24, true); return;
    case LS_OPEN: kc_send(g, self, T_SDMMC, OP_OPEN, 64, 16, false); return;
    case LS_OPEN_FAIL: kc_send(g, self, T_SDMMC, OP_OPEN, 64, 16, true); return;
    case LS_READ: kc_send(g, self, T_SDMMC, OP_READ, 16, 1024, false); return;
    case LS_CLOSE: kc_send(g, self, T_SDMMC, OP_CLOSE, 8, 0, false); return;
    case LS_SORT: compute(g, self, rng_span(&g->rng, 40 * US, 200 * US)); return;
    case LS_WRITE: kc_send(g, self, T_PTY, OP_WRITE, 80, 0, false); return;
    case LS_EXIT: exit_process(g, self); return;
    }
}

static const Nanos BUSY_CHUNK = 500 * US;

void while_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    bool half = g->opt->kind == GEN_HALF_WHILE;
    if (t->pc == 0) {
        if (episode_over(g)) {
            exit_process(g, self);
            return;
        }
        t->pc = 1;
        t->phase_end = half ? g->clock + rng_span(&g->rng, 2 * MS, 4 * MS) : UINT64_MAX;
    }
    if (t->pc == 2) { /* back from sleeping */
        t->pc = 0;
        compute(g, self, 1 * US);
        return;
    }
    if (g->clock < t->phase_end) {
        Nanos left = t->phase_end - g->clock;
        compute(g, self, left < BUSY_CHUNK ? left : BUSY_CHUNK);
        if (!half && episode_over(g))
            t->pc = 0;
        return;
    }
    t->pc = 2;
    kc_nanosleep(g, self, rng_span(&g->rng, 2 * MS, 4 * MS), true);
}
