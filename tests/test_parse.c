/* traceaid parse through the binary: loghub's HDFS sample scored as the benchmark scores it,
 * the structured CSV and templates it writes, templates reused, lines the format does not
 * match, pipes, errors that leave no file behind. */
#include "test_util.h"

#include <signal.h>
#include <stdbool.h>

#define HDFS_DIR "tests/data/loghub/HDFS"

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static void hdfs_scored_as_loghub_does(void **state)
{
    (void)state;
    const char *out = test_path("hdfs_structured.csv");
    RunResult r = run_traceaid("parse", "--log-format", "hdfs", HDFS_DIR "/HDFS_2k.log.xz", "-o",
                               out, "--truth", HDFS_DIR "/HDFS_2k.log_structured.csv.xz");
    assert_status(r, 0);
    assert_contains(r.out, "2,000 lines: 16 templates");
    assert_contains(r.out, "grouping accuracy 0.9975 (1,995 of 2,000 lines)");
    char *csv = slurp(out);
    assert_int_equal(count_lines(csv), 2001);
    assert_true(starts_with(csv, "LineId,Date,Time,Pid,Level,Component,Content,EventId,EventTemplate\n"
                             "1,\"081109\",\"203615\",\"148\",\"INFO\",\"dfs.DataNode$PacketResponder\","
                             "\"PacketResponder 1 for block blk_38865049064139660 terminating\","
                             "\"dc2c74b7\",\"PacketResponder <*> for block <*> terminating\"\n"));
    char *templates = slurp(test_path("hdfs_templates.csv"));
    assert_int_equal(count_lines(templates), 17);
    assert_true(starts_with(templates, "EventId,EventTemplate,Occurrences\n\"dc2c74b7\",\"PacketResponder "
                                   "<*> for block <*> terminating\",311\n"));
    free(csv);
    free(templates);
    run_result_free(&r);
    r = run_traceaid("parse", "--log-format", "hdfs", HDFS_DIR "/HDFS_2k.log.xz", "-o", out,
                     "--truth", HDFS_DIR "/HDFS_2k.log_structured.csv.xz", "--json");
    assert_status(r, 0);
    assert_contains(r.out, "\"lines\": 2000, \"skipped\": 0");
    assert_contains(r.out, "\"templates\": 16");
    assert_contains(r.out, "\"accuracy\": 0.997500");
    run_result_free(&r);
}

static const char FIRST_LOG[] = "2024-01-01 10:00:00 INFO open file a.txt now\n"
                                "2024-01-01 10:00:01 INFO open file b.txt now\n"
                                "2024-01-01 10:00:02 WARN disk 90% full\n";
static const char SECOND_LOG[] = "2024-01-02 10:00:00 INFO open file c.txt now\n"
                                 "2024-01-02 10:00:01 ERROR cannot reach the server\n"
                                 "2024-01-02 10:00:02 ERROR cannot reach the server\n"
                                 "2024-01-02 10:00:03 INFO open file d.txt now\n";
#define FORMAT "<Date> <Time> <Level> <Content>"

/* A templates file reused: its templates keep their ids; what matches none is a new key. */
/* Without --log-format, the preset the first lines fit (said), as the log reader finds it: the
 * HDFS sample scores as with --log-format hdfs; from standard input, the whole line. */
static void the_format_is_found_from_the_first_lines(void **state)
{
    (void)state;
    const char *out = test_path("found.csv");
    RunResult r = run_traceaid("parse", HDFS_DIR "/HDFS_2k.log.xz", "-o", out, "--truth",
                               HDFS_DIR "/HDFS_2k.log_structured.csv.xz");
    assert_status(r, 0);
    assert_contains(r.err, "the lines fit the hdfs preset");
    assert_contains(r.out, "grouping accuracy 0.9975");
    run_result_free(&r);
    char *text = slurp(out);
    assert_ptr_equal(strstr(text, "LineId,Date,Time,Pid,Level,Component,Content,EventId,EventTemplate\n"), text);
    free(text);
}

static void templates_reused_name_new_keys(void **state)
{
    (void)state;
    const char *first = write_text("first.log", FIRST_LOG);
    const char *second = write_text("second.log", SECOND_LOG);
    RunResult r = run_traceaid("parse", "--log-format", FORMAT, first, "-o", test_path("first.csv"));
    assert_status(r, 0);
    run_result_free(&r);
    char *templates = slurp(test_path("first_templates.csv"));
    assert_contains(templates, "\"open file <*> now\",2\n");
    free(templates);
    /* ids of the file's own naming are kept */
    const char *edited = write_text("edited_templates.csv", "EventId,EventTemplate,Occurrences\n"
                                                            "E1,open file <*> now,2\n"
                                                            "E2,disk <*> full,1\n");
    r = run_traceaid("parse", "--log-format", FORMAT, second, "--templates", edited, "-o",
                     test_path("second.csv"));
    assert_status(r, 0);
    char want[256];
    snprintf(want, sizeof want, "2 lines (1 template) matched no template of %s: new keys 6ac6919a",
             edited);
    assert_contains(r.out, want);
    char *csv = slurp(test_path("second.csv"));
    assert_contains(csv, "\"open file c.txt now\",\"E1\",\"open file <*> now\"\n");
    assert_contains(csv, "\"cannot reach the server\",\"6ac6919a\",\"cannot reach the server\"\n");
    free(csv);
    templates = slurp(test_path("second_templates.csv"));
    assert_string_equal(templates, "EventId,EventTemplate,Occurrences\n"
                                   "\"E1\",\"open file <*> now\",2\n"
                                   "\"E2\",\"disk <*> full\",0\n"
                                   "\"6ac6919a\",\"cannot reach the server\",2\n");
    free(templates);
    run_result_free(&r);
}

/* A line the format does not match is skipped and named; LineId counts the rows written. */
static void unmatched_lines_are_skipped_and_named(void **state)
{
    (void)state;
    const char *log = write_text("mixed.log", "2024-01-01 10:00:00 INFO started\n"
                                              "garbage\n"
                                              "2024-01-01 10:00:01 INFO stopped\r\n"
                                              "also garbage");
    RunResult r = run_traceaid("parse", "--log-format", FORMAT, log, "-o", test_path("mixed_out"));
    assert_status(r, 0);
    char want[512];
    snprintf(want, sizeof want,
             "traceaid: warning: 2 lines did not match the format, skipped (the first: %s:2)", log);
    assert_contains(r.err, want);
    char *csv = slurp(test_path("mixed_out"));
    assert_contains(csv, "\n2,\"2024-01-01\",\"10:00:01\",\"INFO\",\"stopped\",");
    assert_int_equal(count_lines(csv), 3);
    free(csv);
    assert_true(exists(test_path("mixed_out_templates.csv")));
    run_result_free(&r);
}

/* Standard input is read twice through a temporary copy: the same output as the file. */
static void standard_input_gives_the_same_output(void **state)
{
    (void)state;
    const char *log = write_text("stdin.log", SECOND_LOG);
    RunResult r = run_traceaid("parse", "--log-format", FORMAT, log, "-o", test_path("from_file.csv"));
    assert_status(r, 0);
    run_result_free(&r);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cat '%s' | %s parse --log-format '%s' - -o '%s' >/dev/null", log,
             traceaid_bin(), FORMAT, test_path("from_pipe.csv"));
    assert_int_equal(system(cmd), 0);
    char *a = slurp(test_path("from_file.csv")), *b = slurp(test_path("from_pipe.csv"));
    assert_string_equal(a, b);
    free(b);
    /* -o -: the CSV on standard output, the summary on standard error, no templates file */
    r = run_traceaid("parse", "--log-format", FORMAT, log, "-o", "-");
    assert_status(r, 0);
    assert_string_equal(r.out, a);
    assert_contains(r.err, "4 lines: 2 templates -> -\n");
    free(a);
    run_result_free(&r);
}

static void bad_formats_and_truths_leave_no_file(void **state)
{
    (void)state;
    const char *log = write_text("bad.log", FIRST_LOG);
    const char *out = test_path("bad_out.csv");
    RunResult r = run_traceaid("parse", "--log-format", "<Date> <Time>", log, "-o", out);
    assert_status(r, 2);
    assert_contains(r.err, "Content");
    run_result_free(&r);
    r = run_traceaid("parse", "--log-format", "<Content>", "--mask", "(x", log, "-o", out);
    assert_status(r, 2);
    assert_contains(r.err, "mask 1 \"(x\"");
    run_result_free(&r);
    r = run_traceaid("parse", "--log-format", "\\[<Level>\\] <Content>", log, "-o", out);
    assert_status(r, 2);
    assert_contains(r.err, "no line matches the format; the first: ");
    run_result_free(&r);
    /* the truth has 2,000 rows, the log 3 */
    r = run_traceaid("parse", "--log-format", FORMAT, log, "-o", out, "--truth",
                     HDFS_DIR "/HDFS_2k.log_structured.csv.xz");
    assert_status(r, 2);
    assert_contains(r.err, "has 2000 rows, the parse 3 lines");
    run_result_free(&r);
    assert_false(exists(out));
    assert_false(exists(test_path("bad_out_templates.csv")));
    r = run_traceaid("parse", log);
    assert_status(r, 2);
    assert_contains(r.err, "-o FILE");
    run_result_free(&r);
}

/* Ctrl-C while the log is read (a FIFO whose writer waits): status 130, no file written. Once
 * the writer's open returns, parse has opened the log, after its handler was installed; the log
 * ends only after the signal, so parse sees it whether it was waiting in a read or not. */
static void ctrl_c_writes_nothing(void **state)
{
    (void)state;
    const char *fifo = test_path("cut.fifo"), *out = test_path("cut.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *err_path = write_text("cut-stderr.txt", "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_TRUNC);
        dup2(fd, 2);
        execl(traceaid_bin(), traceaid_bin(), "parse", "--log-format", FORMAT, fifo, "-o", out,
              (char *)NULL);
        _exit(127);
    }
    int writer = open(fifo, O_WRONLY);
    assert_true(writer >= 0);
    assert_int_equal(write(writer, FIRST_LOG, strlen(FIRST_LOG)), (ssize_t)strlen(FIRST_LOG));
    kill(pid, SIGINT);
    close(writer);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 130);
    char *text = slurp(err_path);
    assert_contains(text, "interrupted");
    free(text);
    assert_false(exists(out));
    assert_false(exists(test_path("cut_templates.csv")));
}

static void presets_are_listed(void **state)
{
    (void)state;
    RunResult r = run_traceaid("parse", "--list-formats");
    assert_status(r, 0);
    assert_contains(r.out, "hdfs         Hadoop HDFS (loghub); similarity 0.5, depth 4, 2 masks");
    assert_contains(r.out, "\nsyslog ");
    assert_contains(r.out, "\njournalctl ");
    assert_contains(r.out, "\nline ");
    run_result_free(&r);
    r = run_traceaid("parse", "--list-formats", "--json");
    assert_status(r, 0);
    assert_contains(r.out, "{\"name\": \"linux\", \"format\": \"<Month> <Date> <Time> <Level> "
                           "<Component>(\\\\[<PID>\\\\])?: <Content>\"");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hdfs_scored_as_loghub_does),
        cmocka_unit_test(the_format_is_found_from_the_first_lines),
        cmocka_unit_test(templates_reused_name_new_keys),
        cmocka_unit_test(unmatched_lines_are_skipped_and_named),
        cmocka_unit_test(standard_input_gives_the_same_output),
        cmocka_unit_test(bad_formats_and_truths_leave_no_file),
        cmocka_unit_test(ctrl_c_writes_nothing),
        cmocka_unit_test(presets_are_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
