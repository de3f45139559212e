/* Option tables: typed numbers refused outside their range naming the option, garbage refused,
 * error codes mapped to exit statuses; then the same through the binary. */
#include "test_util.h"

#include "../core/args.h"

typedef struct Values {
    int64_t offset;
    uint64_t count, window;
    float rate;
    const char *name;
    bool verbose;
} Values;

static Values values;

static const ArgSpec specs[] = {
    {"offset", 0, ARG_INT(-5, 5), &values.offset, "N", "an int64 from -5 to 5"},
    {"count", 'n', ARG_UINT(1, 100000), &values.count, "N", "a uint64 from 1 to 100000"},
    {"window", 0, ARG_UINT(1, 1000), &values.window, "H", "0, the default, means not given"},
    {"rate", 0, ARG_FLOAT(1e-7, 0.9), &values.rate, "RATE", "a float from 1e-7 to 0.9"},
    {"name", 0, ARG_STRING, &values.name, "NAME", "a string"},
    {"verbose", 'v', ARG_FLAG, &values.verbose, NULL, "a flag"},
};

/* Parses the NULL-terminated options; the error, if any, in *err. */
static bool parse(Error *err, ...)
{
    char *argv[16] = {"test"};
    int argc = 1;
    va_list ap;
    va_start(ap, err);
    for (char *a = va_arg(ap, char *); a && argc < 15; a = va_arg(ap, char *))
        argv[argc++] = a;
    va_end(ap);
    values = (Values){0};
    error_clear(err);
    ArgInputs inputs = {0};
    bool help;
    bool ok = args_parse(argc, argv, specs, ARG_COUNT(specs), &inputs, &help, err);
    args_free(&inputs);
    return ok;
}

#define expect_refused(message, ...)                                                          \
    do {                                                                                       \
        Error e_;                                                                              \
        assert_false(parse(&e_, __VA_ARGS__, (char *)NULL));                                   \
        assert_string_equal(e_.msg, (message));                                                \
        assert_int_equal(e_.code, ERROR_USAGE);                                                \
    } while (0)

static void numbers_in_range_are_set(void **state)
{
    (void)state;
    Error err;
    assert_true(parse(&err, "--offset", "-5", "-n", "100000", "--rate", "0.25", "--name", "x", "-v", (char *)NULL));
    assert_int_equal(values.offset, -5);
    assert_int_equal(values.count, 100000);
    assert_true(values.rate == 0.25f);
    assert_string_equal(values.name, "x");
    assert_true(values.verbose);
    assert_true(parse(&err, "--offset=5", "--count=1", "--rate=1e-7", (char *)NULL));
    assert_int_equal(values.offset, 5);
    assert_int_equal(values.count, 1);
    assert_true(values.rate == 1e-7f);
}

static void a_float_option_reads_as_strtof_does(void **state)
{
    (void)state;
    Error err;
    assert_true(parse(&err, "--rate", "0.9", (char *)NULL)); /* the bound itself, though 0.9f < 0.9 */
    assert_true(values.rate == 0.9f);
    assert_true(parse(&err, "--rate", "2e-3", (char *)NULL));
    assert_true(values.rate == 0.002f);
    expect_refused("--rate: '0.95' is out of range (1e-07 to 0.9)", "--rate", "0.95");
    expect_refused("--rate: '0' is out of range (1e-07 to 0.9)", "--rate", "0");
    expect_refused("--rate: 'fast' is not a number", "--rate", "fast");
    expect_refused("--rate: '0.5x' is not a number", "--rate", "0.5x");
    expect_refused("--rate: 'nan' is not a number", "--rate", "nan");
    expect_refused("--rate: 'inf' is out of range (1e-07 to 0.9)", "--rate", "inf");
}

static void out_of_range_names_the_option_and_the_range(void **state)
{
    (void)state;
    expect_refused("--offset: '6' is out of range (-5 to 5)", "--offset", "6");
    expect_refused("--offset: '-6' is out of range (-5 to 5)", "--offset", "-6");
    expect_refused("--offset: '99999999999999999999' is out of range (-5 to 5)", "--offset", "99999999999999999999");
    expect_refused("--count: '0' is out of range (1 to 100000)", "--count", "0");
    expect_refused("--count: '100001' is out of range (1 to 100000)", "-n", "100001"); /* named long */
    expect_refused("--count: '-3' is out of range (1 to 100000)", "--count", "-3");
    expect_refused("--count: '18446744073709551616' is out of range (1 to 100000)", "--count", "18446744073709551616");
}

static void garbage_is_not_a_whole_number(void **state)
{
    (void)state;
    const char *garbage[] = {"12abc", "", "-", "1.5", " 5", "+5", "0x10", "5 "};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        char expected[64];
        snprintf(expected, sizeof expected, "--count: '%s' is not a whole number", garbage[i]);
        expect_refused(expected, "--count", garbage[i]);
        snprintf(expected, sizeof expected, "--offset: '%s' is not a whole number", garbage[i]);
        expect_refused(expected, "--offset", garbage[i]);
    }
}

/* A default the user never typed is not checked: 0 may mean "not given" below a range from 1. */
static void defaults_are_not_range_checked(void **state)
{
    (void)state;
    Error err;
    assert_true(parse(&err, "--count", "7", (char *)NULL));
    assert_int_equal(values.window, 0);
    assert_false(err.failed);
    assert_int_equal(err.code, ERROR_NONE);
}

static void bad_options_are_usage_errors(void **state)
{
    (void)state;
    expect_refused("unknown option '--bogus'", "--bogus");
    expect_refused("--verbose takes no value", "--verbose=yes");
    expect_refused("--count needs a value (N)", "--count");
}

static void error_codes(void **state)
{
    (void)state;
    Error err = {0};
    assert_int_equal(err.code, ERROR_NONE);
    assert_false(error_set(&err, "%s:%d: bad", "f.csv", 3));
    assert_int_equal(err.code, ERROR_INPUT);
    assert_false(error_prefix(&err, "reading: "));
    assert_string_equal(err.msg, "reading: f.csv:3: bad");
    assert_int_equal(err.code, ERROR_INPUT);
    assert_false(error_nomem(&err));
    assert_string_equal(err.msg, "out of memory");
    assert_int_equal(err.code, ERROR_NOMEM);
    assert_false(error_interrupted(&err));
    assert_string_equal(err.msg, "interrupted");
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    assert_false(error_set_code(&err, ERROR_IO, "%s: cannot write", "m.st"));
    assert_int_equal(err.code, ERROR_IO);
    assert_true(err.failed);
    error_clear(&err);
    assert_false(err.failed);
    assert_int_equal(err.code, ERROR_NONE);
    assert_false(error_set_code(NULL, ERROR_IO, "nowhere"));
}

static void codes_map_to_exit_statuses(void **state)
{
    (void)state;
    assert_int_equal(exit_status_for(ERROR_NONE), EXIT_OK);
    assert_int_equal(exit_status_for(ERROR_USAGE), 2);
    assert_int_equal(exit_status_for(ERROR_INPUT), 2);
    assert_int_equal(exit_status_for(ERROR_IO), 2);
    assert_int_equal(exit_status_for(ERROR_NOMEM), 2);
    assert_int_equal(exit_status_for(ERROR_INTERRUPTED), 130);
}

/* The explorer's cancelled load reaches main as an error with the interrupted code, and its
 * message as it was: the status comes from the code, 130. */
static void an_interrupted_load_exits_130(void **state)
{
    (void)state;
    Command cmd = {.name = "open", .usage = "TRACE...", .summary = "open"};
    Error err = {0};
    error_set_code(&err, ERROR_INTERRUPTED, "cancelled");
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2); /* args_report_error prints "traceaid open: cancelled" */
    int interrupted = args_report_error(&cmd, &err);
    error_set(&err, "k.csv:2: bad");
    int failed = args_report_error(&cmd, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved), close(devnull);
    assert_int_equal(interrupted, EXIT_INTERRUPTED);
    assert_int_equal(failed, EXIT_ERROR);
}

/* ---- through the binary ---------------------------------------------------------------- */

static void expect_usage_error(RunResult *r, const char *command, const char *message)
{
    assert_status(*r, 2);
    char expected[300];
    snprintf(expected, sizeof expected, "traceaid %s: %s\nTry 'traceaid %s --help'.\n", command, message, command);
    assert_string_equal(r->err, expected);
    run_result_free(r);
}

static void binary_refuses_numbers_out_of_range(void **state)
{
    (void)state;
    RunResult r = run_traceaid("train", "--epochs", "0", "-o", test_path("m.st"), "t.csv");
    expect_usage_error(&r, "train", "--epochs: '0' is out of range (1 to 1000000000)");
    r = run_traceaid("train", "--lr", "2", "-o", test_path("m.st"), "t.csv");
    expect_usage_error(&r, "train", "--lr: '2' is out of range (1e-07 to 1)");
    r = run_traceaid("calibrate", "--k", "101", "--model", "m.st", "t.csv");
    expect_usage_error(&r, "calibrate", "--k: '101' is out of range (0 to 100)");
    r = run_traceaid("score", "-g", "0", "--model", "m.st", "t.csv");
    expect_usage_error(&r, "score", "--top-g: '0' is out of range (1 to 1000000)");
    r = run_traceaid("explain", "--changes", "17", "--model", "m.st", "t.csv", "--all");
    expect_usage_error(&r, "explain", "--changes: '17' is out of range (1 to 16)");
    r = run_traceaid("gen", "--events", "12abc", "-o", test_path("g.csv"));
    expect_usage_error(&r, "gen", "--events: '12abc' is not a whole number");
    r = run_traceaid("train", "--holdout", "a fifth", "-o", test_path("m.st"), "t.csv");
    expect_usage_error(&r, "train", "--holdout: 'a fifth' is not a number");
}

/* A float in range gets past the options: the command then asks for what is missing. */
static void binary_takes_a_float_option(void **state)
{
    (void)state;
    RunResult r = run_traceaid("calibrate", "--k", "2.5", "t.csv");
    expect_usage_error(&r, "calibrate", "name the model with --model MODEL");
}

static void help_command_is_command_help(void **state)
{
    (void)state;
    const char *commands[] = {"stats", "train", "eval", "score", "calibrate", "explain", "plot", "info", "gen"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        RunResult by_help = run_traceaid("help", commands[i]);
        RunResult by_option = run_traceaid(commands[i], "--help");
        assert_status(by_help, 0);
        assert_status(by_option, 0);
        assert_string_equal(by_help.out, by_option.out);
        assert_string_equal(by_help.err, "");
        char usage[64];
        snprintf(usage, sizeof usage, "Usage: traceaid %s", commands[i]);
        assert_contains(by_help.out, usage);
        run_result_free(&by_help);
        run_result_free(&by_option);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_in_range_are_set),
        cmocka_unit_test(a_float_option_reads_as_strtof_does),
        cmocka_unit_test(out_of_range_names_the_option_and_the_range),
        cmocka_unit_test(garbage_is_not_a_whole_number),
        cmocka_unit_test(defaults_are_not_range_checked),
        cmocka_unit_test(bad_options_are_usage_errors),
        cmocka_unit_test(error_codes),
        cmocka_unit_test(codes_map_to_exit_statuses),
        cmocka_unit_test(an_interrupted_load_exits_130),
        cmocka_unit_test(binary_refuses_numbers_out_of_range),
        cmocka_unit_test(binary_takes_a_float_option),
        cmocka_unit_test(help_command_is_command_help),
    };
    return cmocka_run_group_tests_name("option tables and exit statuses", tests, NULL, NULL);
}
