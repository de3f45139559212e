/* The generator's shared state and the functions its files offer each other. Nothing here is
 * part of the public API (samples/gen.h); these names live only inside the library.
 *
 * The generator is a small discrete-event simulation of the board: an event queue of things
 * due (a thread's work ending, a timeslice, a timer, a device interrupt) drives the scheduler,
 * and every kernel action writes its rows as it happens. All randomness comes from g->rng, so
 * the order in which the files below draw from it is part of the output. */
#ifndef TRACEAID_GEN_INTERNAL_H
#define TRACEAID_GEN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../gen.h"
#include "rng.h"
#include "system.h"

/* the devices' timing, shared by setting them up (setup.c) and running them (interrupts.c) */
static const Nanos GPS_INTERVAL = 100 * MS;
static const Nanos SIM_PACKET_PERIOD = 20 * MS;
static const Nanos TELEMETRY_PERIOD = 20 * MS;

enum { MAX_EPISODES = 256, PROGRESS_EVERY = 65536 };

/* ---------------------------------------------------------------- the event queue */

typedef enum SimKind { SIM_RUN, SIM_SLICE, SIM_TIMER, SIM_IRQ } SimKind;
typedef enum IrqSource { IRQ_IMU, IRQ_GPS, IRQ_NET } IrqSource;
enum { WHO_CONTROL_TIMER = -1 };

/* Something due at t: `who` is a thread, an IrqSource or WHO_CONTROL_TIMER by kind; `gen`
 * is the thread's run_gen or sleep_gen when it was queued, so stale events are known. */
typedef struct SimEvent {
    Nanos t;
    uint64_t seq;           /* ties at the same t go first-queued first */
    uint32_t gen;
    int16_t kind, who;
} SimEvent;

/* a binary min-heap on (t, seq) */
typedef struct EventQueue {
    SimEvent *items;
    size_t count, cap;
    uint64_t next_seq;
} EventQueue;

/* ---------------------------------------------------------------- the state, by concern */

/* the open run of consecutive rows one episode produced, written to the truth when it ends */
typedef struct TruthRun {
    uint64_t first, last;
    int episode;            /* 0 for none open */
} TruthRun;

/* what goes out: the CSV rows with tracelogger's own records, and the ground truth */
typedef struct Output {
    FILE *trace, *truth;    /* truth may be NULL */
    uint64_t written;       /* rows so far, which is also the next row's index */
    uint32_t buffer_seq, time_msb;
    bool time_shown;
    TruthRun run;
    int last_mark;          /* episode of the latest row an injection caused */
    Nanos last_mark_time;
    char detail[160];       /* fmt()'s buffer */
} Output;

typedef struct Scheduler {
    Cpu cpus[2];
    int64_t ready_tail, ready_head; /* next ready_order at the back and at the front of the line */
} Scheduler;

typedef struct Timers {
    uint64_t tick_salt;     /* seeds each tick's interrupt latency */
    uint64_t control_tick;  /* the tick the control loop's timer fires on next */
} Timers;

/* the interrupting devices: the IMU, the GPS receiver's UART and the network interface */
typedef struct Devices {
    Nanos imu_period;       /* off the IMU's own crystal: drifts against the board's clock */
    int gps_chars_left;     /* UART interrupts still to come for this NMEA sentence */
    Nanos gps_burst_start;
    Nanos net_next;         /* when the simulator's next packet is due */
} Devices;

/* a driver that holds a read until data arrives */
typedef struct HeldRead {
    int reader;             /* thread whose read the driver holds, -1 for none */
    int buffered;           /* lines or packets in with no read waiting */
} HeldRead;

typedef struct Drivers {
    HeldRead ser, iopkt;    /* the GPS serial port (lines), the network stack (packets) */
    uint64_t log_pulses;    /* slogger2's records so far; every few go out to flash */
} Drivers;

/* procnto's side of the shell's children */
typedef struct ProcManager {
    int waiter;             /* thread blocked in a wait for its child, -1 for none */
    int last_child_pid;
    int generation;         /* pids of later children carry a higher generation */
    bool child_exited;      /* the child ended before anyone waited for it */
} ProcManager;

typedef struct FlightStack {
    int phase;              /* index into the flight phases of flight_stack.c */
    uint64_t next_phase_cycle;
} FlightStack;

typedef struct Episode {
    uint64_t start, end;    /* event indices: starts once reached, winds down once passed */
} Episode;

typedef struct Episodes {
    Episode items[MAX_EPISODES];
    int count, next, current;
    bool active;
} Episodes;

typedef struct Gen {
    const GenOptions *opt;
    Rng rng;
    Nanos clock;            /* now; every row written moves it on a little */
    int cause;              /* episode behind the action being simulated, 0 for none */
    EventQueue queue;
    bool out_of_memory;     /* a push failed; reported once the action is over */
    Output out;

    Process procs[P_COUNT];
    Thread threads[T_COUNT];
    Channel chans[T_COUNT];
    Scheduler sched;
    Mutex state_lock;
    Timers timers;
    Devices dev;
    Drivers drv;
    ProcManager pm;
    FlightStack fcs;
    Episodes episodes;
} Gen;

/* ---------------------------------------------------------------- event_queue.c */

SimEvent queue_pop(EventQueue *q);
void queue_free(EventQueue *q);
void schedule(Gen *g, SimKind kind, int who, Nanos t, uint32_t gen);

/* ---------------------------------------------------------------- writer.c */

/* formats into g's one detail buffer: valid until the next call */
const char *fmt(Gen *g, const char *format, ...) __attribute__((format(printf, 2, 3)));
bool all_written(const Gen *g);
int own_mark(const Gen *g, ThreadId who);
void emit(Gen *g, ThreadId who, Key key, const char *detail);
void output_begin(Gen *g);
bool output_failed(const Gen *g, const char *trace_name, const char *truth_name, Error *err);
bool output_finish(Gen *g, const char *trace_name, const char *truth_name, Error *err);

/* ---------------------------------------------------------------- scheduler.c */

int best_ready(const Gen *g, int cpu);
void compute(Gen *g, ThreadId who, Nanos duration);
void make_ready(Gen *g, ThreadId who);
void block(Gen *g, ThreadId who, ThState state, Key key, Pending pending);
void preempt(Gen *g, ThreadId who, bool to_tail);
void settle_cpu(Gen *g, int cpu_no);

/* ---------------------------------------------------------------- timers.c */

Nanos tick_time(const Gen *g, uint64_t tick);
void sleep_until_tick(Gen *g, ThreadId who, uint64_t tick);
void kc_nanosleep(Gen *g, ThreadId who, Nanos duration, bool wake_by_timer);
void timers_fire(Gen *g, SimEvent first);

/* ---------------------------------------------------------------- interrupts.c */

void irq_fire(Gen *g, IrqSource source, Nanos now);

/* ---------------------------------------------------------------- messages.c */

void kernel_pulse(Gen *g, ThreadId server, int code);
void kc_send_pulse(Gen *g, ThreadId who, ThreadId server, int code);
void kc_send(Gen *g, ThreadId client, ThreadId server, Op op, int send_len, int reply_len,
             bool fails);
void kc_receive(Gen *g, ThreadId server);
void report_receive(Gen *g, ThreadId server);
void skip_tick(Gen *g, ThreadId self);
void kc_reply(Gen *g, ThreadId server, ThreadId client, int status);
bool has_pulse(const Gen *g, ThreadId server, int code);

/* ---------------------------------------------------------------- sync.c */

bool mutex_lock(Gen *g, ThreadId who);
void mutex_unlock(Gen *g, ThreadId who);
void condvar_signal(Gen *g, ThreadId who, ThreadId waiter);
void condvar_wait(Gen *g, ThreadId who);

/* ---------------------------------------------------------------- the threads' behaviours */

void server_step(Gen *g, ThreadId self);            /* servers.c */

void fcs_ctrl_step(Gen *g, ThreadId self);          /* flight_stack.c */
void fcs_est_step(Gen *g, ThreadId self);
void fcs_gps_step(Gen *g, ThreadId self);
void imu_intr_step(Gen *g, ThreadId self);
void hil_step(Gen *g, ThreadId self);
void telemetry_step(Gen *g, ThreadId self);

void sh_step(Gen *g, ThreadId self);                /* injected.c */
void ls_step(Gen *g, ThreadId self);
void while_step(Gen *g, ThreadId self);

/* ---------------------------------------------------------------- injected.c */

void plan_episodes(Gen *g);
void episodes_poll(Gen *g);
void spawn_child(Gen *g);
void child_reaped(Gen *g);

/* ---------------------------------------------------------------- setup.c, simulation.c */

bool gen_init(Gen *g, const GenOptions *opt, FILE *trace, FILE *truth);
bool simulate(Gen *g, const char *trace_name, const char *truth_name, Error *err);

#endif
