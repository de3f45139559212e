/* Growing a model's vocabulary (model_grow_vocab), for both kinds: the old keys' predictions
 * kept on windows of old keys, the new keys below them all, the shapes of PyTorch's layout,
 * windows with a new key that run and a new key that training learns, names refused, the
 * growth repeated by its seed. Files and the PyTorch fixtures: tests/test_grow_files.c. */
#include "grow_helpers.h"

#include <math.h>

#include "../model/softmax.h"

/* ---- DeepLog ----------------------------------------------------------------------------- */

/* batch windows of width ids below n_keys, from a fixed xorshift sequence */
static int old_windows(uint32_t *windows, int batch, int width, uint32_t n_keys)
{
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < batch * width; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        windows[i] = (uint32_t)(x % n_keys);
    }
    return batch;
}

/* Old keys keep their logits (to 1e-6, relative); each new key's logit is its bias, below
 * every old key's on each window, so the argmax, every old key's rank and the top-g hits of
 * old targets are as before; the old keys' probabilities all shrink by one factor. */
static void same_predictions(const float *before, int k_old, const float *after, int k_new, int batch)
{
    for (int b = 0; b < batch; b++) {
        const float *x = before + (size_t)b * k_old, *y = after + (size_t)b * k_new;
        float least = x[0];
        for (int j = 0; j < k_old; j++) {
            if (fabsf(x[j] - y[j]) > 1e-6f * fmaxf(1.0f, fabsf(x[j])))
                fail_msg("window %d key %d: logit %.8f, before growing %.8f", b, j, y[j], x[j]);
            least = fminf(least, x[j]);
        }
        for (int j = k_old; j < k_new; j++)
            if (!(y[j] < least))
                fail_msg("window %d: new key %d's logit %.6f is not below the old keys' least %.6f", b, j, y[j],
                         least);
        for (int j = 0; j < k_old; j++)
            assert_int_equal(softmax_rank(y, k_new, (uint32_t)j), softmax_rank(x, k_old, (uint32_t)j));
    }
}

static void deeplog_grows_keeping_old_predictions(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/deeplog_small.safetensors");
    DeepLog *d = m.state;
    size_t params_before = model_n_params(&m);
    DeepLog before = *d;
    float *old_params = malloc(d->n_params * sizeof *old_params);
    memcpy(old_params, d->params, d->n_params * sizeof *old_params);
    uint32_t windows[64 * 4];
    int batch = old_windows(windows, 64, 4, 7);
    float *old_logits = deeplog_logits(d, windows, batch);

    grow(&m);
    int n_keys;
    char *const *names = model_key_names(&m, &n_keys);
    assert_int_equal(n_keys, 9);
    assert_string_equal(names[1], "COMM/SND_MESSAGE");
    assert_string_equal(names[7], "PROC/CREATE");
    assert_string_equal(names[8], "PROC/DESTROY");
    int H = d->cfg.hidden;
    /* lstm.weight_ih_l0 [4H, K] gains 2 columns, fc.weight [K, H] 2 rows, fc.bias 2 entries */
    assert_int_equal(model_n_params(&m), params_before + (size_t)(4 * H * 2 + H * 2 + 2));
    TensorTable old_table, table;
    deeplog_tensor_table(&before.cfg, &old_table);
    deeplog_tensor_table(&d->cfg, &table);
    assert_int_equal(table.rows[0].shape[0], 4 * H);
    assert_int_equal(table.rows[0].shape[1], 9);
    assert_int_equal(table.rows[table.n_rows - 2].shape[0], 9);
    assert_int_equal(table.rows[table.n_rows - 1].shape[0], 9);
    /* every old value in its place */
    for (size_t i = 0; i < table.n_rows; i++) {
        const TensorSpec *o = &old_table.rows[i], *n = &table.rows[i];
        size_t cols = o->ndim == 2 ? (size_t)o->shape[1] : 1, new_cols = n->ndim == 2 ? (size_t)n->shape[1] : 1;
        for (size_t r = 0; r < (size_t)o->shape[0]; r++)
            assert_memory_equal(d->params + n->offset + r * new_cols, old_params + o->offset + r * cols,
                                cols * sizeof(float));
    }
    for (int k = 7; k < 9; k++)
        for (int j = 0; j < H; j++)
            assert_true(d->t.fc_weight[k * H + j] == 0.0f);
    assert_true(d->t.lstm[0].w_ih[7] != 0.0f); /* a new input column, initialised */
    float *new_logits = deeplog_logits(d, windows, batch);
    same_predictions(old_logits, 7, new_logits, 9, batch);
    free(old_logits);
    free(new_logits);
    free(old_params);
    model_free(&m);
}

/* The mean cross-entropy of windows [n][width] as the model predicts their last ty keys. */
static double mean_loss(Model *m, const uint32_t *windows, int n);

static WindowSet windows_of(const uint32_t *windows, int n, int width)
{
    WindowSet ws;
    window_set_init(&ws, width);
    Error err = {0};
    for (int i = 0; i < n; i++)
        assert_true(window_set_add(&ws, windows + (size_t)i * width, NULL, &err));
    return ws;
}

/* Training on windows holding the new key (read and predicted) lowers their loss. */
static void training_learns_the_new_key(const char *fixture, const uint32_t *windows, int n, int width)
{
    Model m = load_model(fixture);
    grow(&m);
    double before = mean_loss(&m, windows, n);
    WindowSet ws = windows_of(windows, n, width);
    TrainOptions opt = {.epochs = 60, .batch_size = 4, .learning_rate = 0.01f, .seed = 3};
    TrainReport report;
    Error err = {0};
    assert_true(model_train(&m, &ws, &opt, &report, &err));
    double after = mean_loss(&m, windows, n);
    if (!(after < before * 0.5))
        fail_msg("the new key's loss went from %.4f to %.4f", before, after);
    window_set_free(&ws);
    model_free(&m);
}

static void deeplog_window_with_a_new_key(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/deeplog_small.safetensors");
    grow(&m);
    DeepLog *d = m.state;
    /* the same window with a new key (8) for one old (2): the input column is read */
    uint32_t windows[8] = {1, 2, 3, 4, 1, 8, 3, 4};
    float *logits = deeplog_logits(d, windows, 2);
    bool differ = false;
    for (int j = 0; j < 9; j++) {
        assert_true(isfinite(logits[j]) && isfinite(logits[9 + j]));
        differ |= logits[j] != logits[9 + j];
    }
    assert_true(differ);
    free(logits);
    model_free(&m);
    /* windows of 4 and the next key: the new keys read and predicted */
    const uint32_t learn[] = {1, 2, 7, 3, 7, 2, 7, 3, 7, 8, 7, 3, 7, 8, 0, 8, 5, 6, 0, 7};
    training_learns_the_new_key(FIXTURES_DIR "/deeplog_small.safetensors", learn, 4, 5);
}

/* ---- seq2seq ----------------------------------------------------------------------------- */

/* Greedy logits [ty][batch][V] and keys [batch][ty] of inputs [batch][tx]. */
static float *seq2seq_greedy(const Seq2Seq *s, const uint32_t *inputs, int batch, uint32_t *keys)
{
    Seq2SeqWork w;
    Error err = {0};
    assert_true(seq2seq_work_init(&w, s, batch, &err));
    seq2seq_forward(s, &w, inputs, NULL, keys, batch);
    size_t n = (size_t)s->cfg.ty * batch * s->cfg.vocab;
    float *out = malloc(n * sizeof *out);
    memcpy(out, w.logits, n * sizeof *out);
    seq2seq_work_free(&w);
    return out;
}

static void seq2seq_grows_keeping_old_predictions(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/seq2seq_small.safetensors");
    Seq2Seq *s = m.state;
    size_t params_before = model_n_params(&m);
    int V = s->cfg.vocab, E = s->cfg.embed, H = s->cfg.hidden, ty = s->cfg.ty;
    uint32_t inputs[32 * 5], keys_before[32 * 5], keys_after[32 * 5];
    int batch = old_windows(inputs, 32, 5, (uint32_t)V - 3);
    for (int i = 0; i < batch * 5; i++)
        inputs[i] += 3;
    float *before = seq2seq_greedy(s, inputs, batch, keys_before);
    grow(&m);
    int n_keys;
    char *const *names = model_key_names(&m, &n_keys);
    assert_int_equal(n_keys, V + 2);
    assert_string_equal(names[2], "<unk>");
    assert_string_equal(names[V], "PROC/CREATE");
    /* both embeddings gain 2 rows of E, decoder.fc 2 rows of H and 2 biases */
    assert_int_equal(model_n_params(&m), params_before + (size_t)(2 * (2 * E) + 2 * H + 2));
    TensorTable table;
    seq2seq_tensor_table(&s->cfg, &table);
    size_t grown_rows = 0;
    for (size_t i = 0; i < table.n_rows; i++)
        grown_rows += table.rows[i].shape[0] == V + 2;
    assert_int_equal(grown_rows, 4);
    float *after = seq2seq_greedy(s, inputs, batch, keys_after);
    /* the same greedy keys, so each step read the same previous key and the logits compare */
    assert_memory_equal(keys_after, keys_before, (size_t)batch * ty * sizeof *keys_before);
    for (int t = 0; t < ty; t++)
        same_predictions(before + (size_t)t * batch * V, V, after + (size_t)t * batch * (V + 2), V + 2, batch);
    free(before);
    free(after);
    model_free(&m);
}

static void seq2seq_window_with_a_new_key(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/seq2seq_small.safetensors");
    Seq2Seq *s = m.state;
    /* before growing, id 9 is a key the model does not know: read as UNK */
    assert_int_equal(seq2seq_id(s, 9), SEQ2SEQ_UNK);
    grow(&m);
    assert_int_equal(seq2seq_id(s, 9), 9);
    uint32_t inputs[10] = {3, 4, 5, 6, 7, 3, 4, 9, 6, 7}, keys[10];
    float *logits = seq2seq_greedy(s, inputs, 2, keys);
    bool differ = false;
    for (int j = 0; j < s->cfg.vocab; j++)
        differ |= logits[j] != logits[s->cfg.vocab + j];
    assert_true(differ);
    free(logits);
    model_free(&m);
    /* tx 5 read, ty 5 predicted: the new keys 9 and 10 among both */
    const uint32_t learn[] = {3, 9, 4, 9, 5, 9, 6, 9, 10, 9, 9, 4, 10, 5, 6, 3, 9, 10, 9, 4};
    training_learns_the_new_key(FIXTURES_DIR "/seq2seq_small.safetensors", learn, 2, 10);
}

static double mean_loss(Model *m, const uint32_t *windows, int n)
{
    double loss = 0;
    if (strcmp(model_kind_name(m), "deeplog") == 0) {
        DeepLog *d = m->state;
        int h = d->cfg.window, K = d->cfg.n_keys;
        uint32_t inputs[64];
        for (int i = 0; i < n; i++)
            memcpy(inputs + i * h, windows + i * (h + 1), (size_t)h * sizeof *inputs);
        float *logits = deeplog_logits(d, inputs, n), probs[64];
        for (int i = 0; i < n; i++) {
            softmax_forward(probs, logits + (size_t)i * K, 1, K);
            loss -= log(probs[windows[i * (h + 1) + h]]) / n;
        }
        free(logits);
        return loss;
    }
    Seq2Seq *s = m->state;
    int tx = s->cfg.tx, ty = s->cfg.ty, V = s->cfg.vocab;
    uint32_t inputs[64], targets[64];
    for (int i = 0; i < n; i++) {
        memcpy(inputs + i * tx, windows + i * (tx + ty), (size_t)tx * sizeof *inputs);
        memcpy(targets + i * ty, windows + i * (tx + ty) + tx, (size_t)ty * sizeof *targets);
    }
    Seq2SeqWork w;
    Error err = {0};
    assert_true(seq2seq_work_init(&w, s, n, &err));
    seq2seq_forward(s, &w, inputs, targets, NULL, n);
    for (int t = 0; t < ty; t++)
        for (int i = 0; i < n; i++)
            loss -= log(w.probs[((size_t)t * n + i) * V + targets[i * ty + t]]) / (n * ty);
    seq2seq_work_free(&w);
    return loss;
}

/* ---- both kinds -------------------------------------------------------------------------- */

static void growing_refuses_names_it_has(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/deeplog_small.safetensors");
    uint64_t params = model_params_hash(&m), vocab = model_vocab_hash(&m);
    Error err = {0};
    const char *known[] = {"NEW", "THREAD/THREADY"}, *twice[] = {"NEW", "NEW"};
    assert_false(model_grow_vocab(&m, known, 2, 1, &err));
    assert_contains(err.msg, "already has key 'THREAD/THREADY' (id 4)");
    assert_false(model_grow_vocab(&m, twice, 2, 1, &err));
    assert_contains(err.msg, "key 'NEW' given twice");
    assert_true(model_params_hash(&m) == params && model_vocab_hash(&m) == vocab);
    assert_true(model_grow_vocab(&m, known, 0, 1, &err)); /* nothing to add */
    assert_true(model_vocab_hash(&m) == vocab);
    model_free(&m);
}

static void growing_is_deterministic(void **state)
{
    (void)state;
    const char *files[] = {FIXTURES_DIR "/deeplog_small.safetensors", FIXTURES_DIR "/seq2seq_small.safetensors"};
    for (int f = 0; f < 2; f++) {
        Model a = load_model(files[f]), b = load_model(files[f]), c = load_model(files[f]);
        grow(&a);
        grow(&b);
        Error err = {0};
        assert_true(model_grow_vocab(&c, new_names, N_NEW, GROW_SEED + 1, &err));
        assert_true(model_params_hash(&a) == model_params_hash(&b));
        /* DeepLog's new input columns are drawn from the seed; seq2seq's new embedding rows are
         * copies of <unk>'s, whatever the seed */
        assert_true((model_params_hash(&a) != model_params_hash(&c)) == (f == 0));
        model_free(&a), model_free(&b), model_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deeplog_grows_keeping_old_predictions),
        cmocka_unit_test(deeplog_window_with_a_new_key),
        cmocka_unit_test(seq2seq_grows_keeping_old_predictions),
        cmocka_unit_test(seq2seq_window_with_a_new_key),
        cmocka_unit_test(growing_refuses_names_it_has),
        cmocka_unit_test(growing_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
