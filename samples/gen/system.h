/* The simulated board as the generator's files share it: time units, the kernel event keys,
 * and the processes and threads with what the kernel keeps about each. Every thread and
 * process is known in advance (an injected process only comes and goes), so they are fixed
 * enums indexing fixed arrays. */
#ifndef TRACEAID_GEN_SYSTEM_H
#define TRACEAID_GEN_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t Nanos;

#define US 1000ULL
#define MS 1000000ULL

static const Nanos TICK = 500 * US;         /* ClockPeriod the flight stack sets for its 400 Hz loop */
static const Nanos SLICE = 4 * 500 * US;    /* round-robin timeslice: four ticks */

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

/* ---------------------------------------------------------------- processes */

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

/* QNX pids carry the process-table slot in the low 12 bits and a generation above */
static inline int make_pid(int slot, int generation) { return slot + 4096 * generation; }

/* ---------------------------------------------------------------- threads */

typedef enum ThreadId {
    T_IDLE0, T_IDLE1,   /* procnto's idle threads; kernel-context events are logged as T_IDLE0 */
    T_PROC, T_SLOGGER, T_SER, T_IOPKT, T_SDMMC, T_PTY, T_IMU_RM, T_IMU_INTR, T_PWM,
    T_HIL, T_FCS_CTRL, T_FCS_EST, T_FCS_GPS, T_TELEMETRY, T_SH, T_LS, T_WHILE,
    T_COUNT
} ThreadId;

enum { T_FIRST_SCHEDULED = T_PROC };

/* which behaviour a thread runs (simulation.c picks the step function by it) */
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

/* what a client asks of a server; the server's service time and answer depend on it */
typedef enum Op { OP_READ, OP_WRITE, OP_OPEN, OP_CLOSE, OP_LOOKUP, OP_SPAWN, OP_WAIT } Op;

enum { PULSE_TIMER = 1, PULSE_IRQ = 2, PULSE_LOG = 3, PULSE_CHILD = 4 };
enum { ERR_NOENT = 2, SIGCHLD_NO = 18 };

/* as a client: the request in flight and its outcome */
typedef struct Request {
    Op op;
    int send_len, reply_len;
    bool fails;
    int status;             /* the reply: bytes on success, -errno on error */
} Request;

/* as a server: what was received */
typedef struct Received {
    bool pulse;             /* a pulse, else a message */
    int code;               /* the pulse's code */
    ThreadId client;        /* the message's sender */
} Received;

/* what one run of ls will do, planned when it starts (injected.c) */
typedef struct LsProgram {
    uint8_t steps[24];
    int len, pos;
} LsProgram;

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
    Request req;
    Received rx;
    /* behaviour state */
    uint64_t counter;
    Nanos phase_end;
    bool gap_done;
    LsProgram prog;
} Thread;

/* ---------------------------------------------------------------- kernel objects */

typedef struct Pulse {
    int code, episode;
} Pulse;

enum { CHANNEL_SENDERS = 8, CHANNEL_PULSES = 16 };

/* a server's channel: messages and pulses that came while it was busy, oldest first */
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

#endif
