/* The Drain miner: exactly loghub's Drain.py on its 16 benchmark samples (every line's final id
 * equal to the EventId Drain.py gave it, tests/fixtures/make_drain_fixtures.py recording them),
 * and its own rules: masks, short messages, frozen templates, templates files, errors. */
#include "test_util.h"

#include <ctype.h>

#include "../io/drain.h"
#include "../io/input.h"
#include "../io/log_format.h"

#define LOGHUB_DIR "tests/data/loghub"

/* The decompressed bytes of path, NUL-terminated. */
static char *read_input(const char *path, size_t *len)
{
    InputStream in;
    Error err = {0};
    assert_true(input_open(&in, path, NULL, &err));
    size_t cap = 1 << 20;
    char *data = malloc(cap);
    *len = 0;
    for (;;) {
        if (*len + 1 == cap)
            assert_non_null(data = realloc(data, cap *= 2));
        ssize_t got = input_read(&in, data + *len, cap - *len - 1);
        assert_true(got >= 0);
        if (got == 0)
            break;
        *len += (size_t)got;
    }
    input_close(&in);
    data[*len] = '\0';
    return data;
}

static Drain *new_drain(const DrainOptions *o)
{
    Drain *d = NULL;
    Error err = {0};
    if (!drain_new(&d, o, &err))
        fail_msg("%s", err.msg);
    return d;
}

static uint32_t add(Drain *d, const char *message)
{
    uint32_t c = UINT32_MAX;
    Error err = {0};
    if (!drain_add(d, message, strlen(message), &c, &err))
        fail_msg("%s", err.msg);
    return c;
}

/* ------------------------------------------------------------- exactly as Drain.py */

/* Mines the system's Contents with its preset; returns how many lines' final ids differ from
 * Drain.py's (printing the first few). */
static size_t mismatches_on(const char *system, const char *preset_name)
{
    char path[512];
    snprintf(path, sizeof path, LOGHUB_DIR "/%s/%s_2k.drain.tsv.xz", system, system);
    size_t len;
    char *data = read_input(path, &len);
    const LogPreset *preset = log_preset_find(preset_name);
    assert_non_null(preset);
    LogOptions lo = {.format = preset_name};
    DrainOptions o;
    Error err = {0};
    assert_true(log_drain_options(&lo, &o, &err));
    Drain *d = new_drain(&o);
    size_t n_lines = 0, cap = 4096;
    uint32_t *cluster = malloc(cap * sizeof *cluster);
    char (*want)[DRAIN_ID_LEN + 1] = malloc(cap * sizeof *want);
    for (char *line = data; *line;) {
        char *end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        assert_true(n_lines < cap);
        assert_int_equal(tab - line, DRAIN_ID_LEN);
        memcpy(want[n_lines], line, DRAIN_ID_LEN + 1);
        want[n_lines][DRAIN_ID_LEN] = '\0';
        cluster[n_lines++] = add(d, tab + 1);
        line = end + 1;
    }
    assert_true(n_lines >= 1900);
    size_t wrong = 0;
    for (size_t i = 0; i < n_lines; i++)
        if (strcmp(drain_id(d, cluster[i]), want[i]) != 0 && wrong++ < 3)
            fprintf(stderr, "%s line %zu: %s (%s), Drain.py %s\n", system, i + 1,
                    drain_id(d, cluster[i]), drain_template(d, cluster[i]), want[i]);
    drain_free(d);
    free(cluster);
    free(want);
    free(data);
    return wrong;
}

static const char *const SYSTEMS[] = {
    "HDFS",    "Hadoop",    "Spark",  "Zookeeper", "BGL",       "HPC",     "Thunderbird", "Windows",
    "Linux",   "Android",   "HealthApp", "Apache", "Proxifier", "OpenSSH", "OpenStack",   "Mac",
};

static void every_line_as_drain_py(void **state)
{
    (void)state;
    size_t failed = 0;
    for (size_t k = 0; k < sizeof SYSTEMS / sizeof SYSTEMS[0]; k++) {
        char lower[32];
        size_t i = 0;
        for (; SYSTEMS[k][i]; i++)
            lower[i] = (char)tolower((unsigned char)SYSTEMS[k][i]);
        lower[i] = '\0';
        size_t wrong = mismatches_on(SYSTEMS[k], lower);
        if (wrong)
            fprintf(stderr, "%s: %zu lines differ from Drain.py\n", SYSTEMS[k], wrong);
        failed += wrong != 0;
    }
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_line_as_drain_py),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
