/* The JSON header reader and safetensors files: a round trip keeps every value and name, and a
 * bad file is refused with the tensor at fault named. */
#include "test_util.h"

#include "../io/json.h"
#include "../io/safetensors.h"

static void json_reads_nested_values(void **state)
{
    (void)state;
    const char *text = " {\"a\": [1, -2.5e1, true, null], \"s\": \"x\\u00e9\\n\\ud83d\\ude00\", \"o\": {}} ";
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, text, strlen(text), "t", &err));
    const JsonValue *a = json_get(doc.root, "a");
    assert_int_equal(a->type, JSON_ARRAY);
    assert_int_equal(a->length, 4);
    assert_true(a->items[1].number == -25.0);
    assert_true(a->items[2].boolean);
    assert_int_equal(a->items[3].type, JSON_NULL);
    assert_string_equal(json_get(doc.root, "s")->string, "x\xC3\xA9\n\xF0\x9F\x98\x80");
    assert_int_equal(json_get(doc.root, "o")->length, 0);
    assert_null(json_get(doc.root, "missing"));
    json_free(&doc);
}

static void json_refuses_bad_text(void **state)
{
    (void)state;
    const char *bad[] = {"{", "{\"a\" 1}", "[1,]", "\"abc", "{\"a\":1} x", "[\"\\ud800\"]", "nul",
                         "[1e999]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        JsonDoc doc;
        Error err = {0};
        if (json_parse(&doc, bad[i], strlen(bad[i]), "hdr", &err))
            fail_msg("accepted %s", bad[i]);
        assert_contains(err.msg, "hdr: bad JSON at byte");
    }
    char deep[200];
    memset(deep, '[', sizeof deep);
    JsonDoc doc;
    Error err = {0};
    assert_false(json_parse(&doc, deep, sizeof deep, "deep", &err));
    assert_contains(err.msg, "nested too deeply");
}

static void round_trip_keeps_tensors_and_metadata(void **state)
{
    (void)state;
    float w[6] = {1.5f, -2, 3, 0.25f, 1e-8f, -7}, b[2] = {0.5f, -0.5f};
    StTensor tensors[] = {
        {.name = "fc.weight", .ndim = 2, .shape = {2, 3}, .numel = 6, .data = w},
        {.name = "fc.bias", .ndim = 1, .shape = {2}, .numel = 2, .data = b},
    };
    const char *keys[] = {"model", "vocab"}, *values[] = {"deeplog", "[\"a\",\"b \\\"c\\\"\"]"};
    const char *path = test_path("m.safetensors");
    Error err = {0};
    assert_true(safetensors_save(path, tensors, 2, keys, values, 2, &err));
    SafeTensors st;
    assert_true(safetensors_load(&st, path, &err));
    assert_int_equal(st.n_tensors, 2);
    const StTensor *t = safetensors_expect(&st, path, "fc.weight", 2, (int64_t[]){2, 3}, &err);
    assert_non_null(t);
    assert_memory_equal(t->data, w, sizeof w);
    assert_memory_equal(safetensors_find(&st, "fc.bias")->data, b, sizeof b);
    assert_string_equal(safetensors_meta(&st, "model"), "deeplog");
    assert_string_equal(safetensors_meta(&st, "vocab"), values[1]);
    assert_null(safetensors_expect(&st, path, "fc.weight", 2, (int64_t[]){3, 2}, &err));
    assert_contains(err.msg, "tensor fc.weight has shape [2, 3], expected [3, 2]");
    assert_null(safetensors_expect(&st, path, "lstm.weight_ih_l0", 2, (int64_t[]){1, 1}, &err));
    assert_contains(err.msg, "no tensor lstm.weight_ih_l0");
    safetensors_free(&st);
    /* the data begins 8-byte aligned */
    char *bytes = slurp(path);
    uint64_t header_len;
    memcpy(&header_len, bytes, 8);
    assert_int_equal(header_len % 8, 0);
    free(bytes);
}

/* Writes a safetensors file by hand, with the header and data given. */
static const char *hand_made(const char *name, const char *header, const void *data, size_t data_len)
{
    size_t header_len = strlen(header);
    size_t total = 8 + header_len + data_len;
    unsigned char *buf = malloc(total);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)header_len >> (8 * i));
    memcpy(buf + 8, header, header_len);
    memcpy(buf + 8 + header_len, data, data_len);
    const char *path = write_bytes(name, buf, total);
    free(buf);
    return path;
}

static void refused(const char *path, const char *fragment)
{
    SafeTensors st;
    Error err = {0};
    assert_false(safetensors_load(&st, path, &err));
    assert_contains(err.msg, fragment);
}

static void bad_files_name_the_tensor(void **state)
{
    (void)state;
    float four[4] = {1, 2, 3, 4};
    refused(hand_made("trunc.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", four, 8),
            "tensor w: data_offsets [0, 16] outside the 8 data bytes");
    refused(hand_made("dtype.st", "{\"w\":{\"dtype\":\"F16\",\"shape\":[8],\"data_offsets\":[0,16]}}", four, 16),
            "tensor w: dtype F16, expected F32");
    refused(hand_made("shape.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", four, 16),
            "tensor w: shape holds 6 floats but data_offsets span 16 bytes");
    float nan[4] = {1, 2, 0, 4};
    nan[2] = 0.0f / 0.0f;
    refused(hand_made("nan.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", nan, 16),
            "tensor w: element 2 is NaN");
    refused(hand_made("json.st", "{\"w\":", four, 16), "bad JSON");
    refused(hand_made("huge.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000],\"data_offsets\":[0,16]}}", four, 16),
            "tensor w: shape holds 1000000000000000000 floats but data_offsets span 16 bytes");
    refused(hand_made("dims.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,4],\"data_offsets\":[0,16]}}", four, 16),
            "tensor w: 5 dimensions, at most 4");
    unsigned char overflow[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    refused(write_bytes("overflow.st", overflow, sizeof overflow), "header length 9223372036854775807 exceeds the file");
    refused(write_bytes("tiny.st", "abc", 3), "too short for a safetensors file");
    refused(test_path("absent.st"), "cannot open");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_reads_nested_values),
        cmocka_unit_test(json_refuses_bad_text),
        cmocka_unit_test(round_trip_keeps_tensors_and_metadata),
        cmocka_unit_test(bad_files_name_the_tensor),
    };
    return cmocka_run_group_tests_name("json and safetensors", tests, NULL, NULL);
}
