/* seq2seq models as safetensors files in PyTorch's layout (docs/MODEL_FORMAT.md): the tensors are
 * seq2seq_tensor_table's rows, the metadata is written and read here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_file.h"
#include "seq2seq.h"

/* The tensors as the file names them, over the model's parameters. */
static void tensor_list(const Seq2Seq *m, TensorList *list)
{
    TensorTable table;
    seq2seq_tensor_table(&m->cfg, &table);
    tensor_table_list(&table, m->params, list);
}

bool seq2seq_save(const Seq2Seq *m, const char *path, Error *err)
{
    TensorList list;
    tensor_list(m, &list);
    char tx[16], ty[16], stride[16], top_g[16];
    snprintf(top_g, sizeof top_g, "%d", m->top_g);
    snprintf(tx, sizeof tx, "%d", m->cfg.tx);
    snprintf(ty, sizeof ty, "%d", m->cfg.ty);
    snprintf(stride, sizeof stride, "%d", m->cfg.stride);
    char *vocab = model_vocab_json(m->key_names, m->cfg.vocab);
    if (!vocab)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    const char *keys[7 + CALIBRATION_META_MAX] = {"model", "vocab", "tx", "ty", "stride", "top_g"};
    const char *values[7 + CALIBRATION_META_MAX] = {"seq2seq", vocab, tx, ty, stride, top_g};
    size_t n_meta = 6;
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

static bool config_from_file(const SafeTensors *st, const char *path, Seq2SeqConfig *c, Error *err)
{
    const StTensor *emb = safetensors_find(st, "encoder.embedding.weight");
    const StTensor *hh = safetensors_find(st, "encoder.gru.weight_hh_l0");
    const StTensor *w1 = safetensors_find(st, "attention.W1.weight");
    if (!emb || emb->ndim != 2 || !hh || hh->ndim != 2 || !w1 || w1->ndim != 2)
        return error_set(err, "%s: no encoder.embedding.weight, encoder.gru.weight_hh_l0 and "
                         "attention.W1.weight: not a seq2seq model", path);
    c->vocab = (int)emb->shape[0];
    c->embed = (int)emb->shape[1];
    c->hidden = (int)hh->shape[1];
    c->units = (int)w1->shape[0];
    return model_meta_int(st, path, "tx", 5, &c->tx, err) && model_meta_int(st, path, "ty", 5, &c->ty, err) &&
           model_meta_int(st, path, "stride", 5, &c->stride, err);
}

static bool copy_model_tensors(Seq2Seq *m, const SafeTensors *st, const char *path, Error *err)
{
    TensorList want;
    tensor_list(m, &want);
    return model_copy_tensors(st, path, want.tensors, want.n, err);
}

bool seq2seq_from_safetensors(Seq2Seq *m, const SafeTensors *st, const char *path, Error *err)
{
    memset(m, 0, sizeof *m);
    Seq2SeqConfig c = {0};
    const char *kind = safetensors_meta(st, "model");
    bool ok = !kind || strcmp(kind, "seq2seq") == 0 ||
              error_set(err, "%s: a %s model, not a seq2seq one", path, kind);
    ok = ok && config_from_file(st, path, &c, err) && seq2seq_create(m, &c, NULL, 0, err);
    if (ok && !(ok = model_meta_int(st, path, "top_g", 1, &m->top_g, err) &&
                     seq2seq_check_top_g(m, m->top_g, err) &&
                     model_read_vocab(st, path, m->key_names, m->cfg.vocab, err) &&
                     model_read_calibration(st, path, &m->calibration, err) &&
                     model_read_learned_windows(st, path, &m->learned_windows, err) &&
                     copy_model_tensors(m, st, path, err)))
        seq2seq_free(m);
    return ok;
}

bool seq2seq_load(Seq2Seq *m, const char *path, Error *err)
{
    memset(m, 0, sizeof *m);
    SafeTensors st;
    if (!safetensors_load(&st, path, err))
        return false;
    bool ok = seq2seq_from_safetensors(m, &st, path, err);
    safetensors_free(&st);
    return ok;
}
