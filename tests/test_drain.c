/* The Drain miner: exactly loghub's Drain.py on its 16 benchmark samples (every line's final id
 * equal to the EventId Drain.py gave it, tests/fixtures/make_drain_fixtures.py recording them),
 * and its own rules: masks, short messages, frozen templates, templates files, errors. */
#include "test_util.h"

#include <ctype.h>

#include "../io/drain.h"
#include "../io/input.h"
#include "../io/log_format.h"
#include "../io/timestamp.h"

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

/* Random messages made to reach Drain.py's corners (tests/data/drain_random.tsv.xz: few
 * children per node, short and empty messages, Unicode white space and digits, "<*>" as a
 * token, masks matching empty text), case by case: every message's final id as Drain.py's. */
static void random_corners_as_drain_py(void **state)
{
    (void)state;
    size_t len, cases = 0, messages = 0, wrong = 0;
    char *data = read_input("tests/data/drain_random.tsv.xz", &len);
    Drain *d = NULL;
    uint32_t *cluster = malloc(1000 * sizeof *cluster);
    char (*want)[DRAIN_ID_LEN + 1] = malloc(1000 * sizeof *want);
    size_t n = 0;
    for (char *line = data;; ) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (!end || line[0] == '#') {
            for (size_t i = 0; i < n; i++)
                wrong += strcmp(drain_id(d, cluster[i]), want[i]) != 0;
            messages += n;
            n = 0;
            drain_free(d);
            d = NULL;
        }
        if (!end)
            break;
        if (line[0] == '#') {
            DrainOptions o;
            drain_options_default(&o);
            char *field = strtok(line + 1, "\t");
            assert_int_equal(sscanf(field, "%d %lf %d", &o.depth, &o.similarity, &o.max_children), 3);
            for (int k = 0; (field = strtok(NULL, "\t")); k++)
                o.masks[k] = field;
            d = new_drain(&o);
            cases++;
        } else {
            assert_true(n < 1000 && line[DRAIN_ID_LEN] == '\t');
            memcpy(want[n], line, DRAIN_ID_LEN);
            want[n][DRAIN_ID_LEN] = '\0';
            cluster[n++] = add(d, line + DRAIN_ID_LEN + 1);
        }
        line = end + 1;
    }
    assert_true(cases >= 20 && messages >= 1000);
    assert_int_equal(wrong, 0);
    free(cluster);
    free(want);
    free(data);
}

/* ------------------------------------------------------------------ the miner's rules */

static void template_ids_are_md5_prefixes(void **state)
{
    (void)state;
    char id[DRAIN_ID_LEN + 1];
    template_id("abc", 3, id);
    assert_string_equal(id, "90015098"); /* MD5("abc") = 900150983cd24fb0... */
    template_id("", 0, id);
    assert_string_equal(id, "d41d8cd9");
}

/* Each mask in order, every match replaced as re.sub does it (empty matches included). */
static void masks_replace_as_re_sub(void **state)
{
    (void)state;
    DrainOptions o;
    drain_options_default(&o);
    o.masks[0] = "\\d+";
    o.masks[1] = "x*";
    Drain *d = new_drain(&o);
    assert_string_equal(drain_template(d, add(d, "took 12 ms")), 
                        "<*>t<*>o<*>o<*>k<*> <*><<*>*<*>><*> <*>m<*>s<*>");
    drain_free(d);
    o.masks[0] = "(\\d+\\.){3}\\d+";
    o.masks[1] = "blk_-?\\d+";
    d = new_drain(&o);
    assert_string_equal(drain_template(d, add(d, "from 10.0.0.1 got blk_-42 \xC2\xA0 ok")),
                        "from <*> got <*> ok"); /* U+00A0 is white space to str.split() */
    uint32_t c = add(d, "from 10.0.0.2 got blk_7 ok");
    assert_int_equal(c, 0);
    assert_string_equal(drain_template(d, c), "from <*> got <*> ok");
    drain_free(d);
}

/* Messages shorter than depth - 2 tokens never reach a leaf: nothing matches them, so each
 * keeps its own template, as in Drain.py (where each line is a cluster of its own); equal ones
 * share one cluster record. Longer ones that agree share one, the template "<*>" where they
 * differ. */
static void short_messages_are_never_merged(void **state)
{
    (void)state;
    DrainOptions o;
    drain_options_default(&o);
    Drain *d = new_drain(&o);
    assert_int_equal(add(d, "hello"), 0);
    assert_int_equal(add(d, "hello"), 0);
    assert_int_equal(add(d, "hell"), 1);
    assert_int_equal(add(d, ""), 2);
    assert_int_equal(add(d, "   "), 2);
    assert_int_equal(drain_occurrences(d, 0), 2);
    assert_string_equal(drain_template(d, 1), "hell");
    assert_int_equal(add(d, "hello world"), 3);
    assert_int_equal(add(d, "hello  world "), 3);
    assert_int_equal(add(d, "connect to alpha now"), 4);
    assert_int_equal(add(d, "connect to beta now"), 4);
    assert_string_equal(drain_template(d, 4), "connect to <*> now");
    assert_int_equal(drain_occurrences(d, 4), 2);
    assert_int_equal(drain_clusters(d), 5);
    char id[DRAIN_ID_LEN + 1];
    template_id("connect to <*> now", 18, id);
    assert_string_equal(drain_id(d, 4), id);
    template_id("hello", 5, id);
    assert_string_equal(drain_id(d, 0), id);
    drain_free(d);
}

static void the_same_messages_give_the_same_clusters(void **state)
{
    (void)state;
    const char *messages[] = {"a b c 1", "a b d 2", "x y", "a q c 3", "x z", "a b c 4", "7 b c"};
    char ids[2][7][DRAIN_ID_LEN + 1];
    uint32_t clusters[2][7];
    for (int run = 0; run < 2; run++) {
        DrainOptions o;
        drain_options_default(&o);
        Drain *d = new_drain(&o);
        for (int k = 0; k < 7; k++)
            clusters[run][k] = add(d, messages[k]);
        for (int k = 0; k < 7; k++)
            strcpy(ids[run][k], drain_id(d, clusters[run][k]));
        drain_free(d);
    }
    assert_memory_equal(clusters[0], clusters[1], sizeof clusters[0]);
    assert_memory_equal(ids[0], ids[1], sizeof ids[0]);
}

static void a_bad_option_names_itself(void **state)
{
    (void)state;
    DrainOptions o;
    drain_options_default(&o);
    o.masks[0] = "\\d+";
    o.masks[1] = "(ab";
    Drain *d = (Drain *)1;
    Error err = {0};
    assert_false(drain_new(&d, &o, &err));
    assert_null(d);
    assert_int_equal(err.code, ERROR_USAGE);
    assert_non_null(strstr(err.msg, "mask 2 \"(ab\""));
    assert_non_null(strstr(err.msg, "at offset 3"));
    drain_options_default(&o);
    o.similarity = 1.5;
    memset(&err, 0, sizeof err);
    assert_false(drain_new(&d, &o, &err));
    assert_non_null(strstr(err.msg, "similarity 1.5"));
    drain_options_default(&o);
    o.depth = 2;
    memset(&err, 0, sizeof err);
    assert_false(drain_new(&d, &o, &err));
    assert_non_null(strstr(err.msg, "depth 2"));
}

/* A loaded template keeps its file's id and never changes; a message it does not take starts a
 * cluster of its own. */
static void loaded_templates_are_frozen(void **state)
{
    (void)state;
    const char *path = write_text("frozen_templates.csv",
                                  "EventId,EventTemplate,Occurrences\n"
                                  "E1,open file <*> now,3\n"
                                  "\"E,2\",\"say \"\"hi\"\" <*>\",1\n");
    DrainOptions o;
    drain_options_default(&o);
    Drain *d = new_drain(&o);
    Error err = {0};
    assert_true(drain_load_templates(d, path, NULL, &err));
    assert_int_equal(drain_clusters(d), 2);
    assert_true(drain_loaded(d, 0));
    assert_string_equal(drain_id(d, 1), "E,2");
    assert_string_equal(drain_template(d, 1), "say \"hi\" <*>");
    assert_int_equal(add(d, "open file a.txt now"), 0);
    assert_int_equal(add(d, "open file b later"), 0); /* half the tokens: similar enough */
    assert_string_equal(drain_template(d, 0), "open file <*> now");
    assert_string_equal(drain_id(d, 0), "E1");
    assert_int_equal(drain_occurrences(d, 0), 2);
    assert_int_equal(add(d, "close dir b later"), 2);
    assert_false(drain_loaded(d, 2));
    assert_int_equal(add(d, "close dir c later"), 2);
    assert_string_equal(drain_template(d, 2), "close dir <*> later");
    drain_free(d);
}

static void templates_files_round_trip(void **state)
{
    (void)state;
    DrainOptions o;
    drain_options_default(&o);
    Drain *d = new_drain(&o);
    add(d, "hello");
    add(d, "connect to alpha, now");
    add(d, "hello");
    add(d, "connect to beta, now");
    const char *path = test_path("round_templates.csv");
    Error err = {0};
    assert_true(drain_save_templates(d, path, &err));
    char *text = slurp(path);
    char hello[DRAIN_ID_LEN + 1], connect[DRAIN_ID_LEN + 1], want[256];
    template_id("hello", 5, hello);
    template_id("connect to <*> now", 18, connect);
    snprintf(want, sizeof want,
             "EventId,EventTemplate,Occurrences\n\"%s\",\"hello\",2\n\"%s\",\"connect to <*> now\",2\n",
             hello, connect); /* the two clusters of "hello" are one template */
    assert_string_equal(text, want);
    free(text);
    Drain *again = new_drain(&o);
    assert_true(drain_load_templates(again, path, NULL, &err));
    assert_int_equal(drain_clusters(again), 2);
    assert_string_equal(drain_id(again, 1), connect);
    assert_string_equal(drain_template(again, 1), "connect to <*> now");
    assert_int_equal(drain_occurrences(again, 1), 0);
    assert_int_equal(add(again, "connect to gamma now"), 1);
    drain_free(again);
    drain_free(d);
}

static void bad_templates_files_name_the_line(void **state)
{
    (void)state;
    DrainOptions o;
    drain_options_default(&o);
    Drain *d = new_drain(&o);
    Error err = {0};
    assert_false(drain_load_templates(d, write_text("bad1.csv", "Id,Template\nE1,x\n"), NULL, &err));
    assert_non_null(strstr(err.msg, "bad1.csv:1: the header must name EventId and EventTemplate"));
    memset(&err, 0, sizeof err);
    assert_false(drain_load_templates(
        d, write_text("bad2.csv", "EventId,EventTemplate\nE1,a b\nE2\n"), NULL, &err));
    assert_non_null(strstr(err.msg, "bad2.csv:3:"));
    memset(&err, 0, sizeof err);
    assert_false(drain_load_templates(
        d, write_text("bad3.csv", "EventId,EventTemplate\nE1,\"a\nb\n"), NULL, &err));
    assert_non_null(strstr(err.msg, "bad3.csv:2: a quoted field never ends"));
    memset(&err, 0, sizeof err);
    assert_false(drain_load_templates(d, test_path("missing.csv"), NULL, &err));
    assert_non_null(strstr(err.msg, "missing.csv"));
    drain_free(d);
}

/* --------------------------------------------------------------------------- presets */

/* The first lines of a system's sample: its preset's time fields, joined by spaces, read as
 * times that never go back. */
static void check_time_fields(const char *system, const LogPreset *preset)
{
    char path[512];
    snprintf(path, sizeof path, LOGHUB_DIR "/%s/%s_2k.log.xz", system, system);
    size_t len;
    char *data = read_input(path, &len);
    LogFormat f;
    Error err = {0};
    assert_true(log_format_compile(&f, preset->name, &err));
    TimeParser parser;
    time_parser_init_log(&parser, NULL); /* a log's: HPC's integer Time is epoch seconds */
    int64_t last = INT64_MIN;
    char *line = data;
    for (int k = 0; k < 20; k++) {
        char *end = strchr(line, '\n');
        LogSpan span[LOG_FORMAT_MAX_FIELDS];
        assert_true(log_format_match(&f, line, (size_t)(end - line), span));
        char joined[256] = "", fields[64];
        snprintf(fields, sizeof fields, "%s", preset->time_fields);
        for (char *name = strtok(fields, ","); name; name = strtok(NULL, ",")) {
            int i = log_format_field(&f, name);
            assert_true(i >= 0);
            size_t at = strlen(joined);
            snprintf(joined + at, sizeof joined - at, "%s%.*s", at ? " " : "", (int)span[i].len,
                     line + span[i].offset);
        }
        int64_t ns;
        if (!time_parse(&parser, joined, strlen(joined), &ns, &err))
            fail_msg("%s: %s", system, err.msg);
        assert_false(parser.integer); /* a time, not integer nanoseconds */
        assert_true(ns >= last || strcmp(system, "Mac") == 0 || strcmp(system, "Apache") == 0 ||
                    strcmp(system, "HPC") == 0); /* HPC's lines are out of order */
        last = ns;
        line = end + 1;
    }
    log_format_free(&f);
    free(data);
}

static void loghub_presets_read_their_times(void **state)
{
    (void)state;
    size_t with_time = 0;
    for (size_t k = 0; k < sizeof SYSTEMS / sizeof SYSTEMS[0]; k++) {
        const LogPreset *preset = log_preset_find(SYSTEMS[k]);
        assert_non_null(preset);
        if (preset->time_fields) {
            check_time_fields(SYSTEMS[k], preset);
            with_time++;
        }
    }
    assert_int_equal(with_time, 16); /* HPC's too: its integer Time is epoch seconds */
}

/* Every preset's masks and format compile, and its time fields read as times on its sample. */
static void presets_compile_and_read_their_times(void **state)
{
    (void)state;
    size_t n;
    const LogPreset *presets = log_presets(&n);
    assert_int_equal(n, 19);
    for (size_t k = 0; k < n; k++) {
        Error err = {0};
        LogOptions lo = {.format = presets[k].name};
        DrainOptions o;
        assert_true(log_drain_options(&lo, &o, &err));
        drain_free(new_drain(&o));
        LogFormat f;
        if (!log_format_compile(&f, presets[k].name, &err))
            fail_msg("%s: %s", presets[k].name, err.msg);
        assert_true(log_format_field(&f, "Content") >= 0);
        log_format_free(&f);
        assert_ptr_equal(log_preset_find(presets[k].name), &presets[k]);
    }
    const LogPreset *healthapp = log_preset_find("HealthApp");
    assert_null(healthapp->masks[0]); /* the benchmark's: none */
    assert_string_equal(log_preset_find("line")->masks[0], log_default_masks()[0]);
}

/* --mask replaces the preset's masks, --similarity and --depth its settings. */
static void options_override_the_preset(void **state)
{
    (void)state;
    LogOptions lo = {.format = "linux", .similarity = 0.39};
    DrainOptions o;
    Error err = {0};
    assert_true(log_drain_options(&lo, &o, &err));
    assert_true(o.similarity == 0.39);
    assert_int_equal(o.depth, 6);
    assert_string_equal(o.masks[1], "\\d{2}:\\d{2}:\\d{2}");
    lo.masks.items[0] = "x+";
    lo.masks.n = 1;
    lo.depth = 3;
    assert_true(log_drain_options(&lo, &o, &err));
    assert_string_equal(o.masks[0], "x+");
    assert_null(o.masks[1]);
    assert_int_equal(o.depth, 3);
    LogOptions custom = {.format = "<Level>: <Content>"};
    assert_true(log_drain_options(&custom, &o, &err));
    assert_string_equal(o.masks[0], log_default_masks()[0]);
    assert_true(o.similarity == DRAIN_DEFAULT_SIMILARITY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_line_as_drain_py),
        cmocka_unit_test(random_corners_as_drain_py),
        cmocka_unit_test(template_ids_are_md5_prefixes),
        cmocka_unit_test(masks_replace_as_re_sub),
        cmocka_unit_test(short_messages_are_never_merged),
        cmocka_unit_test(the_same_messages_give_the_same_clusters),
        cmocka_unit_test(a_bad_option_names_itself),
        cmocka_unit_test(loaded_templates_are_frozen),
        cmocka_unit_test(templates_files_round_trip),
        cmocka_unit_test(bad_templates_files_name_the_line),
        cmocka_unit_test(presets_compile_and_read_their_times),
        cmocka_unit_test(options_override_the_preset),
        cmocka_unit_test(loghub_presets_read_their_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
