#include "updater.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/format.h"
#include "../model/training_windows.h"

#define SUFFIX ".safetensors"
#define UPDATED ".updated"

bool updater_out_path(const char *model_path, char *out, size_t size)
{
    size_t len = strlen(model_path);
    if (len >= strlen(SUFFIX) && strcmp(model_path + len - strlen(SUFFIX), SUFFIX) == 0)
        len -= strlen(SUFFIX);
    if (len >= strlen(UPDATED) && strncmp(model_path + len - strlen(UPDATED), UPDATED, strlen(UPDATED)) == 0)
        len -= strlen(UPDATED);
    int n = snprintf(out, size, "%.*s" UPDATED SUFFIX, (int)len, model_path);
    return n >= 0 && (size_t)n < size;
}

static void publish(Updater *u, UpdateStage stage, const Error *err)
{
    pthread_mutex_lock(&u->lock);
    u->stage = stage;
    if (err)
        u->err = *err;
    pthread_mutex_unlock(&u->lock);
}

static void on_epoch(const TrainProgress *p, void *ctx)
{
    Updater *u = ctx;
    pthread_mutex_lock(&u->lock);
    u->epoch = p->epoch;
    u->epochs = p->epochs;
    pthread_mutex_unlock(&u->lock);
}

/* Where the update is written until the traces are scored with it: out_path's name with
 * ".pending" before the suffix (its windows file beside it). From the second U on, out_path is the
 * model in use, so it is replaced only once the update is whole: a cancelled or failed rescoring
 * leaves the files as they were and the message that says so true. */
static bool pending_paths(const Updater *u, char *model, char *windows, size_t size)
{
    size_t len = strlen(u->out_path) - strlen(SUFFIX);
    /* the process's own: two explorers updating one model do not take each other's */
    int n = snprintf(model, size, "%.*s.pending-%ld" SUFFIX, (int)len, u->out_path, (long)getpid());
    return n >= 0 && (size_t)n < size && training_windows_path(model, windows, size);
}

static void drop_pending(const Updater *u)
{
    char model[4096], windows[4096];
    if (pending_paths(u, model, windows, sizeof model)) {
        unlink(model);
        unlink(windows);
    }
}

/* The pending files renamed to out_path and its windows file (the model last: its windows file
 * is what the next update replays); the scored model named by its new path. */
static bool publish_files(Updater *u, Error *err)
{
    char model[4096], windows[4096], out_windows[4096];
    if (!pending_paths(u, model, windows, sizeof model) || !training_windows_path(u->out_path, out_windows, sizeof out_windows))
        return error_set(err, "%s: the name is too long", u->out_path);
    if (rename(windows, out_windows) != 0 || rename(model, u->out_path) != 0)
        return error_set_code(err, ERROR_IO, "%s: %s", u->out_path, strerror(errno));
    char *path = strdup(u->out_path);
    if (path) {
        free(u->scored.model.path);
        u->scored.model.path = path;
    }
    return true;
}

/* The model, its replay set and held-back parts, the marks' windows; trained, then written. */
static bool train(Updater *u, Error *err)
{
    ModelRequest req = u->src.model;
    req.path = u->model_path;
    Model m;
    if (!model_request_load(&req, &m, err))
        return false;
    WindowSet replay;
    char windows[4096];
    if (!update_load_replay(&m, &replay, windows, sizeof windows, err)) {
        model_free(&m);
        return false;
    }
    Update up;
    update_begin(&up, &m, &replay);
    bool ok = update_load_calibration(&up, windows, err);
    for (size_t i = 0; ok && i < u->rows.n_rows; i++)
        ok = update_learn_names(&up, (const char *const *)u->rows.rows[i].keys, (size_t)u->rows.rows[i].events,
                                u->rows.rows[i].unit == LABEL_UNIT_SESSION, err);
    UpdateOptions opt = UPDATE_OPTIONS_DEFAULT;
    opt.cancel = &u->cancel;
    opt.progress = on_epoch;
    opt.progress_ctx = u;
    UpdateReport report;
    ok = ok && update_run(&up, &opt, &report, err);
    if (ok && atomic_load(&u->cancel)) /* cancelled after the last epoch: nothing written */
        ok = error_interrupted(err);
    char pending[4096], pending_windows[4096];
    if (ok && !pending_paths(u, pending, pending_windows, sizeof pending))
        ok = error_set(err, "%s: the name is too long", u->out_path);
    ok = ok && update_save(&up, pending, err);
    if (ok) {
        pthread_mutex_lock(&u->lock);
        u->report = report;
        pthread_mutex_unlock(&u->lock);
    }
    update_free(&up);
    model_free(&m);
    return ok;
}

/* The traces read and scored again with the updated model, labelled as the explorer's were. */
static bool rescore(Updater *u, Error *err)
{
    char pending[4096], pending_windows[4096];
    if (!pending_paths(u, pending, pending_windows, sizeof pending))
        return error_set(err, "%s: the name is too long", u->out_path);
    ModelRequest req = u->src.model;
    req.path = pending;
    TraceOptions opt = u->src.traces.opt;
    opt.keep_messages = true; /* the explorer shows each log event's message */
    opt.cancel = &u->cancel;
    opt.progress = NULL;
    bool ok = scored_set_open(&u->scored, &req, &u->src.traces, err);
    for (size_t i = 0; ok && i < u->src.n_inputs; i++)
        ok = scored_set_add_traces(&u->scored, &u->src.inputs[i], 1, &opt, err) &&
             scored_set_label(&u->scored, u->src.input_labels ? u->src.input_labels[i] : TRACE_UNLABELLED, err);
    if (ok && !u->src.input_labels)
        scored_set_label_by_names(&u->scored);
    return ok && scored_set_score(&u->scored, &u->cancel, err);
}

static void *work(void *arg)
{
    Updater *u = arg;
    Error err = {0};
    if (!train(u, &err)) {
        drop_pending(u); /* a save cut short may have left its windows file */
        publish(u, err.code == ERROR_INTERRUPTED || atomic_load(&u->cancel) ? UPDATE_CANCELLED : UPDATE_FAILED, &err);
        return NULL;
    }
    publish(u, UPDATE_SCORING, NULL);
    if (rescore(u, &err) && publish_files(u, &err)) {
        publish(u, UPDATE_DONE, NULL);
        return NULL;
    }
    drop_pending(u);
    publish(u, atomic_load(&u->cancel) ? UPDATE_CANCELLED : UPDATE_FAILED, &err);
    return NULL;
}

bool updater_start(Updater *u, const UpdateSource *src, const char *model_path, Labels *rows, Error *err)
{
    memset(u, 0, sizeof *u);
    u->src = *src;
    snprintf(u->model_path, sizeof u->model_path, "%s", model_path);
    if (!updater_out_path(model_path, u->out_path, sizeof u->out_path))
        return error_set(err, "%s: the name is too long", model_path);
    u->rows = *rows;
    memset(rows, 0, sizeof *rows);
    atomic_init(&u->cancel, 0);
    pthread_mutex_init(&u->lock, NULL);
    u->stage = UPDATE_TRAINING;
    /* Ctrl-C and SIGTERM stay with the explorer's thread (as the loader's worker does) */
    sigset_t stop, before;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &before);
    int failed = pthread_create(&u->thread, NULL, work, u);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    if (failed) {
        labels_free(&u->rows);
        pthread_mutex_destroy(&u->lock);
        return error_set(err, "cannot start the update's thread");
    }
    u->started = true;
    return true;
}

UpdateStage updater_stage(Updater *u, int *epoch, int *epochs)
{
    pthread_mutex_lock(&u->lock);
    UpdateStage stage = u->stage;
    *epoch = u->epoch;
    *epochs = u->epochs;
    pthread_mutex_unlock(&u->lock);
    return stage;
}

bool updater_busy(Updater *u)
{
    int epoch, epochs;
    UpdateStage stage = updater_stage(u, &epoch, &epochs);
    return stage == UPDATE_TRAINING || stage == UPDATE_SCORING;
}

/* "1 mark learned; 1 still flagged: ..." */
static void say_still_flagged(const UpdateCheck *c, char *out, size_t size)
{
    size_t marks = update_check_units(c), flagged = update_check_units_flagged(c), short_ones = c->sessions_short;
    /* judged as update judges them: each (distinct) mark alone, by the model's own threshold and
     * segments, which a threshold moved with +/- or segments resized may not be */
    int len = snprintf(out, size, "%zu mark%s learned; %zu still flagged", marks, marks == 1 ? "" : "s", flagged);
    if (len < 0 || (size_t)len >= size || flagged == 0)
        return;
    if (update_check_learnable_flagged(c))
        snprintf(out + len, size - (size_t)len, ": %s windows weigh little beside the model's training windows%s",
                 marks == 1 ? "its" : "the marks'", short_ones ? " (some too short to pass)" : "");
    else
        snprintf(out + len, size - (size_t)len, ": too short to pass (shorter than the window + 1)");
}

void updater_done_message(const Updater *u, ScoreRule rule, char *out, size_t size)
{
    const UpdateReport *r = &u->report;
    char still[200], threshold[96] = "", before[32], after[32];
    say_still_flagged(&r->after, still, sizeof still);
    if (r->recalibrated)
        snprintf(threshold, sizeof threshold, ", threshold %s -> %s", scores_format(rule, r->threshold_before, 2, before,
                 sizeof before), scores_format(rule, r->threshold_after, 2, after, sizeof after));
    snprintf(out, size, "updated: %s (%.100s, %zu windows learned%s%s, rescored)", still,
             format_basename(u->out_path), r->learned_total,
             r->new_keys ? ", new keys" : "", threshold);
}

void updater_cancel(Updater *u) { atomic_store(&u->cancel, 1); }

void updater_join(Updater *u)
{
    if (u->started)
        pthread_join(u->thread, NULL);
    u->started = false;
}

void updater_free(Updater *u)
{
    updater_join(u);
    scored_set_free(&u->scored);
    labels_free(&u->rows);
    pthread_mutex_destroy(&u->lock);
}
