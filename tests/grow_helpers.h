/* What tests/test_grow.c and tests/test_grow_files.c share: the growth the grown fixtures are
 * made by, loading and growing a model, DeepLog's logits. */
#ifndef TRACEAID_GROW_HELPERS_H
#define TRACEAID_GROW_HELPERS_H

#include "test_util.h"

#include "../model/deeplog.h"
#include "../model/model.h"
#include "../model/seq2seq.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* What the grown fixtures are: the small PyTorch fixtures grown by these two keys, seed 11. */
static const char *const new_names[] = {"PROC/CREATE", "PROC/DESTROY"};
#define N_NEW 2
#define GROW_SEED 11

static inline Model load_model(const char *path)
{
    Model m;
    Error err = {0};
    if (!model_load(&m, path, NULL, &err))
        fail_msg("%s", err.msg);
    return m;
}

static inline void grow(Model *m)
{
    Error err = {0};
    if (!model_grow_vocab(m, new_names, N_NEW, GROW_SEED, &err))
        fail_msg("%s", err.msg);
}

/* logits [batch][K] of windows [batch][h] */
static inline float *deeplog_logits(const DeepLog *d, const uint32_t *windows, int batch)
{
    DeepLogWork w;
    Error err = {0};
    assert_true(deeplog_work_init(&w, d, batch, &err));
    deeplog_forward(d, &w, windows, batch);
    float *out = malloc((size_t)batch * d->cfg.n_keys * sizeof *out);
    memcpy(out, w.logits, (size_t)batch * d->cfg.n_keys * sizeof *out);
    deeplog_work_free(&w);
    return out;
}

#endif
