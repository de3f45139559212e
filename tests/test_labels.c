/* The marks file beside a trace (io/labels.h): where it lies, a save read back, escapes of key
 * names, hostile files (each error naming file:line:column), and rows checked against a trace. */
#include "test_util.h"

#include "../io/labels.h"

/* Loads text as a marks file named name; returns whether it loaded, *err saying why not. */
static bool load_text(Labels *labels, const char *name, const char *text, Error *err)
{
    memset(err, 0, sizeof *err);
    return labels_load(labels, write_text(name, text), err);
}

static void path_beside_the_trace(void **state)
{
    (void)state;
    char out[64];
    assert_true(labels_path("dir/hdfs_test_normal", out, sizeof out));
    assert_string_equal(out, "dir/hdfs_test_normal.labels.csv");
    assert_true(labels_path("a.perf-script.txt.xz", out, sizeof out));
    assert_string_equal(out, "a.perf-script.txt.xz.labels.csv");
    assert_false(labels_path("a-name-far-too-long-for-the-buffer-given-here-by-the-caller", out, 32));
}

static void missing_file_is_no_marks(void **state)
{
    (void)state;
    Labels labels;
    Error err = {0};
    assert_true(labels_load(&labels, test_path("nowhere.labels.csv"), &err));
    assert_int_equal(labels.n_rows, 0);
    assert_false(err.failed);
    labels_free(&labels);
}

static void escapes_round_trip(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(labels_escape_key("a b%c\nd", out, sizeof out), 13);
    assert_string_equal(out, "a%20b%25c%0Ad");
    assert_int_equal(labels_escape_key("plain/KEY", out, sizeof out), 9);
    assert_string_equal(out, "plain/KEY");
    assert_int_equal(labels_escape_key("a b", out, 4), 5); /* cut, the full length told */
    assert_string_equal(out, "a%2");
}

static void save_and_read_back(void **state)
{
    (void)state;
    Labels labels = {0};
    Error err = {0};
    const char *keys1[] = {"5", "22", "11"};
    const char *keys2[] = {"COMM/SND MESSAGE", "100%", "tab\there", "quote\"comma,"};
    assert_true(labels_add(&labels, LABEL_UNIT_SESSION, 10, 3, LABEL_NORMAL, keys1, &err));
    assert_true(labels_add(&labels, LABEL_UNIT_SEGMENT, 4096, 4, LABEL_ANOMALOUS, keys2, &err));
    const char *path = test_path("roundtrip.labels.csv");
    assert_true(labels_save(&labels, path, &err));
    char *text = slurp(path);
    assert_contains(text, "unit,first_event,events,label,keys\n");
    assert_contains(text, "session,10,3,normal,\"5 22 11\"\n");
    assert_contains(text, "segment,4096,4,anomalous,\"COMM/SND%20MESSAGE 100%25 tab%09here quote\"\"comma,\"\n");
    free(text);
    Labels back;
    assert_true(labels_load(&back, path, &err));
    assert_int_equal(back.n_rows, 2);
    assert_int_equal(back.rows[0].unit, LABEL_UNIT_SESSION);
    assert_int_equal(back.rows[0].first_event, 10);
    assert_int_equal(back.rows[0].events, 3);
    assert_int_equal(back.rows[0].label, LABEL_NORMAL);
    assert_string_equal(back.rows[0].keys[1], "22");
    assert_int_equal(back.rows[1].unit, LABEL_UNIT_SEGMENT);
    assert_int_equal(back.rows[1].label, LABEL_ANOMALOUS);
    for (int k = 0; k < 4; k++)
        assert_string_equal(back.rows[1].keys[k], keys2[k]);
    assert_int_equal(back.rows[1].line, 4); /* after the comment and the header */
    assert_int_equal(labels_find(&back, LABEL_UNIT_SEGMENT, 4096, 4), 1);
    assert_int_equal(labels_find(&back, LABEL_UNIT_SEGMENT, 4096, 5), -1);
    labels_remove(&back, 0);
    assert_int_equal(back.n_rows, 1);
    assert_int_equal(back.rows[0].first_event, 4096);
    labels_free(&back);
    labels_free(&labels);
    /* an empty set of marks is the header alone, and reads back as none */
    assert_true(labels_save(&labels, path, &err));
    assert_true(labels_load(&back, path, &err));
    assert_int_equal(back.n_rows, 0);
    labels_free(&back);
}

static void comments_blank_lines_bom_and_crlf(void **state)
{
    (void)state;
    Labels labels;
    Error err;
    assert_true(load_text(&labels, "ok.labels.csv",
                          "\xEF\xBB\xBF# a comment\r\n\r\nunit,first_event,events,label,keys\r\n# another\r\n"
                          "session,0,2,normal,5 6\r\nsegment,7,1,anomalous,\"x\"\n",
                          &err));
    assert_int_equal(labels.n_rows, 2);
    assert_string_equal(labels.rows[0].keys[1], "6");
    assert_int_equal(labels.rows[0].line, 5);
    assert_string_equal(labels.rows[1].keys[0], "x");
    labels_free(&labels);
}

/* text fails to load with a message holding where. */
static void assert_fails_at(const char *text, const char *where, const char *what)
{
    Labels labels;
    Error err;
    assert_false(load_text(&labels, "bad.labels.csv", text, &err));
    assert_true(err.failed);
    assert_contains(err.msg, where);
    assert_contains(err.msg, what);
    assert_int_equal(labels.n_rows, 0);
}

#define H "unit,first_event,events,label,keys\n"

static void hostile_files_name_line_and_column(void **state)
{
    (void)state;
    assert_fails_at("", "bad.labels.csv:1:1", "no header");
    assert_fails_at("# only a comment\n", "bad.labels.csv:2:1", "no header");
    assert_fails_at("session,0,1,normal,5\n", "bad.labels.csv:1:1", "expected the header");
    assert_fails_at("unit,first,events,label,keys\n", ":1:1", "expected the header");
    assert_fails_at(H "window,0,1,normal,5\n", "bad.labels.csv:2:1", "unit: expected session or segment");
    assert_fails_at(H "session,0,1,fine,5\n", ":2:13", "label: expected normal or anomalous");
    assert_fails_at(H "session,0,1,Normal,5\n", ":2:13", "label");
    assert_fails_at(H "session,-1,1,normal,5\n", ":2:9", "first_event: expected a whole number");
    assert_fails_at(H "session,0,-3,normal,5\n", ":2:11", "events: expected a whole number");
    assert_fails_at(H "session,99999999999999999999,1,normal,5\n", ":2:9", "first_event");
    assert_fails_at(H "session,9223372036854775808,1,normal,5\n", ":2:9", "first_event");
    assert_fails_at(H "session,9223372036854775807,2,normal,5 6\n", ":2:29", "past 2^63-1");
    assert_fails_at(H "session,0x10,1,normal,5\n", ":2:9", "first_event");
    assert_fails_at(H "session,,1,normal,5\n", ":2:9", "first_event");
    assert_fails_at(H "session,0,0,normal,\n", ":2:11", "1 event or more");
    assert_fails_at(H "session,0,1,normal\n", ":2:19", "fewer than the 5 fields");
    assert_fails_at(H "session,0,1,normal,5,extra\n", ":2:22", "more than the 5 fields");
    assert_fails_at(H "session,0,3,normal,5 6\n", ":2:20", "keys: 2 names for 3 events");
    /* a count no line can fill is refused before anything is sized by it (it took an 8 GB
     * allocation, or failed as "out of memory") */
    assert_fails_at(H "session,0,1000000000,normal,5\n", ":2:29", "keys: 1 names for 1000000000 events");
    assert_fails_at(H "session,0,1099511627776,normal,5\n", ":2:32", "keys: 1 names for 1099511627776 events");
    assert_fails_at(H "session,0,1,normal,5%2\n", ":2:21", "bad escape");
    assert_fails_at(H "session,0,1,normal,5%zz\n", ":2:21", "bad escape");
    assert_fails_at(H "session,0,1,normal,5%00\n", ":2:21", "bad escape");
    assert_fails_at(H "session,0,2,normal,ok a\tb\n", ":2:24", "control character");
    assert_fails_at(H "session,0,1,normal,\"5\n", ":2:20", "not closed");
    assert_fails_at(H "session,0,1,normal,\"5\"x\n", ":2:23", "expected ','");
    assert_fails_at(H "session,0,1,normal,5\n" "segment,1,1,normal,5\n" "bogus\n", "bad.labels.csv:4:", "fields");
}

static void nul_byte_in_a_line(void **state)
{
    (void)state;
    static const char text[] = H "session,0,1,normal,5\0\n";
    Labels labels;
    Error err = {0};
    assert_false(labels_load(&labels, write_bytes("nul.labels.csv", text, sizeof text - 1), &err));
    assert_contains(err.msg, "nul.labels.csv:2:21: a NUL byte");
}

/* A trace of three sessions of keys named "1".."4", and its vocabulary. */
static void sessions_trace(Trace *t, Vocab *v)
{
    Error err = {0};
    vocab_init(v);
    assert_true(trace_begin(t, "s", TRACE_FORMAT_SESSIONS, &err));
    const uint32_t keys[3][3] = {{1, 2, 3}, {4, 4, 0}, {2, 1, 0}};
    const size_t lens[3] = {3, 2, 2};
    for (int s = 0; s < 3; s++) {
        for (size_t e = 0; e < lens[s]; e++) {
            uint32_t id;
            assert_true(vocab_session_key(v, keys[s][e], &id, &err));
            assert_true(trace_append(t, id, (int64_t)e, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err));
        }
        assert_true(trace_end_session(t, &err));
    }
}

static void rows_checked_against_a_trace(void **state)
{
    (void)state;
    Trace t;
    Vocab v;
    sessions_trace(&t, &v);
    Labels labels = {0};
    Error err = {0};
    assert_true(labels_add_from_trace(&labels, LABEL_UNIT_SESSION, 3, 2, LABEL_NORMAL, &t, &v, &err));
    assert_string_equal(labels.rows[0].keys[0], "4");
    assert_false(labels_add_from_trace(&labels, LABEL_UNIT_SESSION, 6, 2, LABEL_NORMAL, &t, &v, &err));
    assert_contains(err.msg, "past");
    const char *same[] = {"1", "2", "3"}, *other[] = {"1", "2", "4"};
    assert_true(labels_add(&labels, LABEL_UNIT_SESSION, 0, 3, LABEL_ANOMALOUS, same, &err));   /* 1: matches */
    assert_true(labels_add(&labels, LABEL_UNIT_SESSION, 0, 3, LABEL_NORMAL, other, &err));     /* 2: keys differ */
    assert_true(labels_add(&labels, LABEL_UNIT_SESSION, 1, 2, LABEL_NORMAL, same + 1, &err));  /* 3: not a session */
    assert_true(labels_add(&labels, LABEL_UNIT_SESSION, 6, 3, LABEL_NORMAL, same, &err));      /* 4: past the end */
    assert_true(labels_add(&labels, LABEL_UNIT_SEGMENT, 0, 3, LABEL_NORMAL, same, &err));      /* 5: wrong unit */
    size_t stale[8];
    size_t n = labels_check(&labels, &t, &v, stale);
    assert_int_equal(n, 4);
    assert_int_equal(stale[0], 2);
    assert_int_equal(stale[1], 3);
    assert_int_equal(stale[2], 4);
    assert_int_equal(stale[3], 5);
    labels_free(&labels);
    trace_free(&t);
    vocab_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_beside_the_trace),
        cmocka_unit_test(missing_file_is_no_marks),
        cmocka_unit_test(escapes_round_trip),
        cmocka_unit_test(save_and_read_back),
        cmocka_unit_test(comments_blank_lines_bom_and_crlf),
        cmocka_unit_test(hostile_files_name_line_and_column),
        cmocka_unit_test(nul_byte_in_a_line),
        cmocka_unit_test(rows_checked_against_a_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
