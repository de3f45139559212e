/* DeepLog models as safetensors files in PyTorch's layout (docs/MODEL_FORMAT.md): the tensors are
 * deeplog_tensor_table's rows, the metadata is written and read here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deeplog.h"
#include "model_file.h"

/* The tensors as the file names them, over the model's parameters. */
static void tensor_list(const DeepLog *m, TensorList *list)
{
    TensorTable table;
    deeplog_tensor_table(&m->cfg, &table);
    tensor_table_list(&table, m->params, list);
}

bool deeplog_save(const DeepLog *m, const char *path, Error *err)
{
    TensorList list;
    tensor_list(m, &list);
    char window[16], top_g[16];
    snprintf(window, sizeof window, "%d", m->cfg.window);
    snprintf(top_g, sizeof top_g, "%d", m->cfg.top_g);
    char *vocab = model_vocab_json(m->key_names, m->cfg.n_keys);
    if (!vocab)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    const char *keys[5 + CALIBRATION_META_MAX] = {"model", "window", "top_g", "vocab"};
    const char *values[5 + CALIBRATION_META_MAX] = {"deeplog", window, top_g, vocab};
    size_t n_meta = 4;
    char learned[24];
    if (m->learned_windows) { /* absent means 0: files of models never updated stay as they were */
        snprintf(learned, sizeof learned, "%" PRIu64, m->learned_windows);
        keys[n_meta] = "learned_windows", values[n_meta++] = learned;
    }
    CalibrationText text;
    model_calibration_meta(&m->calibration, &text, keys, values, &n_meta);
    bool ok = safetensors_save(path, list.tensors, list.n, keys, values, n_meta, err);
    free(vocab);
    return ok;
}

/* K, H and L from the shapes of the first layer and the count of layers present. */
static bool config_from_shapes(const SafeTensors *st, const char *path, DeepLogConfig *c, Error *err)
{
    const StTensor *first = safetensors_find(st, "lstm.weight_ih_l0");
    if (!first || first->ndim != 2 || first->shape[0] % 4 != 0)
        return error_set(err, "%s: no tensor lstm.weight_ih_l0 of shape [4H, K]: not a DeepLog model", path);
    c->hidden = (int)(first->shape[0] / 4);
    c->n_keys = (int)first->shape[1];
    c->layers = 0;
    char name[32];
    do
        snprintf(name, sizeof name, "lstm.weight_ih_l%d", ++c->layers);
    while (c->layers < DEEPLOG_MAX_LAYERS && safetensors_find(st, name));
    return true;
}

static bool copy_model_tensors(DeepLog *m, const SafeTensors *st, const char *path, Error *err)
{
    TensorList want;
    tensor_list(m, &want);
    return model_copy_tensors(st, path, want.tensors, want.n, err);
}

bool deeplog_from_safetensors(DeepLog *m, const SafeTensors *st, const char *path,
                              const DeepLogConfig *defaults, Error *err)
{
    memset(m, 0, sizeof *m);
    DeepLogConfig c = {0};
    const char *kind = safetensors_meta(st, "model");
    bool ok = !kind || strcmp(kind, "deeplog") == 0 ||
              error_set(err, "%s: a %s model, not a DeepLog one", path, kind);
    ok = ok && config_from_shapes(st, path, &c, err) &&
         model_meta_int(st, path, "window", defaults ? defaults->window : 0, &c.window, err) &&
         model_meta_int(st, path, "top_g", defaults ? defaults->top_g : 0, &c.top_g, err);
    if (ok && !safetensors_meta(st, "top_g") && c.top_g > c.n_keys)
        c.top_g = c.n_keys; /* a default, not a choice: a bare file may have fewer keys than it */
    ok = ok && deeplog_create(m, &c, NULL, 0, err);
    if (ok && !(ok = model_read_vocab(st, path, m->key_names, m->cfg.n_keys, err) &&
                     model_read_calibration(st, path, &m->calibration, err) &&
                     model_read_learned_windows(st, path, &m->learned_windows, err) &&
                     copy_model_tensors(m, st, path, err)))
        deeplog_free(m);
    return ok;
}

bool deeplog_load(DeepLog *m, const char *path, const DeepLogConfig *defaults, Error *err)
{
    memset(m, 0, sizeof *m);
    SafeTensors st;
    if (!safetensors_load(&st, path, err))
        return false;
    bool ok = deeplog_from_safetensors(m, &st, path, defaults, err);
    safetensors_free(&st);
    return ok;
}
