/* The command line forgives: help COMMAND, a mistyped command named as such (never opened as a
 * trace), -V, and messages that name only the command the user typed. */
#include "test_util.h"

#include <limits.h>

static const char *csv_trace = "timestamp,class,event\n1,COMM,SND_MESSAGE\n2,THREAD,THRUNNING\n";

static void expect_error(RunResult *r, const char *fragment)
{
    assert_status(*r, 2);
    assert_contains(r->err, fragment);
    run_result_free(r);
}

/* Fails the test, showing the text, unless it begins with prefix. */
static void assert_begins(const char *text, const char *prefix)
{
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        fail_msg("expected \"%s\" to begin:\n%s", prefix, text);
}

static void help_command_equals_its_help_option(void **state)
{
    (void)state;
    const char *commands[] = {"stats", "score", "open"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        RunResult by_help = run_traceaid("help", commands[i]);
        RunResult by_option = run_traceaid(commands[i], "--help");
        assert_status(by_help, 0);
        assert_status(by_option, 0);
        assert_string_equal(by_help.out, by_option.out);
        assert_string_equal(by_help.err, "");
        run_result_free(&by_help);
        run_result_free(&by_option);
    }
}

static void help_of_no_command_is_an_error(void **state)
{
    (void)state;
    RunResult r = run_traceaid("help", "bogus");
    expect_error(&r, "traceaid help: 'bogus' is not a command");
    r = run_traceaid("help", "stat");
    expect_error(&r, "traceaid help: 'stat' is not a command; did you mean 'stats'?");
    r = run_traceaid("help", "stats", "train");
    expect_error(&r, "traceaid help: name one command");
    r = run_traceaid("help", "help");
    assert_status(r, 0);
    assert_contains(r.out, "Commands:");
    run_result_free(&r);
}

static void a_mistyped_command_is_named_not_opened(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stat");
    expect_error(&r, "traceaid: 'stat' is not a command; did you mean 'stats'?\n");
    const char *trace = write_text("t.csv", csv_trace);
    r = run_traceaid("sotre", "--model", "m.safetensors", trace); /* a slip before options too */
    expect_error(&r, "traceaid: 'sotre' is not a command; did you mean 'score'?\n");
    r = run_traceaid("hlep");
    expect_error(&r, "did you mean 'help'?");
    r = run_traceaid("expl");
    expect_error(&r, "did you mean 'explain'?"); /* a unique prefix */
    r = run_traceaid("frobnicate"); /* near nothing: as before */
    expect_error(&r, "'frobnicate' is neither a command nor a readable file");
}

static void a_mistyped_option_is_named(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--perc", "t.csv");
    expect_error(&r, "traceaid stats: unknown option '--perc'; did you mean '--percent'?\n");
    r = run_traceaid("score", "--modle=m.safetensors", "t.csv");
    expect_error(&r, "unknown option '--modle=m.safetensors'; did you mean '--model'?\n");
    r = run_traceaid("stats", "--frobnicate", "t.csv");
    expect_error(&r, "traceaid stats: unknown option '--frobnicate'\n");
}

/* Runs traceaid in the test's folder, where relative names are its files. */
static RunResult run_in_test_dir(const char *arg)
{
    char bin[PATH_MAX], cwd[PATH_MAX];
    assert_non_null(realpath(traceaid_bin(), bin));
    assert_non_null(getcwd(cwd, sizeof cwd));
    test_path("anything"); /* makes the folder */
    assert_int_equal(chdir(test_dir), 0);
    const char *argv[] = {bin, arg, NULL};
    RunResult r = run_traceaid_argv(-1, NULL, argv);
    assert_int_equal(chdir(cwd), 0);
    return r;
}

/* A file wins over the likeness: traceaid stat opens ./stat (and traceaid stats still runs stats,
 * file or not). */
static void a_file_named_like_a_command_opens(void **state)
{
    (void)state;
    write_text("stat", csv_trace);
    write_text("stats", csv_trace);
    RunResult r = run_in_test_dir("stat");
    assert_status(r, 0); /* piped: the summary */
    assert_contains(r.out, "Loaded 1 file");
    assert_string_equal(r.err, "");
    run_result_free(&r);
    r = run_in_test_dir("stats");
    expect_error(&r, "traceaid stats: name at least one trace");
}

static void dash_v_is_the_version(void **state)
{
    (void)state;
    RunResult by_short = run_traceaid("-V");
    RunResult by_long = run_traceaid("--version");
    assert_status(by_short, 0);
    assert_status(by_long, 0);
    assert_string_equal(by_short.out, by_long.out);
    assert_contains(by_short.out, "traceaid ");
    run_result_free(&by_short);
    run_result_free(&by_long);
}

/* traceaid TRACE runs open unnamed: its messages say "traceaid:", and "traceaid open:" only when
 * open was typed. */
static void messages_name_the_typed_command(void **state)
{
    (void)state;
    const char *missing = test_path("missing.csv");
    RunResult r = run_traceaid(missing);
    assert_status(r, 2);
    assert_begins(r.err, "traceaid: ");
    assert_contains(r.err, "missing.csv: cannot open");
    run_result_free(&r);
    r = run_traceaid("--bogus", missing);
    assert_status(r, 2);
    assert_begins(r.err, "traceaid: unknown option '--bogus'");
    run_result_free(&r);
    r = run_traceaid("open", missing);
    assert_status(r, 2);
    assert_begins(r.err, "traceaid open: ");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_command_equals_its_help_option),
        cmocka_unit_test(help_of_no_command_is_an_error),
        cmocka_unit_test(a_mistyped_command_is_named_not_opened),
        cmocka_unit_test(a_mistyped_option_is_named),
        cmocka_unit_test(a_file_named_like_a_command_opens),
        cmocka_unit_test(dash_v_is_the_version),
        cmocka_unit_test(messages_name_the_typed_command),
    };
    return cmocka_run_group_tests_name("a forgiving command line", tests, NULL, NULL);
}
