#include "loader.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../io/clock.h"

static void publish(Loader *l, LoadStage stage, bool traces_ready, bool scores_ready, const Error *err)
{
    pthread_mutex_lock(&l->lock);
    l->status.stage = stage;
    l->status.traces_ready |= traces_ready;
    l->status.scores_ready |= scores_ready;
    if (err)
        l->status.err = *err;
    pthread_mutex_unlock(&l->lock);
}

static void on_bytes(uint64_t done, uint64_t total, void *ctx)
{
    (void)total;
    Loader *l = ctx;
    pthread_mutex_lock(&l->lock);
    l->status.bytes_done = l->bytes_before + done;
    pthread_mutex_unlock(&l->lock);
}

/* Wakes the worker from a read that may block for ever (a FIFO whose writer is silent): the
 * handler does nothing, but installed without SA_RESTART it makes the read fail with EINTR, and
 * the reader, seeing the cancel flag set, gives up. */
#define WAKE_SIGNAL SIGUSR1

static void on_wake(int sig) { (void)sig; }

static void install_wake(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_wake;
    sigemptyset(&sa.sa_mask);
    sigaction(WAKE_SIGNAL, &sa, NULL);
}

/* The ground truth beside a trace, when there is a file: its anomalous segments go under the
 * chart's bars. One that cannot be read (or, in time, a trace without times) is said on the
 * status line, and the trace opens without it. */
static void load_truth(Loader *l, Truth *truth, const Trace *trace)
{
    memset(truth, 0, sizeof *truth);
    char *path = trace->path && strcmp(trace->path, "-") != 0 ? truth_path_beside(trace->path) : NULL;
    Error err = {0};
    uint8_t whole_trace;
    size_t n_events = trace->n_events ? trace->n_events : 1;
    if (path && access(path, F_OK) == 0 &&
        (!truth_load(truth, path, &err) || !truth_mark(truth, trace, n_events, 1, &whole_trace, &err))) {
        truth_free(truth);
        if (!l->truth_note[0])
            snprintf(l->truth_note, sizeof l->truth_note, "ground truth not shown: %.170s", err.msg);
    }
    free(path);
}

/* The truths of the traces loaded since the last call (an input may bring several). */
static bool load_truths(Loader *l, Error *err)
{
    size_t n = l->scored.set.n_traces;
    Truth *grown = realloc(l->truths, (n + 1) * sizeof *grown);
    if (!grown)
        return error_nomem(err);
    l->truths = grown;
    for (; l->n_truths < n; l->n_truths++)
        load_truth(l, &l->truths[l->n_truths], &l->scored.set.traces[l->n_truths]);
    return true;
}

static void *work(void *arg)
{
    Loader *l = arg;
    Error err = {0};
    TraceOptions opt = l->traces.opt;
    opt.keep_messages = true; /* the explorer shows each log event's message */
    opt.cancel = &l->cancel;
    opt.progress = on_bytes;
    opt.progress_ctx = l;
    bool ok = true;
    for (size_t i = 0; ok && i < l->n_inputs; i++) {
        ok = scored_set_add_traces(&l->scored, &l->inputs[i], 1, &opt, &err) && load_truths(l, &err) &&
             scored_set_label(&l->scored, l->input_labels ? l->input_labels[i] : TRACE_UNLABELLED, &err);
        struct stat st;
        l->bytes_before += stat(l->inputs[i].path, &st) == 0 ? (uint64_t)st.st_size : 0;
    }
    if (!ok) {
        publish(l, atomic_load(&l->cancel) ? LOAD_CANCELLED : LOAD_FAILED, false, false, &err);
        return NULL;
    }
    if (!l->input_labels)
        scored_set_label_by_names(&l->scored);
    bool scoring = l->model.path != NULL;
    publish(l, scoring ? LOAD_SCORING : LOAD_DONE, true, false, NULL);
    if (!scoring)
        return NULL;
    if (scored_set_score(&l->scored, &l->cancel, &err))
        publish(l, LOAD_DONE, true, true, NULL);
    else
        publish(l, atomic_load(&l->cancel) ? LOAD_CANCELLED : LOAD_FAILED, true, false, &err);
    return NULL;
}

bool loader_start(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                  size_t n_inputs, Error *err)
{
    return loader_start_labelled(l, model, traces, inputs, NULL, n_inputs, err);
}

bool loader_start_labelled(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                           const uint8_t *input_labels, size_t n_inputs, Error *err)
{
    memset(l, 0, sizeof *l);
    l->input_labels = input_labels;
    atomic_init(&l->cancel, 0);
    l->model = *model;
    l->traces = *traces;
    l->inputs = inputs;
    l->n_inputs = n_inputs;
    pthread_mutex_init(&l->lock, NULL);
    if (!scored_set_open(&l->scored, model, traces, err)) /* a bad model is said at once */
        return false;
    for (size_t i = 0; i < n_inputs; i++) {
        struct stat st;
        l->status.bytes_total += stat(inputs[i].path, &st) == 0 ? (uint64_t)st.st_size : 0;
    }
    l->start = clock_seconds();
    /* Ctrl-C and SIGTERM go to the explorer's thread, which restores the terminal; the worker,
     * which has no terminal, blocks them (a new thread inherits the mask). */
    sigset_t stop, before;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &before);
    install_wake();
    int failed = pthread_create(&l->thread, NULL, work, l);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    if (failed)
        return error_set(err, "cannot start the loading thread");
    l->started = true;
    return true;
}

LoadStatus loader_status(Loader *l)
{
    pthread_mutex_lock(&l->lock);
    LoadStatus s = l->status;
    pthread_mutex_unlock(&l->lock);
    s.elapsed_s = clock_seconds() - l->start;
    return s;
}

void loader_cancel(Loader *l)
{
    atomic_store(&l->cancel, 1);
    if (l->started)
        pthread_kill(l->thread, WAKE_SIGNAL); /* in case it waits in a read */
}

static bool busy(Loader *l)
{
    LoadStage stage = loader_status(l).stage;
    return stage == LOAD_TRACES || stage == LOAD_SCORING;
}

void loader_join(Loader *l)
{
    if (!l->started)
        return;
    /* Cancelled: wake the worker until it has given up. Again and again, as a wake-up sent just
     * before it enters a read is lost. */
    while (atomic_load(&l->cancel) && busy(l)) {
        pthread_kill(l->thread, WAKE_SIGNAL);
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    }
    pthread_join(l->thread, NULL);
    l->started = false;
}

void loader_free(Loader *l)
{
    loader_join(l);
    for (size_t t = 0; t < l->n_truths; t++)
        truth_free(&l->truths[t]);
    free(l->truths);
    scored_set_free(&l->scored);
    pthread_mutex_destroy(&l->lock);
}
