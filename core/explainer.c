#include "explainer.h"

#include <math.h>
#include <string.h>

#include "../model/windows.h"

bool explainer_init(Explainer *x, const Model *m, NearestIndex *nearest, const InterpretOptions *opt,
                    Error *err)
{
    memset(x, 0, sizeof *x);
    x->model = m;
    return model_interpreter_init(&x->interpreter, m, nearest, opt, err);
}

bool explainer_init_trained(Explainer *x, const Model *m, const InterpretOptions *opt, Error *err)
{
    memset(x, 0, sizeof *x);
    x->model = m;
    if (!training_nearest_load(&x->training, m, x->nearest_note, sizeof x->nearest_note, err))
        return false;
    if (model_interpreter_init(&x->interpreter, m, x->training.ready ? &x->training.index : NULL, opt, err))
        return true;
    training_nearest_free(&x->training);
    return false;
}

void explainer_free(Explainer *x)
{
    model_interpreter_free(&x->interpreter);
    training_nearest_free(&x->training);
    memset(x, 0, sizeof *x);
}

/* The window whose prediction judged event e. model_window_for gives the last window at the
 * model's stride holding e among its targets, which is the one whose verdict the outcomes keep
 * (a later window overwrites an earlier one's); but near a session's end that window may not fit
 * in the session, and then an earlier one, still holding e among its targets, judged e. DeepLog
 * (one target, stride 1) has only the one window. */
bool explainer_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first)
{
    int tx, ty, stride;
    model_window_shape(m, &tx, &ty, &stride);
    stride = stride > 0 ? stride : 1;
    for (size_t back = 0; back <= (size_t)ty + (size_t)stride && back <= e; back += (size_t)stride)
        if (model_window_for(m, t, e - back, keys, n_keys, first) && *first + (size_t)tx <= e &&
            e < *first + (size_t)*n_keys)
            return true;
    return false;
}

ExplainerNoWindow explainer_no_window(const Model *m, const Trace *t, size_t e)
{
    int tx, ty, stride;
    model_window_shape(m, &tx, &ty, &stride);
    size_t s = window_session_at(t, e), start = t->session_start[s], end = t->session_start[s + 1];
    if (end - start < (size_t)tx + (size_t)ty)
        return NO_WINDOW_SHORT_SESSION;
    if (e < start + (size_t)tx)
        return NO_WINDOW_SESSION_START;
    /* one target at stride 1: the window of the tx keys before e fits, so only its keys can be
     * what refused it (DeepLog reads no key it does not know; seq2seq reads them as unknown) */
    return ty == 1 && stride == 1 ? NO_WINDOW_UNKNOWN_KEY : NO_WINDOW_NOT_PREDICTED;
}

const char *explainer_no_window_text(ExplainerNoWindow why, size_t n)
{
    bool one = n == 1;
    switch (why) {
    case NO_WINDOW_SESSION_START:
        return one ? "lies among its session's first keys, which the model reads but never predicts"
                   : "lie among their session's first keys, which the model reads but never predicts";
    case NO_WINDOW_SHORT_SESSION:
        return one ? "lies in a session shorter than one window of the model's"
                   : "lie in sessions shorter than one window of the model's";
    case NO_WINDOW_UNKNOWN_KEY:
        return one ? "follows keys holding one the model does not know"
                   : "follow keys holding one the model does not know";
    case NO_WINDOW_NOT_PREDICTED:
        break;
    }
    return one ? "lies among no window's predicted keys at the model's stride"
               : "lie among no window's predicted keys at the model's stride";
}

bool explainer_at(Explainer *x, const Trace *t, size_t e, Interpretation *out, size_t *first)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys;
    if (!explainer_window_for(x->model, t, e, keys, &n_keys, first))
        return false;
    model_interpret(&x->interpreter, keys, out);
    return true;
}

/* How badly the model did on one window: the targets it missed and their loss (-log p, an
 * unknown key's p taken at the floor). */
typedef struct WindowDamage {
    bool interpretable;     /* a window of known inputs: i can interpret it */
    int misses;
    double loss;
    size_t worst_event;     /* its missed target of the highest loss within the range looked at */
    double worst_loss;
} WindowDamage;

static double event_loss(const EventOutcomes *o, size_t e)
{
    float p = o->prob[e] > SCORES_PROB_FLOOR ? o->prob[e] : SCORES_PROB_FLOOR;
    return -log((double)p);
}

/* Whether window_first's verdict on event e is the one kept: a later window holding e among its
 * targets (stride < ty) overwrites it, and then e's miss is that window's, not this one's. */
static bool judged_by(const Model *m, const Trace *t, size_t e, size_t window_first)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys;
    size_t first;
    return explainer_window_for(m, t, e, keys, &n_keys, &first) && first == window_first;
}

/* The window that predicted e, a missed event of [range_first, range_last): the misses of the
 * targets whose verdict is its own. */
static WindowDamage damage_of(const Model *m, const Trace *t, const EventOutcomes *o, size_t e, size_t range_first,
                              size_t range_last)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys, tx, ty, stride;
    size_t first;
    WindowDamage d = {.worst_event = e, .worst_loss = -1};
    model_window_shape(m, &tx, &ty, &stride);
    d.interpretable = explainer_window_for(m, t, e, keys, &n_keys, &first);
    size_t from = d.interpretable ? first + (size_t)tx : e, to = d.interpretable ? first + (size_t)n_keys : e + 1;
    for (size_t i = from; i < to && i < o->n_events; i++) {
        if (o->outcome[i] != OUTCOME_MISS || (d.interpretable && !judged_by(m, t, i, first)))
            continue;
        double loss = event_loss(o, i);
        d.misses++, d.loss += loss;
        if (loss > d.worst_loss && i >= range_first && i < range_last)
            d.worst_event = i, d.worst_loss = loss;
    }
    return d;
}

static bool worse(const WindowDamage *a, const WindowDamage *b)
{
    if (a->interpretable != b->interpretable)
        return a->interpretable;
    if (a->misses != b->misses)
        return a->misses > b->misses;
    return a->loss > b->loss;
}

bool explainer_worst_window(const Model *m, const Trace *t, const EventOutcomes *o, size_t first, size_t last,
                            WorstWindow *out)
{
    WindowDamage best = {0};
    bool found = false;
    for (size_t e = first; e < last && e < o->n_events; e++) {
        if (o->outcome[e] != OUTCOME_MISS)
            continue;
        WindowDamage d = damage_of(m, t, o, e, first, last);
        if (!found || worse(&d, &best))
            best = d, found = true;
    }
    if (!found)
        return false;
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys = 1;
    size_t window_first = best.worst_event;
    if (best.interpretable)
        explainer_window_for(m, t, best.worst_event, keys, &n_keys, &window_first);
    *out = (WorstWindow){.event = best.worst_event, .first = window_first,
                         .last = window_first + (size_t)n_keys - 1, .misses = best.misses,
                         .prob = o->prob[best.worst_event], .interpretable = best.interpretable};
    return true;
}

bool explainer_index_normal(const Model *m, const Trace *t, WindowSet *ws, NearestIndex *ix, Error *err)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    window_set_init(ws, tx + ty);
    return model_add_windows(m, t, 0, t->n_events, ws, err) && nearest_index_build(ix, ws, (uint32_t)n_keys, err);
}
