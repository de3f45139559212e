/* Sessions of structured logs (issue 18, item 6): stats says how many sessions a grouping made and
 * how long they are; a --group-regex that matches nothing, or leaves most events out, is warned
 * of; when every session is shorter than a model's window, train, score, eval and explain say
 * how long the longest is. */
#include "test_util.h"
#include "test_load.h"

#define HDFS_2K "tests/data/loghub/HDFS/HDFS_2k.log_structured.csv.xz"
#define HDFS_MODEL FIXTURES_DIR "/hdfs-deeplog.safetensors" /* window 10 */

/* blocks 1, 2, 3 with 3, 1 and 2 events */
static const char *blocks_csv = "LineId,Level,Content,EventId,EventTemplate\n"
                                "1,INFO,open blk_1,E1,open <*>\n"
                                "2,INFO,open blk_2,E1,open <*>\n"
                                "3,WARN,read blk_1,E2,read <*>\n"
                                "4,INFO,open blk_3,E1,open <*>\n"
                                "5,INFO,close blk_1,E3,close <*>\n"
                                "6,INFO,close blk_3,E3,close <*>\n";

/* The text line of out starting with label. */
static const char *row(const char *out, const char *label, char *line, size_t size)
{
    char wanted[64];
    snprintf(wanted, sizeof wanted, "\n%s ", label);
    const char *at = strstr(out, wanted);
    assert_non_null(at);
    at++;
    snprintf(line, size, "%.*s", (int)strcspn(at, "\n"), at);
    return line;
}

static void assert_row(const char *out, const char *label, const char *cells)
{
    char line[256], want[256];
    row(out, label, line, sizeof line);
    snprintf(want, sizeof want, "%s", line + strlen(label));
    /* the cells, spaces collapsed */
    char collapsed[256];
    size_t o = 0;
    for (const char *p = want; *p && o + 1 < sizeof collapsed; p++)
        if (*p != ' ' || (o > 0 && collapsed[o - 1] != ' '))
            collapsed[o++] = *p;
    collapsed[o] = '\0';
    while (o > 0 && collapsed[o - 1] == ' ')
        collapsed[--o] = '\0';
    assert_string_equal(collapsed + (collapsed[0] == ' '), cells);
}

static void stats_counts_sessions_and_lengths(void **state)
{
    (void)state;
    const char *log = write_text("blocks_structured.csv", blocks_csv);
    const char *sessions = write_text("four_sessions", "1 2\n1 2 3 4\n1\n1 2 3 4 5 6 7\n");
    RunResult r = run_traceaid("stats", "--group-regex", "blk_[0-9]+", log, "--sessions", sessions);
    assert_status(r, 0);
    assert_row(r.out, "sessions", "3 4");
    assert_row(r.out, "  shortest", "1 1");
    assert_row(r.out, "  median", "2 2");
    assert_row(r.out, "  longest", "3 7");
    assert_string_equal(r.err, "");
    run_result_free(&r);
    /* a trace of events beside one of sessions: "-" */
    r = run_traceaid("stats", write_text("kernel.csv", "event\nA\nB\n"), "--sessions", sessions);
    assert_status(r, 0);
    assert_row(r.out, "sessions", "- 4");
    run_result_free(&r);
    /* no grouping: no session rows */
    r = run_traceaid("stats", log);
    assert_status(r, 0);
    assert_null(strstr(r.out, "sessions"));
    run_result_free(&r);
    /* the real HDFS sample by block: 1,994 blocks of one or two events */
    r = run_traceaid("stats", "--group-regex", "blk_-?[0-9]+", HDFS_2K);
    assert_status(r, 0);
    assert_row(r.out, "sessions", "1,994");
    assert_row(r.out, "  longest", "2");
    run_result_free(&r);
}

static void regex_matching_nothing_warns(void **state)
{
    (void)state;
    const char *log = write_text("nomatch_structured.csv", blocks_csv);
    RunResult r = run_traceaid("stats", "--group-regex", "block_[0-9]+", log);
    assert_status(r, 0);
    assert_contains(r.err, "traceaid: warning: ");
    assert_contains(r.err, "nomatch_structured.csv: --group-regex 'block_[0-9]+' matched no event's Content: its 6 "
                           "events are one session\n");
    run_result_free(&r);
    r = run_traceaid("stats", "--group-col", "Level", "--group-regex", "ERROR", log);
    assert_status(r, 0);
    assert_contains(r.err, "matched no event's Level");
    run_result_free(&r);
}

/* A Perl class (\\d), which POSIX reads as a plain letter, is refused with what to write. */
static void perl_classes_refused_with_the_posix_spelling(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--group-regex", "blk_-?\\d+", HDFS_2K);
    assert_status(r, 2);
    assert_contains(r.err, "\\d is not a class in a POSIX extended regex");
    assert_contains(r.err, "write [0-9]");
    run_result_free(&r);
}

static void regex_leaving_most_out_says_how_many(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--group-regex", "Receiving block blk_-?[0-9]+", HDFS_2K);
    assert_status(r, 0);
    assert_contains(r.err, "--group-regex 'Receiving block blk_-?[0-9]+' matched 292 of 2,000 events' Content: the "
                           "other 1,708 are one session of ungrouped events");
    run_result_free(&r);
    /* most matched: nothing to say */
    const char *log = write_text("most_structured.csv", blocks_csv);
    r = run_traceaid("stats", "--group-regex", "blk_[12]", log);
    assert_status(r, 0);
    assert_string_equal(r.err, "");
    run_result_free(&r);
}

/* Regrouped into sessions, each event keeps its own message and level. */
static void messages_follow_their_events(void **state)
{
    (void)state;
    Loaded *l = load_with(write_text("msg_structured.csv", blocks_csv), (TraceOptions){.group_regex = "blk_[0-9]+", .keep_messages = true});
    assert_true(l->ok);
    const char *expected[] = {"open blk_1", "read blk_1", "close blk_1", "open blk_2", "open blk_3", "close blk_3"};
    char text[64];
    const char *event;
    for (size_t i = 0; i < 6; i++) {
        trace_event_fields(&l->trace, i, &event, text, sizeof text);
        assert_string_equal(text, expected[i]);
        assert_string_equal(event, i == 1 ? "WARN" : "INFO");
    }
    loaded_free(l);
}

#define SHORT_NOTE "traceaid: warning: every session is shorter than the window of 10 plus the key after it " \
                   "(longest 3 events): nothing to score"

static void short_sessions_say_how_long(void **state)
{
    (void)state;
    const char *sessions = write_text("short_sessions", "5 5 22\n5 22\n");
    RunResult r = run_traceaid("score", "--model", HDFS_MODEL, "--sessions", sessions);
    assert_contains(r.err, SHORT_NOTE);
    run_result_free(&r);
    r = run_traceaid("eval", "--model", HDFS_MODEL, "--normal", sessions, "--abnormal", sessions);
    assert_status(r, 0);
    assert_contains(r.err, SHORT_NOTE);
    run_result_free(&r);
    r = run_traceaid("explain", "--all", "--model", HDFS_MODEL, "--sessions", sessions);
    assert_contains(r.err, SHORT_NOTE);
    run_result_free(&r);
    r = run_traceaid("train", "--model", "deeplog", "--epochs", "1", "-o", test_path("short.safetensors"),
                     "--sessions", sessions);
    assert_status(r, 2);
    assert_contains(r.err, "every session or trace is shorter than 11 keys");
    assert_contains(r.err, "at most 3 events)");
    run_result_free(&r);
    /* one session long enough: nothing to say */
    const char *longer = write_text("longer_sessions", "5 5 22\n5 5 5 5 5 5 5 5 5 5 5 22\n");
    r = run_traceaid("score", "--model", HDFS_MODEL, "--sessions", longer);
    assert_null(strstr(r.err, "every session is shorter"));
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_counts_sessions_and_lengths),
        cmocka_unit_test(regex_matching_nothing_warns),
        cmocka_unit_test(perl_classes_refused_with_the_posix_spelling),
        cmocka_unit_test(regex_leaving_most_out_says_how_many),
        cmocka_unit_test(messages_follow_their_events),
        cmocka_unit_test(short_sessions_say_how_long),
    };
    return cmocka_run_group_tests_name("sessions of structured logs", tests, NULL, NULL);
}
