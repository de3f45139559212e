/* Growing a model's vocabulary (model_grow_vocab), for both kinds: the old keys' predictions
 * kept on windows of old keys, the new keys below them all, the shapes of PyTorch's layout,
 * files that round-trip byte for byte, windows with a new key that run and a new key that
 * training learns; the grown fixtures equal to PyTorch's modules loading them
 * (tests/fixtures/make_grown_fixtures.py); the learned_windows metadata. */
#include "test_util.h"

#include <math.h>

#include "../io/json.h"
#include "../model/deeplog.h"
#include "../model/model.h"
#include "../model/seq2seq.h"
#include "../model/softmax.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* What the grown fixtures are: the small PyTorch fixtures grown by these two keys, seed 11. */
static const char *const new_names[] = {"PROC/CREATE", "PROC/DESTROY"};
#define N_NEW 2
#define GROW_SEED 11

static Model load_model(const char *path)
{
    Model m;
    Error err = {0};
    if (!model_load(&m, path, NULL, &err))
        fail_msg("%s", err.msg);
    return m;
}

static void grow(Model *m)
{
    Error err = {0};
    if (!model_grow_vocab(m, new_names, N_NEW, GROW_SEED, &err))
        fail_msg("%s", err.msg);
}

/* ---- DeepLog ----------------------------------------------------------------------------- */

/* logits [batch][K] of windows [batch][h] */
static float *deeplog_logits(const DeepLog *d, const uint32_t *windows, int batch)
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

/* Every window of 4 over ids 0..6 in a fixed pseudo-random walk. */
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

static void grown_files_round_trip_byte_for_byte(const char *fixture)
{
    Model m = load_model(fixture);
    grow(&m);
    model_add_learned_windows(&m, 12345);
    Error err = {0};
    const char *first = test_path("grown-1.safetensors"), *second = test_path("grown-2.safetensors");
    assert_true(model_save(&m, first, &err));
    Model back = load_model(first);
    assert_int_equal(model_n_params(&back), model_n_params(&m));
    assert_memory_equal(back.kind->params(back.state), m.kind->params(m.state), model_n_params(&m) * sizeof(float));
    assert_true(model_vocab_hash(&back) == model_vocab_hash(&m));
    assert_true(model_learned_windows(&back) == 12345);
    assert_true(model_save(&back, second, &err));
    char *a = slurp(first), *b = slurp(second);
    struct stat sa, sb;
    assert_int_equal(stat(first, &sa), 0);
    assert_int_equal(stat(second, &sb), 0);
    assert_int_equal(sa.st_size, sb.st_size);
    assert_memory_equal(a, b, (size_t)sa.st_size);
    free(a);
    free(b);
    model_free(&back);
    model_free(&m);
}

static void deeplog_round_trip(void **state)
{
    (void)state;
    grown_files_round_trip_byte_for_byte(FIXTURES_DIR "/deeplog_small.safetensors");
}

static void seq2seq_round_trip(void **state)
{
    (void)state;
    grown_files_round_trip_byte_for_byte(FIXTURES_DIR "/seq2seq_small.safetensors");
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
    Model a = load_model(FIXTURES_DIR "/seq2seq_small.safetensors");
    Model b = load_model(FIXTURES_DIR "/seq2seq_small.safetensors");
    Model c = load_model(FIXTURES_DIR "/seq2seq_small.safetensors");
    grow(&a);
    grow(&b);
    Error err = {0};
    assert_true(model_grow_vocab(&c, new_names, N_NEW, GROW_SEED + 1, &err));
    assert_true(model_params_hash(&a) == model_params_hash(&b));
    assert_true(model_params_hash(&a) != model_params_hash(&c)); /* new embedding rows from the seed */
    model_free(&a);
    model_free(&b);
    model_free(&c);
}

/* The committed grown fixtures are the small fixtures grown here, byte for byte;
 * UPDATE_FIXTURES=1 writes them again (then run tests/fixtures/make_grown_fixtures.py). */
static void grown_fixture_is_reproduced(const char *small, const char *grown)
{
    Model m = load_model(small);
    grow(&m);
    Error err = {0};
    if (getenv("UPDATE_FIXTURES")) {
        assert_true(model_save(&m, grown, &err));
        model_free(&m);
        return;
    }
    const char *path = test_path("grown.safetensors");
    assert_true(model_save(&m, path, &err));
    struct stat ours, committed;
    assert_int_equal(stat(path, &ours), 0);
    assert_int_equal(stat(grown, &committed), 0);
    assert_int_equal(ours.st_size, committed.st_size);
    char *a = slurp(path), *b = slurp(grown);
    assert_memory_equal(a, b, (size_t)ours.st_size);
    free(a);
    free(b);
    model_free(&m);
}

static JsonDoc read_json(const char *path)
{
    char *text = slurp(path);
    JsonDoc doc;
    Error err = {0};
    if (!json_parse(&doc, text, strlen(text), path, &err))
        fail_msg("%s", err.msg);
    free(text);
    return doc;
}

static int json_keys(const JsonDoc *doc, const char *name, uint32_t *out)
{
    const JsonValue *rows = json_get(doc->root, name);
    int n = 0;
    for (size_t r = 0; r < rows->length; r++)
        for (size_t c = 0; c < rows->items[r].length; c++)
            out[n++] = (uint32_t)rows->items[r].items[c].number;
    return (int)rows->length;
}

static void near(const char *what, int row, int col, double got, double expected)
{
    if (fabs(got - expected) > 1e-5)
        fail_msg("%s: window %d, %d: %.8f, PyTorch %.8f", what, row, col, got, expected);
}

static void deeplog_grown_matches_pytorch(void **state)
{
    (void)state;
    grown_fixture_is_reproduced(FIXTURES_DIR "/deeplog_small.safetensors", FIXTURES_DIR "/deeplog_grown.safetensors");
    Model m = load_model(FIXTURES_DIR "/deeplog_grown.safetensors");
    DeepLog *d = m.state;
    JsonDoc doc = read_json(FIXTURES_DIR "/deeplog_grown.json");
    uint32_t windows[256];
    int batch = json_keys(&doc, "windows", windows), K = d->cfg.n_keys;
    assert_int_equal(K, 9);
    bool reads_new = false;
    for (int i = 0; i < batch * d->cfg.window; i++)
        reads_new |= windows[i] >= 7;
    assert_true(reads_new);
    float *logits = deeplog_logits(d, windows, batch);
    const JsonValue *expected = json_get(doc.root, "logits");
    for (int b = 0; b < batch; b++)
        for (int k = 0; k < K; k++)
            near("logits", b, k, logits[b * K + k], expected->items[b].items[k].number);
    free(logits);
    json_free(&doc);
    model_free(&m);
}

static void seq2seq_grown_matches_pytorch(void **state)
{
    (void)state;
    grown_fixture_is_reproduced(FIXTURES_DIR "/seq2seq_small.safetensors", FIXTURES_DIR "/seq2seq_grown.safetensors");
    Model m = load_model(FIXTURES_DIR "/seq2seq_grown.safetensors");
    Seq2Seq *s = m.state;
    JsonDoc doc = read_json(FIXTURES_DIR "/seq2seq_grown.json");
    uint32_t inputs[256], targets[256], keys[256], expected_keys[256];
    int batch = json_keys(&doc, "inputs", inputs), V = s->cfg.vocab, ty = s->cfg.ty;
    json_keys(&doc, "targets", targets);
    json_keys(&doc, "greedy_keys", expected_keys);
    Seq2SeqWork w;
    Error err = {0};
    assert_true(seq2seq_work_init(&w, s, batch, &err));
    const char *runs[2] = {"greedy_logits", "forced_logits"};
    for (int run = 0; run < 2; run++) {
        seq2seq_forward(s, &w, inputs, run ? targets : NULL, run ? NULL : keys, batch);
        const JsonValue *rows = json_get(doc.root, runs[run]);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < ty; t++)
                for (int k = 0; k < V; k++)
                    near(runs[run], b, t * V + k, w.logits[((size_t)t * batch + b) * V + k],
                         rows->items[b].items[t * V + k].number);
    }
    assert_memory_equal(keys, expected_keys, (size_t)batch * ty * sizeof *keys);
    seq2seq_work_free(&w);
    json_free(&doc);
    model_free(&m);
}

static void learned_windows_in_the_file_and_info(void **state)
{
    (void)state;
    Model m = load_model(FIXTURES_DIR "/deeplog_small.safetensors");
    assert_true(model_learned_windows(&m) == 0); /* absent: 0 */
    const char *path = test_path("counted.safetensors");
    Error err = {0};
    RunResult r = {0};
    assert_true(model_save(&m, path, &err));
    r = run_traceaid("info", path);
    assert_int_equal(r.status, 0);
    if (strstr(r.out, "learned:") || strstr(r.out, "learned_windows"))
        fail_msg("info of a model never updated speaks of learned windows:\n%s", r.out);
    run_result_free(&r);
    model_add_learned_windows(&m, 1200);
    model_add_learned_windows(&m, 34);
    assert_true(model_save(&m, path, &err));
    r = run_traceaid("info", path);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "learned: 1,234 windows by traceaid update since training");
    assert_contains(r.out, "learned_windows 1234");
    run_result_free(&r);
    model_free(&m);

    /* a count that is not one is refused, naming the file */
    Model bad;
    const char *wrong[] = {"12x", "-1", "", "18446744073709551616"};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        DeepLog *d = (m = load_model(FIXTURES_DIR "/deeplog_small.safetensors"), m.state);
        TensorTable table;
        TensorList list;
        deeplog_tensor_table(&d->cfg, &table);
        tensor_table_list(&table, d->params, &list);
        const char *keys[] = {"model", "window", "top_g", "learned_windows"};
        const char *values[] = {"deeplog", "4", "3", wrong[i]};
        assert_true(safetensors_save(path, list.tensors, list.n, keys, values, 4, &err));
        assert_false(model_load(&bad, path, NULL, &err));
        assert_contains(err.msg, "metadata \"learned_windows\" is");
        model_free(&m);
    }
    m = load_model(FIXTURES_DIR "/deeplog_small.safetensors");
    model_add_learned_windows(&m, UINT64_MAX); /* saturates rather than wraps */
    model_add_learned_windows(&m, 5);
    assert_true(model_learned_windows(&m) == UINT64_MAX);
    assert_true(model_save(&m, path, &err));
    Model back = load_model(path);
    assert_true(model_learned_windows(&back) == UINT64_MAX);
    model_free(&back);
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deeplog_grows_keeping_old_predictions),
        cmocka_unit_test(deeplog_round_trip),
        cmocka_unit_test(deeplog_window_with_a_new_key),
        cmocka_unit_test(seq2seq_grows_keeping_old_predictions),
        cmocka_unit_test(seq2seq_round_trip),
        cmocka_unit_test(seq2seq_window_with_a_new_key),
        cmocka_unit_test(growing_refuses_names_it_has),
        cmocka_unit_test(growing_is_deterministic),
        cmocka_unit_test(deeplog_grown_matches_pytorch),
        cmocka_unit_test(seq2seq_grown_matches_pytorch),
        cmocka_unit_test(learned_windows_in_the_file_and_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
