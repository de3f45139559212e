/* How parse reads its inputs (cli/parse_input.c): Ctrl-C is seen between lines, not only
 * between chunks of a megabyte, whose lines may take seconds to mine. */
#include "test_util.h"

#include "../cli/parse_input.h"

typedef struct Seen {
    CancelFlag *cancel;
    size_t lines, cancel_at;
} Seen;

/* Counts the lines; sets the flag at one of them, as a Ctrl-C arriving then would. */
static bool count_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    (void)line_no, (void)line, (void)len, (void)err;
    Seen *seen = ctx;
    if (++seen->lines == seen->cancel_at)
        atomic_store(seen->cancel, 1);
    return true;
}

static void ctrl_c_is_seen_within_a_chunk(void **state)
{
    (void)state;
    char *text = malloc(100000 * 4 + 1);
    for (size_t k = 0; k < 100000; k++)
        memcpy(text + 4 * k, "ab \n", 4);
    text[100000 * 4] = '\0';
    const char *log = write_text("lines.log", text);
    free(text);
    CancelFlag cancel = 0;
    Seen seen = {.cancel = &cancel, .cancel_at = 10};
    ParseReading how = {.cancel = &cancel, .what = "mining"};
    ParseInput in;
    parse_input_init(&in, log);
    Error err = {0};
    assert_false(parse_input_read(&in, false, &how, count_line, &seen, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    assert_true(seen.lines <= 1024); /* 100,000 in one chunk: at most 1,024 then */
    parse_input_close(&in);
    /* the flag set at the last line: the read still ends interrupted */
    cancel = 0;
    seen = (Seen){.cancel = &cancel, .cancel_at = 100000};
    parse_input_init(&in, log);
    assert_false(parse_input_read(&in, false, &how, count_line, &seen, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    parse_input_close(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ctrl_c_is_seen_within_a_chunk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
