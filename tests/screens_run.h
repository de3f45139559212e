/* The explorer's screen tests' runner, shared by tests/test_screens*.c: a script of keys and
 * dumps run headless (--script) and its screens compared with tests/screens/NAME.expected
 * (UPDATE_SCREENS=1 rewrites them instead). */
#ifndef TRACEAID_SCREENS_RUN_H
#define TRACEAID_SCREENS_RUN_H

#include "test_util.h"

#include <stdbool.h>

#ifndef SCREENS_DIR
#define SCREENS_DIR "tests/screens"
#endif
#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
#ifndef SAMPLES_DIR
#define SAMPLES_DIR "samples"
#endif

static inline int generate(char *path, const char *name, const char *kind, const char *seed, const char *events)
{
    snprintf(path, 600, "%s", test_path(name));
    RunResult r = run_traceaid("gen", "--kind", kind, "--seed", seed, "--events", events, "-o", path);
    int status = r.status;
    run_result_free(&r);
    return status;
}

/* The run's screens against expected_path (UPDATE_SCREENS=1 rewrites it instead). */
static inline void expect_screens(const char *name, const char *expected_path, RunResult *r)
{
    assert_status(*r, 0);
    if (getenv("UPDATE_SCREENS")) {
        FILE *fp = fopen(expected_path, "w");
        assert_non_null(fp);
        fputs(r->out, fp);
        fclose(fp);
    }
    char *expected = slurp(expected_path);
    if (strcmp(expected, r->out) != 0) {
        const char *got_path = test_path("got.txt");
        FILE *fp = fopen(got_path, "w");
        fputs(r->out, fp);
        fclose(fp);
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' | head -40 >&2", expected_path, got_path);
        if (system(cmd) < 0)
            perror("diff");
        fail_msg("%s: the screens differ from %s", name, expected_path);
    }
    free(expected);
    run_result_free(r);
}

/* When set: more arguments after the others (the HDFS screens' labelled files, model, meanings). */
static const char *const *more_args;

/* NAME.script run over the traces, in the locale given, with the committed model or without
 * one, against NAME.expected. */
static inline void screens_of(const char *name, const char *locale, const char *const *paths, int n_paths, bool with_model)
{
    char script[600], expected_path[600];
    snprintf(script, sizeof script, "%s/%s.script", SCREENS_DIR, name);
    snprintf(expected_path, sizeof expected_path, "%s/%s.expected", SCREENS_DIR, name);
    const char *argv[16] = {traceaid_bin()};
    int argc = 1;
    for (int i = 0; i < n_paths; i++)
        argv[argc++] = paths[i];
    const char *rest[] = {"--script", script, "--model", FIXTURES_DIR "/flight-small.safetensors", "--meanings",
                          SAMPLES_DIR "/qnx-meanings.txt", NULL};
    for (int i = 0; rest[i] && (with_model || i < 2); i++)
        argv[argc++] = rest[i];
    for (int i = 0; more_args && more_args[i]; i++)
        argv[argc++] = more_args[i];
    more_args = NULL; /* taken: a failing assert below must not hand them to the next test */
    argv[argc] = NULL;
    char *old_locale = env_set("LC_ALL", locale);
    RunResult r = run_traceaid_argv(-1, NULL, argv);
    env_restore("LC_ALL", old_locale);
    expect_screens(name, expected_path, &r);
}

static inline void screens_on(const char *name, const char *trace_path, bool with_model)
{
    const char *paths[] = {trace_path};
    screens_of(name, "C", paths, 1, with_model);
}

/* NAME.script run with the options given (a trace, a model, meanings ...), in the C locale,
 * against NAME.expected. */
static inline void screens_with(const char *name, const char *const *options)
{
    char script[600], expected_path[600];
    snprintf(script, sizeof script, "%s/%s.script", SCREENS_DIR, name);
    snprintf(expected_path, sizeof expected_path, "%s/%s.expected", SCREENS_DIR, name);
    const char *argv[16] = {traceaid_bin(), "--script", script};
    int argc = 3;
    for (int i = 0; options[i] && argc < 15; i++)
        argv[argc++] = options[i];
    argv[argc] = NULL;
    RunResult r = run_traceaid_argv(-1, NULL, argv);
    expect_screens(name, expected_path, &r);
}

#endif
