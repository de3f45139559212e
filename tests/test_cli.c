/* The traceaid binary as a user runs it: help, stats, the summary, and bad input, which ends
 * with exit status 2 and a message naming the file and line — never a crash. */
#include "test_util.h"

#include <signal.h>
#include <time.h>

#define HDFS SHARED_DATA "/hdfs/"

static void expect_error(RunResult *r, const char *fragment)
{
    if (r->status != 2)
        fail_msg("expected exit status 2, got %d; stderr:\n%s", r->status, r->err);
    assert_contains(r->err, fragment);
    run_result_free(r);
}

static void help_lists_commands_and_options(void **state)
{
    (void)state;
    RunResult r = run_traceaid("help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "stats");
    assert_contains(r.out, "gen");
    assert_contains(r.out, "Exit status: 0 success, 1 anomalies found, 2 an error");
    run_result_free(&r);
    r = run_traceaid("stats", "--help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage: traceaid stats");
    assert_contains(r.out, "--key-cols A,B");
    assert_contains(r.out, "--sessions FILE");
    run_result_free(&r);
    r = run_traceaid("help", "gen");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Usage: traceaid gen");
    run_result_free(&r);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--bogus");
    expect_error(&r, "traceaid stats: unknown option '--bogus'");
    r = run_traceaid("stats");
    expect_error(&r, "name at least one trace");
    r = run_traceaid("stats", "--time-col");
    expect_error(&r, "--time-col needs a value");
    r = run_traceaid("frobnicate");
    expect_error(&r, "'frobnicate' is neither a command nor a readable file");
}

static void stats_side_by_side(void **state)
{
    (void)state;
    const char *a = write_text("clean.csv", "timestamp,class,event\n1,COMM,SND_MESSAGE\n2,COMM,SND_MESSAGE\n3,THREAD,THRUNNING\n");
    const char *b = write_text("anomalous.csv", "timestamp,class,event\n1,PROCESS,PROCCREATE_NAME\n2,COMM,SND_MESSAGE\n");
    RunResult r = run_traceaid("stats", a, b);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out,
        "key                        clean.csv  anomalous.csv\n"
        "COMM/SND_MESSAGE                   2              1\n"
        "PROCESS/PROCCREATE_NAME            0              1\n"
        "THREAD/THRUNNING                   1              0\n"
        "total events                       3              2\n"
        "distinct keys                      2              2\n");
    run_result_free(&r);
    r = run_traceaid("stats", "--csv", "--percent", a, b);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"COMM/SND_MESSAGE\",66.6667,50.0000\n");
    run_result_free(&r);
}

static void stats_on_hdfs_sessions_with_meanings(void **state)
{
    (void)state;
    require_shared_data();
    RunResult r = run_traceaid("stats", "--meanings", HDFS "log_key_meanings.txt", "--sessions",
                               HDFS "hdfs_train", "--sessions", HDFS "hdfs_test_abnormal");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "key             hdfs_train  hdfs_test_abnormal  meaning\n");
    assert_contains(r.out, "22                   4,856              16,838  NS.allocateBlock\n");
    assert_contains(r.out, "total events        95,125             284,818\n");
    assert_contains(r.out, "distinct keys           14                  28\n");
    run_result_free(&r);
}

static void summary_without_a_command(void **state)
{
    (void)state;
    require_shared_data();
    const char *a = write_text("k.csv", "timestamp,class,event\n0,A,B\n2000000000,A,C\n");
    RunResult r = run_traceaid(a, "--sessions", HDFS "hdfs_train");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Loaded 2 files: 95,127 events");
    assert_contains(r.out, "csv                2 events       1 session      2 keys  2.000 s span\n");
    assert_contains(r.out, "sessions      95,125 events   4,855 sessions    14 keys");
    run_result_free(&r);
}

static void gen_writes_trace_and_truth(void **state)
{
    (void)state;
    const char *trace = test_path("gen/fifo.csv");
    mkdir(test_path("gen"), 0755);
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--events", "20000", "--seed", "9", "-o", trace);
    assert_int_equal(r.status, 0);
    run_result_free(&r);
    char *truth = slurp(test_path("gen/fifo.truth"));
    assert_true(strncmp(truth, "first_event,last_event,episode\n", 31) == 0);
    assert_non_null(strchr(truth + 31, '\n')); /* at least one run of injected events */
    free(truth);
    r = run_traceaid("stats", trace);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "PROCESS/PROCCREATE_NAME");
    assert_contains(r.out, "total events                       20,000\n");
    run_result_free(&r);
    r = run_traceaid("gen", "--kind", "sideways", "-o", trace);
    expect_error(&r, "unknown kind 'sideways'");
}

/* "-" is standard input wherever a file is read: a model file and a meanings file too. */
static void dash_reads_standard_input(void **state)
{
    (void)state;
    char cmd[2000];
    const char *out = test_path("dash.out");
    snprintf(cmd, sizeof cmd, "'%s' info - < '%s' > '%s' 2>&1", traceaid_bin(),
             FIXTURES_DIR "/deeplog_small.safetensors", out);
    assert_int_equal(system(cmd), 0);
    char *text = slurp(out);
    assert_contains(text, "DeepLog: ");
    free(text);
    const char *sessions = write_text("dash-sessions.txt", "1 2 3\n3 2 1\n");
    snprintf(cmd, sizeof cmd, "printf '2\\tthe second key\\n' | '%s' stats --meanings - --sessions '%s' > '%s' 2>&1",
             traceaid_bin(), sessions, out);
    assert_int_equal(system(cmd), 0);
    text = slurp(out);
    assert_contains(text, "the second key");
    free(text);
}

/* Ctrl-C while a command waits on its input: the load stops and the exit status is 130. */
static void interrupted_load_exits_130(void **state)
{
    (void)state;
    const char *fifo = test_path("stalled.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *commands[][6] = {{"stats", fifo, NULL},
                                 {"score", "--model", FIXTURES_DIR "/flight-small.safetensors", fifo, NULL}};
    for (size_t c = 0; c < 2; c++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1), dup2(devnull, 2);
            const char *const *a = commands[c];
            execl(traceaid_bin(), traceaid_bin(), a[0], a[1], a[2], a[3], a[4], (char *)NULL);
            _exit(127);
        }
        int writer = -1; /* opens once the reader has it open: the load has begun */
        for (int tries = 0; writer < 0 && tries < 500; tries++) {
            writer = open(fifo, O_WRONLY | O_NONBLOCK);
            if (writer < 0)
                nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        }
        assert_true(writer >= 0);
        const char *rows = "timestamp,cpu,class,event,pid,tid,process\n1,0,COMM,SND_MESSAGE,1,1,a\n";
        assert_int_equal(write(writer, rows, strlen(rows)), (ssize_t)strlen(rows));
        nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
        kill(pid, SIGINT);
        int wstatus;
        waitpid(pid, &wstatus, 0);
        close(writer);
        assert_true(WIFEXITED(wstatus));
        assert_int_equal(WEXITSTATUS(wstatus), 130);
    }
}

/* A long gen stopped by signal: exit with status, and neither the file nor a temporary is left. */
static void gen_stopped_leaves_no_file(const char *dir, int signal, int status)
{
    mkdir(test_path(dir), 0755);
    char trace[600];
    snprintf(trace, sizeof trace, "%s/long.csv", test_path(dir));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(traceaid_bin(), traceaid_bin(), "gen", "--events", "50000000", "-o", trace, (char *)NULL);
        _exit(127);
    }
    nanosleep(&(struct timespec){.tv_nsec = 400 * 1000 * 1000}, NULL);
    kill(pid, signal);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), status);
    char listing[700];
    snprintf(listing, sizeof listing, "ls -A '%s'", test_path(dir));
    FILE *ls = popen(listing, "r");
    char name[256] = "";
    char *got = fgets(name, sizeof name, ls);
    pclose(ls);
    if (got)
        fail_msg("left behind after signal %d: %s", signal, name);
}

/* Ctrl-C in the middle of a long write: exit 130. */
static void gen_interrupted_leaves_no_file(void **state)
{
    (void)state;
    gen_stopped_leaves_no_file("cut", SIGINT, 130);
}

/* SIGTERM (what kill, systemd and timeout send) gets the same cleanup as Ctrl-C, and says so
 * with its own status: 143. */
static void gen_terminated_leaves_no_file(void **state)
{
    (void)state;
    gen_stopped_leaves_no_file("term", SIGTERM, 143);
}

/* kill -9 in the middle of a write (nothing can catch it): the target is the old file, or absent. */
static void killed_writer_leaves_no_broken_file(void **state)
{
    (void)state;
    mkdir(test_path("kill"), 0755);
    const char *kept = write_text("kill/kept.csv", "the old contents\n");
    char fresh[600];
    snprintf(fresh, sizeof fresh, "%s", test_path("kill/fresh.csv"));
    const char *targets[2] = {kept, fresh};
    for (int i = 0; i < 2; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 2);
            execl(traceaid_bin(), traceaid_bin(), "gen", "--events", "50000000", "-o", targets[i], (char *)NULL);
            _exit(127);
        }
        nanosleep(&(struct timespec){.tv_nsec = 400 * 1000 * 1000}, NULL);
        kill(pid, SIGKILL);
        int wstatus;
        waitpid(pid, &wstatus, 0);
        assert_true(WIFSIGNALED(wstatus));
    }
    char *old = slurp(kept);
    assert_string_equal(old, "the old contents\n");
    free(old);
    assert_int_not_equal(access(fresh, F_OK), 0);
}

/* ---- bad input through the binary: one test each --------------------------------------- */

static void bad_empty_file(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("e.csv", ""));
    expect_error(&r, "e.csv: empty file");
}

static void bad_header_only(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("h.csv", "timestamp,class,event\r\n"));
    expect_error(&r, "h.csv: no events: the file has a header row only");
}

static void bad_missing_key_columns(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("m.csv", "timestamp,cpu\n1,0\n"));
    expect_error(&r, "m.csv:1: no key columns");
}

static void bad_ragged_rows(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("r.csv", "t,class,event\n1,A,B\n2,A,B\n3,A\n"));
    expect_error(&r, "r.csv:4: 2 fields; the header has 3");
}

static void bad_unterminated_quote(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("q.csv", "t,class,event\n1,\"A,B\n"));
    expect_error(&r, "q.csv:3: a quoted field is never closed (the record starting on line 2");
}

static void bad_binary_junk(void **state)
{
    (void)state;
    unsigned char junk[2048];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 151 + 7);
    RunResult r = run_traceaid("stats", write_bytes("j.bin", junk, sizeof junk));
    expect_error(&r, "j.bin:2: binary data (a NUL byte at column 122)");
}

static void bad_ten_megabyte_field(void **state)
{
    (void)state;
    size_t len = 10u << 20;
    char *text = malloc(len + 64);
    int head = sprintf(text, "t,class,event\n1,\"");
    memset(text + head, 'y', len);
    strcpy(text + head + len, "\",B\n");
    RunResult r = run_traceaid("stats", write_text("big.csv", text));
    free(text);
    expect_error(&r, "big.csv:2: column 2: a field longer than 1048576 bytes");
}

static void bad_non_numeric_timestamp(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("ts.csv", "timestamp,class,event\nnoon,A,B\n"));
    expect_error(&r, "ts.csv:2: column 1 (timestamp): cannot read 'noon' as a time (tried integer "
                    "nanoseconds, %Y-%m-%dT%H:%M:%S.%f%z");
}

static void bad_invalid_utf8(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", write_text("u.csv", "t,class,event\n1,A,\xED\xA0\x80\n"));
    expect_error(&r, "u.csv:2: invalid UTF-8 in the key at byte 3");
}

static void bad_directory(void **state)
{
    (void)state;
    const char *dir = test_path("somedir");
    mkdir(dir, 0755);
    RunResult r = run_traceaid("stats", dir);
    expect_error(&r, "somedir: is a directory");
}

static void bad_unreadable_file(void **state)
{
    (void)state;
    const char *path = write_text("secret.csv", "t,class,event\n1,A,B\n");
    chmod(path, 0);
    chmod(test_dir, 0755);
    /* root reads any file, so as root the binary runs as nobody */
    RunResult r = run_traceaid_as(geteuid() == 0 ? 65534 : -1, "stats", path, (const char *)NULL);
    chmod(test_dir, 0700);
    expect_error(&r, "secret.csv: cannot open: Permission denied");
}

static void bad_session_keys(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--sessions", write_text("s1", "5 5 22\n5 abc 9\n"));
    expect_error(&r, "s1:2:3: 'abc' is not a log key");
    r = run_traceaid("stats", "--sessions", write_text("s0", "5 5 22\n0 9\n"));
    expect_error(&r, "s0:2:1: key 0: session keys start at 1");
}

static void bad_meanings_file(void **state)
{
    (void)state;
    const char *trace = write_text("ok.csv", "t,event\n1,A\n");
    RunResult r = run_traceaid("stats", "--meanings", write_text("mean.txt", "A meaning\n"), trace);
    expect_error(&r, "mean.txt:1: expected KEY<TAB>meaning");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_lists_commands_and_options),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(stats_side_by_side),
        cmocka_unit_test(stats_on_hdfs_sessions_with_meanings),
        cmocka_unit_test(summary_without_a_command),
        cmocka_unit_test(gen_writes_trace_and_truth),
        cmocka_unit_test(gen_interrupted_leaves_no_file),
        cmocka_unit_test(gen_terminated_leaves_no_file),
        cmocka_unit_test(interrupted_load_exits_130),
        cmocka_unit_test(dash_reads_standard_input),
        cmocka_unit_test(killed_writer_leaves_no_broken_file),
        cmocka_unit_test(bad_empty_file),
        cmocka_unit_test(bad_header_only),
        cmocka_unit_test(bad_missing_key_columns),
        cmocka_unit_test(bad_ragged_rows),
        cmocka_unit_test(bad_unterminated_quote),
        cmocka_unit_test(bad_binary_junk),
        cmocka_unit_test(bad_ten_megabyte_field),
        cmocka_unit_test(bad_non_numeric_timestamp),
        cmocka_unit_test(bad_invalid_utf8),
        cmocka_unit_test(bad_directory),
        cmocka_unit_test(bad_unreadable_file),
        cmocka_unit_test(bad_session_keys),
        cmocka_unit_test(bad_meanings_file),
    };
    return cmocka_run_group_tests_name("traceaid command line", tests, NULL, NULL);
}
