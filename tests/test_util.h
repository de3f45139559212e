/* Helpers shared by the tests: temporary files, and running the real traceaid binary. */
#ifndef TRACEAID_TEST_UTIL_H
#define TRACEAID_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SHARED_DATA
#define SHARED_DATA "../shared/data"
#endif

static char test_dir[256];

/* A fresh directory for the test's files, removed at exit. */
static inline void test_dir_cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
    if (test_dir[0] && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", test_dir);
}

static inline const char *test_path(const char *name)
{
    static char path[64][512]; /* a ring: a test holds a few paths at a time */
    static int next;
    if (!test_dir[0]) {
        snprintf(test_dir, sizeof test_dir, "/tmp/traceaid-test-XXXXXX");
        if (!mkdtemp(test_dir))
            abort();
        atexit(test_dir_cleanup);
    }
    char *p = path[next++ % 64];
    snprintf(p, 512, "%s/%s", test_dir, name);
    return p;
}

/* Sets an environment variable for a test; returns its old value for env_restore. */
static inline char *env_set(const char *name, const char *value)
{
    char *old = getenv(name) ? strdup(getenv(name)) : NULL;
    setenv(name, value, 1);
    return old;
}

static inline void env_restore(const char *name, char *old)
{
    if (old)
        setenv(name, old, 1);
    else
        unsetenv(name);
    free(old);
}

static inline const char *write_bytes(const char *name, const void *data, size_t len)
{
    const char *path = test_path(name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    return path;
}

static inline const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

typedef struct RunResult {
    int status;             /* exit status, or 128 + signal */
    char *out, *err;        /* everything written to stdout and stderr */
} RunResult;

static inline char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    buf[len] = '\0';
    fclose(fp);
    return buf;
}

static inline const char *traceaid_bin(void)
{
    const char *bin = getenv("TRACEAID_BIN");
    return bin ? bin : "./traceaid";
}

/* Runs the traceaid binary with argv (argv[0] the binary), its standard output to stdout_to
 * (NULL: a file read back into out); as_user >= 0 drops to that uid. */
static inline RunResult run_traceaid_argv(int as_user, const char *stdout_to, const char **argv)
{
    char out_path[512], err_path[512];
    snprintf(out_path, sizeof out_path, "%s", stdout_to ? stdout_to : test_path("stdout.txt"));
    snprintf(err_path, sizeof err_path, "%s", test_path("stderr.txt"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(out, 1);
        dup2(err, 2);
        if (as_user >= 0 && (setgid((gid_t)as_user) != 0 || setuid((uid_t)as_user) != 0))
            _exit(99);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int wstatus;
    waitpid(pid, &wstatus, 0);
    RunResult r;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    r.out = stdout_to ? strdup("") : slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

/* argv[0] the binary, then arg and the rest of ap up to NULL. */
static inline void traceaid_argv(const char **argv, const char *arg, va_list ap)
{
    int argc = 0;
    argv[argc++] = traceaid_bin();
    for (const char *a = arg; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = a;
    argv[argc] = NULL;
}

/* Runs the traceaid binary with the NULL-terminated arguments; as_user >= 0 drops to that uid. */
static inline RunResult run_traceaid_as(int as_user, const char *arg, ...)
{
    const char *argv[64];
    va_list ap;
    va_start(ap, arg);
    traceaid_argv(argv, arg, ap);
    va_end(ap);
    return run_traceaid_argv(as_user, NULL, argv);
}

/* The same with standard output written to path (/dev/full: every write fails); out is empty. */
static inline RunResult run_traceaid_stdout_to(const char *path, const char *arg, ...)
{
    const char *argv[64];
    va_list ap;
    va_start(ap, arg);
    traceaid_argv(argv, arg, ap);
    va_end(ap);
    return run_traceaid_argv(-1, path, argv);
}

#define run_traceaid(...) run_traceaid_as(-1, __VA_ARGS__, (const char *)NULL)
#define run_traceaid_to(path, ...) run_traceaid_stdout_to(path, __VA_ARGS__, (const char *)NULL)

static inline void run_result_free(RunResult *r)
{
    free(r->out);
    free(r->err);
}

/* The HDFS tests read the real sessions in shared/ beside the repository: fail saying so when
 * they are not there, rather than with an assertion about a load. */
#define require_shared_data()                                                                  \
    do {                                                                                       \
        if (access(SHARED_DATA "/hdfs/hdfs_train", R_OK) != 0)                                 \
            fail_msg("%s/hdfs/hdfs_train is missing: these tests need the shared data (shared/data) " \
                     "beside the repository", SHARED_DATA);                                    \
    } while (0)

/* Fails the test, showing what the command printed, unless it exited with status. */
#define assert_status(r, expected)                                                            \
    do {                                                                                       \
        if ((r).status != (expected))                                                          \
            fail_msg("exit status %d, expected %d; stderr:\n%s\nstdout:\n%.2000s", (r).status,  \
                     (expected), (r).err, (r).out);                                            \
    } while (0)

/* Fails the test, showing the text, unless it contains the fragment. */
#define assert_contains(text, fragment)                                                       \
    do {                                                                                       \
        if (!strstr((text), (fragment)))                                                       \
            fail_msg("expected to find \"%s\" in:\n%s", (fragment), (text));                  \
    } while (0)


/* A trace traceaid gen writes (its truth beside it) into the test's folder: KIND-SEED.csv. */
static inline const char *generated_trace(const char *kind, const char *seed, const char *events)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%s.csv", kind, seed);
    const char *path = test_path(name);
    RunResult r = run_traceaid("gen", "--kind", kind, "--seed", seed, "--events", events, "-o", path);
    if (r.status != 0)
        fail_msg("gen --kind %s --seed %s: %s", kind, seed, r.err);
    run_result_free(&r);
    return path;
}

#endif
