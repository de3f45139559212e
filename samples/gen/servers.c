/* The resource managers: each receives, works for a while (how long depends on the request),
 * answers, and receives again. Most answer at once; the serial and network drivers hold a read
 * until data arrives; procnto spawns and reaps the shell's children; slogger2 now and then
 * writes its buffer out to flash as a client of the SD card driver. */
#include "gen_internal.h"

/* how long a server works on what it received */
static Nanos service_time(Gen *g, const Thread *s, ThreadId self)
{
    Rng *r = &g->rng;
    if (s->rx.pulse)
        return self == T_PROC ? rng_span(r, 30 * US, 60 * US) : rng_span(r, 15 * US, 35 * US);
    Op op = g->threads[s->rx.client].req.op;
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

/* A driver that holds a read until data arrives: the GPS serial port and the network stack.
 * The device's pulse answers the held read, or is kept (up to 4) for the next read. */
static void serve_buffered(Gen *g, ThreadId self, HeldRead *held, int reply_len)
{
    Thread *s = &g->threads[self];
    if (s->rx.pulse) {
        if (held->reader >= 0) {
            kc_reply(g, self, (ThreadId)held->reader, reply_len);
            held->reader = -1;
        } else if (held->buffered < 4) {
            ++held->buffered;
        }
        return;
    }
    ThreadId client = s->rx.client;
    if (g->threads[client].req.op != OP_READ) {
        kc_reply(g, self, client, g->threads[client].req.send_len);
    } else if (held->buffered > 0) {
        --held->buffered;
        kc_reply(g, self, client, reply_len);
    } else {
        held->reader = (int)client;
    }
}

/* procnto: path lookups, spawning the shell's child and waiting for it; its pulse is the
 * child's death. */
static void serve_proc(Gen *g)
{
    Thread *s = &g->threads[T_PROC];
    if (s->rx.pulse) {
        child_reaped(g);
        return;
    }
    ThreadId client = s->rx.client;
    const Thread *c = &g->threads[client];
    switch (c->req.op) {
    case OP_SPAWN:
        spawn_child(g);
        kc_reply(g, T_PROC, client, 8);
        break;
    case OP_WAIT:
        if (g->pm.child_exited) {
            g->pm.child_exited = false;
            kc_reply(g, T_PROC, client, 8);
        } else {
            g->pm.waiter = client;
        }
        break;
    default:
        kc_reply(g, T_PROC, client, c->req.fails ? -ERR_NOENT : c->req.reply_len);
        break;
    }
}

/* Answers what was received; returns false when the server went off as a client itself. */
static bool serve(Gen *g, ThreadId self)
{
    Thread *s = &g->threads[self];
    switch (self) {
    case T_SER:
        serve_buffered(g, self, &g->drv.ser, 82);
        return true;
    case T_IOPKT:
        serve_buffered(g, self, &g->drv.iopkt, 256);
        return true;
    case T_PROC:
        serve_proc(g);
        return true;
    case T_SLOGGER:
        /* every few records the log buffer goes out to flash */
        if (s->rx.pulse && ++g->drv.log_pulses % 4 == 0) {
            s->pc = 3;
            kc_send(g, self, T_SDMMC, OP_WRITE, 4096, 0, false);
            return false;
        }
        return true;
    default: {
        const Thread *c = &g->threads[s->rx.client];
        int status = c->req.fails ? -ERR_NOENT
                     : c->req.op == OP_WRITE ? c->req.send_len : c->req.reply_len;
        kc_reply(g, self, s->rx.client, status);
        return true;
    }
    }
}

/* pc 1: received, now working; 2: worked, now answering; 3: back from its own request */
void server_step(Gen *g, ThreadId self)
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
