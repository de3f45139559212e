/* traceaid parse at its limits, through the binary: masks on very long tokens, logs still
 * being written, templates files that disagree with themselves, NUL bytes, compressed standard
 * input, and options at the edges of their ranges. */
#include "test_util.h"

#include <signal.h>
#include <stdbool.h>

#include "../io/drain.h"

static inline bool exists(const char *path) { return access(path, F_OK) == 0; }

/* A line of "x", a path of parts "/a" and "y". */
static const char *path_log(const char *name, size_t parts)
{
    size_t len = parts * 2 + 5;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, "x ", 2);
    for (size_t k = 0; k < parts; k++)
        memcpy(text + 2 + 2 * k, "/a", 2);
    memcpy(text + 2 + 2 * parts, " y\n", 4);
    const char *path = write_text(name, text);
    free(text);
    return path;
}

/* A path of a thousand parts needs more than JIT's default stack: masked all the same. One far
 * longer than any stack allowed is left unmasked with a warning, and the parse goes on. */
static void long_tokens_are_masked_or_warned(void **state)
{
    (void)state;
    const char *log = path_log("path.log", 1000);
    RunResult r = run_traceaid("parse", log, "-o", test_path("path.csv"));
    assert_status(r, 0);
    assert_true(strstr(r.err, "warning") == NULL);
    run_result_free(&r);
    char *templates = slurp(test_path("path_templates.csv"));
    assert_contains(templates, "\"x <*> y\",1\n");
    free(templates);
    log = path_log("huge.log", 3000000);
    r = run_traceaid("parse", log, "-o", test_path("huge.csv"));
    assert_status(r, 0);
    assert_contains(r.err, "warning: 1 time a mask could not be applied");
    assert_contains(r.err, "huge.log:1: mask 3: ");
    run_result_free(&r);
    templates = slurp(test_path("huge_templates.csv"));
    assert_contains(templates, "\"x /a/a/a/a");
    free(templates);
}

/* One EventId for two templates: refused at the line that repeats it (saved, one template
 * would be lost). The same template twice under one id is harmless. */
static void an_id_names_one_template(void **state)
{
    (void)state;
    const char *log = write_text("dup.log", "open file a now\nclose conn x 5\n");
    const char *dup = write_text("given_templates.csv", "EventId,EventTemplate\n"
                                                      "E1,open file <*> now\n"
                                                      "E1,open file <*> now\n"
                                                      "E1,close conn x <*>\n");
    RunResult r = run_traceaid("parse", log, "--templates", dup, "-o", test_path("dup.csv"));
    assert_status(r, 2);
    assert_contains(r.err, "given_templates.csv:4: EventId E1 was given to another template before");
    run_result_free(&r);
    assert_false(exists(test_path("dup.csv")));
    dup = write_text("given_twice_templates.csv", "EventId,EventTemplate\n"
                                            "E1,open file <*> now\n"
                                            "E1,open file <*> now\n");
    r = run_traceaid("parse", log, "--templates", dup, "-o", test_path("twice.csv"));
    assert_status(r, 0);
    run_result_free(&r);
}

/* A templates file whose lines end with a lone "\r" (old Mac text) reads as with "\n". */
static void templates_lines_may_end_with_cr(void **state)
{
    (void)state;
    const char *log = write_text("cr.log", "open file a now\n");
    const char *templates = write_text("given_cr_templates.csv", "EventId,EventTemplate\r"
                                                           "E1,open file <*> now\r"
                                                           "E2,x\r");
    RunResult r = run_traceaid("parse", log, "--templates", templates, "-o", "-");
    assert_status(r, 0);
    assert_contains(r.out, "\"open file a now\",\"E1\",\"open file <*> now\"\n");
    run_result_free(&r);
}

/* A NUL byte is a character of its token as for Python: the template keeps it, and its id is
 * the MD5 of the whole template (Drain.py's ids for this log: 63e2cfa7 twice, 5c98f57d). */
static void nul_bytes_stay_in_templates(void **state)
{
    (void)state;
    static const char LOG[] = "a\0b c d\na\0b c e\nz\0 y\n";
    const char *log = write_bytes("nul.log", LOG, sizeof LOG - 1);
    const char *out = test_path("nul.csv");
    RunResult r = run_traceaid("parse", "--mask", "NEVERMATCHES", log, "-o", out);
    assert_status(r, 0);
    run_result_free(&r);
    static const char WANT[] = "LineId,Content,EventId,EventTemplate\n"
                               "1,\"a\0b c d\",\"63e2cfa7\",\"a\0b c <*>\"\n"
                               "2,\"a\0b c e\",\"63e2cfa7\",\"a\0b c <*>\"\n"
                               "3,\"z\0 y\",\"5c98f57d\",\"z\0 y\"\n";
    static const char WANT_TEMPLATES[] = "EventId,EventTemplate,Occurrences\n"
                                         "\"63e2cfa7\",\"a\0b c <*>\",2\n"
                                         "\"5c98f57d\",\"z\0 y\",1\n";
    FILE *f = fopen(out, "rb");
    char got[512];
    size_t n = fread(got, 1, sizeof got, f);
    fclose(f);
    assert_int_equal(n, sizeof WANT - 1);
    assert_memory_equal(got, WANT, n);
    f = fopen(test_path("nul_templates.csv"), "rb");
    n = fread(got, 1, sizeof got, f);
    fclose(f);
    assert_int_equal(n, sizeof WANT_TEMPLATES - 1);
    assert_memory_equal(got, WANT_TEMPLATES, n);
}

/* --similarity is the double written, as Drain.py's st: 0.33333334 keeps two messages sharing a
 * third of their tokens apart (a float, 0.3333333, merged them); --depth takes 3 to 100. */
static void similarity_and_depth_as_written(void **state)
{
    (void)state;
    const char *log = write_text("third.log", "a b c\na x y\n");
    RunResult r = run_traceaid("parse", "--similarity", "0.33333334", "--depth", "3", "--mask",
                               "NEVERMATCHES", log, "-o", "-");
    assert_status(r, 0);
    assert_contains(r.out, "1,\"a b c\",\"06f0760e\",\"a b c\"\n2,\"a x y\",\"1cb85b66\",\"a x y\"\n");
    run_result_free(&r);
    r = run_traceaid("parse", "--similarity", "0.3333333333333333", "--depth", "3", "--mask",
                     "NEVERMATCHES", log, "-o", "-");
    assert_status(r, 0);
    assert_contains(r.out, "2,\"a x y\",\"c7bdf6d0\",\"a <*> <*>\"\n");
    run_result_free(&r);
    r = run_traceaid("parse", "--depth", "101", log, "-o", "-");
    assert_status(r, 2);
    assert_contains(r.err, "3 to 100");
    run_result_free(&r);
    r = run_traceaid("parse", "--depth", "100", log, "-o", "-");
    assert_status(r, 0);
    run_result_free(&r);
}

/* Standard input is decompressed once, as a file is; the temporary copy the second pass reads
 * holds those bytes and is read as they are, even when they start like gzip. */
static void standard_input_decompressed_once(void **state)
{
    (void)state;
    static const char GZIP_LIKE[] = "\x1f\x8b\x08hello world\nsecond line here\n";
    const char *log = write_bytes("gzlike.txt", GZIP_LIKE, sizeof GZIP_LIKE - 1);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "gzip -c '%s' | %s parse - -o '%s' 2>'%s'", log, traceaid_bin(),
             test_path("gzlike.csv"), test_path("gzlike.err"));
    assert_int_equal(system(cmd), 0);
    char *text = slurp(test_path("gzlike.csv"));
    assert_contains(text, "\n2,\"second line here\",");
    free(text);
    snprintf(cmd, sizeof cmd, "gzip -c '%s' | gzip -c | %s parse - -o '%s' >'%s' 2>&1", log,
             traceaid_bin(), test_path("twice.csv"), test_path("twice.err"));
    assert_int_equal(system(cmd), 0);
    text = slurp(test_path("twice.err"));
    assert_contains(text, "lines: ");
    free(text);
}

/* A log still being written: the second pass reads what the first read, no more. --truth is a
 * FIFO here so that the log grows between the passes: parse opens it after mining, and its
 * writer's open returns only then. The last line, without its line end yet, reads as it was. */
static void a_growing_log_reads_as_first_read(void **state)
{
    (void)state;
    const char *log = write_text("grow.log", "open a\nopen b\nopen c");
    const char *fifo = test_path("truth.fifo"), *out = test_path("grow.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *err_path = write_text("grow-stderr.txt", "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_TRUNC);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(traceaid_bin(), traceaid_bin(), "parse", log, "--truth", fifo, "-o", out,
              (char *)NULL);
        _exit(127);
    }
    int writer = open(fifo, O_WRONLY);
    assert_true(writer >= 0);
    FILE *grow = fopen(log, "a");
    fputs("d\nopen e\n", grow);
    fclose(grow);
    static const char TRUTH[] = "EventId\nE1\nE1\nE1\n";
    assert_int_equal(write(writer, TRUTH, strlen(TRUTH)), (ssize_t)strlen(TRUTH));
    close(writer);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    char *text = slurp(err_path);
    assert_true(WIFEXITED(wstatus));
    if (WEXITSTATUS(wstatus) != 0)
        fail_msg("%s", text);
    free(text);
    text = slurp(out);
    assert_string_equal(text, "LineId,Content,EventId,EventTemplate\n"
                              "1,\"open a\",\"cd012868\",\"open <*>\"\n"
                              "2,\"open b\",\"cd012868\",\"open <*>\"\n"
                              "3,\"open c\",\"cd012868\",\"open <*>\"\n");
    free(text);
}

/* 3,000 messages of few words, many sharing their first token and length (so leaves of
 * hundreds of clusters, which the miner indexes) with ties of similarity: written by the same
 * generator as in Python (x = x * 6364136223846793005 + 1442695040888963407 mod 2^64, each
 * draw x >> 33, seed 42). */
static const char *tied_log(void)
{
    static const char *const LENS = "34568";
    uint64_t x = 42;
#define DRAW() (x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33)
    size_t cap = 3000 * 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int line = 0; line < 3000; line++) {
        int n = LENS[DRAW() % 5] - '0';
        len += (size_t)sprintf(text + len, "%s", DRAW() % 2 ? "a" : "b");
        for (int k = 1; k < n; k++) {
            uint64_t w = DRAW() % 23;
            if (w < 20)
                len += (size_t)sprintf(text + len, " w%d", (int)w);
            else
                len += (size_t)sprintf(text + len, " %s", w == 20 ? "<*>" : w == 21 ? "x1" : "7");
        }
        text[len++] = '\n';
    }
#undef DRAW
    text[len] = '\0';
    const char *path = write_text("tied.log", text);
    free(text);
    return path;
}

/* The per-line EventIds of parse's CSV joined by newlines, as the first 8 hex of their MD5. */
static void ids_digest(const char *csv, char digest[DRAIN_ID_LEN + 1])
{
    size_t cap = strlen(csv), len = 0;
    char *ids = malloc(cap + 1);
    for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *id = strstr(line, "\",\"") + 3;
        if (len)
            ids[len++] = '\n';
        memcpy(ids + len, id, DRAIN_ID_LEN);
        len += DRAIN_ID_LEN;
    }
    template_id(ids, len, digest);
    free(ids);
}

/* Leaves of many clusters give Drain.py's ids (their digests recorded from it, loghub's
 * Drain.py run on the same log): the miner's index of a leaf changes no answer. */
static void big_leaves_as_drain_py(void **state)
{
    (void)state;
    const char *log = tied_log();
    const char *const SETTINGS[][3] = {{"0.5", "4", "1f2f6b02"}, {"0.3", "3", "802be8d0"},
                                       {"0.4", "5", "16e517f6"}};
    for (size_t k = 0; k < 3; k++) {
        RunResult r = run_traceaid("parse", "--similarity", SETTINGS[k][0], "--depth",
                                   SETTINGS[k][1], "--mask", "NEVERMATCHES", log, "-o", "-");
        assert_status(r, 0);
        char digest[DRAIN_ID_LEN + 1];
        ids_digest(r.out, digest);
        assert_string_equal(digest, SETTINGS[k][2]);
        run_result_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_tokens_are_masked_or_warned),
        cmocka_unit_test(an_id_names_one_template),
        cmocka_unit_test(templates_lines_may_end_with_cr),
        cmocka_unit_test(nul_bytes_stay_in_templates),
        cmocka_unit_test(similarity_and_depth_as_written),
        cmocka_unit_test(standard_input_decompressed_once),
        cmocka_unit_test(a_growing_log_reads_as_first_read),
        cmocka_unit_test(big_leaves_as_drain_py),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
