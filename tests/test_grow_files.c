/* Grown models as files: the round trip byte for byte with the learned_windows metadata, the
 * grown fixtures made again byte for byte and equal to PyTorch's modules loading them
 * (tests/fixtures/make_grown_fixtures.py), learned_windows read, written, refused and shown by
 * info. */
#include "grow_helpers.h"

#include <math.h>

#include "../io/json.h"
#include "../io/safetensors.h"

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
        cmocka_unit_test(deeplog_round_trip),
        cmocka_unit_test(seq2seq_round_trip),
        cmocka_unit_test(deeplog_grown_matches_pytorch),
        cmocka_unit_test(seq2seq_grown_matches_pytorch),
        cmocka_unit_test(learned_windows_in_the_file_and_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
