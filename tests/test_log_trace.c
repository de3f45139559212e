/* Raw logs as traces (issue 18, item 1): a plain log file opened directly, its lines split by
 * a log format (--log-format, or the preset its first lines fit), its messages mined by Drain and
 * keyed by their templates' ids -- the keys Drain.py gives loghub's HDFS sample, with their
 * templates as meanings; sessions, times and pids from the fields (the sniffer:
 * test_log_sniff.c); a model's keys kept on the next log
 * through the templates written beside it, or --templates; a line the format does not match
 * skipped and named; the explorer's timeline showing each line's time, key and message. */
#include "screens_run.h"
#include "test_load.h"

#include <ctype.h>
#include <dirent.h>

#include "../io/drain.h"
#include "../io/log_trace.h"
#include "../io/text.h"

#include "log_helpers.h"

/* ---- keys: Drain's templates ------------------------------------------------------------- */

/* What loghub's Drain.py (benchmark settings: the HDFS format, masks blk_-?\d+ and IPs, st 0.5,
 * depth 4) writes for HDFS_2k.log: its 16 templates (two of the sample's 14 kinds split, as
 * Drain splits them), each template's id (md5[:8]) and occurrences; the last two cut where
 * they still differ from the others. */
static const struct {
    const char *id, *count, *template;
} hdfs_templates[] = {
    {"dc2c74b7", "311", "PacketResponder <*> for block <*> terminating"},
    {"5d5de21c", "314", "BLOCK* NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>"},
    {"46003790", "292", "Received block <*> of size <*> from /<*>"},
    {"bbb51b95", "292", "Receiving block <*> src: /<*> dest: /<*>"},
    {"3d91fa85", "115", "BLOCK* NameSystem.allocateBlock: <*> <*>"},
    {"32777b38", "20", "Verification succeeded for <*>"},
    {"dba996ef", "263", "Deleting block <*> file <*>"},
    {"4dec0816", "80", "<*> Served block <*> to /<*>"},
    {"a333d363", "80", "<*>:Got exception while serving <*> to /<*>:"},
    {"d63ef163", "224", "BLOCK* NameSystem.delete: <*> is added to invalidSet of <*>"},
    {"40651754", "1", "<*> Starting thread to transfer block <*> to <*>"},
    {"04137b95", "2", "BLOCK* ask <*> to delete <*>"},
    {"68a0b1bc", "2", "Received block <*> src: /<*> dest: /<*> of size 67108864"},
    {"728076ac", "1", "BLOCK* ask <*> to replicate <*> to datanode(s) <*>"},
    {"98012f03", "2", "BLOCK* ask <*> to delete <*> <*> <*> <*> <*> <*> <*> <*> <*> <*> <*>"},
    {"415a1760", "1", "BLOCK* ask <*> to delete <*> <*> <*> <*> <*> <*> <*> <*> <*>"},
};
#define N_HDFS_TEMPLATES (sizeof hdfs_templates / sizeof hdfs_templates[0])

static void assert_hdfs_keys(const char *stats_out)
{
    char line[4096], count[32];
    for (size_t i = 0; i < N_HDFS_TEMPLATES; i++) {
        line_with(stats_out, hdfs_templates[i].id, line, sizeof line);
        snprintf(count, sizeof count, " %s ", hdfs_templates[i].count);
        assert_contains(line, count);
        assert_contains(line, hdfs_templates[i].template);
    }
    assert_contains(line_with(stats_out, "total events", line, sizeof line), " 2,000");
    snprintf(count, sizeof count, " %zu", N_HDFS_TEMPLATES);
    assert_contains(line_with(stats_out, "distinct keys", line, sizeof line), count);
}

static void hdfs_keys_are_drains_templates(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", HDFS, "--log-format", "hdfs");
    assert_status(r, 0);
    assert_hdfs_keys(r.out);
    assert_null(strstr(r.err, "warning")); /* every line fits */
    run_result_free(&r);
}

/* Without --log-format the first lines fit the hdfs preset: the same keys. */
static void hdfs_sniffed_gives_the_same_keys(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", HDFS);
    assert_status(r, 0);
    assert_hdfs_keys(r.out);
    run_result_free(&r);
}

/* The format written out in full, as loghub's benchmark writes it, and the preset's masks given
 * with --mask: the same keys. */
static void a_format_given_in_full(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", HDFS, "--log-format", "<Date> <Time> <Pid> <Level> <Component>: <Content>",
                               "--mask", "blk_-?\\d+", "--mask", "(\\d+\\.){3}\\d+(:\\d+)?");
    assert_status(r, 0);
    assert_hdfs_keys(r.out);
    run_result_free(&r);
}

/* ---- sessions, time, ids ------------------------------------------------------------------ */

/* A session per block: the first blk_ id in each message (1,994 in the 2,000 lines); the span
 * from 081109 203615 to 081111 102017. */
static void sessions_by_block_and_timed(void **state)
{
    (void)state;
    RunResult r = run_traceaid("open", HDFS, "--group-regex", "blk_-?[0-9]+");
    assert_status(r, 0);
    assert_contains(r.out, "2,000 events   1,994 sessions    16 keys  135842.000 s span");
    run_result_free(&r);
    /* by a field: one session per Pid */
    r = run_traceaid("open", HDFS, "--group-col", "Pid");
    assert_status(r, 0);
    assert_contains(r.out, "sessions");
    assert_null(strstr(r.out, " 1 session "));
    run_result_free(&r);
}

static void a_field_the_format_lacks(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", HDFS, "--group-col", "Host");
    assert_status(r, 2);
    assert_contains(r.err, "--group-col Host: the log format has no such field (its fields: Date, Time, Pid, "
                           "Level, Component, Content)");
    run_result_free(&r);
    r = run_traceaid("stats", HDFS, "--time-col", "Stamp");
    assert_status(r, 2);
    assert_contains(r.err, "--time-col Stamp");
    run_result_free(&r);
}

/* Each event's time (HDFS's yymmdd and hhmmss fields), pid, process (Component) and message. */
static void events_carry_time_pid_and_message(void **state)
{
    (void)state;
    Loaded *l = load_with(HDFS, (TraceOptions){.keep_messages = true});
    assert_true(l->ok);
    Trace *t = &l->trace;
    assert_int_equal(t->format, TRACE_FORMAT_LOG);
    assert_string_equal(trace_format_name(t), "log");
    assert_int_equal(t->n_events, 2000);
    assert_true(t->timed);
    assert_int_equal(trace_time(t, 1) - trace_time(t, 0), 112000000000LL); /* 20:36:15 to 20:38:07 */
    assert_int_equal(trace_time(t, 1999) - trace_time(t, 0), 135842000000000LL);
    assert_int_equal(trace_pid(t, 0), 148);
    assert_int_equal(trace_tid(t, 0), TRACE_NO_ID);
    assert_string_equal(strpool_get(&t->names, trace_name_id(t, 0)), "dfs.DataNode$PacketResponder");
    const char *event;
    char text[256];
    trace_event_fields(t, 0, &event, text, sizeof text);
    assert_string_equal(event, "INFO");
    assert_string_equal(text, "PacketResponder 1 for block blk_38865049064139660 terminating");
    assert_string_equal(vocab_name(&l->vocab, t->key_id[0]), "dc2c74b7");
    assert_string_equal(meanings_get(&l->meanings, "dc2c74b7"), "PacketResponder <*> for block <*> terminating");
    loaded_free(l);
}

/* The messages are kept only when asked (the explorer asks): other commands load lighter. */
static void messages_kept_only_when_asked(void **state)
{
    (void)state;
    Loaded *l = load_with(HDFS, (TraceOptions){0});
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 2000);
    assert_int_equal(l->trace.fields.n_records, 0);
    loaded_free(l);
}

/* Grouped, the messages follow their events into their sessions. */
static void grouped_events_keep_their_messages(void **state)
{
    (void)state;
    Loaded *l = load_with(HDFS, (TraceOptions){.group_regex = "blk_-?[0-9]+", .keep_messages = true});
    assert_true(l->ok);
    Trace *t = &l->trace;
    assert_int_equal(t->n_sessions, 1994);
    char text[512];
    const char *event;
    for (size_t s = 0; s < t->n_sessions; s++) {
        const char *block = strpool_get(&t->names, t->session_name[s]);
        for (size_t e = t->session_start[s]; e < t->session_start[s + 1]; e++) {
            trace_event_fields(t, e, &event, text, sizeof text);
            if (!strstr(text, block))
                fail_msg("session %s holds event %zu: %s", block, e, text);
        }
    }
    loaded_free(l);
}

/* ---- lines the format does not match ------------------------------------------------------- */

static void unmatched_lines_are_skipped_and_named(void **state)
{
    (void)state;
    const char *path = write_text(
        "bad.log",
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating\n"
        "java.io.IOException: Connection reset by peer\n"
        "081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_2 terminating\n"
        "\tat java.lang.Thread.run(Thread.java:619)\n");
    RunResult r = run_traceaid("stats", path, "--log-format", "hdfs");
    assert_status(r, 0);
    char expected[768];
    assert_contains(line_with(r.out, "total events", expected, sizeof expected), " 2");
    snprintf(expected, sizeof expected, "traceaid: warning: %s: 2 lines did not match the log format, skipped "
                                        "(the first: %s:2)", path, path);
    assert_contains(r.err, expected);
    run_result_free(&r);
    /* none matches: an error naming the first line */
    const char *other = write_text("other.log", "hello\nworld\n");
    r = run_traceaid("stats", other, "--log-format", "hdfs");
    assert_status(r, 2);
    snprintf(expected, sizeof expected, "%s:1: no line matches the log format", other);
    assert_contains(r.err, expected);
    run_result_free(&r);
}

/* ---- keys that stay: --templates, and the model's templates ------------------------------ */

/* A log whose only kind of line is one the templates know: their key; a line they do not know,
 * a new key of its own template, counted and said. */
static void templates_reused(void **state)
{
    (void)state;
    const char *templates = write_text("t_templates.csv", "EventId,EventTemplate,Occurrences\n"
                                                          "T1,user <*> logged in,2\nT2,never seen,1\n");
    const char *path = write_text("next.log", "user carol logged in\nuser dave logged in\ndisk full\n");
    RunResult r = run_traceaid("stats", path, "--templates", templates);
    assert_status(r, 0);
    char line[512], id[DRAIN_ID_LEN + 1];
    assert_contains(line_with(r.out, "T1 ", line, sizeof line), "user <*> logged in");
    assert_contains(line, " 2 ");
    template_id("disk full", 9, id);
    assert_contains(line_with(r.out, id, line, sizeof line), "disk full");
    assert_null(strstr(r.out, "T2")); /* a template the log never used is no key of it */
    char expected[768];
    snprintf(expected, sizeof expected, "%s: 1 line (1 template) matched no template of %s: new keys %s", path,
             templates, id);
    assert_contains(r.err, expected);
    run_result_free(&r);
    /* without them the log's own template is mined: another key */
    r = run_traceaid("stats", path);
    assert_status(r, 0);
    assert_null(strstr(r.out, "T1"));
    assert_contains(r.out, "user <*> logged in");
    run_result_free(&r);
}

/* A log read with its own templates: a line that began a fresh cluster whose final template is
 * a loaded one has that loaded key, and no line is new. */
static void own_templates_give_no_new_keys(void **state)
{
    (void)state;
    const char *android = LOGHUB "/Android/Android_2k.log.xz", *out = test_path("a.csv");
    RunResult r = run_traceaid("parse", android, "--log-format", "android", "-o", out);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("stats", "--log-format", "android", "--templates", test_path("a_templates.csv"), android);
    assert_status(r, 0);
    assert_null(strstr(r.err, "matched no template"));
    run_result_free(&r);
}

/* A --templates file whose first line is no templates header is refused from its first bytes,
 * not read whole (/dev/zero never ends). */
static void templates_not_a_templates_file(void **state)
{
    (void)state;
    const char *path = write_text("z.log", "disk full\n");
    RunResult r = run_traceaid("stats", "--templates", "/dev/zero", path);
    assert_status(r, 2);
    assert_contains(r.err, "/dev/zero:1: the header must name EventId and EventTemplate: not a templates file");
    run_result_free(&r);
}

/* Train on one raw log, score another: the model's templates, written beside it, give the
 * second log's lines the keys the model learned, where mining it alone would not ("user carol
 * logged in" alone stays a template of its own, unknown to the model). */
static void train_and_score_raw_logs(void **state)
{
    (void)state;
    char train_text[8192] = "";
    static const char *const kinds[] = {"user alice logged in", "session 7 opened", "user bob logged in",
                                        "session 7 closed"};
    for (int i = 0; i < 120; i++)
        text_append(train_text, sizeof train_text, "%s\n", kinds[i % 4]);
    const char *train_log = write_text("train.log", train_text);
    const char *score_log = write_text("score.log", "user carol logged in\nsession 9 opened\nuser carol logged in\n"
                                                    "session 9 closed\nuser carol logged in\nsession 9 opened\n"
                                                    "user carol logged in\nsession 9 closed\nuser carol logged in\n"
                                                    "session 9 opened\nuser carol logged in\nsession 9 closed\n");
    const char *model = test_path("logs.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--top-g", "1", "-o", model, train_log);
    assert_status(r, 0);
    const char *templates = test_path("logs.templates.csv");
    char expected[768];
    snprintf(expected, sizeof expected, "wrote its keys' templates to %s", templates);
    assert_contains(r.err, expected);
    run_result_free(&r);
    char *written = slurp(templates);
    assert_contains(written, "EventId,EventTemplate,Occurrences\n");
    assert_contains(written, ",\"user <*> logged in\",60\n");
    free(written);

    r = run_traceaid("score", "--model", model, score_log);
    assert_status(r, 0);
    assert_null(strstr(r.out, "keys the model does not know"));
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, score_log, "--at", "11"); /* explain reads them too */
    assert_status(r, 0);
    assert_contains(r.out, "user <*> logged in");
    run_result_free(&r);
    /* update reads the log with them (no new key) and copies them beside the updated model */
    const char *updated = test_path("updated.safetensors");
    r = run_traceaid("update", "--model", model, "--epochs", "1", "-o", updated, score_log);
    assert_status(r, 0);
    assert_contains(r.err, ", 0 new keys,");
    run_result_free(&r);
    char *before = slurp(templates), *after = slurp(test_path("updated.templates.csv"));
    assert_string_equal(after, before);
    free(after);
    /* so does calibrate, writing the calibrated model elsewhere */
    r = run_traceaid("calibrate", "--model", model, "-o", test_path("calibrated.safetensors"), train_log);
    assert_status(r, 0);
    run_result_free(&r);
    after = slurp(test_path("calibrated.templates.csv"));
    assert_string_equal(after, before);
    free(before);
    free(after);
    /* without the templates file, the log is mined alone */
    assert_int_equal(unlink(templates), 0);
    r = run_traceaid("score", "--model", model, score_log);
    assert_status(r, 0);
    assert_contains(r.out, "6 events with keys the model does not know");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, score_log, "--at", "11");
    assert_contains(r.err, "one the model does not know");
    run_result_free(&r);
    /* trained again on no raw log, the model's earlier templates go: they would be read with it */
    r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "--top-g", "1", "-o", model, train_log);
    assert_status(r, 0);
    run_result_free(&r);
    assert_int_equal(access(templates, F_OK), 0);
    r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "-o", model, "--sessions",
                     write_text("keys.sessions", "1 2 3 4 5 6 7 8 9 10 11 12 1 2 3\n"));
    assert_status(r, 0);
    assert_contains(r.err, "removed");
    run_result_free(&r);
    assert_int_not_equal(access(templates, F_OK), 0);
}

/* ---- the explorer ------------------------------------------------------------------------- */

static void screen_raw_log_80x24(void **state)
{
    (void)state;
    const char *options[] = {HDFS, NULL};
    screens_with("raw_log_timeline_80x24", options);
}

static void screen_raw_log_200x50(void **state)
{
    (void)state;
    const char *options[] = {HDFS, NULL};
    screens_with("raw_log_timeline_200x50", options);
}

int main(void)
{
    setenv("LC_ALL", "C", 1); /* the ASCII forms, whatever the locale of the run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hdfs_keys_are_drains_templates),
        cmocka_unit_test(hdfs_sniffed_gives_the_same_keys),
        cmocka_unit_test(a_format_given_in_full),
        cmocka_unit_test(sessions_by_block_and_timed),
        cmocka_unit_test(a_field_the_format_lacks),
        cmocka_unit_test(events_carry_time_pid_and_message),
        cmocka_unit_test(messages_kept_only_when_asked),
        cmocka_unit_test(grouped_events_keep_their_messages),
        cmocka_unit_test(unmatched_lines_are_skipped_and_named),
        cmocka_unit_test(templates_reused),
        cmocka_unit_test(own_templates_give_no_new_keys),
        cmocka_unit_test(templates_not_a_templates_file),
        cmocka_unit_test(train_and_score_raw_logs),
        cmocka_unit_test(screen_raw_log_80x24),
        cmocka_unit_test(screen_raw_log_200x50),
    };
    return cmocka_run_group_tests_name("raw logs as traces", tests, NULL, NULL);
}
