/* Structured and raw logs' loose ends: warnings moved when there are none, a templates file
 * that disagrees with a log's own templates, bytes that are not UTF-8 in a message, an empty
 * template, integer epoch times, times that go backwards, formats that cost too much to match. */
#include "test_util.h"
#include "test_load.h"

#include "../io/log_format.h"
#include "../io/timestamp.h"
#include "../io/warnings.h"

#define LOGHUB "tests/data/loghub"
#define BGL_TEMPLATES LOGHUB "/BGL/BGL_2k.log_templates.csv.xz"
#define THUNDERBIRD LOGHUB "/Thunderbird/Thunderbird_2k.log_structured.csv.xz"

/* Nothing to move: no copy from a NULL list (undefined behaviour, even of 0 bytes). */
static void moving_no_warnings(void **state)
{
    (void)state;
    Warnings to, from;
    Error err = {0};
    warnings_init(&to);
    warnings_init(&from);
    assert_true(warnings_move(&to, &from, &err));
    assert_int_equal(to.n, 0);
    assert_true(warnings_add(&from, &err, "one"));
    assert_true(warnings_move(&to, &from, &err));
    assert_int_equal(to.n, 1);
    assert_int_equal(from.n, 0);
    warnings_free(&to);
    warnings_free(&from);
}

/* BGL's templates file labels Thunderbird's EventIds with BGL's templates: said, naming the
 * file and the log's line. */
static void templates_file_disagreeing_with_the_log_warns(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--key", "EventId", "--meanings", BGL_TEMPLATES, THUNDERBIRD);
    assert_status(r, 0);
    assert_contains(r.err, "warning: key E32: the log's template \"data_thread() got not answer");
    assert_contains(r.err, THUNDERBIRD ":41)");
    assert_contains(r.err, BGL_TEMPLATES ":33)");
    assert_contains(r.err, "more keys given another template than the templates file's");
    run_result_free(&r);
    /* the file that agrees: nothing to say */
    r = run_traceaid("stats", "--key", "EventId", "--meanings", LOGHUB "/Thunderbird/Thunderbird_2k.log_templates.csv.xz",
                     THUNDERBIRD);
    assert_status(r, 0);
    assert_null(strstr(r.err, "warning"));
    run_result_free(&r);
}

/* A message with a byte that is not UTF-8 loads (it did when Content was not kept), the byte
 * shown as U+FFFD, in the Level too. */
static void content_not_utf8_is_shown_repaired(void **state)
{
    (void)state;
    static const char csv[] = "LineId,Level,Content,EventId,EventTemplate\n"
                              "1,IN\xff" "FO,bad \xfe byte,E1,bad <*> byte\n"
                              "2,INFO,ok,E2,ok\n";
    Loaded *l = load_with(write_bytes("bad_utf8_structured.csv", csv, sizeof csv - 1),
                          (TraceOptions){.keep_messages = true});
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 2);
    const char *event;
    char text[64];
    trace_event_fields(&l->trace, 0, &event, text, sizeof text);
    assert_string_equal(text, "bad \xEF\xBF\xBD byte");
    assert_string_equal(event, "IN\xEF\xBF\xBD" "FO");
    trace_event_fields(&l->trace, 1, &event, text, sizeof text);
    assert_string_equal(text, "ok");
    assert_string_equal(event, "INFO");
    loaded_free(l);
}

/* Lines without a template are keyed by their EventId (or "(no template)"): the log loads, with
 * one warning counting them (one such line made the whole log fail to load). */
static void empty_template_keyed_by_event_id(void **state)
{
    (void)state;
    const char *log = write_text("no_template_structured.csv",
                                 "LineId,Level,Content,EventId,EventTemplate\n"
                                 "1,INFO,a,E1,\n2,INFO,ok,E2,ok\n3,INFO,b,,\n4,INFO,c,E1,\n");
    RunResult r = run_traceaid("stats", log);
    assert_status(r, 0);
    assert_contains(r.out, "\nE1                                      2\n");
    assert_contains(r.out, "\n(no template)                           1\n");
    assert_contains(r.out, "444bcb3a");
    assert_contains(r.err, "no_template_structured.csv: 3 lines without an EventTemplate (the first "
                           "on line 2): keyed by their EventId");
    run_result_free(&r);
}

/* A line the fields could split in too many ways is given up on, and told apart from one that
 * does not match; a line without the format's literal text never reaches the matcher; text in
 * an optional group or before a quantifier is not required. */
static void costly_lines_are_told_apart(void **state)
{
    (void)state;
    LogFormat f;
    Error err = {0};
    LogSpan spans[LOG_FORMAT_MAX_FIELDS];
    assert_true(log_format_compile(&f, "linux", &err));
    char costly[400];
    snprintf(costly, sizeof costly, "a b c d e:f");
    for (int i = 0; i < 60; i++)
        strcat(costly, " word");
    assert_int_equal(log_format_try(&f, costly, strlen(costly), spans), LOG_TOO_COSTLY);
    assert_int_equal(log_format_try(&f, "a b c d e f g", 13, spans), LOG_NO_MATCH);
    const char *line = "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure";
    assert_int_equal(log_format_try(&f, line, strlen(line), spans), LOG_MATCHED);
    assert_int_equal(spans[f.content].len, strlen("authentication failure"));
    log_format_free(&f);
    assert_true(log_format_compile(&f, "<A> (x y )?z <B>q? <Content>", &err));
    assert_int_equal(log_format_try(&f, "1 z 2 c", 7, spans), LOG_MATCHED);
    assert_int_equal(log_format_try(&f, "1 x y z 2q c", 12, spans), LOG_MATCHED);
    assert_int_equal(log_format_try(&f, "1 y 2 c", 7, spans), LOG_NO_MATCH);
    log_format_free(&f);

    char *text = malloc(1 << 16);
    snprintf(text, 1 << 16, "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure\n"
             "%s\nnothing\n", costly);
    const char *log = write_text("costly.log", text);
    free(text);
    RunResult r = run_traceaid("parse", "--log-format", "linux", log, "-o", test_path("costly_structured.csv"));
    assert_status(r, 0);
    assert_contains(r.err, "2 lines did not match the format, skipped (the first: ");
    assert_contains(r.err, "1 of them too costly to match");
    assert_contains(r.err, "costly.log:2)");
    run_result_free(&r);
}

static int64_t log_time(TimeParser *p, const char *s)
{
    int64_t ns = 0;
    Error err = {0};
    if (!time_parse(p, s, strlen(s), &ns, &err))
        fail_msg("%s: %s", s, err.msg);
    return ns;
}

/* A log's integer time is epoch time in the unit its digits say; a kernel trace's stays ns. */
static void log_integer_times_by_their_digits(void **state)
{
    (void)state;
    TimeParser p;
    time_parser_init_log(&p, NULL);
    assert_int_equal(log_time(&p, "1077804742"), 1077804742000000000LL);
    assert_int_equal(log_time(&p, "1077804742123"), 1077804742123000000LL);
    assert_int_equal(log_time(&p, "1077804742123456"), 1077804742123456000LL);
    assert_int_equal(log_time(&p, "1077804742123456789"), 1077804742123456789LL);
    assert_int_equal(log_time(&p, "1077804742.5"), 1077804742500000000LL); /* decimals later */
    int64_t ns;
    Error err = {0};
    assert_false(time_parse(&p, "107780474212", 12, &ns, &err));
    assert_non_null(strstr(err.msg, "an integer of 12 digits is no epoch time"));
    assert_non_null(strstr(err.msg, "--time-format"));
    time_parser_init(&p, NULL);
    assert_int_equal(log_time(&p, "1077804742"), 1077804742LL);

    /* HPC's Time and BGL's Timestamp: the span in seconds, not nanoseconds */
    RunResult r = run_traceaid("open", "--time-col", "Timestamp", LOGHUB "/BGL/BGL_2k.log_structured.csv.xz");
    assert_status(r, 0);
    assert_contains(r.out, "18462619.000 s span");
    run_result_free(&r);
    r = run_traceaid("open", "--time-col", "Time", LOGHUB "/HPC/HPC_2k.log_structured.csv.xz");
    assert_status(r, 0);
    assert_contains(r.out, "85936828.000 s span");
    run_result_free(&r);
    /* a kernel trace's integers are nanoseconds, as always */
    r = run_traceaid("open", write_text("ns.csv", "timestamp,class,event\n1000000000,A,B\n3000000000,A,B\n"));
    assert_status(r, 0);
    assert_contains(r.out, "2.000 s span");
    run_result_free(&r);
}

/* Times that go back are said once per trace; the span is from the earliest to the latest. */
static void times_going_back_warn_once(void **state)
{
    (void)state;
    const char *log = write_text("dst_structured.csv", "LineId,Time,Content,EventId,EventTemplate\n"
                                 "1,2021-10-31 02:30:00 +02:00,a,E1,a\n"
                                 "2,2021-10-31 02:10:00 +01:00,b,E1,a\n"
                                 "3,2021-10-31 02:05:00 +01:00,c,E1,a\n"
                                 "4,2021-10-31 01:00:00 +02:00,d,E1,a\n");
    RunResult r = run_traceaid("open", "--time-col", "Time", log);
    assert_status(r, 0);
    assert_contains(r.err, "dst_structured.csv: the time goes back 2 times (the first on line 4");
    assert_null(strstr(strstr(r.err, "goes back") + 1, "goes back"));
    assert_contains(r.out, "7800.000 s span"); /* 01:00+02:00 to 02:10+01:00, not last - first */
    run_result_free(&r);
}

/* %Y-%m and %Y read on the first; 29 February after the year turned is refused, not read as
 * 1 March; a space before the offset reads. */
static void dates_without_day_feb_29_and_spaced_offsets(void **state)
{
    (void)state;
    TimeParser p;
    time_parser_init(&p, "%Y-%m");
    assert_int_equal(log_time(&p, "2021-03"), 1614556800000000000LL);
    time_parser_init(&p, "%Y");
    assert_int_equal(log_time(&p, "2021"), 1609459200000000000LL);
    time_parser_init(&p, NULL);
    assert_int_equal(log_time(&p, "2021-03-28 03:00:00 +02:00"), 1616893200000000000LL);
    time_parser_init(&p, "%b %d %H:%M:%S");
    log_time(&p, "Dec 31 23:00:00");
    int64_t ns;
    Error err = {0};
    assert_false(time_parse(&p, "Feb 29 00:00:00", 15, &ns, &err));
    assert_non_null(strstr(err.msg, "29 February in a year that is not a leap year"));
    time_parser_init(&p, "%b %d %H:%M:%S");
    assert_int_equal(log_time(&p, "Feb 29 00:00:00"), 951782400000000000LL); /* 2000-02-29 */
}

/* Messages are kept only when asked (the explorer asks): other commands load lighter. */
static void messages_kept_only_when_asked(void **state)
{
    (void)state;
    const char *path = write_text("messages_structured.csv", "LineId,Level,Content,EventId,EventTemplate\n"
                                                         "1,INFO,hello 1,E1,hello <*>\n");
    Loaded *l = load_with(path, (TraceOptions){0});
    assert_true(l->ok);
    assert_int_equal(l->trace.fields.n_records, 0);
    loaded_free(l);
    l = load_with(path, (TraceOptions){.keep_messages = true});
    assert_true(l->ok);
    assert_int_equal(l->trace.fields.n_records, 1);
    loaded_free(l);
}

/* A model keyed by template ids scoring a log keyed by EventId gets the hint the other way. */
static void template_model_on_eventid_keys_says_leave_out_key(void **state)
{
    (void)state;
    const char *hdfs = LOGHUB "/HDFS/HDFS_2k.log_structured.csv.xz";
    const char *model = test_path("templates.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--seed", "1", "-o", model, hdfs);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, "--key", "EventId", hdfs);
    assert_contains(r.err, "traceaid: warning: " LOGHUB "/HDFS/HDFS_2k.log_structured.csv.xz: the model knows "
                           "none of its keys (EventIds), and its own look like template ids (8 hex "
                           "digits): trained on structured logs keyed by template? Leave out --key EventId");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, hdfs);
    assert_null(strstr(r.err, "warning"));
    run_result_free(&r);
}

/* A binary file whose first bytes hold a lone CR is said to be binary, not a text of CR line
 * ends (an ELF binary was "line ends are CR only"). */
static void binary_data_is_named_binary(void **state)
{
    (void)state;
    static const char BYTES[] = "\x7f" "ELF\x02\x01\x01\0\0\r\x05\0\0\n";
    RunResult r = run_traceaid("stats", write_bytes("elf.bin", BYTES, sizeof BYTES - 1));
    assert_status(r, 2);
    assert_contains(r.err, "binary data");
    assert_null(strstr(r.err, "CR"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(moving_no_warnings),
        cmocka_unit_test(templates_file_disagreeing_with_the_log_warns),
        cmocka_unit_test(content_not_utf8_is_shown_repaired),
        cmocka_unit_test(empty_template_keyed_by_event_id),
        cmocka_unit_test(costly_lines_are_told_apart),
        cmocka_unit_test(log_integer_times_by_their_digits),
        cmocka_unit_test(times_going_back_warn_once),
        cmocka_unit_test(dates_without_day_feb_29_and_spaced_offsets),
        cmocka_unit_test(messages_kept_only_when_asked),
        cmocka_unit_test(template_model_on_eventid_keys_says_leave_out_key),
        cmocka_unit_test(binary_data_is_named_binary),
    };
    return cmocka_run_group_tests_name("logs: review fixes", tests, NULL, NULL);
}
