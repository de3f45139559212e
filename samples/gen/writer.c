/* Writing what the simulated kernel logs: one CSV row per event, tracelogger's own CONTROL
 * records among them, and the ground truth: the runs of consecutive rows that an injected
 * process caused, directly or through the servers and the scheduler acting for it. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "gen_internal.h"

enum { BUFFER_EVENTS = 1024 };

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

const char *fmt(Gen *g, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(g->out.detail, sizeof g->out.detail, format, ap);
    va_end(ap);
    return g->out.detail;
}

bool all_written(const Gen *g) { return g->out.written >= g->opt->n_events; }

/* ---------------------------------------------------------------- the ground truth */

static void truth_flush(Gen *g)
{
    TruthRun *run = &g->out.run;
    if (run->episode && g->out.truth)
        fprintf(g->out.truth, "%" PRIu64 ",%" PRIu64 ",%d\n", run->first, run->last,
                run->episode);
    run->episode = 0;
}

/* Row `index` was caused by episode `mark` (0: by none): it extends the open run or starts one. */
static void truth_note(Gen *g, uint64_t index, int mark)
{
    if (!mark)
        return;
    TruthRun *run = &g->out.run;
    g->out.last_mark = mark;
    g->out.last_mark_time = g->clock;
    if (run->episode == mark && run->last + 1 == index) {
        run->last = index;
        return;
    }
    truth_flush(g);
    run->first = run->last = index;
    run->episode = mark;
}

/* ---------------------------------------------------------------- the rows */

/* Every row moves the clock on a little: logging itself takes time on the target. */
static void write_row(Gen *g, ThreadId who, Key key, const char *detail, int mark)
{
    if (all_written(g))
        return;
    const Thread *th = &g->threads[who];
    const Process *p = &g->procs[th->proc];
    fprintf(g->out.trace, "%" PRIu64 ",%d,%s,%d,%d,%s,%s\n", g->clock, th->cpu, key_csv[key],
            p->pid, th->tid, p->name, detail);
    truth_note(g, g->out.written, mark);
    g->out.written++;
    g->clock += 150 + (rng_next(&g->rng) & 127);
    if (g->opt->progress && g->out.written % PROGRESS_EVERY == 0)
        g->opt->progress(g->out.written, g->opt->n_events, g->opt->progress_ctx);
}

/* The episode a thread's own actions belong to: an injected process's, or that of the
 * injected request a server is handling. */
int own_mark(const Gen *g, ThreadId who)
{
    const Thread *th = &g->threads[who];
    const Process *p = &g->procs[th->proc];
    return p->injected ? p->episode : th->taint;
}

/* tracelogger's own records: a buffer header every BUFFER_EVENTS rows, the time base at the
 * start and whenever the low 32 bits of the clock roll over */
static void write_control_rows(Gen *g)
{
    Output *out = &g->out;
    char text[64];
    if (out->written % BUFFER_EVENTS == 0) {
        snprintf(text, sizeof text, "seq=%" PRIu32 " events=%d", out->buffer_seq++, BUFFER_EVENTS);
        write_row(g, T_IDLE0, K_CONTROL_BUFFER, text, 0);
    }
    uint32_t msb = (uint32_t)(g->clock >> 32);
    if (!out->time_shown || msb != out->time_msb) {
        out->time_shown = true;
        out->time_msb = msb;
        snprintf(text, sizeof text, "msb=0x%08" PRIx32 " lsb=0x%08" PRIx32, msb,
                 (uint32_t)g->clock);
        write_row(g, T_IDLE0, K_CONTROL_TIME, text, 0);
    }
}

/* One kernel event, marked with the injected process's episode when it is one, else with
 * the episode behind the action being simulated (g->cause). */
void emit(Gen *g, ThreadId who, Key key, const char *detail)
{
    write_control_rows(g);
    const Process *p = &g->procs[g->threads[who].proc];
    write_row(g, who, key, detail, p->injected ? p->episode : g->cause);
}

/* ---------------------------------------------------------------- the streams */

void output_begin(Gen *g)
{
    fputs("timestamp,cpu,class,event,pid,tid,process,detail\n", g->out.trace);
    if (g->out.truth)
        fputs("first_event,last_event,episode\n", g->out.truth);
}

static bool stream_failed(FILE *fp, const char *name, Error *err)
{
    if (!fp || !ferror(fp))
        return false;
    int saved = errno;
    return !error_set(err, "%s: write failed: %s", name, saved ? strerror(saved) : "I/O error");
}

/* Checked now and then while writing, so a full disk stops a long run early. */
bool output_failed(const Gen *g, const char *trace_name, const char *truth_name, Error *err)
{
    return stream_failed(g->out.trace, trace_name, err) ||
           stream_failed(g->out.truth, truth_name, err);
}

/* Closes the last truth run and flushes both streams; false with err set if any write failed. */
bool output_finish(Gen *g, const char *trace_name, const char *truth_name, Error *err)
{
    truth_flush(g);
    if (fflush(g->out.trace) != 0 || (g->out.truth && fflush(g->out.truth) != 0)) {
        int saved = errno;
        return error_set(err, "%s: write failed: %s", ferror(g->out.trace) ? trace_name : truth_name,
                         strerror(saved));
    }
    return !output_failed(g, trace_name, truth_name, err);
}
