/* Each model's tensor table against a hand count for a small config: parameter count, names in
 * state_dict order, shapes and offsets; views laid where the table says; the initial weights
 * of a seed as they were drawn before the table (a hash), each within PyTorch's bound; and a
 * save and load through one parsed file that keeps names, shapes and every value. */
#include "test_util.h"

#include <math.h>

#include "../model/deeplog.h"
#include "../model/seq2seq.h"

typedef struct Expected {
    const char *name;
    int64_t rows, cols;     /* cols 0: a vector */
} Expected;

static uint64_t fnv1a(const void *data, size_t len)
{
    const unsigned char *b = data;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The table's rows are the expected tensors, back to back from offset 0; returns their sum. */
static size_t rows_match(const TensorTable *t, const Expected *want, size_t n)
{
    assert_int_equal(t->n_rows, n);
    TensorList list;
    float *block = calloc(t->n_params, sizeof *block);
    tensor_table_list(t, block, &list);
    size_t offset = 0;
    for (size_t i = 0; i < n; i++) {
        const TensorSpec *r = &t->rows[i];
        assert_string_equal(list.tensors[i].name, want[i].name);
        assert_int_equal(r->ndim, want[i].cols ? 2 : 1);
        assert_int_equal(r->shape[0], want[i].rows);
        if (want[i].cols)
            assert_int_equal(r->shape[1], want[i].cols);
        size_t numel = (size_t)(want[i].rows * (want[i].cols ? want[i].cols : 1));
        assert_int_equal(r->numel, numel);
        assert_int_equal(r->offset, offset);
        assert_true(list.tensors[i].data == block + offset);
        offset += numel;
    }
    assert_int_equal(t->n_params, offset);
    free(block);
    return offset;
}

/* Uniform rows lie within ±1/√fan; normal rows (embeddings) are not all that small. */
static void within_init_bounds(const TensorTable *t, const float *params)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        const TensorSpec *r = &t->rows[i];
        float largest = 0;
        for (size_t j = 0; j < r->numel; j++)
            largest = fmaxf(largest, fabsf(params[r->offset + j]));
        if (r->init.kind == TENSOR_UNIFORM && largest > 1.0f / sqrtf((float)r->init.fan))
            fail_msg("%s: %g outside U(±1/√%d)", r->name, largest, r->init.fan);
        if (r->init.kind == TENSOR_NORMAL && largest < 1.0f / sqrtf(3.0f))
            fail_msg("%s: largest |value| %g, from N(0, 1)?", r->name, largest);
    }
}

/* The file written holds the tensors in table order, with the table's shapes. */
static void file_matches(const SafeTensors *st, const TensorTable *t, const Expected *want)
{
    assert_int_equal(st->n_tensors, t->n_rows);
    for (size_t i = 0; i < t->n_rows; i++) {
        assert_string_equal(st->tensors[i].name, want[i].name);
        assert_int_equal(st->tensors[i].ndim, t->rows[i].ndim);
        assert_int_equal(st->tensors[i].numel, t->rows[i].numel);
    }
}

/* ---- DeepLog ----------------------------------------------------------------------------- */

static const DeepLogConfig deeplog_cfg = {.n_keys = 5, .hidden = 3, .layers = 2, .window = 4, .top_g = 2};

/* K = 5, H = 3, L = 2: gates 4H = 12 */
static const Expected deeplog_tensors[] = {
    {"lstm.weight_ih_l0", 12, 5}, {"lstm.weight_hh_l0", 12, 3}, {"lstm.bias_ih_l0", 12, 0},
    {"lstm.bias_hh_l0", 12, 0},   {"lstm.weight_ih_l1", 12, 3}, {"lstm.weight_hh_l1", 12, 3},
    {"lstm.bias_ih_l1", 12, 0},   {"lstm.bias_hh_l1", 12, 0},   {"fc.weight", 5, 3},
    {"fc.bias", 5, 0},
};

static void deeplog_table_matches_hand_count(void **state)
{
    (void)state;
    TensorTable t;
    deeplog_tensor_table(&deeplog_cfg, &t);
    size_t n = rows_match(&t, deeplog_tensors, sizeof deeplog_tensors / sizeof *deeplog_tensors);
    /* layer 0: 60 + 36 + 12 + 12; layer 1: 36 + 36 + 12 + 12; fc: 15 + 5 */
    assert_int_equal(n, 120 + 96 + 20);

    DeepLog m;
    Error err = {0};
    assert_true(deeplog_create(&m, &deeplog_cfg, NULL, 7, &err));
    assert_int_equal(m.n_params, 236);
    const float *p = m.params;
    assert_true(m.t.lstm[0].w_ih == p && m.t.lstm[0].w_hh == p + 60 && m.t.lstm[0].b_ih == p + 96);
    assert_true(m.t.lstm[0].b_hh == p + 108 && m.t.lstm[1].w_ih == p + 120 && m.t.lstm[1].w_hh == p + 156);
    assert_true(m.t.lstm[1].b_ih == p + 192 && m.t.lstm[1].b_hh == p + 204);
    assert_true(m.t.fc_weight == p + 216 && m.t.fc_bias == p + 231);
    DeepLogTensors grad;
    float block[236];
    deeplog_views(&deeplog_cfg, block, &grad);
    assert_true(grad.lstm[1].w_hh == block + 156 && grad.fc_bias == block + 231);
    within_init_bounds(&t, m.params);
    assert_int_equal(fnv1a(m.params, m.n_params * sizeof(float)), 0xb65363debaec1396ull);
    deeplog_free(&m);
}

static void deeplog_round_trips_through_one_parse(void **state)
{
    (void)state;
    DeepLog a, b;
    Error err = {0};
    assert_true(deeplog_create(&a, &deeplog_cfg, (const char *[]){"a", "b", "c", "d", "e"}, 7, &err));
    const char *path = test_path("table-deeplog.safetensors");
    assert_true(deeplog_save(&a, path, &err));
    SafeTensors st;
    assert_true(safetensors_load(&st, path, &err));
    TensorTable t;
    deeplog_tensor_table(&deeplog_cfg, &t);
    file_matches(&st, &t, deeplog_tensors);
    assert_true(deeplog_from_safetensors(&b, &st, path, NULL, &err));
    safetensors_free(&st);
    assert_memory_equal(&a.cfg, &b.cfg, sizeof a.cfg);
    assert_int_equal(a.n_params, b.n_params);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof(float));
    assert_string_equal(b.key_names[4], "e");
    deeplog_free(&a);
    deeplog_free(&b);
}

/* ---- seq2seq ----------------------------------------------------------------------------- */

static const Seq2SeqConfig seq2seq_cfg = {.vocab = 6, .embed = 2, .hidden = 3, .units = 4, .tx = 3,
                                          .ty = 2, .stride = 3};

/* V = 6, E = 2, H = 3 (gates 3H = 9), U = 4 */
static const Expected seq2seq_tensors[] = {
    {"encoder.embedding.weight", 6, 2}, {"encoder.gru.weight_ih_l0", 9, 2},
    {"encoder.gru.weight_hh_l0", 9, 3}, {"encoder.gru.bias_ih_l0", 9, 0},
    {"encoder.gru.bias_hh_l0", 9, 0},   {"attention.W1.weight", 4, 3},
    {"attention.W1.bias", 4, 0},        {"attention.W2.weight", 4, 3},
    {"attention.W2.bias", 4, 0},        {"attention.V.weight", 1, 4},
    {"attention.V.bias", 1, 0},         {"decoder.embedding.weight", 6, 2},
    {"decoder.gru.weight_ih_l0", 9, 5}, {"decoder.gru.weight_hh_l0", 9, 3},
    {"decoder.gru.bias_ih_l0", 9, 0},   {"decoder.gru.bias_hh_l0", 9, 0},
    {"decoder.fc.weight", 6, 3},        {"decoder.fc.bias", 6, 0},
};

static void seq2seq_table_matches_hand_count(void **state)
{
    (void)state;
    TensorTable t;
    seq2seq_tensor_table(&seq2seq_cfg, &t);
    size_t n = rows_match(&t, seq2seq_tensors, sizeof seq2seq_tensors / sizeof *seq2seq_tensors);
    /* encoder 12 + 18 + 27 + 9 + 9; attention 16 + 16 + 5; decoder 12 + 45 + 27 + 9 + 9; fc 18 + 6 */
    assert_int_equal(n, 75 + 37 + 102 + 24);

    Seq2Seq m;
    Error err = {0};
    assert_true(seq2seq_create(&m, &seq2seq_cfg, (const char *[]){"x", "y", "z"}, 7, &err));
    assert_int_equal(m.n_params, 238);
    const float *p = m.params;
    assert_true(m.t.enc_embedding == p && m.t.enc_gru.w_ih == p + 12 && m.t.enc_gru.w_hh == p + 30);
    assert_true(m.t.enc_gru.b_ih == p + 57 && m.t.enc_gru.b_hh == p + 66 && m.t.attn.w1_weight == p + 75);
    assert_true(m.t.attn.w1_bias == p + 87 && m.t.attn.w2_weight == p + 91 && m.t.attn.w2_bias == p + 103);
    assert_true(m.t.attn.v_weight == p + 107 && m.t.attn.v_bias == p + 111 && m.t.dec_embedding == p + 112);
    assert_true(m.t.dec_gru.w_ih == p + 124 && m.t.dec_gru.w_hh == p + 169 && m.t.dec_gru.b_ih == p + 196);
    assert_true(m.t.dec_gru.b_hh == p + 205 && m.t.fc_weight == p + 214 && m.t.fc_bias == p + 232);
    within_init_bounds(&t, m.params);
    assert_int_equal(fnv1a(m.params, m.n_params * sizeof(float)), 0x0c1fcfaa8e373c24ull);
    seq2seq_free(&m);
}

static void seq2seq_round_trips_through_one_parse(void **state)
{
    (void)state;
    Seq2Seq a, b;
    Error err = {0};
    assert_true(seq2seq_create(&a, &seq2seq_cfg, (const char *[]){"x", "y", "z"}, 7, &err));
    const char *path = test_path("table-seq2seq.safetensors");
    assert_true(seq2seq_save(&a, path, &err));
    SafeTensors st;
    assert_true(safetensors_load(&st, path, &err));
    TensorTable t;
    seq2seq_tensor_table(&seq2seq_cfg, &t);
    file_matches(&st, &t, seq2seq_tensors);
    assert_true(seq2seq_from_safetensors(&b, &st, path, &err));
    assert_false(deeplog_from_safetensors(&(DeepLog){0}, &st, path, NULL, &err));
    assert_contains(err.msg, "a seq2seq model, not a DeepLog one");
    safetensors_free(&st);
    assert_memory_equal(&a.cfg, &b.cfg, sizeof a.cfg);
    assert_int_equal(a.n_params, b.n_params);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof(float));
    assert_string_equal(b.key_names[5], "z");
    seq2seq_free(&a);
    seq2seq_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deeplog_table_matches_hand_count),
        cmocka_unit_test(deeplog_round_trips_through_one_parse),
        cmocka_unit_test(seq2seq_table_matches_hand_count),
        cmocka_unit_test(seq2seq_round_trips_through_one_parse),
    };
    return cmocka_run_group_tests_name("tensor_table", tests, NULL, NULL);
}
