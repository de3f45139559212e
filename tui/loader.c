#include "loader.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../io/clock.h"
#include "../io/decompress.h"

static void publish(Loader *l, LoadStage stage, bool traces_ready, bool scores_ready, const Error *err)
{
    pthread_mutex_lock(&l->lock);
    l->status.stage = stage;
    l->status.traces_ready |= traces_ready;
    l->status.scores_ready |= scores_ready;
    if (err)
        l->status.err = *err;
    pthread_cond_broadcast(&l->changed);
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

uint64_t loader_preview_bytes(uint64_t size)
{
    const char *knob = getenv("TRACEAID_PREVIEW_BYTES");
    /* 4 MB, ~70k kernel events: read and scored by a seq2seq model in about a second */
    uint64_t head = knob && *knob ? strtoull(knob, NULL, 10) : 4u << 20;
    return head > 0 && size > 2 * head ? head : 0; /* half the file or more: load it whole */
}

/* The head worth a preview: a regular file twice the preview's size or more, one input, whose
 * first bytes are text (compressed or binary formats are read whole: a cut would break them). */
static uint64_t preview_wanted(const Loader *l, int *fd)
{
    struct stat st;
    if (l->n_inputs != 1 || stat(l->inputs[0].path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    uint64_t head = loader_preview_bytes((uint64_t)st.st_size);
    *fd = head ? open(l->inputs[0].path, O_RDONLY) : -1;
    char first[4096];
    ssize_t got = *fd >= 0 ? pread(*fd, first, sizeof first, 0) : -1;
    bool text = got > 0 && !decompress_sniff(first, (size_t)got) && !memchr(first, '\0', (size_t)got);
    if (!text && *fd >= 0)
        close(*fd), *fd = -1;
    return text ? head : 0;
}

/* Copies the first head bytes of src, cut after their last line end, into an unlinked temporary
 * file; its descriptor (the readers open it as /proc/self/fd/N), -1 on failure. */
static int copy_head(int src, uint64_t head, uint64_t *copied)
{
    char *bytes = malloc(head);
    ssize_t got = bytes ? pread(src, bytes, head, 0) : -1;
    size_t len = got > 0 ? (size_t)got : 0;
    while (len > 0 && bytes[len - 1] != '\n')
        len--;
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/traceaid-preview-XXXXXX", dir);
    int fd = len ? mkstemp(path) : -1;
    if (fd >= 0)
        unlink(path);
    if (fd >= 0 && write(fd, bytes, len) != (ssize_t)len)
        close(fd), fd = -1;
    free(bytes);
    *copied = len;
    return fd;
}

/* The preview's trace under the file's own name (the header, the truth and marks beside it). */
static bool rename_trace(Trace *t, const char *path)
{
    char *copy = strdup(path);
    if (copy)
        free(t->path), t->path = copy;
    return copy != NULL;
}

/* The head read into l->preview with the same options and model, and scored; false when no
 * preview is made (it is no error: the whole file is read next all the same). */
static bool make_preview(Loader *l, const TraceOptions *whole_opt)
{
    int src = -1;
    uint64_t head = preview_wanted(l, &src), copied = 0;
    int fd = head ? copy_head(src, head, &copied) : -1;
    if (src >= 0)
        close(src);
    if (fd < 0)
        return false;
    char head_path[64];
    snprintf(head_path, sizeof head_path, "/proc/self/fd/%d", fd);
    TraceOptions opt = *whole_opt;
    opt.progress = NULL;
    opt.no_cache = true; /* no cache beside a temporary file */
    TraceInput input = {head_path, l->inputs[0].format};
    Error err = {0};
    l->preview_made = true;
    bool ok = scored_set_open(&l->preview, &l->model, &l->traces, &err) &&
              scored_set_add_traces(&l->preview, &input, 1, &opt, &err) && l->preview.set.n_traces == 1 &&
              l->preview.set.traces[0].n_events > 0 && rename_trace(&l->preview.set.traces[0], l->inputs[0].path) &&
              scored_set_label(&l->preview, l->input_labels ? l->input_labels[0] : TRACE_UNLABELLED, &err);
    close(fd);
    if (ok && !l->input_labels)
        scored_set_label_by_names(&l->preview);
    ok = ok && (!l->model.path || scored_set_score(&l->preview, &l->cancel, &err));
    if (!ok)
        return false;
    pthread_mutex_lock(&l->lock);
    l->status.preview_ready = true;
    l->status.preview_bytes = copied;
    l->status.preview_s = clock_seconds() - l->start;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    /* the truth beside a 100M-event trace takes most of a second to read: shown a moment later */
    load_truth(l, &l->preview_truth, &l->preview.set.traces[0]);
    pthread_mutex_lock(&l->lock);
    l->status.preview_truth_ready = true;
    pthread_mutex_unlock(&l->lock);
    return true;
}

/* Scripts: the whole's scoring holds once its first hold_scored events are (loader_wait_scored),
 * until released or cancelled. Only once the prefix is scored: the script waits for no more. */
static void on_scored(size_t scored, size_t total, void *ctx)
{
    (void)scored, (void)total;
    Loader *l = ctx;
    pthread_mutex_lock(&l->lock);
    while (l->hold_scored && atomic_load(&l->scored.scored_events[0]) >= l->hold_scored &&
           !atomic_load(&l->cancel))
        pthread_cond_wait(&l->changed, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

/* Past the preview (made or not): tells the waiting script, then waits for its word if held. */
static void pass_preview(Loader *l)
{
    pthread_mutex_lock(&l->lock);
    l->status.past_preview = true;
    pthread_cond_broadcast(&l->changed);
    while (l->hold && !l->released && !atomic_load(&l->cancel))
        pthread_cond_wait(&l->changed, &l->lock);
    pthread_mutex_unlock(&l->lock);
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
    make_preview(l, &opt);
    pass_preview(l);
    bool ok = !atomic_load(&l->cancel) || error_interrupted(&err);
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
    if (l->hold) { /* every part reported, in order (one thread), so a script's hold comes
                    * where it asked, with the parts after it unscored */
        l->scored.progress = on_scored;
        l->scored.progress_ctx = l;
        l->scored.progress_every = 0;
        l->scored.threads = 1;
    }
    /* the scores' arrays before the traces are said to be in: the explorer draws the segments
     * scored so far (the chart fills in) */
    if (scoring && !scored_set_score_begin(&l->scored, &err)) {
        publish(l, LOAD_FAILED, true, false, &err);
        return NULL;
    }
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

static bool start(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                  const uint8_t *input_labels, size_t n_inputs, bool hold, Error *err)
{
    memset(l, 0, sizeof *l);
    l->hold = hold;
    pthread_cond_init(&l->changed, NULL);
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

bool loader_start_labelled(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                           const uint8_t *input_labels, size_t n_inputs, Error *err)
{
    return start(l, model, traces, inputs, input_labels, n_inputs, false, err);
}

bool loader_start_held(Loader *l, const ModelRequest *model, const TraceRequest *traces, const TraceInput *inputs,
                       const uint8_t *input_labels, size_t n_inputs, Error *err)
{
    return start(l, model, traces, inputs, input_labels, n_inputs, true, err);
}

void loader_release(Loader *l)
{
    pthread_mutex_lock(&l->lock);
    l->released = true;
    l->hold_scored = 0;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

LoadStatus loader_wait_preview(Loader *l)
{
    pthread_mutex_lock(&l->lock);
    while (l->started && !l->status.past_preview && l->status.stage == LOAD_TRACES)
        pthread_cond_wait(&l->changed, &l->lock);
    pthread_mutex_unlock(&l->lock);
    return loader_status(l);
}

size_t loader_scored_events(Loader *l)
{
    LoadStatus st = loader_status(l); /* under the lock: scoring begun is seen with its arrays */
    bool begun = st.traces_ready && l->model.path && l->scored.set.n_traces > 0 && l->scored.scored_events;
    return begun ? atomic_load(&l->scored.scored_events[0]) : 0;
}

size_t loader_final_segments(Loader *l, size_t events)
{
    return events ? scored_set_final_segments(&l->scored, 0, events) : 0;
}

bool loader_wait_scored(Loader *l, size_t events)
{
    pthread_mutex_lock(&l->lock); /* the hold set before the worker goes on past the preview */
    l->released = true;
    l->hold_scored = l->hold ? events : 0;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    for (;;) {
        LoadStatus st = loader_status(l);
        if (st.traces_ready && loader_scored_events(l) >= events)
            return true;
        if (st.stage != LOAD_TRACES && st.stage != LOAD_SCORING)
            return false;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
}

void loader_drop_preview(Loader *l)
{
    if (!l->preview_made)
        return;
    scored_set_free(&l->preview);
    truth_free(&l->preview_truth);
    l->preview_made = false;
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
    loader_release(l); /* a held worker too */
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
    loader_release(l); /* joining: a held worker goes on */
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
    loader_drop_preview(l);
    pthread_cond_destroy(&l->changed);
    pthread_mutex_destroy(&l->lock);
}
