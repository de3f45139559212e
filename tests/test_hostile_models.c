/* Hostile model and meanings files through the real binary: crafted safetensors headers whose
 * shapes wrap size_t or whose data offsets do not tile the data, and meanings, ground-truth,
 * theme and script files that run past their bound. Each ends with exit status 2 and a message naming the file and the tensor or line,
 * never a crash (the ASan build of the suite runs these too). */
#include "test_util.h"

#include "../io/safetensors.h"

static const char *crafted(const char *name, const char *header, size_t data_len)
{
    size_t header_len = strlen(header), total = 8 + header_len + data_len;
    unsigned char *buf = calloc(total, 1);
    assert_non_null(buf);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)header_len >> (8 * i));
    memcpy(buf + 8, header, header_len);
    const char *path = write_bytes(name, buf, total);
    free(buf);
    return path;
}

/* `info FILE` and `score --model FILE` both refuse the file with status 2 and the message. */
static void refused_by_commands(const char *model, const char *fragment)
{
    const char *trace = write_text("t.csv", "t,event\n1,A\n2,B\n3,A\n4,B\n5,A\n");
    RunResult r = run_traceaid("info", model);
    if (r.status != 2)
        fail_msg("info: expected exit status 2, got %d; stderr:\n%s", r.status, r.err);
    assert_contains(r.err, fragment);
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, trace);
    if (r.status != 2)
        fail_msg("score: expected exit status 2, got %d; stderr:\n%s", r.status, r.err);
    assert_contains(r.err, fragment);
    run_result_free(&r);
}

static void wrapping_shape_of_92_bytes(void **state)
{
    (void)state;
    /* 2^29 * 2^29 * 16 floats is 2^64 bytes: 0 once wrapped, matching data_offsets [0, 0]. */
    const char *path = crafted("wrap.st", "{\"lstm.w_ih\":{\"dtype\":\"F32\",\"shape\":[536870912,536870912,16],"
                               "\"data_offsets\":[0,0]}} ", 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 92);
    refused_by_commands(path, "wrap.st: tensor lstm.w_ih: shape [536870912, 536870912, 16] holds "
                              "more bytes than memory can address");
}

static void shape_product_overflow(void **state)
{
    (void)state;
    refused_by_commands(crafted("big.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000,"
                                "1000000000],\"data_offsets\":[0,16]}}", 16),
                        "big.st: tensor w: shape [1000000000, 1000000000, 1000000000] holds more bytes");
}

static void overlapping_offsets(void **state)
{
    (void)state;
    refused_by_commands(crafted("overlap.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                                "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24),
                        "overlap.st: tensor b: data_offsets [8, 24] overlap tensor a's bytes");
}

static void gap_between_tensors(void **state)
{
    (void)state;
    refused_by_commands(crafted("gap.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                                "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[20,36]}}", 36),
                        "gap.st: tensor b: data_offsets [20, 36] leave bytes [16, 20) to no tensor");
    refused_by_commands(crafted("tail.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 20),
                        "tail.st: 4 data bytes after the last tensor a");
}

static void offsets_out_of_order(void **state)
{
    (void)state;
    refused_by_commands(crafted("order.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}}", 16),
                        "order.st: tensor a: data_offsets [16, 0] end before they begin");
}

/* JSON lets a key repeat; the first fuzzing run with structured mutations found the second
 * __metadata__ leaking the first. Both repeats are refused: the strict JSON reader refuses a
 * duplicate key first (and the safetensors reader would, behind it). */
static void repeated_names(void **state)
{
    (void)state;
    refused_by_commands(crafted("meta2.st", "{\"__metadata__\":{\"model\":\"deeplog\"},"
                                "\"__metadata__\":{\"window\":\"3\"},"
                                "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16),
                        "duplicate object key near '\"__metadata__\"'");
    refused_by_commands(crafted("twice.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                                "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}", 32),
                        "duplicate object key near '\"w\"'");
}

/* The header may list tensors in any order, as long as their bytes tile the data. */
static void header_order_is_free(void **state)
{
    (void)state;
    const char *path = crafted("free.st", "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                               "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16);
    SafeTensors st;
    Error err = {0};
    if (!safetensors_load(&st, path, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(st.n_tensors, 2);
    safetensors_free(&st);
}

static void meanings_from_dev_zero(void **state)
{
    (void)state;
    const char *trace = write_text("m.csv", "t,event\n1,A\n");
    RunResult r = run_traceaid("stats", "--meanings", "/dev/zero", trace);
    if (r.status != 2)
        fail_msg("expected exit status 2, got %d; stderr:\n%s", r.status, r.err);
    assert_contains(r.err, "/dev/zero:1: a line longer than 1048576 bytes");
    run_result_free(&r);
}

static void meanings_line_over_the_bound(void **state)
{
    (void)state;
    size_t len = 3 + ((size_t)1 << 20) + 10;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, "A\tok\nB\t", 7);
    memset(text + 7, 'x', len - 7);
    text[len - 1] = '\n';
    text[len] = '\0';
    const char *trace = write_text("m.csv", "t,event\n1,A\n");
    RunResult r = run_traceaid("stats", "--meanings", write_text("long.txt", text), trace);
    free(text);
    if (r.status != 2)
        fail_msg("expected exit status 2, got %d; stderr:\n%s", r.status, r.err);
    assert_contains(r.err, "long.txt:2: a line longer than 1048576 bytes");
    run_result_free(&r);
}

/* fgets in a fixed buffer split a long ground-truth line in two, the rest read as the next. */
static void truth_line_over_the_bound(void **state)
{
    (void)state;
    const char *trace = test_path("g.csv");
    RunResult r = run_traceaid("gen", "-k", "fifo-ls", "-n", "5000", "-o", trace);
    assert_int_equal(r.status, 0);
    run_result_free(&r);
    char text[400];
    int n = snprintf(text, sizeof text, "first_event,last_event,episode\n1,2,");
    memset(text + n, '1', 300);
    snprintf(text + n + 300, sizeof text - (size_t)n - 300, "\n");
    r = run_traceaid("plot", "--model", FIXTURES_DIR "/flight-small.safetensors", trace, "--truth",
                     write_text("long.truth", text), "-o", test_path("p.svg"));
    if (r.status != 2)
        fail_msg("expected exit status 2, got %d; stderr:\n%s", r.status, r.err);
    assert_contains(r.err, "long.truth:2: a line longer than 254 bytes");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wrapping_shape_of_92_bytes),
        cmocka_unit_test(shape_product_overflow),
        cmocka_unit_test(overlapping_offsets),
        cmocka_unit_test(gap_between_tensors),
        cmocka_unit_test(offsets_out_of_order),
        cmocka_unit_test(repeated_names),
        cmocka_unit_test(header_order_is_free),
        cmocka_unit_test(meanings_from_dev_zero),
        cmocka_unit_test(meanings_line_over_the_bound),
        cmocka_unit_test(truth_line_over_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
