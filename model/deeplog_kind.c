/* DeepLog behind the model interface (model/model.h): the adapter from a Model's operations to
 * model/deeplog*.c. A window is h keys read and the next key, ranked among K candidates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "deeplog_score.h"
#include "deeplog_train.h"
#include "model.h"

static void defaults(ModelHyper *hp)
{
    hp->hidden = hp->hidden ? hp->hidden : 64;
    hp->layers = hp->layers ? hp->layers : 2;
    hp->window = hp->window ? hp->window : 10;
    hp->top_g = hp->top_g ? hp->top_g : 9;
    hp->epochs = hp->epochs ? hp->epochs : 30;
    hp->batch = hp->batch ? hp->batch : 256;
    /* sessions are not cut to calibrate; train holds back a part of plain traces (cli/cmd_train.c) */
    hp->holdout = hp->holdout >= 0 ? hp->holdout : 0;
}

static bool create(void *state, const ModelHyper *hp, const char *const *key_names, int n_keys, uint64_t seed,
                   Error *err)
{
    DeepLogConfig cfg = {.n_keys = n_keys, .hidden = hp->hidden, .layers = hp->layers, .window = hp->window,
                         .top_g = hp->top_g};
    if (!deeplog_create(state, &cfg, key_names, seed, err))
        return false;
    /* A new model scores segments by the mean negative log-likelihood, smoothed over a segment
     * each side: on traces it never saw (generated and recorded, README "Detection on traces it
     * never saw") that ranked anomalous segments better than the top-g miss rate and kept the
     * clean ones under the threshold. A file without these keys keeps the old rules. */
    DeepLog *m = state;
    m->calibration.score = SCORE_NLL;
    m->calibration.smooth = 1;
    return true;
}

static bool load(void *state, const SafeTensors *st, const char *path, const ModelLoadDefaults *d, Error *err)
{
    DeepLogConfig defaults = {.window = d ? d->window : 0, .top_g = d ? d->top_g : 0};
    return deeplog_from_safetensors(state, st, path, &defaults, err);
}

static bool save(const void *state, const char *path, Error *err) { return deeplog_save(state, path, err); }
static void release(void *state) { deeplog_free(state); }

static void describe(const void *state, char *out, size_t size)
{
    const DeepLog *m = state;
    char params[32];
    snprintf(out, size, "DeepLog: %d keys, %d layer%s of %d LSTM units, window %d, top-g %d, %s parameters",
             m->cfg.n_keys, m->cfg.layers, m->cfg.layers == 1 ? "" : "s", m->cfg.hidden, m->cfg.window, m->cfg.top_g,
             format_count(params, sizeof params, m->n_params));
}

static char *const *key_names(const void *state, int *n_keys)
{
    const DeepLog *m = state;
    *n_keys = m->cfg.n_keys;
    return m->key_names;
}

static Calibration *calibration(void *state) { return &((DeepLog *)state)->calibration; }
static uint64_t *learned_windows(void *state) { return &((DeepLog *)state)->learned_windows; }

static bool grow(void *state, const char *const *new_names, int n_new, uint64_t seed, Error *err)
{
    return deeplog_grow_vocab(state, new_names, n_new, seed, err);
}
static size_t n_params(const void *state) { return ((const DeepLog *)state)->n_params; }
static const float *params(const void *state) { return ((const DeepLog *)state)->params; }
static int top_g(const void *state) { return ((const DeepLog *)state)->cfg.top_g; }

static void window_shape(const void *state, int *tx, int *ty, int *stride)
{
    *tx = ((const DeepLog *)state)->cfg.window, *ty = 1, *stride = 1;
}

static bool set_top_g(void *state, int g, Error *err)
{
    DeepLog *m = state;
    m->cfg.top_g = g;
    return deeplog_config_check(&m->cfg, err);
}

static bool add_windows(const void *state, const Trace *t, size_t first, size_t last, WindowSet *ws, Error *err)
{
    (void)state;
    return window_set_add_range(ws, t, first, last, err);
}

static bool train(void *state, const WindowSet *ws, const TrainOptions *opt, TrainReport *report, Error *err)
{
    return deeplog_train(state, ws, opt, report, err);
}

/* DeepLog predicts whole sessions; the events outside [first, last) are then not counted. */
static bool outcomes(const void *state, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                     const CancelFlag *cancel, Error *err)
{
    if (!deeplog_outcomes(state, t, out, cancel, err))
        return false;
    for (size_t e = 0; e < t->n_events; e++)
        if (e < first || e >= last)
            out->outcome[e] = OUTCOME_NONE;
    return true;
}

static bool eval(const void *state, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                 const CancelFlag *cancel, Error *err)
{
    return deeplog_eval(state, normal, abnormal, out, cancel, err);
}

static bool window_for(const void *state, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first)
{
    const DeepLog *m = state;
    size_t start = t->session_start[window_session_at(t, e)];
    int h = m->cfg.window;
    if (e < start + (size_t)h)
        return false;
    for (int i = 0; i <= h; i++) {
        keys[i] = t->key_id[e - (size_t)h + (size_t)i];
        if (i < h && keys[i] >= (uint32_t)m->cfg.n_keys)
            return false;
    }
    *n_keys = h + 1, *first = e - (size_t)h;
    return true;
}

/* The first miss of each session: a session is anomalous from its first miss on. */
static bool next_anomaly(const void *state, const Trace *t, const EventOutcomes *o, const Scores *sc,
                         size_t *cursor, size_t *e)
{
    (void)state, (void)sc;
    for (; *cursor < t->n_sessions; (*cursor)++)
        for (size_t i = t->session_start[*cursor]; i < t->session_start[*cursor + 1]; i++)
            if (o->outcome[i] == OUTCOME_MISS) {
                *e = i;
                (*cursor)++;
                return true;
            }
    return false;
}

static bool init_interpreter(void *it, const void *state, NearestIndex *nearest, const InterpretOptions *opt,
                              Error *err)
{
    return interpreter_init(it, state, nearest, opt, err);
}

static void interpret(void *it, const uint32_t *keys, Interpretation *out)
{
    const DeepLog *m = ((Interpreter *)it)->model;
    interpret_deeplog(it, keys, keys[m->cfg.window], out);
}

static void free_interpreter(void *it) { interpreter_free(it); }

const ModelKind deeplog_kind = {
    .name = "deeplog",
    .marker_tensor = "lstm.weight_ih_l0",
    .summary = "an LSTM reads windows of H keys and learns to predict the next",
    .state_size = sizeof(DeepLog),
    .defaults = defaults,
    .create = create,
    .load = load,
    .save = save,
    .free = release,
    .describe = describe,
    .key_names = key_names,
    .calibration = calibration,
    .learned_windows = learned_windows,
    .n_params = n_params,
    .params = params,
    .window_shape = window_shape,
    .top_g = top_g,
    .set_top_g = set_top_g,
    .add_windows = add_windows,
    .train = train,
    .outcomes = outcomes,
    .eval = eval,
    .window_for = window_for,
    .next_anomaly = next_anomaly,
    .anomaly_unit = "the first miss of each session",
    .grow = grow,
    .interpreter_size = sizeof(Interpreter),
    .interpreter_init = init_interpreter,
    .interpret = interpret,
    .interpreter_free = free_interpreter,
};
