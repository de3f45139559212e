/* The explorer on traces of sessions (issue: sessions in the explorer): the real HDFS sessions
 * labelled normal and abnormal with the committed DeepLog fixture -- the session as the unit, the
 * session timeline, i at a first miss as explain shows it -- and a structured log and a kernel
 * CSV's hidden columns. */
#include "screens_run.h"

#include <stdlib.h>
#include <string.h>

/* The real HDFS test sessions opened as labelled normal and abnormal with a DeepLog model: the
 * committed fixture, or without it the same trained here by the command that wrote it (make
 * fixture-hdfs: seed 1, 10 epochs; byte for byte the same run to run). */
#define HDFS_FIXTURE FIXTURES_DIR "/hdfs-deeplog.safetensors"

static const char *hdfs_model(void)
{
    static char path[600];
    if (path[0])
        return path;
    if (access(HDFS_FIXTURE, R_OK) == 0)
        return strcpy(path, HDFS_FIXTURE);
    snprintf(path, sizeof path, "%s", test_path("hdfs-deeplog.safetensors"));
    RunResult r = run_traceaid("train", "--model", "deeplog", "--seed", "1", "--epochs", "10", "-o", path, "--sessions",
                               SHARED_DATA "/hdfs/hdfs_train");
    assert_status(r, 0);
    run_result_free(&r);
    return path;
}

/* by_name: the two files named without --normal and --abnormal, labelled by their names. */
static void labelled_screens_by(const char *name, bool by_name)
{
    require_shared_data();
    const char *args[] = {by_name ? "--sessions" : "--normal", SHARED_DATA "/hdfs/hdfs_test_normal",
                          by_name ? "--sessions" : "--abnormal", SHARED_DATA "/hdfs/hdfs_test_abnormal",
                          "--model", hdfs_model(), "--meanings", SHARED_DATA "/hdfs/log_key_meanings.txt", NULL};
    more_args = args;
    screens_of(name, "C", NULL, 0, false);
}

static void labelled_screens(const char *name) { labelled_screens_by(name, false); }

/* The session as the unit: the chart by session, the flagged distinct sessions with the false
 * positives marked, FP FN TP F1 in the header, n/N, Enter at a session's first miss. */
static void screen_sessions_80x24(void **state) { (void)state; labelled_screens("sessions_80x24"); }
static void screen_sessions_200x50(void **state) { (void)state; labelled_screens("sessions_200x50"); }
/* Labelled by the files' names (hdfs_test_normal, hdfs_test_abnormal), which the header and the
 * flagged list say. */
static void screen_sessions_names(void **state) { (void)state; labelled_screens_by("sessions_names", true); }

/* The real HDFS sessions with the committed DeepLog fixture (tests/fixtures/README.md) and the
 * keys' meanings: the timeline of sessions, and i at a session's first miss. */
static void session_screens(const char *name)
{
    require_shared_data();
    const char *options[] = {SHARED_DATA "/hdfs/hdfs_test_abnormal", "--model", FIXTURES_DIR "/hdfs-deeplog.safetensors",
                             "--meanings", SHARED_DATA "/hdfs/log_key_meanings.txt", NULL};
    screens_with(name, options);
}

static void screen_session_timeline_80x24(void **state)
{
    (void)state;
    session_screens("session_timeline_80x24");
}

static void screen_session_timeline_200x50(void **state)
{
    (void)state;
    session_screens("session_timeline_200x50");
}

/* A kernel-event CSV without cpu, pid or tid columns: those columns are left out, not filled
 * with '-'. */
static void screen_session_timeline_kernel(void **state)
{
    (void)state;
    const char *path = write_text("no-ids.csv", "timestamp,class,event,process\n"
                                                "1000,COMM,SND_MESSAGE,srv\n2000,COMM,REC_MESSAGE,cli\n"
                                                "3500,THREAD,THRUNNING,proc/boot/procnto-smp\n");
    const char *options[] = {path, NULL};
    screens_with("session_timeline_kernel", options);
}

/* i at a session's first miss gives the figures explain --session N prints for it: the same
 * window, and the same probabilities and ranks before and after (session 4's first miss is event
 * 42, where the 200x50 script presses i). */
static void explorer_i_matches_explain(void **state)
{
    (void)state;
    require_shared_data();
    RunResult ex = run_traceaid("explain", "--model", FIXTURES_DIR "/hdfs-deeplog.safetensors", "--sessions",
                                SHARED_DATA "/hdfs/hdfs_test_abnormal", "--session", "4");
    assert_status(ex, 0);
    assert_contains(ex.out, "session 4: events 32-42");
    const char *p = strstr(ex.out, "p(next key)"), *end = p ? strchr(p, ';') : NULL;
    assert_non_null(end);
    char figures[200];
    snprintf(figures, sizeof figures, "%.*s", (int)(end - p), p);
    char script[600];
    snprintf(script, sizeof script, "%s/session_timeline_200x50.script", SCREENS_DIR);
    const char *argv[] = {traceaid_bin(), SHARED_DATA "/hdfs/hdfs_test_abnormal", "--model",
                          FIXTURES_DIR "/hdfs-deeplog.safetensors", "--script", script, NULL};
    RunResult tui = run_traceaid_argv(-1, NULL, argv);
    assert_status(tui, 0);
    assert_contains(tui.out, "interpretation of 32-42");
    assert_contains(tui.out, figures);
    run_result_free(&ex);
    run_result_free(&tui);
}

/* A loghub structured log grouped into block sessions: its templates are the meanings, its Pid
 * the one id; it has no timestamps the reader takes, no cpus, tids or process names. */
static void screen_session_timeline_structured(void **state)
{
    (void)state;
    const char *path = write_text(
        "hdfs.log_structured.csv",
        "LineId,Date,Time,Pid,Level,Component,Content,EventId,EventTemplate\n"
        "1,081109,203615,148,INFO,dfs.DataNode$PacketResponder,\"PacketResponder 1 for block "
        "blk_38865049064139660 terminating\",E10,PacketResponder <*> for block <*> terminating\n"
        "2,081109,203807,222,INFO,dfs.DataNode$PacketResponder,\"Received block blk_-6952295868487656571 "
        "of size 67108864 from /10.251.39.64\",E9,Received block <*> of size <*> from <*>\n"
        "3,081109,204005,35,INFO,dfs.FSNamesystem,\"BLOCK* NameSystem.addStoredBlock: blockMap updated: "
        "10.251.73.220:50010 is added to blk_38865049064139660 size 67108864\",E26,BLOCK* "
        "NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>\n"
        "4,081109,204015,308,INFO,dfs.DataNode$PacketResponder,\"PacketResponder 2 for block "
        "blk_-6952295868487656571 terminating\",E10,PacketResponder <*> for block <*> terminating\n"
        "5,081109,204106,329,INFO,dfs.DataNode$PacketResponder,\"PacketResponder 2 for block "
        "blk_38865049064139660 terminating\",E10,PacketResponder <*> for block <*> terminating\n");
    const char *options[] = {path, "--group-regex", "blk_-?[0-9]+", NULL};
    screens_with("session_timeline_structured", options);
}


int main(void)
{
    setenv("LC_ALL", "C", 1); /* the ASCII forms, whatever the locale of the run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screen_sessions_80x24), cmocka_unit_test(screen_sessions_200x50),
        cmocka_unit_test(screen_sessions_names),
        cmocka_unit_test(screen_session_timeline_80x24), cmocka_unit_test(screen_session_timeline_200x50),
        cmocka_unit_test(screen_session_timeline_structured), cmocka_unit_test(explorer_i_matches_explain),
        cmocka_unit_test(screen_session_timeline_kernel),
    };
    return cmocka_run_group_tests_name("explorer screens of sessions", tests, NULL, NULL);
}
