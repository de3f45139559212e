/* DeepLog session files (the real HDFS ones among them), meanings files and loghub-style
 * structured logs. */
#include "test_util.h"

#include "test_load.h"

#define HDFS SHARED_DATA "/hdfs/"

static Loaded *load_sessions(const char *path)
{
    return load_with(path, (TraceOptions){.format = TRACE_FORMAT_SESSIONS});
}

static void hdfs_train_reads_whole(void **state)
{
    (void)state;
    require_shared_data();
    /* 4,855 sessions, trailing spaces, no final newline (shared/data/hdfs/README.md) */
    Loaded *l = load_sessions(HDFS "hdfs_train");
    assert_true(l->ok);
    assert_int_equal(l->trace.n_sessions, 4855);
    /* first line: 5 5 5 22 11 9 11 9 11 9 26 26 26 23 23 23 21 21 21 */
    assert_int_equal(trace_session_length(&l->trace, 0), 19);
    assert_string_equal(vocab_name(&l->vocab, l->trace.key_id[0]), "5");
    assert_int_equal(l->trace.key_id[0], 4); /* key k has id k-1 */
    assert_int_equal(l->trace.key_id[3], 21);
    for (uint32_t id = 0; id < vocab_size(&l->vocab); id++) {
        char name[16];
        snprintf(name, sizeof name, "%u", id + 1);
        assert_string_equal(vocab_name(&l->vocab, id), name);
    }
    loaded_free(l);
}

static void hdfs_test_files_count_sessions(void **state)
{
    (void)state;
    require_shared_data();
    Loaded *l = load_sessions(HDFS "hdfs_test_normal");
    assert_true(l->ok);
    assert_int_equal(l->trace.n_sessions, 14177);
    loaded_free(l);
    l = load_with(HDFS "hdfs_test_abnormal", (TraceOptions){0}); /* recognised without --sessions */
    assert_true(l->ok);
    assert_int_equal(l->trace.format, TRACE_FORMAT_SESSIONS);
    assert_int_equal(l->trace.n_sessions, 16838);
    loaded_free(l);
}

static void sessions_allow_crlf_tabs_and_blank_lines(void **state)
{
    (void)state;
    Loaded *l = load_sessions(write_text("s.txt", "3 1 2 \r\n\n  7\t3\n"));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_sessions, 2);
    assert_int_equal(trace_session_length(&l->trace, 1), 2);
    assert_int_equal(l->trace.key_id[3], 6);
    assert_int_equal(vocab_size(&l->vocab), 7);
    loaded_free(l);
}

static void session_non_integer_key(void **state)
{
    (void)state;
    Loaded *l = load_sessions(write_text("bad.txt", "1 2 3\n4 x5 6\n"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "bad.txt:2:3: 'x5' is not a log key");
    loaded_free(l);
}

static void session_zero_key(void **state)
{
    (void)state;
    Loaded *l = load_sessions(write_text("zero.txt", "1 2 3\n4 0\n"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "zero.txt:2:3: key 0: session keys start at 1");
    loaded_free(l);
}

static void session_negative_or_huge_key(void **state)
{
    (void)state;
    Loaded *l = load_sessions(write_text("neg.txt", "1 -2\n"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "neg.txt:1:3: '-2' is not a log key");
    loaded_free(l);
    l = load_sessions(write_text("huge.txt", "99999999999999999999\n"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "huge.txt:1:1: key 99999999999999999999 is larger than");
    loaded_free(l);
}

static void session_empty_file(void **state)
{
    (void)state;
    Loaded *l = load_sessions(write_text("nothing.txt", "\n\n"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "nothing.txt: no sessions");
    loaded_free(l);
}

static void meanings_file_reads(void **state)
{
    (void)state;
    require_shared_data();
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    assert_true(meanings_load(&m, HDFS "log_key_meanings.txt", &err));
    assert_int_equal(meanings_count(&m), 29);
    assert_string_equal(meanings_get(&m, "22"), "NS.allocateBlock");
    assert_string_equal(meanings_get(&m, "28"), "NS.addStoredBlock:  request received");
    assert_null(meanings_get(&m, "30"));
    assert_true(meanings_load(&m, write_text("m.txt", "# kernel events\r\nCOMM/SND_MESSAGE\tsent a message\r\n\n"), &err));
    assert_string_equal(meanings_get(&m, "COMM/SND_MESSAGE"), "sent a message");
    meanings_free(&m);
}

static void meanings_file_errors(void **state)
{
    (void)state;
    Meanings m;
    meanings_init(&m);
    Error err = {0};
    assert_false(meanings_load(&m, write_text("notab.txt", "A\tok\nB no tab\n"), &err));
    assert_contains(err.msg, "notab.txt:2: expected KEY<TAB>meaning");
    assert_false(meanings_load(&m, write_text("nokey.txt", "\tmeaning\n"), &err));
    assert_contains(err.msg, "nokey.txt:1:1: empty key");
    assert_false(meanings_load(&m, write_text("bad8.txt", "A\t\xE2\x82\n"), &err));
    assert_contains(err.msg, "bad8.txt:1:3: invalid UTF-8");
    meanings_free(&m);
}

static const char *loghub_csv =
    "LineId,Date,Time,Pid,Level,Component,Content,EventId,EventTemplate\n"
    "1,081109,203615,148,INFO,dfs.DataNode$PacketResponder,\"PacketResponder 1 for block "
    "blk_38865049064139660 terminating\",E10,PacketResponder <*> for block <*> terminating\n"
    "2,081109,203807,222,INFO,dfs.DataNode$PacketResponder,\"Received block blk_-6952295868487656571 "
    "of size 67108864 from /10.251.39.64\",E9,Received block <*> of size <*> from <*>\n"
    "3,081109,204005,35,INFO,dfs.FSNamesystem,\"BLOCK* NameSystem.addStoredBlock: blockMap updated: "
    "10.251.73.220:50010 is added to blk_38865049064139660 size 67108864\",E26,BLOCK* "
    "NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>\n"
    "4,081109,204015,308,INFO,dfs.DataNode$PacketResponder,\"PacketResponder 2 for block "
    "blk_-6952295868487656571 terminating\",E10,PacketResponder <*> for block <*> terminating\n";

static void loghub_groups_sessions_by_regex(void **state)
{
    (void)state;
    const char *path = write_text("HDFS_2k.log_structured.csv", loghub_csv);
    Loaded *l = load_with(path, (TraceOptions){.group_regex = "blk_-?[0-9]+"});
    assert_true(l->ok);
    assert_true(l->trace.structured_log);
    assert_int_equal(l->trace.n_events, 4);
    assert_int_equal(l->trace.n_sessions, 2);
    /* sessions in order of first appearance, events in file order within each */
    assert_string_equal(strpool_get(&l->trace.names, l->trace.session_name[0]), "blk_38865049064139660");
    assert_string_equal(strpool_get(&l->trace.names, l->trace.session_name[1]), "blk_-6952295868487656571");
    /* keyed by template: the first 8 hex digits of its MD5 (E10, E26, E9 here) */
    assert_string_equal(vocab_name(&l->vocab, l->trace.key_id[0]), "dc2c74b7");
    assert_string_equal(vocab_name(&l->vocab, l->trace.key_id[1]), "5d5de21c");
    assert_string_equal(vocab_name(&l->vocab, l->trace.key_id[2]), "e3df2680");
    assert_string_equal(vocab_name(&l->vocab, l->trace.key_id[3]), "dc2c74b7");
    assert_int_equal(trace_pid(&l->trace, 1), 35);
    assert_string_equal(meanings_get(&l->meanings, "e3df2680"), "Received block <*> of size <*> from <*>");
    loaded_free(l);
}

static void loghub_groups_by_column(void **state)
{
    (void)state;
    const char *path = write_text("bycol.csv", loghub_csv);
    Loaded *l = load_with(path, (TraceOptions){.group_col = "Component"});
    assert_true(l->ok);
    assert_int_equal(l->trace.n_sessions, 2);
    assert_int_equal(trace_session_length(&l->trace, 0), 3);
    loaded_free(l);
    l = load_with(path, (TraceOptions){.group_regex = "blk_("});
    assert_false(l->ok);
    assert_contains(l->err.msg, "--group-regex 'blk_(':");
    loaded_free(l);
    l = load_with(path, (TraceOptions){0});
    assert_true(l->ok);
    assert_int_equal(l->trace.n_sessions, 1);
    loaded_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hdfs_train_reads_whole),
        cmocka_unit_test(hdfs_test_files_count_sessions),
        cmocka_unit_test(sessions_allow_crlf_tabs_and_blank_lines),
        cmocka_unit_test(session_non_integer_key),
        cmocka_unit_test(session_zero_key),
        cmocka_unit_test(session_negative_or_huge_key),
        cmocka_unit_test(session_empty_file),
        cmocka_unit_test(meanings_file_reads),
        cmocka_unit_test(meanings_file_errors),
        cmocka_unit_test(loghub_groups_sessions_by_regex),
        cmocka_unit_test(loghub_groups_by_column),
    };
    return cmocka_run_group_tests_name("sessions, meanings, structured logs", tests, NULL, NULL);
}
