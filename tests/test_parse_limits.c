/* traceaid parse at its limits, through the binary: masks on very long tokens, logs still
 * being written, templates files that disagree with themselves, NUL bytes, compressed standard
 * input, and options at the edges of their ranges. */
#include "test_util.h"

#include <signal.h>
#include <stdbool.h>

static inline bool exists(const char *path) { return access(path, F_OK) == 0; }

/* A line of "x", a path of parts "/a" and "y". */
static const char *path_log(const char *name, size_t parts)
{
    size_t len = parts * 2 + 5;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, "x ", 2);
    for (size_t k = 0; k < parts; k++)
        memcpy(text + 2 + 2 * k, "/a", 2);
    memcpy(text + 2 + 2 * parts, " y\n", 4);
    const char *path = write_text(name, text);
    free(text);
    return path;
}

/* A path of a thousand parts needs more than JIT's default stack: masked all the same. One far
 * longer than any stack allowed is left unmasked with a warning, and the parse goes on. */
static void long_tokens_are_masked_or_warned(void **state)
{
    (void)state;
    const char *log = path_log("path.log", 1000);
    RunResult r = run_traceaid("parse", log, "-o", test_path("path.csv"));
    assert_status(r, 0);
    assert_true(strstr(r.err, "warning") == NULL);
    run_result_free(&r);
    char *templates = slurp(test_path("path_templates.csv"));
    assert_contains(templates, "\"x <*> y\",1\n");
    free(templates);
    log = path_log("huge.log", 3000000);
    r = run_traceaid("parse", log, "-o", test_path("huge.csv"));
    assert_status(r, 0);
    assert_contains(r.err, "warning: 1 time a mask could not be applied");
    assert_contains(r.err, "huge.log:1: mask 3: ");
    run_result_free(&r);
    templates = slurp(test_path("huge_templates.csv"));
    assert_contains(templates, "\"x /a/a/a/a");
    free(templates);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_tokens_are_masked_or_warned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
