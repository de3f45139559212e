#include "model.h"

#include <string.h>

#include "../io/safetensors.h"

static bool detect_kind(const char *path, ModelKind *kind, Error *err)
{
    SafeTensors st;
    if (!safetensors_load(&st, path, err))
        return false;
    const char *name = safetensors_meta(&st, "model");
    bool ok = true;
    if (name && strcmp(name, "deeplog") == 0)
        *kind = MODEL_DEEPLOG;
    else if (name && strcmp(name, "seq2seq") == 0)
        *kind = MODEL_SEQ2SEQ;
    else if (name)
        ok = error_set(err, "%s: model kind '%s' is not one traceaid knows (deeplog, seq2seq)", path, name);
    else if (safetensors_find(&st, "lstm.weight_ih_l0"))
        *kind = MODEL_DEEPLOG;
    else if (safetensors_find(&st, "encoder.embedding.weight"))
        *kind = MODEL_SEQ2SEQ;
    else
        ok = error_set(err, "%s: neither a DeepLog (lstm.*) nor a seq2seq (encoder.*) model", path);
    safetensors_free(&st);
    return ok;
}

bool model_load(Model *m, const char *path, const DeepLogConfig *deeplog_defaults, Error *err)
{
    memset(m, 0, sizeof *m);
    if (!detect_kind(path, &m->kind, err))
        return false;
    return m->kind == MODEL_DEEPLOG ? deeplog_load(&m->deeplog, path, deeplog_defaults, err)
                                    : seq2seq_load(&m->seq2seq, path, err);
}

bool model_save(const Model *m, const char *path, Error *err)
{
    return m->kind == MODEL_DEEPLOG ? deeplog_save(&m->deeplog, path, err) : seq2seq_save(&m->seq2seq, path, err);
}

void model_free(Model *m)
{
    if (m->kind == MODEL_DEEPLOG)
        deeplog_free(&m->deeplog);
    else
        seq2seq_free(&m->seq2seq);
}

const char *model_kind_name(const Model *m)
{
    return m->kind == MODEL_DEEPLOG ? "deeplog" : "seq2seq";
}

char *const *model_key_names(const Model *m, int *n_keys)
{
    *n_keys = m->kind == MODEL_DEEPLOG ? m->deeplog.cfg.n_keys : m->seq2seq.cfg.vocab;
    return m->kind == MODEL_DEEPLOG ? m->deeplog.key_names : m->seq2seq.key_names;
}

Calibration *model_calibration(Model *m)
{
    return m->kind == MODEL_DEEPLOG ? &m->deeplog.calibration : &m->seq2seq.calibration;
}

bool model_outcomes(const Model *m, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                    const volatile sig_atomic_t *cancel, Error *err)
{
    if (m->kind == MODEL_SEQ2SEQ)
        return seq2seq_outcomes(&m->seq2seq, t, first, last, out, cancel, err);
    if (first != 0 || last != t->n_events)
        return error_set(err, "DeepLog scores whole traces");
    return deeplog_outcomes(&m->deeplog, t, out, cancel, err);
}

void model_window_shape(const Model *m, int *tx, int *ty, int *stride)
{
    if (m->kind == MODEL_DEEPLOG) {
        *tx = m->deeplog.cfg.window, *ty = 1, *stride = 1;
    } else {
        *tx = m->seq2seq.cfg.tx, *ty = m->seq2seq.cfg.ty, *stride = m->seq2seq.cfg.stride;
    }
}

bool model_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first)
{
    size_t s = 0;
    while (s + 1 < t->n_sessions && t->session_start[s + 1] <= e)
        s++;
    size_t start = t->session_start[s], end = t->session_start[s + 1];
    if (m->kind == MODEL_SEQ2SEQ) {
        const Seq2Seq *q = &m->seq2seq;
        size_t tx = (size_t)q->cfg.tx, ty = (size_t)q->cfg.ty, stride = (size_t)q->cfg.stride;
        if (e < start + tx)
            return false;
        size_t i = start + (e - start - tx) / stride * stride;
        if (e >= i + tx + ty || i + tx + ty > end)
            return false;
        for (size_t j = 0; j < tx + ty; j++)
            keys[j] = seq2seq_id(q, t->key_id[i + j]);
        *n_keys = (int)(tx + ty), *first = i;
        return true;
    }
    int h = m->deeplog.cfg.window;
    if (e < start + (size_t)h)
        return false;
    for (int i = 0; i <= h; i++) {
        keys[i] = t->key_id[e - h + i];
        if (i < h && keys[i] >= (uint32_t)m->deeplog.cfg.n_keys)
            return false;
    }
    *n_keys = h + 1, *first = e - h;
    return true;
}
