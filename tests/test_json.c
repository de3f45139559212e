/* The JSON reader on hostile text: what a crafted safetensors header or metadata could hold. */
#include "test_util.h"

#include "../io/json.h"

static void refused(const char *text, size_t len, const char *why)
{
    JsonDoc doc;
    Error err = {0};
    if (json_parse(&doc, text, len, "hdr", &err))
        fail_msg("accepted %.60s", text);
    assert_contains(err.msg, "hdr: bad JSON at byte");
    assert_contains(err.msg, why);
}

#define REFUSED(text, why) refused(text, sizeof text - 1, why)

static void hostile_text_is_refused(void **state)
{
    (void)state;
    REFUSED("{\"w\":{\"dtype\":\"F32\"},\"w\":{}}", "duplicate");
    REFUSED("[\"a\\u0000b\"]", "\\u0000");
    REFUSED("[01]", "invalid token");
    REFUSED("[1e400]", "overflow");
    REFUSED("[123456789012345678901234567890]", "too big");
    REFUSED("[\"a\xff\"]", "0xff");
    REFUSED("[\"\xc0\xaf\"]", "0xc0");
    REFUSED("[\"a\x01\"]", "control character");
    REFUSED("{}\0", "end of file expected");
}

/* Nesting is bounded before parsing, whether the brackets close or not; brackets inside
 * strings do not count. */
static void nesting_is_bounded(void **state)
{
    (void)state;
    static char deep[200001];
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    refused(deep, 200000, "nested too deeply");
    char shallow[200];
    snprintf(shallow, sizeof shallow, "[\"%s\"]", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, shallow, strlen(shallow), "hdr", &err));
    json_free(&doc);
}

/* safetensors lists tensors in the header's order, and metadata keeps its keys' order. */
static void members_keep_their_order(void **state)
{
    (void)state;
    const char *text = "{\"z\":1,\"a\":2,\"m\":{\"y\":\"\\\"q\\\"\",\"b\":[]}}";
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, text, strlen(text), "hdr", &err));
    assert_int_equal(doc.root->length, 3);
    assert_string_equal(doc.root->keys[0], "z");
    assert_string_equal(doc.root->keys[1], "a");
    assert_string_equal(doc.root->keys[2], "m");
    assert_true(doc.root->items[1].number == 2);
    const JsonValue *m = json_get(doc.root, "m");
    assert_string_equal(m->keys[0], "y");
    assert_string_equal(m->items[0].string, "\"q\"");
    assert_int_equal(m->items[0].length, 3);
    assert_int_equal(json_get(m, "b")->type, JSON_ARRAY);
    json_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_text_is_refused),
        cmocka_unit_test(nesting_is_bounded),
        cmocka_unit_test(members_keep_their_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
