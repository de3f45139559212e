/* seq2seq behind the model interface (model/model.h): the adapter from a Model's operations to
 * model/seq2seq*.c. A window is tx keys read and the ty predicted, every stride events; ids 0-2
 * are reserved (PAD, START, UNK). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "model.h"
#include "seq2seq_score.h"
#include "seq2seq_train.h"

static const char *const reserved[SEQ2SEQ_FIRST_KEY] = {"<pad>", "<start>", "<unk>"};

static void defaults(ModelHyper *hp)
{
    hp->hidden = hp->hidden ? hp->hidden : 128;
    hp->embed = hp->embed ? hp->embed : 64;
    hp->attn = hp->attn ? hp->attn : 128;
    hp->tx = hp->tx ? hp->tx : 5;
    hp->ty = hp->ty ? hp->ty : 5;
    hp->stride = hp->stride ? hp->stride : 5;
    hp->epochs = hp->epochs ? hp->epochs : 40;
    hp->batch = hp->batch ? hp->batch : 64;
    hp->holdout = hp->holdout >= 0 ? hp->holdout : 0.2f;
    hp->top_g = hp->top_g ? hp->top_g : 1;
}

static bool create(void *state, const ModelHyper *hp, const char *const *key_names, int n_keys, uint64_t seed,
                   Error *err)
{
    Seq2SeqConfig cfg = {.vocab = n_keys + SEQ2SEQ_FIRST_KEY, .embed = hp->embed, .hidden = hp->hidden,
                         .units = hp->attn, .tx = hp->tx, .ty = hp->ty, .stride = hp->stride};
    if (!seq2seq_create(state, &cfg, key_names, seed, err))
        return false;
    Seq2Seq *m = state;
    if (!seq2seq_check_top_g(m, hp->top_g, err)) {
        seq2seq_free(m);
        return false;
    }
    m->top_g = hp->top_g;
    /* The seed work's exact-match miss rate stays the score; a new model smooths it over a
     * segment each side, which on traces it never saw found the continuous anomalies' segments
     * far more often at no cost in clean ones (README "Detection on traces it never saw"). A
     * file without the key keeps no smoothing. */
    m->calibration.smooth = 1;
    return true;
}

static bool load(void *state, const SafeTensors *st, const char *path, const ModelLoadDefaults *d, Error *err)
{
    (void)d;
    return seq2seq_from_safetensors(state, st, path, err);
}

static bool save(const void *state, const char *path, Error *err) { return seq2seq_save(state, path, err); }
static void release(void *state) { seq2seq_free(state); }

static void describe(const void *state, char *out, size_t size)
{
    const Seq2Seq *m = state;
    char params[32];
    snprintf(out, size, "seq2seq: %d keys + PAD, START, UNK; embedding %d, GRU %d, attention %d; reads %d keys, "
             "predicts %d, windows every %d events; %s parameters", m->cfg.vocab - SEQ2SEQ_FIRST_KEY, m->cfg.embed,
             m->cfg.hidden, m->cfg.units, m->cfg.tx, m->cfg.ty, m->cfg.stride,
             format_count(params, sizeof params, m->n_params));
}

static char *const *key_names(const void *state, int *n_keys)
{
    const Seq2Seq *m = state;
    *n_keys = m->cfg.vocab;
    return m->key_names;
}

static Calibration *calibration(void *state) { return &((Seq2Seq *)state)->calibration; }
static uint64_t *learned_windows(void *state) { return &((Seq2Seq *)state)->learned_windows; }

static bool grow(void *state, const char *const *new_names, int n_new, uint64_t seed, Error *err)
{
    return seq2seq_grow_vocab(state, new_names, n_new, seed, err);
}
static size_t n_params(const void *state) { return ((const Seq2Seq *)state)->n_params; }
static const float *params(const void *state) { return ((const Seq2Seq *)state)->params; }
static int top_g(const void *state) { return ((const Seq2Seq *)state)->top_g; }

static bool set_top_g(void *state, int g, Error *err)
{
    Seq2Seq *m = state;
    if (!seq2seq_check_top_g(m, g, err))
        return false;
    m->top_g = g;
    return true;
}

static void window_shape(const void *state, int *tx, int *ty, int *stride)
{
    const Seq2Seq *m = state;
    *tx = m->cfg.tx, *ty = m->cfg.ty, *stride = m->cfg.stride;
}

static bool add_windows(const void *state, const Trace *t, size_t first, size_t last, WindowSet *ws, Error *err)
{
    return seq2seq_add_windows(state, t, first, last, ws, err);
}

static bool train(void *state, const WindowSet *ws, const TrainOptions *opt, TrainReport *report, Error *err)
{
    return seq2seq_train(state, ws, opt, report, err);
}

static bool outcomes(const void *state, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                     const CancelFlag *cancel, Error *err)
{
    return seq2seq_outcomes(state, t, first, last, out, cancel, err);
}

static bool window_for(const void *state, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first)
{
    const Seq2Seq *m = state;
    size_t s = window_session_at(t, e), start = t->session_start[s], end = t->session_start[s + 1];
    size_t tx = (size_t)m->cfg.tx, ty = (size_t)m->cfg.ty, stride = (size_t)m->cfg.stride;
    if (e < start + tx)
        return false;
    size_t i = start + (e - start - tx) / stride * stride;
    if (e >= i + tx + ty || i + tx + ty > end)
        return false;
    for (size_t j = 0; j < tx + ty; j++)
        keys[j] = seq2seq_id(m, t->key_id[i + j]);
    *n_keys = (int)(tx + ty), *first = i;
    return true;
}

/* Every miss in a flagged segment (in any segment when none is flagged). */
static bool next_anomaly(const void *state, const Trace *t, const EventOutcomes *o, const Scores *sc,
                         size_t *cursor, size_t *e)
{
    (void)state;
    for (; *cursor < t->n_events; (*cursor)++) {
        size_t seg = *cursor / sc->segment_len;
        if (o->outcome[*cursor] == OUTCOME_MISS && (!sc->n_flagged || sc->flagged[seg])) {
            *e = (*cursor)++;
            return true;
        }
    }
    return false;
}

static bool init_interpreter(void *it, const void *state, NearestIndex *nearest, const InterpretOptions *opt,
                             Error *err)
{
    return seq2seq_interpreter_init(it, state, nearest, opt, err);
}

static void interpret(void *it, const uint32_t *keys, Interpretation *out)
{
    const Seq2Seq *m = ((Seq2SeqInterpreter *)it)->model;
    interpret_seq2seq(it, keys, keys + m->cfg.tx, out);
}

static void free_interpreter(void *it) { seq2seq_interpreter_free(it); }

const ModelKind seq2seq_kind = {
    .name = "seq2seq",
    .marker_tensor = "encoder.embedding.weight",
    .summary = "a GRU encoder reads Tx keys; a GRU decoder with attention predicts the next Ty",
    .state_size = sizeof(Seq2Seq),
    .n_reserved = SEQ2SEQ_FIRST_KEY,
    .reserved_names = reserved,
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
    .window_for = window_for,
    .next_anomaly = next_anomaly,
    .anomaly_unit = "windows with a miss in the flagged segments",
    .grow = grow,
    .interpreter_size = sizeof(Seq2SeqInterpreter),
    .interpreter_init = init_interpreter,
    .interpret = interpret,
    .interpreter_free = free_interpreter,
};
