/* Interpreting anomalies on small trained models whose right reference is known, and the
 * nearest-window index against a brute-force search. */
#include "test_util.h"

#include "../model/deeplog_train.h"
#include "../model/interpret.h"
#include "../model/seq2seq_train.h"

/* Sessions from rows of keys (1-based, as in session files), each repeated. */
static void add_sessions(WindowSet *ws, const int rows[][8], int n_rows, int length, int repeats)
{
    Error err = {0};
    uint32_t ids[8];
    for (int rep = 0; rep < repeats; rep++)
        for (int r = 0; r < n_rows; r++) {
            for (int i = 0; i < length; i++)
                ids[i] = (uint32_t)rows[r][i] - 1;
            for (int i = 0; i + ws->width <= length; i++)
                assert_true(window_set_add(ws, ids + i, NULL, &err));
        }
}

static void train(DeepLog *m, int n_keys, const int rows[][8], int n_rows, int length)
{
    DeepLogConfig cfg = {.n_keys = n_keys, .hidden = 8, .layers = 1, .window = 3, .top_g = 1};
    Error err = {0};
    assert_true(deeplog_create(m, &cfg, NULL, 3, &err));
    WindowSet ws;
    window_set_init(&ws, 4);
    add_sessions(&ws, rows, n_rows, length, 10);
    TrainOptions opt = {.epochs = 300, .batch_size = 4, .learning_rate = 0.02f, .seed = 1};
    TrainReport report;
    assert_true(deeplog_train(m, &ws, &opt, &report, &err));
    assert_true(report.loss < 0.05);
    window_set_free(&ws);
}

/* 1 7 3 -> 4 and 2 7 3 -> 5: the first key decides the next, so 1 7 3 -> 5 is explained by
 * the first key, which should have been 2. */
static void an_input_that_decides_the_next_key(void **state)
{
    (void)state;
    static const int rows[][8] = {{1, 7, 3, 4}, {2, 7, 3, 5}};
    DeepLog m;
    train(&m, 7, rows, 2, 4);
    Interpreter it;
    Error err = {0};
    InterpretOptions opt = INTERPRET_DEFAULTS;
    assert_true(interpreter_init(&it, &m, NULL, &opt, &err));
    Interpretation in;
    interpret_deeplog(&it, (const uint32_t[]){0, 6, 2}, 4, &in);
    assert_true(in.anomalous);
    assert_true(in.fidelity);
    assert_false(in.target_changed);
    assert_int_equal(in.changes, 1);
    assert_int_equal(in.reference[0], 1); /* key 2 */
    assert_int_equal(in.reference[3], 4); /* the next key kept */
    assert_true(in.p_after > 0.5f && in.p_before < 0.1f);
    interpreter_free(&it);
    deeplog_free(&m);
}

/* A cycle 1..6 behind a key 7 that only ever opens a session: 1 2 3 -> 7 cannot be made normal
 * by changing an input (7 follows nothing), so the next key itself is the anomaly. */
static void a_wrong_next_key(void **state)
{
    (void)state;
    static const int rows[][8] = {{7, 1, 2, 3, 4, 5, 6, 1}, {7, 3, 4, 5, 6, 1, 2, 3}, {7, 5, 6, 1, 2, 3, 4, 5}};
    DeepLog m;
    train(&m, 7, rows, 3, 8);
    Interpreter it;
    Error err = {0};
    InterpretOptions opt = INTERPRET_DEFAULTS;
    assert_true(interpreter_init(&it, &m, NULL, &opt, &err));
    Interpretation in;
    interpret_deeplog(&it, (const uint32_t[]){0, 1, 2}, 6, &in);
    assert_true(in.anomalous);
    assert_true(in.target_changed);
    assert_true(in.searched_inputs);
    assert_true(in.fidelity);
    assert_int_equal(in.reference[3], 3); /* key 4 came next in every normal session */
    assert_int_equal(in.changes, 1);
    /* a key the model never saw is the anomaly itself */
    interpret_deeplog(&it, (const uint32_t[]){0, 1, 2}, 9, &in);
    assert_false(in.searched_inputs);
    assert_true(in.target_changed && in.fidelity);
    assert_int_equal(in.reference[3], 3);
    /* a normal window: nothing to change */
    interpret_deeplog(&it, (const uint32_t[]){0, 1, 2}, 3, &in);
    assert_false(in.anomalous);
    assert_int_equal(in.changes, 0);
    interpreter_free(&it);
    deeplog_free(&m);
}

/* seq2seq: A 7 7 7 7 -> C C C C C and B 7 7 7 7 -> D D D D D; then A 7 7 7 7 -> D D D D D is
 * explained by its first key, which should have been B. */
static void seq2seq_an_input_that_decides_the_targets(void **state)
{
    (void)state;
    enum { A = 3, B = 4, C = 5, D = 6, X = 7 };
    Seq2SeqConfig cfg = {.vocab = 8, .embed = 4, .hidden = 8, .units = 4, .tx = 5, .ty = 5, .stride = 5};
    Seq2Seq m;
    Error err = {0};
    assert_true(seq2seq_create(&m, &cfg, (const char *[]){"A", "B", "C", "D", "X"}, 2, &err));
    WindowSet ws;
    window_set_init(&ws, 10);
    const uint32_t rows[2][10] = {{A, X, X, X, X, C, C, C, C, C}, {B, X, X, X, X, D, D, D, D, D}};
    for (int rep = 0; rep < 10; rep++)
        for (int r = 0; r < 2; r++)
            assert_true(window_set_add(&ws, rows[r], NULL, &err));
    TrainOptions opt = {.epochs = 300, .batch_size = 2, .learning_rate = 0.02f, .seed = 1};
    TrainReport report;
    assert_true(seq2seq_train(&m, &ws, &opt, &report, &err));
    assert_true(report.loss < 0.05);
    Seq2SeqInterpreter it;
    InterpretOptions iopt = INTERPRET_DEFAULTS;
    assert_true(seq2seq_interpreter_init(&it, &m, NULL, &iopt, &err));
    Interpretation in;
    interpret_seq2seq(&it, (const uint32_t[]){A, X, X, X, X}, (const uint32_t[]){D, D, D, D, D}, &in);
    assert_true(in.anomalous);
    assert_int_equal(in.missed_before, 5);
    assert_false(in.ranked);
    assert_true(in.fidelity);
    assert_false(in.target_changed);
    assert_int_equal(in.changes, 1);
    assert_int_equal(in.reference[0], B);
    /* a normal window */
    interpret_seq2seq(&it, (const uint32_t[]){B, X, X, X, X}, (const uint32_t[]){D, D, D, D, D}, &in);
    assert_false(in.anomalous);
    seq2seq_interpreter_free(&it);
    window_set_free(&ws);
    seq2seq_free(&m);
}

static void nearest_index_agrees_with_brute_force(void **state)
{
    (void)state;
    WindowSet ws;
    window_set_init(&ws, 6);
    Error err = {0};
    uint64_t x = 42;
    for (int i = 0; i < 500; i++) {
        uint32_t row[6];
        for (int p = 0; p < 6; p++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            row[p] = (uint32_t)(x >> 59) % 5;
        }
        assert_true(window_set_add(&ws, row, NULL, &err));
    }
    NearestIndex ix;
    assert_true(nearest_index_build(&ix, &ws, 5, &err));
    for (int q = 0; q < 200; q++) {
        uint32_t query[6];
        for (int p = 0; p < 6; p++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            query[p] = (uint32_t)(x >> 59) % 6; /* 5 is a key no window holds */
        }
        int best = 7;
        for (size_t w = 0; w < ws.n; w++) {
            int d = 0;
            for (int p = 0; p < 6; p++)
                d += ws.keys[w * 6 + p] != query[p];
            best = d < best ? d : best;
        }
        int distance;
        int64_t found = nearest_index_query(&ix, query, &distance);
        assert_true(found >= 0 || best == 6);
        assert_int_equal(distance, best);
    }
    nearest_index_free(&ix);
    window_set_free(&ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_input_that_decides_the_next_key),
        cmocka_unit_test(a_wrong_next_key),
        cmocka_unit_test(seq2seq_an_input_that_decides_the_targets),
        cmocka_unit_test(nearest_index_agrees_with_brute_force),
    };
    return cmocka_run_group_tests_name("interpretation", tests, NULL, NULL);
}
