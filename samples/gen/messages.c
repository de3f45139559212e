/* QNX message passing: a client's MsgSend blocks it until the server's MsgReply (send-blocked
 * while the server is busy, reply-blocked once it has received); pulses are one-way and queue
 * on the server's channel. A server runs at its client's priority and carries the client's
 * episode (taint), so work done for an injected process is marked as the injection's. */
#include <string.h>

#include "gen_internal.h"

static const Nanos RECENT_INJECTION = 20 * MS;

/* the episode whose rows came within RECENT_INJECTION, else 0 */
static int recent_injection(const Gen *g)
{
    const Output *out = &g->out;
    return out->last_mark && g->clock - out->last_mark_time < RECENT_INJECTION ? out->last_mark : 0;
}

static int coid_of(ThreadId server) { return 0x40000000 + (int)server; }
static int rcvid_of(ThreadId client) { return 0x10 + 0x101 * (int)client; }

static void deliver_message(Gen *g, ThreadId server, ThreadId client)
{
    Thread *s = &g->threads[server];
    s->rx.pulse = false;
    s->rx.client = client;
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
    s->rx.pulse = true;
    s->rx.code = code;
    s->taint = episode;
    s->prio = s->base_prio;
    s->pending = PEND_RECEIVE;
    make_ready(g, server);
}

/* A pulse the kernel sends for a timer or an interrupt, on behalf of the action's cause. */
void kernel_pulse(Gen *g, ThreadId server, int code)
{
    emit(g, T_IDLE0, K_SND_PULSE_EXE, fmt(g, "code=%d value=0x0 pid=%d", code,
                                            g->procs[g->threads[server].proc].pid));
    deliver_pulse(g, server, code, g->cause);
}

void kc_send_pulse(Gen *g, ThreadId who, ThreadId server, int code)
{
    emit(g, who, K_CALL_MSG_SENDPULSE, fmt(g, "coid=0x%x code=%d", coid_of(server), code));
    emit(g, who, K_SND_PULSE, fmt(g, "code=%d value=0x0 pid=%d", code,
                                    g->procs[g->threads[server].proc].pid));
    deliver_pulse(g, server, code, own_mark(g, who));
    emit(g, who, K_EXIT_MSG_SENDPULSE, "ret=0");
}

/* The client blocks: reply-blocked when the server was waiting in a receive, else send-blocked
 * on the server's channel until it gets round to it. */
void kc_send(Gen *g, ThreadId client, ThreadId server, Op op, int send_len, int reply_len,
             bool fails)
{
    Thread *c = &g->threads[client];
    c->req.op = op;
    c->req.send_len = send_len;
    c->req.reply_len = reply_len;
    c->req.fails = fails;
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

/* The end of a server's receive: what it got, as the kernel logs it. */
void report_receive(Gen *g, ThreadId server)
{
    Thread *s = &g->threads[server];
    if (s->rx.pulse) {
        emit(g, server, K_REC_PULSE, fmt(g, "code=%d value=0x0", s->rx.code));
        emit(g, server, K_EXIT_MSG_RECEIVEV, "rcvid=0x0");
        return;
    }
    const Thread *c = &g->threads[s->rx.client];
    emit(g, server, K_REC_MESSAGE,
         fmt(g, "rcvid=0x%x len=%d", rcvid_of(s->rx.client), c->req.send_len));
    emit(g, server, K_EXIT_MSG_RECEIVEV, fmt(g, "rcvid=0x%x", rcvid_of(s->rx.client)));
}

/* What a server's receive finds already waiting, pulses first; false when there is nothing. */
static bool take_queued(Gen *g, ThreadId server)
{
    Channel *ch = &g->chans[server];
    Thread *s = &g->threads[server];
    if (ch->n_pulses) {
        Pulse p = ch->pulses[0];
        memmove(ch->pulses, ch->pulses + 1, (size_t)--ch->n_pulses * sizeof *ch->pulses);
        s->rx.pulse = true;
        s->rx.code = p.code;
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

void kc_receive(Gen *g, ThreadId server)
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
void skip_tick(Gen *g, ThreadId self)
{
    g->cause = recent_injection(g);
    emit(g, self, K_CALL_MSG_RECEIVEV, "chid=0x1");
    take_queued(g, self);
    report_receive(g, self);
    compute(g, self, rng_span(&g->rng, 1 * US, 2 * US));
}

/* A status >= 0 is a reply of that many bytes; a negative one is MsgError with -status. */
void kc_reply(Gen *g, ThreadId server, ThreadId client, int status)
{
    Thread *c = &g->threads[client];
    int rcvid = rcvid_of(client);
    int pid = g->procs[c->proc].pid;
    c->req.status = status;
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

bool has_pulse(const Gen *g, ThreadId server, int code)
{
    const Channel *ch = &g->chans[server];
    for (int i = 0; i < ch->n_pulses; i++)
        if (ch->pulses[i].code == code)
            return true;
    return false;
}
