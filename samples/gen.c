/* The generator is a small discrete-event simulation of the board rather than a script of
 * canned event sequences: threads with priorities on two CPUs, message passing, pulses,
 * interrupts, timers and a preemptive scheduler. Every row is an event the simulated kernel
 * logs as it happens, so timing jitter, drifting sensor clocks and contention reorder the
 * concurrent activities the way they do on a real target, and an injected process disturbs
 * the normal ones through the same scheduler rather than by decree. */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../io/safe_file.h"

typedef uint64_t Nanos;

#define US 1000ULL
#define MS 1000000ULL

static const Nanos TICK = 500 * US;         /* ClockPeriod the flight stack sets for its 400 Hz loop */
static const Nanos SLICE = 4 * 500 * US;    /* round-robin timeslice: four ticks */
static const uint64_t TICKS_PER_CYCLE = 5;  /* control period 2.5 ms */
static const Nanos IMU_PERIOD = 2500 * US;
static const Nanos GPS_INTERVAL = 100 * MS;
static const Nanos GPS_CHAR_GAP = 1389 * US; /* a 16-byte FIFO at 115200 baud */
static const Nanos SIM_PACKET_PERIOD = 20 * MS;
static const Nanos TELEMETRY_PERIOD = 20 * MS;
static const Nanos RECENT_INJECTION = 20 * MS;

enum { BUFFER_EVENTS = 1024, MAX_EPISODES = 256, PROGRESS_EVERY = 65536 };

/* ---------------------------------------------------------------- random numbers */

typedef struct Rng {
    uint64_t s[4];
} Rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** */
static uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static uint64_t rng_below(Rng *r, uint64_t n) { return n ? rng_next(r) % n : 0; }
static uint64_t rng_span(Rng *r, uint64_t lo, uint64_t hi) { return lo + rng_below(r, hi - lo + 1); }
static bool rng_chance(Rng *r, unsigned per_mille) { return rng_below(r, 1000) < per_mille; }

/* ---------------------------------------------------------------- event keys */

typedef enum Key {
    K_CONTROL_BUFFER, K_CONTROL_TIME,
    K_INT_ENTR, K_INT_HANDLER_ENTR, K_INT_HANDLER_EXIT, K_INT_EXIT,
    K_CALL_MSG_SENDV, K_EXIT_MSG_SENDV, K_CALL_MSG_RECEIVEV, K_EXIT_MSG_RECEIVEV,
    K_CALL_MSG_REPLYV, K_EXIT_MSG_REPLYV, K_CALL_MSG_ERROR, K_EXIT_MSG_ERROR,
    K_CALL_MSG_SENDPULSE, K_EXIT_MSG_SENDPULSE,
    K_CALL_INTERRUPT_WAIT, K_EXIT_INTERRUPT_WAIT,
    K_CALL_CONDVAR_WAIT, K_EXIT_CONDVAR_WAIT, K_CALL_CONDVAR_SIGNAL, K_EXIT_CONDVAR_SIGNAL,
    K_CALL_MUTEX_LOCK, K_EXIT_MUTEX_LOCK, K_CALL_MUTEX_UNLOCK, K_EXIT_MUTEX_UNLOCK,
    K_CALL_TIMER_TIMEOUT, K_EXIT_TIMER_TIMEOUT,
    K_CALL_TRACE_EVENT, K_EXIT_TRACE_EVENT,
    K_CALL_THREAD_DESTROY,
    K_SND_MESSAGE, K_SND_PULSE, K_SND_PULSE_EXE, K_REC_MESSAGE, K_REC_PULSE,
    K_REPLY_MESSAGE, K_MSG_ERROR, K_SIGNAL,
    K_THREADY, K_THRUNNING, K_THRECEIVE, K_THREPLY, K_THSEND, K_THNANOSLEEP, K_THINTR,
    K_THCONDVAR, K_THMUTEX, K_THCREATE, K_THDESTROY,
    K_PROCCREATE_NAME, K_PROCDESTROY,
    K_USREVENT,
    KEY_COUNT
} Key;

/* class and event as they go into the CSV */
static const char *const key_csv[KEY_COUNT] = {
    [K_CONTROL_BUFFER] = "CONTROL,BUFFER",
    [K_CONTROL_TIME] = "CONTROL,TIME",
    [K_INT_ENTR] = "INT,INT_ENTR",
    [K_INT_HANDLER_ENTR] = "INT,INT_HANDLER_ENTR",
    [K_INT_HANDLER_EXIT] = "INT,INT_HANDLER_EXIT",
    [K_INT_EXIT] = "INT,INT_EXIT",
    [K_CALL_MSG_SENDV] = "KER_CALL,MSG_SENDV",
    [K_EXIT_MSG_SENDV] = "KER_EXIT,MSG_SENDV",
    [K_CALL_MSG_RECEIVEV] = "KER_CALL,MSG_RECEIVEV",
    [K_EXIT_MSG_RECEIVEV] = "KER_EXIT,MSG_RECEIVEV",
    [K_CALL_MSG_REPLYV] = "KER_CALL,MSG_REPLYV",
    [K_EXIT_MSG_REPLYV] = "KER_EXIT,MSG_REPLYV",
    [K_CALL_MSG_ERROR] = "KER_CALL,MSG_ERROR",
    [K_EXIT_MSG_ERROR] = "KER_EXIT,MSG_ERROR",
    [K_CALL_MSG_SENDPULSE] = "KER_CALL,MSG_SENDPULSE",
    [K_EXIT_MSG_SENDPULSE] = "KER_EXIT,MSG_SENDPULSE",
    [K_CALL_INTERRUPT_WAIT] = "KER_CALL,INTERRUPT_WAIT",
    [K_EXIT_INTERRUPT_WAIT] = "KER_EXIT,INTERRUPT_WAIT",
    [K_CALL_CONDVAR_WAIT] = "KER_CALL,SYNC_CONDVAR_WAIT",
    [K_EXIT_CONDVAR_WAIT] = "KER_EXIT,SYNC_CONDVAR_WAIT",
    [K_CALL_CONDVAR_SIGNAL] = "KER_CALL,SYNC_CONDVAR_SIGNAL",
    [K_EXIT_CONDVAR_SIGNAL] = "KER_EXIT,SYNC_CONDVAR_SIGNAL",
    [K_CALL_MUTEX_LOCK] = "KER_CALL,SYNC_MUTEX_LOCK",
    [K_EXIT_MUTEX_LOCK] = "KER_EXIT,SYNC_MUTEX_LOCK",
    [K_CALL_MUTEX_UNLOCK] = "KER_CALL,SYNC_MUTEX_UNLOCK",
    [K_EXIT_MUTEX_UNLOCK] = "KER_EXIT,SYNC_MUTEX_UNLOCK",
    [K_CALL_TIMER_TIMEOUT] = "KER_CALL,TIMER_TIMEOUT",
    [K_EXIT_TIMER_TIMEOUT] = "KER_EXIT,TIMER_TIMEOUT",
    [K_CALL_TRACE_EVENT] = "KER_CALL,TRACE_EVENT",
    [K_EXIT_TRACE_EVENT] = "KER_EXIT,TRACE_EVENT",
    [K_CALL_THREAD_DESTROY] = "KER_CALL,THREAD_DESTROY",
    [K_SND_MESSAGE] = "COMM,SND_MESSAGE",
    [K_SND_PULSE] = "COMM,SND_PULSE",
    [K_SND_PULSE_EXE] = "COMM,SND_PULSE_EXE",
    [K_REC_MESSAGE] = "COMM,REC_MESSAGE",
    [K_REC_PULSE] = "COMM,REC_PULSE",
    [K_REPLY_MESSAGE] = "COMM,REPLY_MESSAGE",
    [K_MSG_ERROR] = "COMM,MSG_ERROR",
    [K_SIGNAL] = "COMM,SIGNAL",
    [K_THREADY] = "THREAD,THREADY",
    [K_THRUNNING] = "THREAD,THRUNNING",
    [K_THRECEIVE] = "THREAD,THRECEIVE",
    [K_THREPLY] = "THREAD,THREPLY",
    [K_THSEND] = "THREAD,THSEND",
    [K_THNANOSLEEP] = "THREAD,THNANOSLEEP",
    [K_THINTR] = "THREAD,THINTR",
    [K_THCONDVAR] = "THREAD,THCONDVAR",
    [K_THMUTEX] = "THREAD,THMUTEX",
    [K_THCREATE] = "THREAD,THCREATE",
    [K_THDESTROY] = "THREAD,THDESTROY",
    [K_PROCCREATE_NAME] = "PROCESS,PROCCREATE_NAME",
    [K_PROCDESTROY] = "PROCESS,PROCDESTROY",
    [K_USREVENT] = "USREVENT,USREVENT",
};

/* ---------------------------------------------------------------- the simulated system */

typedef enum ProcId {
    P_PROCNTO, P_SLOGGER, P_SER, P_IOPKT, P_SDMMC, P_PTY, P_IMU, P_PWM, P_HIL, P_FCS,
    P_TELEMETRY, P_SH, P_LS, P_WHILE, P_COUNT
} ProcId;

typedef struct Process {
    const char *name;
    int pid;
    bool injected;
    int episode;        /* for an injected process: the episode it belongs to, 1-based */
} Process;

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

/* QNX pids carry the process-table slot in the low 12 bits and a generation above */
static int make_pid(int slot, int generation) { return slot + 4096 * generation; }

typedef enum ThreadId {
    T_IDLE0, T_IDLE1,   /* procnto's idle threads; kernel-context events are logged as T_IDLE0 */
    T_PROC, T_SLOGGER, T_SER, T_IOPKT, T_SDMMC, T_PTY, T_IMU_RM, T_IMU_INTR, T_PWM,
    T_HIL, T_FCS_CTRL, T_FCS_EST, T_FCS_GPS, T_TELEMETRY, T_SH, T_LS, T_WHILE,
    T_COUNT
} ThreadId;

enum { T_FIRST_SCHEDULED = T_PROC };

typedef enum Role {
    ROLE_IDLE, ROLE_SERVER, ROLE_FCS_CTRL, ROLE_FCS_EST, ROLE_FCS_GPS, ROLE_IMU_INTR,
    ROLE_HIL, ROLE_TELEMETRY, ROLE_SH, ROLE_LS, ROLE_WHILE
} Role;

typedef enum ThState {
    TS_RUNNING, TS_READY, TS_RECEIVE, TS_REPLY, TS_SEND, TS_NANOSLEEP, TS_INTR, TS_CONDVAR,
    TS_MUTEX, TS_DEAD
} ThState;

/* what the kernel reports when a blocked thread runs again */
typedef enum Pending {
    PEND_NONE, PEND_RECEIVE, PEND_SEND, PEND_INTR, PEND_CONDVAR, PEND_MUTEX, PEND_SLEEP
} Pending;

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

typedef enum Op { OP_READ, OP_WRITE, OP_OPEN, OP_CLOSE, OP_LOOKUP, OP_SPAWN, OP_WAIT } Op;

enum { PULSE_TIMER = 1, PULSE_IRQ = 2, PULSE_LOG = 3, PULSE_CHILD = 4 };
enum { ERR_NOENT = 2, SIGCHLD_NO = 18 };

typedef struct Thread {
    ProcId proc;
    int tid, cpu, base_prio, prio;
    bool round_robin;
    Role role;
    ThState state;
    Pending pending;
    int pc;                 /* where the behaviour resumes */
    int64_t ready_order;    /* lower runs first among equal priorities */
    Nanos compute_end;      /* while running: when the current stretch of work ends */
    Nanos compute_left;     /* after a preemption: work still to do */
    uint32_t run_gen;       /* bumped on every dispatch and block: stale run events ignore themselves */
    uint32_t sleep_gen;
    int taint;              /* episode of the injected request a server is handling, else 0 */
    /* as a client: the request in flight and its outcome */
    Op req_op;
    int req_send_len, req_reply_len;
    bool req_fails;
    int reply_status;       /* bytes on success, -errno on error */
    /* as a server: what was received */
    bool rx_pulse;
    int rx_code;
    ThreadId rx_client;
    /* behaviour state */
    uint64_t counter;
    Nanos phase_end;
    bool gap_done;
    uint8_t prog[24];
    int prog_len, prog_pos;
} Thread;

typedef struct Pulse {
    int code, episode;
} Pulse;

enum { CHANNEL_SENDERS = 8, CHANNEL_PULSES = 16 };

typedef struct Channel {
    ThreadId senders[CHANNEL_SENDERS];
    int n_senders;
    Pulse pulses[CHANNEL_PULSES];
    int n_pulses;
} Channel;

typedef struct Cpu {
    int current;        /* running thread, -1 for idle */
    bool idle_shown;
} Cpu;

typedef struct Mutex {
    int owner;
    ThreadId waiters[4];
    int n_waiters;
} Mutex;

typedef enum SimKind { SIM_RUN, SIM_SLICE, SIM_TIMER, SIM_IRQ } SimKind;
typedef enum IrqSource { IRQ_IMU, IRQ_GPS, IRQ_NET } IrqSource;
enum { WHO_CONTROL_TIMER = -1 };

typedef struct SimEvent {
    Nanos t;
    uint64_t seq;
    uint32_t gen;
    int16_t kind, who;
} SimEvent;

typedef struct EventQueue {
    SimEvent *items;
    size_t count, cap;
    uint64_t next_seq;
} EventQueue;

typedef struct Episode {
    uint64_t start, end;    /* event indices: starts once reached, winds down once passed */
} Episode;

typedef struct Gen {
    const GenOptions *opt;
    FILE *trace, *truth;
    Rng rng;
    uint64_t tick_salt;
    Nanos clock;            /* now; every row written moves it on a little */
    uint64_t written;
    uint32_t buffer_seq, time_msb;
    bool time_shown;
    int cause;              /* episode behind the action being simulated, 0 for none */
    int last_mark;
    Nanos last_mark_time;
    uint64_t run_first, run_last;
    int run_episode;        /* open truth run, 0 for none */
    char detail[160];

    Process procs[P_COUNT];
    Thread threads[T_COUNT];
    Channel chans[T_COUNT];
    Cpu cpus[2];
    Mutex state_lock;
    EventQueue queue;
    bool out_of_memory;
    int64_t ready_tail, ready_head;

    uint64_t control_tick;
    int phase;
    uint64_t next_phase_cycle;
    Nanos imu_period;
    int gps_chars_left;
    Nanos gps_burst_start, net_next;
    int ser_reader, iopkt_reader;   /* thread whose read the driver holds, -1 for none */
    int ser_lines, iopkt_packets;
    int proc_waiter, last_child_pid, generation;
    bool child_exited;
    uint64_t log_pulses;

    Episode episodes[MAX_EPISODES];
    int ep_count, ep_next, ep_current;
    bool ep_active;
} Gen;

/* ---------------------------------------------------------------- writing rows and truth */

static const char *fmt(Gen *g, const char *format, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(Gen *g, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(g->detail, sizeof g->detail, format, ap);
    va_end(ap);
    return g->detail;
}

static bool done(const Gen *g) { return g->written >= g->opt->n_events; }

static void truth_flush(Gen *g)
{
    if (g->run_episode && g->truth)
        fprintf(g->truth, "%" PRIu64 ",%" PRIu64 ",%d\n", g->run_first, g->run_last,
                g->run_episode);
    g->run_episode = 0;
}

static void truth_note(Gen *g, uint64_t index, int mark)
{
    if (!mark)
        return;
    g->last_mark = mark;
    g->last_mark_time = g->clock;
    if (g->run_episode == mark && g->run_last + 1 == index) {
        g->run_last = index;
        return;
    }
    truth_flush(g);
    g->run_first = g->run_last = index;
    g->run_episode = mark;
}

static void write_row(Gen *g, ThreadId who, Key key, const char *detail, int mark)
{
    if (done(g))
        return;
    const Thread *th = &g->threads[who];
    const Process *p = &g->procs[th->proc];
    fprintf(g->trace, "%" PRIu64 ",%d,%s,%d,%d,%s,%s\n", g->clock, th->cpu, key_csv[key],
            p->pid, th->tid, p->name, detail);
    truth_note(g, g->written, mark);
    g->written++;
    g->clock += 150 + (rng_next(&g->rng) & 127);
    if (g->opt->progress && g->written % PROGRESS_EVERY == 0)
        g->opt->progress(g->written, g->opt->n_events, g->opt->progress_ctx);
}

static int own_mark(const Gen *g, ThreadId who)
{
    const Thread *th = &g->threads[who];
    const Process *p = &g->procs[th->proc];
    return p->injected ? p->episode : th->taint;
}

/* tracelogger's own records: a buffer header every BUFFER_EVENTS rows, the time base at the
 * start and whenever the low 32 bits of the clock roll over */
static void write_control_rows(Gen *g)
{
    char text[64];
    if (g->written % BUFFER_EVENTS == 0) {
        snprintf(text, sizeof text, "seq=%" PRIu32 " events=%d", g->buffer_seq++, BUFFER_EVENTS);
        write_row(g, T_IDLE0, K_CONTROL_BUFFER, text, 0);
    }
    uint32_t msb = (uint32_t)(g->clock >> 32);
    if (!g->time_shown || msb != g->time_msb) {
        g->time_shown = true;
        g->time_msb = msb;
        snprintf(text, sizeof text, "msb=0x%08" PRIx32 " lsb=0x%08" PRIx32, msb,
                 (uint32_t)g->clock);
        write_row(g, T_IDLE0, K_CONTROL_TIME, text, 0);
    }
}

static void emit(Gen *g, ThreadId who, Key key, const char *detail)
{
    write_control_rows(g);
    const Process *p = &g->procs[g->threads[who].proc];
    write_row(g, who, key, detail, p->injected ? p->episode : g->cause);
}

/* ---------------------------------------------------------------- the event queue */

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

static SimEvent queue_pop(EventQueue *q)
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
static void schedule(Gen *g, SimKind kind, int who, Nanos t, uint32_t gen)
{
    if (!queue_push(&g->queue, kind, who, t, gen))
        g->out_of_memory = true;
}

/* ---------------------------------------------------------------- the scheduler */

static ThreadId idle_thread(int cpu) { return cpu == 0 ? T_IDLE0 : T_IDLE1; }

static int best_ready(const Gen *g, int cpu)
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

static void compute(Gen *g, ThreadId who, Nanos duration)
{
    Thread *t = &g->threads[who];
    t->compute_end = g->clock + duration;
    schedule(g, SIM_RUN, who, t->compute_end, t->run_gen);
}

static void make_ready(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    t->state = TS_READY;
    t->ready_order = g->ready_tail++;
    emit(g, who, K_THREADY, fmt(g, "prio=%d", t->prio));
}

static void block(Gen *g, ThreadId who, ThState state, Key key, Pending pending)
{
    Thread *t = &g->threads[who];
    t->state = state;
    t->pending = pending;
    t->run_gen++;
    g->cpus[t->cpu].current = -1;
    emit(g, who, key, "");
}

static void report_receive(Gen *g, ThreadId server);

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
        if (t->reply_status >= 0)
            emit(g, who, K_EXIT_MSG_SENDV, fmt(g, "ret=%d", t->reply_status));
        else
            emit(g, who, K_EXIT_MSG_SENDV, fmt(g, "ret=-1 errno=%d", -t->reply_status));
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
    Cpu *cpu = &g->cpus[t->cpu];
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

static void preempt(Gen *g, ThreadId who, bool to_tail)
{
    Thread *t = &g->threads[who];
    t->compute_left = t->compute_end > g->clock ? t->compute_end - g->clock : 300;
    t->run_gen++;
    t->state = TS_READY;
    t->ready_order = to_tail ? g->ready_tail++ : g->ready_head--;
    g->cpus[t->cpu].current = -1;
    emit(g, who, K_THREADY, fmt(g, "prio=%d", t->prio));
}

/* Run at the end of every action: kernel calls are the preemption points. */
static void settle_cpu(Gen *g, int cpu_no)
{
    Cpu *cpu = &g->cpus[cpu_no];
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

/* ---------------------------------------------------------------- timers */

/* Interrupt latency of one clock tick: the same for every timer expiring on that tick, so
 * they share one interrupt. */
static Nanos tick_time(const Gen *g, uint64_t tick)
{
    uint64_t x = g->tick_salt ^ (tick * 0x9e3779b97f4a7c15ULL);
    uint64_t h = splitmix64(&x);
    Nanos latency = 700 + h % 2300;
    if ((h >> 32) % 400 == 0)
        latency += 8 * US + (h >> 44) % (20 * US);
    return tick * TICK + latency;
}

static void sleep_until_tick(Gen *g, ThreadId who, uint64_t tick)
{
    schedule(g, SIM_TIMER, who, tick_time(g, tick), g->threads[who].sleep_gen);
}

static void kc_nanosleep(Gen *g, ThreadId who, Nanos duration, bool wake_by_timer)
{
    emit(g, who, K_CALL_TIMER_TIMEOUT, fmt(g, "ns=%" PRIu64, duration));
    Thread *t = &g->threads[who];
    t->sleep_gen++;
    /* QNX rounds a sleep up to the next tick and one more */
    if (wake_by_timer)
        sleep_until_tick(g, who, (g->clock + duration) / TICK + 2);
    block(g, who, TS_NANOSLEEP, K_THNANOSLEEP, PEND_SLEEP);
}

/* ---------------------------------------------------------------- message passing */

static int recent_injection(const Gen *g)
{
    return g->last_mark && g->clock - g->last_mark_time < RECENT_INJECTION ? g->last_mark : 0;
}

static int coid_of(ThreadId server) { return 0x40000000 + (int)server; }
static int rcvid_of(ThreadId client) { return 0x10 + 0x101 * (int)client; }

static void deliver_message(Gen *g, ThreadId server, ThreadId client)
{
    Thread *s = &g->threads[server];
    s->rx_pulse = false;
    s->rx_client = client;
    s->taint = own_mark(g, client);
    s->prio = g->threads[client].prio; /* servers run at their client's priority */
}

static void deliver_pulse(Gen *g, ThreadId server, int code, int episode)
{
    Thread *s = &g->threads[server];
    if (s->state != TS_RECEIVE) {
        Channel *ch = &g->chans[server];
        if (ch->n_pulses < CHANNEL_PULSES)
            ch->pulses[ch->n_pulses++] = (Pulse){code, episode};
        return;
    }
    s->rx_pulse = true;
    s->rx_code = code;
    s->taint = episode;
    s->prio = s->base_prio;
    s->pending = PEND_RECEIVE;
    make_ready(g, server);
}

static void kernel_pulse(Gen *g, ThreadId server, int code)
{
    emit(g, T_IDLE0, K_SND_PULSE_EXE, fmt(g, "code=%d value=0x0 pid=%d", code,
                                            g->procs[g->threads[server].proc].pid));
    deliver_pulse(g, server, code, g->cause);
}

static void kc_send_pulse(Gen *g, ThreadId who, ThreadId server, int code)
{
    emit(g, who, K_CALL_MSG_SENDPULSE, fmt(g, "coid=0x%x code=%d", coid_of(server), code));
    emit(g, who, K_SND_PULSE, fmt(g, "code=%d value=0x0 pid=%d", code,
                                    g->procs[g->threads[server].proc].pid));
    deliver_pulse(g, server, code, own_mark(g, who));
    emit(g, who, K_EXIT_MSG_SENDPULSE, "ret=0");
}

static void kc_send(Gen *g, ThreadId client, ThreadId server, Op op, int send_len,
                    int reply_len, bool fails)
{
    Thread *c = &g->threads[client];
    c->req_op = op;
    c->req_send_len = send_len;
    c->req_reply_len = reply_len;
    c->req_fails = fails;
    emit(g, client, K_CALL_MSG_SENDV,
         fmt(g, "coid=0x%x sbytes=%d rbytes=%d", coid_of(server), send_len, reply_len));
    emit(g, client, K_SND_MESSAGE,
         fmt(g, "coid=0x%x rcvid=0x%x len=%d", coid_of(server), rcvid_of(client), send_len));
    Thread *s = &g->threads[server];
    if (s->state == TS_RECEIVE) {
        deliver_message(g, server, client);
        s->pending = PEND_RECEIVE;
        make_ready(g, server);
        block(g, client, TS_REPLY, K_THREPLY, PEND_SEND);
        return;
    }
    Channel *ch = &g->chans[server];
    if (ch->n_senders < CHANNEL_SENDERS)
        ch->senders[ch->n_senders++] = client;
    block(g, client, TS_SEND, K_THSEND, PEND_SEND);
}

static void report_receive(Gen *g, ThreadId server)
{
    Thread *s = &g->threads[server];
    if (s->rx_pulse) {
        emit(g, server, K_REC_PULSE, fmt(g, "code=%d value=0x0", s->rx_code));
        emit(g, server, K_EXIT_MSG_RECEIVEV, "rcvid=0x0");
        return;
    }
    const Thread *c = &g->threads[s->rx_client];
    emit(g, server, K_REC_MESSAGE,
         fmt(g, "rcvid=0x%x len=%d", rcvid_of(s->rx_client), c->req_send_len));
    emit(g, server, K_EXIT_MSG_RECEIVEV, fmt(g, "rcvid=0x%x", rcvid_of(s->rx_client)));
}

static bool take_queued(Gen *g, ThreadId server)
{
    Channel *ch = &g->chans[server];
    Thread *s = &g->threads[server];
    if (ch->n_pulses) {
        Pulse p = ch->pulses[0];
        memmove(ch->pulses, ch->pulses + 1, (size_t)--ch->n_pulses * sizeof *ch->pulses);
        s->rx_pulse = true;
        s->rx_code = p.code;
        s->taint = p.episode;
        s->prio = s->base_prio;
        return true;
    }
    if (!ch->n_senders)
        return false;
    ThreadId client = ch->senders[0];
    memmove(ch->senders, ch->senders + 1, (size_t)--ch->n_senders * sizeof *ch->senders);
    deliver_message(g, server, client);
    g->threads[client].state = TS_REPLY;
    g->cause = s->taint;
    emit(g, client, K_THREPLY, "");
    return true;
}

static void kc_receive(Gen *g, ThreadId server)
{
    emit(g, server, K_CALL_MSG_RECEIVEV, "chid=0x1");
    if (!take_queued(g, server)) {
        block(g, server, TS_RECEIVE, K_THRECEIVE, PEND_RECEIVE);
        return;
    }
    g->cause = own_mark(g, server);
    report_receive(g, server);
    compute(g, server, rng_span(&g->rng, 1 * US, 2 * US));
}

/* Takes a tick that is already queued, on behalf of whatever made the thread late. */
static void skip_tick(Gen *g, ThreadId self)
{
    g->cause = recent_injection(g);
    emit(g, self, K_CALL_MSG_RECEIVEV, "chid=0x1");
    take_queued(g, self);
    report_receive(g, self);
    compute(g, self, rng_span(&g->rng, 1 * US, 2 * US));
}

static void kc_reply(Gen *g, ThreadId server, ThreadId client, int status)
{
    Thread *c = &g->threads[client];
    int rcvid = rcvid_of(client);
    int pid = g->procs[c->proc].pid;
    c->reply_status = status;
    if (status >= 0) {
        emit(g, server, K_CALL_MSG_REPLYV, fmt(g, "rcvid=0x%x len=%d", rcvid, status));
        emit(g, server, K_REPLY_MESSAGE, fmt(g, "rcvid=0x%x pid=%d", rcvid, pid));
        make_ready(g, client);
        emit(g, server, K_EXIT_MSG_REPLYV, "ret=0");
        return;
    }
    emit(g, server, K_CALL_MSG_ERROR, fmt(g, "rcvid=0x%x err=%d", rcvid, -status));
    emit(g, server, K_MSG_ERROR, fmt(g, "rcvid=0x%x err=%d pid=%d", rcvid, -status, pid));
    make_ready(g, client);
    emit(g, server, K_EXIT_MSG_ERROR, "ret=0");
}

static bool has_pulse(const Gen *g, ThreadId server, int code)
{
    const Channel *ch = &g->chans[server];
    for (int i = 0; i < ch->n_pulses; i++)
        if (ch->pulses[i].code == code)
            return true;
    return false;
}

/* ---------------------------------------------------------------- synchronisation */

static const int STATE_LOCK_ADDR = 0x8049f20;
static const int EST_CONDVAR_ADDR = 0x8049f48;

/* Returns true when the lock was free; otherwise the thread is now blocked on it. */
static bool mutex_lock(Gen *g, ThreadId who)
{
    Mutex *m = &g->state_lock;
    if (m->owner < 0) {
        m->owner = who;
        return true;
    }
    emit(g, who, K_CALL_MUTEX_LOCK, fmt(g, "sync=0x%x owner=%d", STATE_LOCK_ADDR,
                                          g->threads[m->owner].tid));
    if (m->n_waiters < 4)
        m->waiters[m->n_waiters++] = who;
    block(g, who, TS_MUTEX, K_THMUTEX, PEND_MUTEX);
    return false;
}

static void mutex_unlock(Gen *g, ThreadId who)
{
    Mutex *m = &g->state_lock;
    if (!m->n_waiters) {
        m->owner = -1;
        return;
    }
    emit(g, who, K_CALL_MUTEX_UNLOCK, fmt(g, "sync=0x%x", STATE_LOCK_ADDR));
    ThreadId next = m->waiters[0];
    memmove(m->waiters, m->waiters + 1, (size_t)--m->n_waiters * sizeof *m->waiters);
    m->owner = next;
    make_ready(g, next);
    emit(g, who, K_EXIT_MUTEX_UNLOCK, "ret=0");
}

static void condvar_signal(Gen *g, ThreadId who, ThreadId waiter)
{
    emit(g, who, K_CALL_CONDVAR_SIGNAL, fmt(g, "sync=0x%x all=0", EST_CONDVAR_ADDR));
    if (g->threads[waiter].state == TS_CONDVAR)
        make_ready(g, waiter);
    emit(g, who, K_EXIT_CONDVAR_SIGNAL, "ret=0");
}

static void condvar_wait(Gen *g, ThreadId who)
{
    emit(g, who, K_CALL_CONDVAR_WAIT, fmt(g, "sync=0x%x mutex=0x%x", EST_CONDVAR_ADDR,
                                            STATE_LOCK_ADDR));
    block(g, who, TS_CONDVAR, K_THCONDVAR, PEND_CONDVAR);
}

/* ---------------------------------------------------------------- episodes */

static bool injecting_ls(const Gen *g)
{
    return g->opt->kind == GEN_FIFO_LS || g->opt->kind == GEN_FIFO_LS_SPORADIC;
}

static bool episode_over(const Gen *g)
{
    return !g->ep_active || g->written >= g->episodes[g->ep_current].end;
}

static void plan_episodes(Gen *g)
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
        g->episodes[i] = (Episode){start, start + length};
    }
    g->ep_count = (int)count;
}

/* Polled once a control cycle: the shell's sleep ends a few ticks after an episode is due. */
static void episodes_poll(Gen *g)
{
    if (g->ep_active || g->ep_next >= g->ep_count || g->written < g->episodes[g->ep_next].start)
        return;
    g->ep_active = true;
    g->ep_current = g->ep_next++;
    g->procs[P_SH].episode = g->ep_current + 1;
    sleep_until_tick(g, T_SH, g->clock / TICK + rng_span(&g->rng, 2, 8));
}

/* ---------------------------------------------------------------- processes coming and going */

static void spawn_child(Gen *g)
{
    ThreadId child = injecting_ls(g) ? T_LS : T_WHILE;
    Thread *t = &g->threads[child];
    Process *p = &g->procs[t->proc];
    p->pid = make_pid((int)t->proc + 1, ++g->generation);
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
    emit(g, child, K_THCREATE, fmt(g, "prio=%d policy=%s", t->prio, t->round_robin ? "RR" : "FIFO"));
    make_ready(g, child);
}

static void exit_process(Gen *g, ThreadId who)
{
    Thread *t = &g->threads[who];
    g->last_child_pid = g->procs[t->proc].pid;
    emit(g, who, K_CALL_THREAD_DESTROY, "tid=1 status=0");
    emit(g, who, K_THDESTROY, "");
    t->state = TS_DEAD;
    t->run_gen++;
    g->cpus[t->cpu].current = -1;
    kernel_pulse(g, T_PROC, PULSE_CHILD);
}

static void child_reaped(Gen *g)
{
    emit(g, T_PROC, K_PROCDESTROY,
         fmt(g, "ppid=%d pid=%d", g->procs[P_SH].pid, g->last_child_pid));
    emit(g, T_SH, K_SIGNAL, fmt(g, "signo=%d pid=%d", SIGCHLD_NO, g->last_child_pid));
    if (g->proc_waiter >= 0) {
        kc_reply(g, T_PROC, (ThreadId)g->proc_waiter, 0);
        g->proc_waiter = -1;
    } else {
        g->child_exited = true;
    }
}

/* ---------------------------------------------------------------- servers */

static Nanos service_time(Gen *g, const Thread *s, ThreadId self)
{
    Rng *r = &g->rng;
    if (s->rx_pulse)
        return self == T_PROC ? rng_span(r, 30 * US, 60 * US) : rng_span(r, 15 * US, 35 * US);
    Op op = g->threads[s->rx_client].req_op;
    switch (self) {
    case T_IMU_RM: return op == OP_READ ? rng_span(r, 12 * US, 22 * US) : rng_span(r, 6 * US, 10 * US);
    case T_PWM: return rng_span(r, 8 * US, 14 * US);
    case T_SER: return rng_span(r, 4 * US, 8 * US);
    case T_IOPKT: return op == OP_WRITE ? rng_span(r, 18 * US, 35 * US) : rng_span(r, 3 * US, 6 * US);
    case T_PTY: return rng_span(r, 10 * US, 25 * US);
    case T_PROC:
        return op == OP_SPAWN ? rng_span(r, 120 * US, 220 * US) : rng_span(r, 6 * US, 16 * US);
    case T_SDMMC:
        switch (op) {
        case OP_READ: return rng_span(r, 40 * US, 120 * US);
        case OP_WRITE: return rng_span(r, 150 * US, 300 * US);
        case OP_OPEN: return rng_span(r, 20 * US, 60 * US);
        default: return rng_span(r, 8 * US, 15 * US);
        }
    default: return rng_span(r, 10 * US, 30 * US);
    }
}

/* A driver that holds a read until data arrives: the GPS serial port and the network stack. */
static void serve_buffered(Gen *g, ThreadId self, int *reader, int *buffered, int reply_len)
{
    Thread *s = &g->threads[self];
    if (s->rx_pulse) {
        if (*reader >= 0) {
            kc_reply(g, self, (ThreadId)*reader, reply_len);
            *reader = -1;
        } else if (*buffered < 4) {
            ++*buffered;
        }
        return;
    }
    ThreadId client = s->rx_client;
    if (g->threads[client].req_op != OP_READ) {
        kc_reply(g, self, client, g->threads[client].req_send_len);
    } else if (*buffered > 0) {
        --*buffered;
        kc_reply(g, self, client, reply_len);
    } else {
        *reader = (int)client;
    }
}

static void serve_proc(Gen *g)
{
    Thread *s = &g->threads[T_PROC];
    if (s->rx_pulse) {
        child_reaped(g);
        return;
    }
    ThreadId client = s->rx_client;
    const Thread *c = &g->threads[client];
    switch (c->req_op) {
    case OP_SPAWN:
        spawn_child(g);
        kc_reply(g, T_PROC, client, 8);
        break;
    case OP_WAIT:
        if (g->child_exited) {
            g->child_exited = false;
            kc_reply(g, T_PROC, client, 8);
        } else {
            g->proc_waiter = client;
        }
        break;
    default:
        kc_reply(g, T_PROC, client, c->req_fails ? -ERR_NOENT : c->req_reply_len);
        break;
    }
}

/* Answers what was received; returns false when the server went off as a client itself. */
static bool serve(Gen *g, ThreadId self)
{
    Thread *s = &g->threads[self];
    switch (self) {
    case T_SER:
        serve_buffered(g, self, &g->ser_reader, &g->ser_lines, 82);
        return true;
    case T_IOPKT:
        serve_buffered(g, self, &g->iopkt_reader, &g->iopkt_packets, 256);
        return true;
    case T_PROC:
        serve_proc(g);
        return true;
    case T_SLOGGER:
        /* every few records the log buffer goes out to flash */
        if (s->rx_pulse && ++g->log_pulses % 4 == 0) {
            s->pc = 3;
            kc_send(g, self, T_SDMMC, OP_WRITE, 4096, 0, false);
            return false;
        }
        return true;
    default: {
        const Thread *c = &g->threads[s->rx_client];
        int status = c->req_fails ? -ERR_NOENT
                     : c->req_op == OP_WRITE ? c->req_send_len : c->req_reply_len;
        kc_reply(g, self, s->rx_client, status);
        return true;
    }
    }
}

static void server_step(Gen *g, ThreadId self)
{
    Thread *s = &g->threads[self];
    switch (s->pc) {
    case 1:
        s->pc = 2;
        compute(g, self, service_time(g, s, self));
        return;
    case 2:
        s->pc = 1;
        if (serve(g, self))
            kc_receive(g, self);
        return;
    default: /* back from a request of its own */
        s->pc = 1;
        kc_receive(g, self);
        return;
    }
}

/* ---------------------------------------------------------------- the flight stack */

static const char *const phase_names[] = {
    "PREFLIGHT", "ARMED", "TAKEOFF", "HOVER", "MISSION", "RETURN", "LANDING", "DISARMED",
};
enum { PHASE_COUNT = sizeof phase_names / sizeof phase_names[0] };

static void fcs_housekeeping(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    if (t->counter >= g->next_phase_cycle) {
        g->phase = (g->phase + 1) % PHASE_COUNT;
        g->next_phase_cycle = t->counter + rng_span(&g->rng, 150, 600);
        emit(g, self, K_CALL_TRACE_EVENT, "mode=0x10000004");
        emit(g, self, K_USREVENT, fmt(g, "id=%d phase=%s", 100 + g->phase, phase_names[g->phase]));
        emit(g, self, K_EXIT_TRACE_EVENT, "ret=0");
    }
    if (rng_chance(&g->rng, 20))
        kc_send_pulse(g, self, T_SLOGGER, PULSE_LOG);
}

static void fcs_ctrl_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 0:
        t->pc = 1;
        kc_receive(g, self);
        return;
    case 1:
        /* a whole period late: this tick is dropped and the next one taken straight away */
        if (t->rx_pulse && has_pulse(g, self, PULSE_TIMER)) {
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

static void imu_intr_step(Gen *g, ThreadId self)
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

static void hil_step(Gen *g, ThreadId self)
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

static void telemetry_step(Gen *g, ThreadId self)
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

/* ---------------------------------------------------------------- the injected processes */

static const Nanos SH_IDLE_SLEEP = 30000 * MS;

static void sh_step(Gen *g, ThreadId self)
{
    Thread *t = &g->threads[self];
    switch (t->pc) {
    case 0:
        t->pc = 1;
        compute(g, self, rng_span(&g->rng, 40 * US, 90 * US));
        return;
    case 1:
        if (episode_over(g)) {
            g->ep_active = false;
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
            g->ep_active = false;
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
    for (uint64_t i = 0; i < times && t->prog_len < (int)sizeof t->prog; i++)
        t->prog[t->prog_len++] = (uint8_t)step;
}

/* What one ls does: load libc, fail to find a locale file or two, read the directory, sort,
 * print; a little different every run. */
static void ls_plan(Gen *g, Thread *t)
{
    Rng *r = &g->rng;
    t->prog_len = t->prog_pos = 0;
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

static void ls_step(Gen *g, ThreadId self)
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
    LsStep step = t->prog_pos < t->prog_len ? (LsStep)t->prog[t->prog_pos++] : LS_EXIT;
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

static void while_step(Gen *g, ThreadId self)
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

static void step(Gen *g, ThreadId self)
{
    switch (g->threads[self].role) {
    case ROLE_SERVER: server_step(g, self); return;
    case ROLE_FCS_CTRL: fcs_ctrl_step(g, self); return;
    case ROLE_FCS_EST: locked_update_step(g, self, 80 * US, 140 * US, 25 * US, 45 * US); return;
    case ROLE_FCS_GPS: locked_update_step(g, self, 30 * US, 60 * US, 5 * US, 10 * US); return;
    case ROLE_IMU_INTR: imu_intr_step(g, self); return;
    case ROLE_HIL: hil_step(g, self); return;
    case ROLE_TELEMETRY: telemetry_step(g, self); return;
    case ROLE_SH: sh_step(g, self); return;
    case ROLE_LS: ls_step(g, self); return;
    case ROLE_WHILE: while_step(g, self); return;
    case ROLE_IDLE: return;
    }
}

/* ---------------------------------------------------------------- interrupts */

static void control_timer_expired(Gen *g)
{
    kernel_pulse(g, T_FCS_CTRL, PULSE_TIMER);
    g->control_tick += TICKS_PER_CYCLE;
    schedule(g, SIM_TIMER, WHO_CONTROL_TIMER, tick_time(g, g->control_tick), 0);
}

static bool timer_valid(const Gen *g, const SimEvent *ev)
{
    if (ev->who == WHO_CONTROL_TIMER)
        return true;
    const Thread *t = &g->threads[ev->who];
    return t->state == TS_NANOSLEEP && t->sleep_gen == ev->gen;
}

static void timers_fire(Gen *g, SimEvent first)
{
    SimEvent due[T_COUNT + 1];
    int n = 0;
    if (timer_valid(g, &first))
        due[n++] = first;
    while (g->queue.count && g->queue.items[0].kind == SIM_TIMER && g->queue.items[0].t == first.t) {
        SimEvent ev = queue_pop(&g->queue);
        if (timer_valid(g, &ev) && n < T_COUNT + 1)
            due[n++] = ev;
    }
    if (!n)
        return;
    /* a tick that fires only for an injected sleeper exists only because of it */
    int cause = -1;
    for (int i = 0; i < n; i++) {
        int mark = due[i].who == WHO_CONTROL_TIMER ? 0 : own_mark(g, (ThreadId)due[i].who);
        cause = cause < 0 || cause == mark ? mark : 0;
    }
    g->cause = cause;
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

static Nanos jitter(Gen *g, Nanos spread) { return rng_below(&g->rng, 2 * spread + 1); }

static void irq_schedule_next(Gen *g, IrqSource source, Nanos now)
{
    switch (source) {
    case IRQ_IMU:
        schedule(g, SIM_IRQ, source, now + g->imu_period + jitter(g, 400) - 400, 0);
        return;
    case IRQ_GPS:
        if (g->gps_chars_left > 0) {
            schedule(g, SIM_IRQ, source, now + GPS_CHAR_GAP + jitter(g, 5 * US) - 5 * US, 0);
            return;
        }
        g->gps_burst_start += GPS_INTERVAL + jitter(g, 30 * US) - 30 * US;
        g->gps_chars_left = rng_chance(&g->rng, 30) ? 6 : 5;
        schedule(g, SIM_IRQ, source, g->gps_burst_start, 0);
        return;
    case IRQ_NET:
        /* the simulator's packets come at 50 Hz, now and then two close together */
        g->net_next += SIM_PACKET_PERIOD;
        Nanos at = g->net_next + jitter(g, 150 * US) - 150 * US;
        if (rng_chance(&g->rng, 15))
            at = now + rng_span(&g->rng, 80 * US, 400 * US);
        schedule(g, SIM_IRQ, source, at, 0);
        return;
    }
}

static void irq_fire(Gen *g, IrqSource source, Nanos now)
{
    static const char *const vectors[] = {"vector=0x4a", "vector=0x24", "vector=0x5a"};
    const char *vector = vectors[source];
    emit(g, T_IDLE0, K_INT_ENTR, vector);
    emit(g, T_IDLE0, K_INT_HANDLER_ENTR, vector);
    emit(g, T_IDLE0, K_INT_HANDLER_EXIT, vector);
    switch (source) {
    case IRQ_IMU:
        if (g->threads[T_IMU_INTR].state == TS_INTR)
            make_ready(g, T_IMU_INTR);
        break;
    case IRQ_GPS:
        if (--g->gps_chars_left == 0)
            kernel_pulse(g, T_SER, PULSE_IRQ); /* a whole NMEA sentence is in */
        break;
    case IRQ_NET:
        kernel_pulse(g, T_IOPKT, PULSE_IRQ);
        break;
    }
    emit(g, T_IDLE0, K_INT_EXIT, vector);
    irq_schedule_next(g, source, now);
}

/* ---------------------------------------------------------------- one action */

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

/* ---------------------------------------------------------------- setting up */

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
    g->ser_reader = T_FCS_GPS;
    g->iopkt_reader = T_HIL;
    g->threads[T_FCS_GPS].req_op = OP_READ;
    g->threads[T_HIL].req_op = OP_READ;
    g->state_lock.owner = -1;
    g->proc_waiter = -1;
    for (int c = 0; c < 2; c++)
        g->cpus[c] = (Cpu){.current = -1, .idle_shown = true};
    g->ready_tail = 1;
    g->ready_head = -1;
}

static void setup_sources(Gen *g)
{
    Rng *r = &g->rng;
    g->tick_salt = rng_next(r);
    /* the IMU runs off its own crystal, so its phase against the control loop drifts */
    int64_t drift_ppm = (int64_t)rng_span(r, 500, 2000) * (rng_chance(r, 500) ? 1 : -1);
    g->imu_period = (Nanos)((int64_t)IMU_PERIOD + (int64_t)IMU_PERIOD * drift_ppm / 1000000);
    g->control_tick = rng_span(r, 2, 11);
    schedule(g, SIM_TIMER, WHO_CONTROL_TIMER, tick_time(g, g->control_tick), 0);
    schedule(g, SIM_IRQ, IRQ_IMU, rng_span(r, 10 * US, IMU_PERIOD), 0);
    g->gps_burst_start = rng_span(r, 1 * MS, GPS_INTERVAL);
    g->gps_chars_left = 5;
    schedule(g, SIM_IRQ, IRQ_GPS, g->gps_burst_start, 0);
    g->net_next = rng_span(r, 1 * MS, SIM_PACKET_PERIOD);
    schedule(g, SIM_IRQ, IRQ_NET, g->net_next, 0);
    sleep_until_tick(g, T_TELEMETRY, rng_span(r, 1, TELEMETRY_PERIOD / TICK));
    g->next_phase_cycle = rng_span(r, 40, 400);
    g->threads[T_SH].counter = rng_span(r, 0, 3);
}

static bool gen_init(Gen *g, const GenOptions *opt, FILE *trace, FILE *truth)
{
    memset(g, 0, sizeof *g);
    g->opt = opt;
    g->trace = trace;
    g->truth = truth;
    rng_seed(&g->rng, opt->seed ^ ((uint64_t)opt->kind << 56));
    setup_processes(g);
    setup_threads(g);
    plan_episodes(g);
    setup_sources(g);
    return !g->out_of_memory;
}

/* ---------------------------------------------------------------- the public functions */

static const char *const kind_names[GEN_KIND_COUNT] = {
    [GEN_CLEAN] = "clean",
    [GEN_FIFO_LS] = "fifo-ls",
    [GEN_FIFO_LS_SPORADIC] = "fifo-ls-sporadic",
    [GEN_FULL_WHILE] = "full-while",
    [GEN_HALF_WHILE] = "half-while",
};

bool gen_kind_parse(const char *name, GenKind *kind)
{
    for (int i = 0; i < GEN_KIND_COUNT; i++) {
        if (name && strcmp(name, kind_names[i]) == 0) {
            *kind = (GenKind)i;
            return true;
        }
    }
    return false;
}

const char *gen_kind_name(GenKind kind)
{
    return (unsigned)kind < GEN_KIND_COUNT ? kind_names[kind] : "unknown";
}

static bool stream_failed(FILE *fp, const char *name, Error *err)
{
    if (!fp || !ferror(fp))
        return false;
    int saved = errno;
    return !error_set(err, "%s: write failed: %s", name, saved ? strerror(saved) : "I/O error");
}

static bool run(Gen *g, const char *trace_name, const char *truth_name, Error *err)
{
    fputs("timestamp,cpu,class,event,pid,tid,process,detail\n", g->trace);
    if (g->truth)
        fputs("first_event,last_event,episode\n", g->truth);
    const volatile sig_atomic_t *cancel = g->opt->cancel;
    uint64_t next_check = PROGRESS_EVERY;
    while (!done(g)) {
        if (cancel && *cancel)
            return error_set(err, "interrupted");
        if (g->out_of_memory)
            return error_set(err, "%s: out of memory", trace_name);
        if (!g->queue.count)
            return error_set(err, "%s: simulation ran out of events", trace_name);
        act(g, queue_pop(&g->queue));
        if (g->written >= next_check) {
            next_check += PROGRESS_EVERY;
            if (stream_failed(g->trace, trace_name, err) || stream_failed(g->truth, truth_name, err))
                return false;
        }
    }
    truth_flush(g);
    if (fflush(g->trace) != 0 || (g->truth && fflush(g->truth) != 0)) {
        int saved = errno;
        return error_set(err, "%s: write failed: %s", ferror(g->trace) ? trace_name : truth_name,
                         strerror(saved));
    }
    return !stream_failed(g->trace, trace_name, err) && !stream_failed(g->truth, truth_name, err);
}

static bool generate(const GenOptions *opt, FILE *trace, FILE *truth, const char *trace_name,
                     const char *truth_name, Error *err)
{
    if (!opt || !trace)
        return error_set(err, "generator: no options or no trace stream");
    if ((unsigned)opt->kind >= GEN_KIND_COUNT)
        return error_set(err, "generator: unknown kind %d", (int)opt->kind);
    Gen *g = malloc(sizeof *g);
    if (!g)
        return error_set(err, "%s: out of memory", trace_name);
    bool ok = gen_init(g, opt, trace, truth) ? run(g, trace_name, truth_name, err)
                                             : error_set(err, "%s: out of memory", trace_name);
    free(g->queue.items);
    free(g);
    return ok;
}

bool gen_write_streams(const GenOptions *opt, FILE *trace, FILE *truth, Error *err)
{
    return generate(opt, trace, truth, "trace stream", "truth stream", err);
}

bool gen_write(const GenOptions *opt, const char *trace_path, const char *truth_path, Error *err)
{
    if (!trace_path)
        return error_set(err, "generator: no trace path");
    if (truth_path && strcmp(trace_path, truth_path) == 0)
        return error_set(err, "%s: trace and truth cannot be the same file", trace_path);
    SafeFile trace, truth;
    if (!safe_file_open(&trace, trace_path, err))
        return false;
    if (truth_path && !safe_file_open(&truth, truth_path, err)) {
        safe_file_abort(&trace);
        return false;
    }
    FILE *truth_fp = truth_path ? truth.fp : NULL;
    if (!generate(opt, trace.fp, truth_fp, trace_path, truth_path ? truth_path : "truth", err)) {
        safe_file_abort(&trace);
        if (truth_path)
            safe_file_abort(&truth);
        return false;
    }
    if (!safe_file_commit(&trace, err)) {
        if (truth_path)
            safe_file_abort(&truth);
        return false;
    }
    return !truth_path || safe_file_commit(&truth, err);
}
