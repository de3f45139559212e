/* Held-out selection of DeepLog's epochs and top-g for traceaid train (core/select.h). */
#include "train_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/interrupt.h"
#include "../core/select.h"
#include "../io/format.h"
#include "progress.h"

bool train_select_applies(const SelectArgs *s, const ModelKind *kind, const TraceSet *set, bool epochs_given,
                          bool top_g_given)
{
    if (strcmp(s->mode, "off") == 0 || strcmp(kind->name, "deeplog") != 0 || set->n_traces == 0 ||
        (epochs_given && top_g_given))
        return false;
    for (size_t i = 0; i < set->n_traces; i++)
        if (set->traces[i].format != TRACE_FORMAT_SESSIONS)
            return false;
    return true;
}

/* After each epoch of the first model: the held-out sessions predicted, the progress line, and a
 * stop once the held-out loss has stalled (stop is the trainer's cancel flag; Ctrl-C sets it too). */
typedef struct Recorder {
    const Model *model;
    const HeldOut *held;
    Selection *sel;
    int patience;               /* 0: train every epoch asked */
    CancelFlag stop;
    const CancelFlag *interrupt;
    bool stalled, failed;
    ProgressLine line;
    Error err;
} Recorder;

static void record_epoch(const TrainProgress *p, void *ctx)
{
    Recorder *r = ctx;
    char eta[32];
    if (!r->failed && !select_record(r->sel, p->epoch, r->model, r->held, &r->err))
        r->failed = true;
    r->stalled = !r->failed && r->patience > 0 && select_stalled(r->sel, r->patience);
    if (r->failed || r->stalled || *r->interrupt)
        r->stop = 1;
    double loss = r->failed ? 0 : r->sel->epochs[p->epoch - 1].loss;
    progress_show(&r->line, p->epoch == p->epochs || r->stop, "choosing: epoch %d/%d  loss %.4f  held-out loss %.4f  ETA %s",
                  p->epoch, p->epochs, p->loss, loss, progress_duration(eta, sizeof eta, p->eta_s));
}

/* "st", "nd", "rd" or "th" after n. */
static const char *ordinal_suffix(size_t n)
{
    if (n % 100 / 10 == 1)
        return "th";
    return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static void report_choice(const SelectArgs *s, const HeldOut *held, const Selection *sel, bool stalled,
                          bool epochs_given, bool top_g_given, double seconds)
{
    char n_held[32], took[32];
    size_t n = held->trace.n_sessions;
    const SelectEpoch *best = &sel->epochs[sel->best_epoch - 1];
    fprintf(stderr, "train: held out every %zu%s session (%s sessions); a first model trained on the rest "
            "for %d epoch%s in %s\n", held->stride, ordinal_suffix(held->stride),
            format_count(n_held, sizeof n_held, n), sel->n_epochs, sel->n_epochs == 1 ? "" : "s",
            progress_duration(took, sizeof took, seconds));
    if (!epochs_given)
        fprintf(stderr, "train: epochs %d: the lowest held-out loss (%.4f)%s\n", sel->best_epoch, best->loss,
                stalled ? ", no lower in the epochs after it" : ", at the most epochs it tries");
    char n_flagged[32];
    char n_short[32], n_judged[32], short_note[128] = "";
    format_count(n_judged, sizeof n_judged, n - held->n_short);
    if (held->n_short > 0)
        snprintf(short_note, sizeof short_note, "; %s shorter than the window + 1, flagged at any g, left out",
                 format_count(n_short, sizeof n_short, held->n_short));
    if (!top_g_given && sel->top_g > 0)
        fprintf(stderr, "train: top-g %d: the smallest that flags at most %.1f%% of the held-out sessions at "
                "that epoch (%s of %s%s)\n", sel->top_g, 100.0 * s->max_flagged,
                format_count(n_flagged, sizeof n_flagged, best->flagged[sel->top_g] - held->n_short), n_judged,
                short_note);
    else if (!top_g_given)
        fprintf(stderr, "train: no top-g flags at most %.1f%% of the held-out sessions at that epoch; the default "
                "stays\n", 100.0 * s->max_flagged);
}

bool train_select(const SelectArgs *s, const ModelKind *kind, const TraceSet *set, const char *const *names,
                  int n_keys, uint64_t seed, float learning_rate, bool epochs_given, bool top_g_given,
                  ModelHyper *hp, bool *interrupted, Error *err)
{
    *interrupted = false;
    HeldOut held;
    if (!held_out_split(set, s->share, hp->window, &held, err))
        return false;
    if (held.trace.n_sessions == 0) {   /* nothing to judge on: the defaults stand */
        fprintf(stderr, "train: fewer than %zu sessions, none to hold out: the epochs and top-g are the defaults\n",
                held.stride);
        held_out_free(&held);
        return true;
    }
    Model first;
    if (!model_create(&first, kind, hp, names, n_keys, seed, err)) {
        held_out_free(&held);
        return false;
    }
    Selection sel = {0};
    Recorder r = {.model = &first, .held = &held, .sel = &sel, .patience = epochs_given ? 0 : s->patience,
                  .interrupt = interrupt_install()};
    progress_init(&r.line);
    WindowSet ws;
    window_set_init(&ws, hp->window + 1);
    TrainOptions opt = {.epochs = epochs_given ? hp->epochs : (int)s->max_epochs, .batch_size = hp->batch,
                        .learning_rate = learning_rate, .seed = seed, .cancel = &r.stop,
                        .progress = record_epoch, .progress_ctx = &r};
    TrainReport report;
    bool ok = held_out_add_rest(&first, set, &held, &ws, err) && model_train(&first, &ws, &opt, &report, err);
    progress_done(&r.line);
    if (ok && r.failed)
        ok = error_set(err, "%s", r.err.msg);
    *interrupted = ok && *r.interrupt;
    if (ok && !*interrupted && sel.n_epochs > 0) {
        select_choose(&sel, &held, !epochs_given, s->max_flagged, n_keys);
        report_choice(s, &held, &sel, r.stalled, epochs_given, top_g_given, report.seconds);
        if (!epochs_given)
            hp->epochs = sel.best_epoch;
        if (!top_g_given && sel.top_g > 0)
            hp->top_g = sel.top_g;
    }
    window_set_free(&ws);
    model_free(&first);
    selection_free(&sel);
    held_out_free(&held);
    return ok;
}
