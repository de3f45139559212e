/* Structured logs keyed by template (issue 18, item 3): a loghub structured CSV with an
 * EventTemplate column is keyed by the template's id (the first 8 hex digits of its MD5, as
 * loghub's Drain names EventIds), so BGL's E32 and Thunderbird's E32 -- different templates --
 * are two keys with their two meanings; --key EventId keeps EventId keys and warns once per key
 * given two templates, naming both files and lines; two templates whose ids collide warn too. */
#include "test_util.h"
#include "test_load.h"

#include "../io/drain.h"

#define LOGHUB "tests/data/loghub"
#define BGL LOGHUB "/BGL/BGL_2k.log_structured.csv.xz"
#define THUNDERBIRD LOGHUB "/Thunderbird/Thunderbird_2k.log_structured.csv.xz"

#define BGL_E32 "ciod: Error reading message prefix on CioStream socket to <*>:<*>, Link has been severed"
#define THUNDERBIRD_E32 "data_thread() got not answer from any [Thunderbird_<*>] datasource"

static size_t count_of(const char *text, const char *fragment)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, fragment)) != NULL; p++)
        n++;
    return n;
}

/* The line of text holding fragment, copied into line. */
static const char *line_with(const char *text, const char *fragment, char *line, size_t size)
{
    const char *at = strstr(text, fragment);
    assert_non_null(at);
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    size_t len = strcspn(start, "\n");
    snprintf(line, size, "%.*s", (int)len, start);
    return line;
}

/* md5("instruction cache parity error corrected")[:8], as Python's hashlib gives it */
static void template_id_is_loghubs(void **state)
{
    (void)state;
    char id[DRAIN_ID_LEN + 1];
    const char *t = "instruction cache parity error corrected";
    template_id(t, strlen(t), id);
    assert_string_equal(id, "3aa50e45");
    template_id("", 0, id);
    assert_string_equal(id, "d41d8cd9");
}

/* The same EventId with different templates: two keys, each with its meaning and its counts in
 * its own log (E32 was one key, 8 in BGL and 819 in Thunderbird, with BGL's meaning). */
static void e32_of_two_logs_is_two_keys(void **state)
{
    (void)state;
    char line[1024], id[DRAIN_ID_LEN + 1];
    RunResult r = run_traceaid("stats", BGL, THUNDERBIRD);
    assert_status(r, 0);
    assert_null(strstr(r.err, "warning"));
    template_id(BGL_E32, strlen(BGL_E32), id);
    line_with(r.out, BGL_E32, line, sizeof line);
    assert_true(strncmp(line, id, DRAIN_ID_LEN) == 0);
    assert_non_null(strstr(line, " 8 "));
    assert_non_null(strstr(line, " 0 "));
    template_id(THUNDERBIRD_E32, strlen(THUNDERBIRD_E32), id);
    line_with(r.out, THUNDERBIRD_E32, line, sizeof line);
    assert_true(strncmp(line, id, DRAIN_ID_LEN) == 0);
    assert_non_null(strstr(line, " 819 "));
    assert_null(strstr(r.out, "\nE32 "));
    run_result_free(&r);
}

/* --key EventId: the keys of old, one meaning for E32, and a warning naming both templates and
 * where each came from; once per key, the keys past the first few counted. */
static void key_eventid_warns_once_per_key(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--key", "EventId", BGL, THUNDERBIRD);
    assert_status(r, 0);
    assert_contains(r.out, "\nE32 ");
    assert_int_equal(count_of(r.err, "key E32 stands for two templates"), 1);
    char line[2048];
    line_with(r.err, "key E32 ", line, sizeof line);
    assert_contains(line, "traceaid: warning: key E32 stands for two templates: \"ciod: Error reading");
    assert_contains(line, "(" BGL ":1789)");
    assert_contains(line, "\"" THUNDERBIRD_E32 "\" (" THUNDERBIRD ":41)");
    assert_contains(r.err, "traceaid: warning: 115 more keys stand for two templates (not listed)");
    assert_int_equal(count_of(r.err, "traceaid: warning:"), 6);
    run_result_free(&r);
}

/* Within one file: the second template is named by its line; a third is not said again. */
static void key_eventid_warns_within_one_file(void **state)
{
    (void)state;
    const char *log = write_text("one_structured.csv", "LineId,Content,EventId,EventTemplate\n"
                                 "1,open a,E1,open <*>\n2,close a,E2,close <*>\n3,shut a,E1,shut <*>\n"
                                 "4,stop a,E1,stop <*>\n");
    RunResult r = run_traceaid("stats", "--key", "EventId", log);
    assert_status(r, 0);
    assert_int_equal(count_of(r.err, "traceaid: warning:"), 1);
    assert_contains(r.err, "key E1 stands for two templates: \"open <*>\" (");
    assert_contains(r.err, "one_structured.csv:2) and \"shut <*>\" (");
    assert_contains(r.err, "one_structured.csv:4)");
    run_result_free(&r);
    /* keyed by template, the same file has three keys for E1 and nothing to say */
    r = run_traceaid("stats", log);
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    assert_null(strstr(r.out, "E1"));
    run_result_free(&r);
}

/* Two templates whose ids (8 hex digits of MD5) are equal: one key, and a warning. */
static void colliding_ids_warn(void **state)
{
    (void)state;
    char a[9], b[9];
    template_id("template 3579 <*>", 17, a);
    template_id("template 74514 <*>", 18, b);
    assert_string_equal(a, b);
    const char *log = write_text("collide_structured.csv", "LineId,Content,EventId,EventTemplate\n"
                                 "1,template 3579 x,E1,template 3579 <*>\n"
                                 "2,template 74514 y,E2,template 74514 <*>\n");
    RunResult r = run_traceaid("stats", log);
    assert_status(r, 0);
    assert_contains(r.err, "traceaid: warning: templates \"template 3579 <*>\" (");
    assert_contains(r.err, "collide_structured.csv:2) and \"template 74514 <*>\" (");
    assert_contains(r.err, "have the same id bcd1d571");
    assert_contains(r.out, "bcd1d571");
    run_result_free(&r);
}

/* Without EventTemplate, EventId stays the key, as before. */
static void without_template_eventid_keys(void **state)
{
    (void)state;
    const char *log = write_text("ids_structured.csv", "LineId,Content,EventId\n1,open a,E1\n2,close a,E2\n");
    RunResult r = run_traceaid("stats", log);
    assert_status(r, 0);
    assert_contains(r.out, "\nE1 ");
    assert_contains(r.out, "\nE2 ");
    assert_string_equal(r.err, "");
    run_result_free(&r);
}

/* Each event's Content is kept under its Level (Component without one), in file order. */
static void content_kept_per_event(void **state)
{
    (void)state;
    Loaded *l = load_with(BGL, (TraceOptions){.keep_messages = true});
    assert_true(l->ok);
    assert_int_equal(l->trace.fields.n_records, 2000);
    char text[256];
    const char *event;
    trace_event_fields(&l->trace, 8, &event, text, sizeof text);
    assert_string_equal(event, "FATAL");
    assert_true(strncmp(text, "ciod: failed to read message prefix on control stream", 53) == 0);
    loaded_free(l);
    l = load_with(THUNDERBIRD, (TraceOptions){.keep_messages = true});
    assert_true(l->ok);
    trace_event_fields(&l->trace, 0, &event, text, sizeof text);
    assert_string_equal(event, "crond(pam_unix)");
    assert_string_equal(text, "session closed for user root");
    loaded_free(l);
}

/* A model trained keyed by EventId (before keys by template, or with --key EventId) knows none
 * of a template-keyed log's keys: score says to give --key EventId, and with it is quiet. */
static void eventid_model_on_template_keys_says_key_eventid(void **state)
{
    (void)state;
    const char *hdfs = LOGHUB "/HDFS/HDFS_2k.log_structured.csv.xz";
    const char *model = test_path("eventid.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--seed", "1", "--key", "EventId",
                               "-o", model, hdfs);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, hdfs);
    assert_contains(r.err, "traceaid: warning: " LOGHUB "/HDFS/HDFS_2k.log_structured.csv.xz: the model knows none "
                           "of its keys, and its own look like EventIds (E1, E2, ...): trained on structured logs "
                           "keyed by EventId? Give --key EventId");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--key", "EventId", hdfs);
    assert_null(strstr(r.err, "warning"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(template_id_is_loghubs),
        cmocka_unit_test(e32_of_two_logs_is_two_keys),
        cmocka_unit_test(key_eventid_warns_once_per_key),
        cmocka_unit_test(key_eventid_warns_within_one_file),
        cmocka_unit_test(colliding_ids_warn),
        cmocka_unit_test(without_template_eventid_keys),
        cmocka_unit_test(content_kept_per_event),
        cmocka_unit_test(eventid_model_on_template_keys_says_key_eventid),
    };
    return cmocka_run_group_tests_name("structured logs keyed by template", tests, NULL, NULL);
}
