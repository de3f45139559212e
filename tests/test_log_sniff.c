/* Raw logs found by their content (io/log_sniff.c): loghub's samples read with their presets,
 * common formats (syslog, journalctl) tried first, plain text no reader claims read a line a
 * message (said), a banner no CSV header, and every other reader's files left to it. */
#include "screens_run.h"
#include "test_load.h"

#include <ctype.h>
#include <dirent.h>

#include "../io/drain.h"
#include "../io/log_trace.h"
#include "../io/text.h"

#include "log_helpers.h"

static const TraceReader *sniffed(const char *path, const LogPreset **preset)
{
    InputStream in;
    Error err = {0};
    if (!input_open(&in, path, NULL, &err))
        fail_msg("%s", err.msg);
    const TraceReader *r = trace_reader_sniff(in.prefix, in.prefix_len);
    *preset = log_detect_preset(in.prefix, in.prefix_len);
    input_close(&in);
    return r;
}

/* Each of loghub's 16 raw samples is a log, of its own preset -- but the syslogs (Linux, Mac,
 * OpenSSH), whose lines fit the syslog preset tried first; their structured CSVs and templates
 * stay CSVs. */
static void loghub_samples_are_logs_of_their_presets(void **state)
{
    (void)state;
    static const char *const systems[] = {"Android", "Apache", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp",
                                          "Linux", "Mac", "OpenSSH", "OpenStack", "Proxifier", "Spark",
                                          "Thunderbird", "Windows", "Zookeeper"};
    for (size_t i = 0; i < sizeof systems / sizeof systems[0]; i++) {
        char path[256], expected[32];
        const LogPreset *preset;
        snprintf(path, sizeof path, LOGHUB "/%s/%s_2k.log.xz", systems[i], systems[i]);
        assert_string_equal(sniffed(path, &preset)->name, "log");
        snprintf(expected, sizeof expected, "%s", strcmp(systems[i], "OpenSSH") == 0 || strcmp(systems[i], "Linux") == 0 || strcmp(systems[i], "Mac") == 0
                     ? "syslog" : systems[i]);
        for (char *c = expected; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (!preset || strcmp(preset->name, expected) != 0)
            fail_msg("%s: preset %s, expected %s", path, preset ? preset->name : "none", expected);
        snprintf(path, sizeof path, LOGHUB "/%s/%s_2k.log_structured.csv.xz", systems[i], systems[i]);
        assert_string_equal(sniffed(path, &preset)->name, "csv");
        snprintf(path, sizeof path, LOGHUB "/%s/%s_2k.log_templates.csv.xz", systems[i], systems[i]);
        assert_string_equal(sniffed(path, &preset)->name, "csv");
    }
}

/* A syslog is read with the syslog preset (the host a field, sshd the program), a journal with
 * journalctl's: both tried before loghub's systems, whose linux preset fits any syslog. */
static void common_formats_first(void **state)
{
    (void)state;
    const LogPreset *preset;
    sniffed(write_text("auth.log", "Dec  1 10:00:01 myhost sshd[1234]: Accepted password for bob from "
                                   "10.0.0.5 port 22 ssh2\n"), &preset);
    assert_string_equal(preset ? preset->name : "none", "syslog");
    sniffed(write_text("journal.log", "2026-12-01T10:00:01+0000 myhost sshd[1234]: Accepted password\n"),
            &preset);
    assert_string_equal(preset ? preset->name : "none", "journalctl");
}

/* Every file of the other readers' fixtures goes to its own reader, not the log reader: only
 * the folders' READMEs, plain text, are read as logs. */
static void fixtures_stay_with_their_readers(void **state)
{
    (void)state;
    static const struct {
        const char *dir, *reader;
    } dirs[] = {{FIXTURES_DIR "/ftrace", "ftrace"}, {FIXTURES_DIR "/perf-script", "perf"},
                {FIXTURES_DIR "/qnx", "qnx"}, {FIXTURES_DIR "/trace_dat", NULL}};
    size_t checked = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dir = opendir(dirs[d].dir);
        assert_non_null(dir);
        for (struct dirent *e; (e = readdir(dir)) != NULL;) {
            if (e->d_name[0] == '.' || strstr(e->d_name, "README"))
                continue;
            char path[512];
            const LogPreset *preset;
            snprintf(path, sizeof path, "%s/%s", dirs[d].dir, e->d_name);
            const TraceReader *r = sniffed(path, &preset);
            if (strcmp(r->name, "log") == 0 || (dirs[d].reader && strcmp(r->name, dirs[d].reader) != 0))
                fail_msg("%s: sniffed as %s", path, r->name);
            checked++;
        }
        closedir(dir);
    }
    assert_true(checked >= 25);
    const LogPreset *preset;
    assert_string_equal(sniffed(FIXTURES_DIR "/hdfs-pool-fp50.txt", &preset)->name, "sessions");
    assert_null(preset);
    assert_string_equal(sniffed(FIXTURES_DIR "/README.md", &preset)->name, "log");
}

/* Sample traces, generated traces and a structured CSV written here stay CSVs. */
static void csv_traces_stay_csv(void **state)
{
    (void)state;
    const LogPreset *preset;
    assert_string_equal(sniffed(generated_trace("clean", "3", "300"), &preset)->name, "csv");
    assert_string_equal(sniffed(write_text("one.csv", "event\nA\nB\n"), &preset)->name, "csv");
    assert_string_equal(sniffed(write_text("s.csv", "LineId,Date,Time,Content,EventId,EventTemplate\n"
                                                    "1,081109,203615,hello 1,E1,hello <*>\n"),
                                &preset)->name,
                        "csv");
}

/* A log of no preset's format: each whole line a message, the numbers masked. */
static void a_plain_log_is_read_a_line_a_message(void **state)
{
    (void)state;
    const char *path = write_text("app.log", "starting worker 1\nstarting worker 2\njob 17 done in 3 ms\n"
                                             "job 18 done in 5 ms\n\nstopping\n");
    const LogPreset *preset;
    assert_string_equal(sniffed(path, &preset)->name, "log");
    assert_null(preset);
    RunResult r = run_traceaid("stats", path);
    assert_status(r, 0);
    char line[512];
    assert_contains(line_with(r.out, "starting worker <*>", line, sizeof line), " 2 ");
    assert_contains(line_with(r.out, "job <*> done in <*> ms", line, sizeof line), " 2 ");
    assert_contains(line_with(r.out, "stopping", line, sizeof line), " 1 ");
    assert_contains(line_with(r.out, "total events", line, sizeof line), " 5"); /* a blank line is no event */
    char warned[640]; /* and said: a format may have been meant */
    snprintf(warned, sizeof warned, "warning: %s: no preset fits its first lines: each line is read whole as "
             "the message (give --log-format)", path);
    assert_contains(r.err, warned);
    run_result_free(&r);
    r = run_traceaid("stats", "--key", "Content", path); /* refused, not ignored */
    assert_status(r, 2);
    assert_contains(r.err, "--key does not apply to raw logs: their keys are their templates");
    run_result_free(&r);
    r = run_traceaid("stats", "--log-format", "line", path); /* asked for: nothing to say */
    assert_status(r, 0);
    assert_null(strstr(r.err, "no preset fits"));
    run_result_free(&r);
}

/* A banner before the lines is no CSV header: a header's names have letters. */
static void a_banner_is_no_csv_header(void **state)
{
    (void)state;
    const char *banners[] = {"=========", "---------"};
    for (size_t i = 0; i < 2; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s\nservice started\ndisk full\n", banners[i]);
        const char *path = write_text("banner.log", text);
        const LogPreset *preset;
        assert_string_equal(sniffed(path, &preset)->name, "log");
        RunResult r = run_traceaid("stats", path);
        assert_status(r, 0);
        assert_contains(r.out, "disk full");
        run_result_free(&r);
    }
}

int main(void)
{
    setenv("LC_ALL", "C", 1); /* the ASCII forms, whatever the locale of the run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loghub_samples_are_logs_of_their_presets),
        cmocka_unit_test(common_formats_first),
        cmocka_unit_test(fixtures_stay_with_their_readers),
        cmocka_unit_test(csv_traces_stay_csv),
        cmocka_unit_test(a_plain_log_is_read_a_line_a_message),
        cmocka_unit_test(a_banner_is_no_csv_header),
    };
    return cmocka_run_group_tests_name("raw logs found by their content", tests, NULL, NULL);
}
