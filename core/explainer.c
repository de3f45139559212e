#include "explainer.h"

#include <string.h>

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

bool explainer_at(Explainer *x, const Trace *t, size_t e, Interpretation *out, size_t *first)
{
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys;
    if (!model_window_for(x->model, t, e, keys, &n_keys, first))
        return false;
    model_interpret(&x->interpreter, keys, out);
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
