/* The explorer headless, as tig's tests run it: each tests/screens/NAME.script (keys and dumps)
 * runs against a generated trace and a committed model, and its screens must equal
 * tests/screens/NAME.expected. UPDATE_SCREENS=1 rewrites the expected screens instead. */
#include "screens_run.h"

#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>


static char trace[600];
/* For the trace list: the trace above, a clean one and one with a long name (each with gen's
 * ground truth beside it). */
static char traces[3][600];


static int make_trace(void **state)
{
    (void)state;
    snprintf(traces[0], sizeof traces[0], "%s", test_path("fifo-ls.csv"));
    return generate(trace, "fifo-ls.csv", "fifo-ls", "12", "20000") ||
           generate(traces[1], "clean.csv", "clean", "3", "8000") ||
           generate(traces[2], "hexacopter-flight-recorded-on-the-bench-with-a-busy-loop-injected.csv", "full-while",
                    "5", "30000");
}


static void screens(const char *name) { screens_on(name, trace, true); }

#define SCREEN_TEST(name) static void screen_##name(void **state) { (void)state; screens(#name); }
SCREEN_TEST(open)
SCREEN_TEST(next_anomaly)
SCREEN_TEST(drill_down)
SCREEN_TEST(interpret)
SCREEN_TEST(threshold)
SCREEN_TEST(resize)
SCREEN_TEST(theme)
SCREEN_TEST(stats)
SCREEN_TEST(help)
SCREEN_TEST(search)
SCREEN_TEST(filter)
SCREEN_TEST(segments)
SCREEN_TEST(mouse)
SCREEN_TEST(zoom)
SCREEN_TEST(interpret_80x24)
SCREEN_TEST(interpret_200x50)
SCREEN_TEST(pane_zoom)
SCREEN_TEST(stats_scroll)
SCREEN_TEST(chart)

/* The chart in eighth blocks, where the locale is UTF-8 (the dump reads wide characters back). */
static void screen_chart_utf8(void **state)
{
    (void)state;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        skip(); /* no such locale here: nothing to show the blocks in */
    setlocale(LC_CTYPE, "C");
    const char *paths[] = {trace};
    screens_of("chart_utf8", "C.UTF-8", paths, 1, true);
}

/* Three traces: the trace list (l), and a long name shortened in the header. */
static void screen_traces(void **state)
{
    (void)state;
    const char *paths[] = {traces[0], traces[1], traces[2]};
    screens_of("traces", "C", paths, 3, true);
}


/* A time view over an epoch-scale span (a 0 timestamp beside epoch ns): the axis's steps must
 * not overflow (they did, into a tick loop without end). */
static void timeview_of_an_epoch_span_draws(void **state)
{
    (void)state;
    const char *csv = write_text("epoch.csv", "timestamp,cpu,class,event,pid,tid,process\n"
                                              "0,0,THREAD,THRUNNING,10,1,a\n"
                                              "1700000000000000000,0,THREAD,THREADY,10,1,a\n"
                                              "8000000000000000000,0,THREAD,THRUNNING,10,1,a\n");
    RunResult r = run_traceaid(csv, "--script", write_text("v.script", "key v\ndump\nkey z\ndump\nkey Z\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "time view: ");
    run_result_free(&r);
}

/* A truth file that cannot be read: the trace opens without truth marks and the status line
 * says why. */
static void malformed_truth_is_a_message(void **state)
{
    (void)state;
    char broken[600];
    assert_int_equal(generate(broken, "broken.csv", "fifo-ls", "12", "3000"), 0);
    write_text("broken.truth", "first_event,last_event,episode\n10,twenty,1\n");
    RunResult r = run_traceaid(broken, "--model", FIXTURES_DIR "/flight-small.safetensors", "--script",
                               write_text("one.script", "dump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "ground truth not shown: ");
    assert_contains(r.out, "broken.truth:2");
    assert_null(strstr(r.out, "= truth")); /* no truth row */
    run_result_free(&r);
}

/* A windows file beside the model that is not the model's: i still interprets, and the status
 * line says why no nearest normal window shows. */
static void foreign_windows_file_is_said(void **state)
{
    (void)state;
    char model[600], cmd[1400];
    snprintf(model, sizeof model, "%s", test_path("copied.safetensors"));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model);
    assert_int_equal(system(cmd), 0);
    write_text("copied.windows.safetensors", "this is no safetensors file");
    RunResult r = run_traceaid(trace, "--model", model, "--script", write_text("i.script", "key n\nkey Enter\nkey i\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "interpretation of ");
    assert_contains(r.out, "copied.windows.safetensors");
    assert_null(strstr(r.out, "nearest normal window in the training data"));
    run_result_free(&r);
}

SCREEN_TEST(timeview_80x24)
SCREEN_TEST(timeview_200x50)

/* The time view of a real perf recording (tests/fixtures/perf/), of a trace without scheduling
 * events, and of one without timestamps: the last two say so in the pane. */
static void screen_timeview_perf(void **state)
{
    (void)state;
    screens_on("timeview_perf", FIXTURES_DIR "/perf/sched-small.perf-script.txt.zst", false);
}

static void screen_timeview_none(void **state)
{
    (void)state;
    screens_on("timeview_none", write_text("no-sched.csv", "timestamp,cpu,class,event,pid,tid,process\n"
                                           "1000,0,COMM,SND_MESSAGE,10,1,srv\n2000,0,COMM,REC_MESSAGE,20,1,cli\n"), false);
}

/* Where the locale's codeset is UTF-8, the time view draws with block characters (and the
 * dump reads them back as UTF-8). */
static void screen_timeview_utf8(void **state)
{
    (void)state;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        skip(); /* no such locale here: nothing to show the blocks in */
    setlocale(LC_CTYPE, "C");
    const char *paths[] = {trace};
    screens_of("timeview_utf8", "C.UTF-8", paths, 1, true);
}

static void screen_timeview_untimed(void **state)
{
    (void)state;
    screens_on("timeview_untimed", write_text("untimed.txt", "1 2 3 4\n5 6 7\n"), false);
}

/* The real binary on a real terminal: tmux runs it, capture-pane reads the screen. */
static void end_to_end_in_tmux(void **state)
{
    (void)state;
    if (system("command -v tmux > /dev/null") != 0)
        fail_msg("tmux is not installed (scripts/deps.sh installs it)");
    char cmd[2400], session[64];
    snprintf(session, sizeof session, "traceaid-test-%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "tmux -L %s new-session -d -s %s -x 100 -y 30 \"'%s' '%s' --model '%s' --meanings '%s'\"",
             session, session, traceaid_bin(), trace, FIXTURES_DIR "/flight-small.safetensors", SAMPLES_DIR "/qnx-meanings.txt");
    assert_int_equal(system(cmd), 0);
    char capture[700];
    snprintf(capture, sizeof capture, "tmux -L %s capture-pane -p -t %s > '%s'", session, session, test_path("pane.txt"));
    char *screen = NULL;
    for (int tries = 0; tries < 50; tries++) { /* until the scores are on show */
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        free(screen);
        screen = system(capture) == 0 ? slurp(test_path("pane.txt")) : NULL;
        if (screen && strstr(screen, "flagged  default"))
            break;
    }
    assert_non_null(screen);
    assert_contains(screen, "traceaid  fifo-ls.csv (1/1)  20,000 events");
    assert_contains(screen, "20.58%  10/20 flagged  default");
    free(screen);
    snprintf(cmd, sizeof cmd, "tmux -L %s send-keys -t %s n", session, session);
    assert_int_equal(system(cmd), 0);
    for (int tries = 0; tries < 50; tries++) {
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        screen = system(capture) == 0 ? slurp(test_path("pane.txt")) : NULL;
        if (screen && strstr(screen, "segment 7: 27.50%, threshold 20.58%"))
            break;
        free(screen);
        screen = NULL;
    }
    assert_non_null(screen);
    free(screen);
    snprintf(cmd, sizeof cmd, "tmux -L %s send-keys -t %s q; sleep 0.3; tmux -L %s kill-server 2>/dev/null; true", session,
             session, session);
    assert_int_equal(system(cmd), 0);
}

/* The tmux pane's screen once it shows text, or NULL after 5 s. */
static char *wait_for_screen(const char *session, const char *text)
{
    char capture[700];
    snprintf(capture, sizeof capture, "tmux -L %s capture-pane -p -t %s > '%s'", session, session, test_path("pane.txt"));
    for (int tries = 0; tries < 50; tries++) {
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        char *screen = system(capture) == 0 ? slurp(test_path("pane.txt")) : NULL;
        if (screen && strstr(screen, text))
            return screen;
        free(screen);
    }
    return NULL;
}

static void tmux_keys(const char *session, const char *keys)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "tmux -L %s send-keys -t %s %s", session, session, keys);
    assert_int_equal(system(cmd), 0);
}

/* On a real terminal in a UTF-8 locale: the chart in blocks, and the trace list switching
 * traces. */
static void trace_list_and_blocks_in_tmux(void **state)
{
    (void)state;
    if (system("command -v tmux > /dev/null") != 0)
        fail_msg("tmux is not installed (scripts/deps.sh installs it)");
    char cmd[3000], session[64];
    snprintf(session, sizeof session, "traceaid-list-%d", (int)getpid());
    /* the tmux client too in UTF-8, so that capture-pane gives the blocks back as they are */
    char *old_locale = env_set("LC_ALL", "C.UTF-8");
    snprintf(cmd, sizeof cmd, "tmux -L %s new-session -d -s %s -x 100 -y 30 \"LC_ALL=C.UTF-8 '%s' '%s' '%s' '%s' --model '%s'\"",
             session, session, traceaid_bin(), traces[0], traces[1], traces[2], FIXTURES_DIR "/flight-small.safetensors");
    assert_int_equal(system(cmd), 0);
    char *screen = wait_for_screen(session, "flagged  default");
    assert_non_null(screen);
    assert_contains(screen, "\u2588"); /* a full block */
    assert_contains(screen, "\u2501 truth");
    free(screen);
    tmux_keys(session, "l");
    screen = wait_for_screen(session, "traces (3)");
    assert_non_null(screen);
    assert_contains(screen, "> fifo-ls.csv");
    free(screen);
    tmux_keys(session, "j Enter");
    screen = wait_for_screen(session, "clean.csv (2/3)");
    assert_non_null(screen);
    free(screen);
    snprintf(cmd, sizeof cmd, "tmux -L %s send-keys -t %s q; sleep 0.3; tmux -L %s kill-server 2>/dev/null; true", session,
             session, session);
    assert_int_equal(system(cmd), 0);
    env_restore("LC_ALL", old_locale);
}

/* A terminal that cannot place the cursor (TERM=dumb, no TERM, one terminfo does not know): the
 * summary, and why. */
static void dumb_terminal_gets_the_summary(void **state)
{
    (void)state;
    if (system("command -v tmux > /dev/null") != 0)
        fail_msg("tmux is not installed (scripts/deps.sh installs it)");
    const char *terms[][2] = {{"TERM=dumb", "the terminal (TERM=dumb) cannot place the cursor"},
                              {"env -u TERM", "TERM is not set"},
                              {"TERM=no-such-terminal", "TERM=no-such-terminal is not a terminal terminfo knows"}};
    for (int i = 0; i < 3; i++) {
        char cmd[2400], session[64];
        snprintf(session, sizeof session, "traceaid-dumb-%d-%d", (int)getpid(), i);
        snprintf(cmd, sizeof cmd, "tmux -L %s new-session -d -s %s -x 150 -y 30 \"%s '%s' '%s' --model '%s'; "
                 "echo exit \\$?; sleep 30\"", session, session, terms[i][0], traceaid_bin(), trace,
                 FIXTURES_DIR "/flight-small.safetensors");
        assert_int_equal(system(cmd), 0);
        char *screen = wait_for_screen(session, "exit ");
        snprintf(cmd, sizeof cmd, "tmux -L %s kill-server 2>/dev/null; true", session);
        assert_int_equal(system(cmd), 0);
        assert_non_null(screen);
        assert_contains(screen, terms[i][1]);
        assert_contains(screen, ": a summary in place of the explorer");
        assert_contains(screen, "Loaded 1 file: 20,000 events");
        assert_contains(screen, "exit 0");
        free(screen);
    }
}

/* A file another process writes, once it is complete (ends with a newline), or NULL after 5 s. */
static char *wait_for_file(const char *path)
{
    for (int tries = 0; tries < 50; tries++) {
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        if (access(path, F_OK) != 0) /* not yet written: slurp would fail the test */
            continue;
        char *text = slurp(path);
        if (text && *text && text[strlen(text) - 1] == '\n')
            return text;
        free(text);
    }
    return NULL;
}

/* The explorer's process: the only child of the pane's shell. */
static int explorer_pid(const char *session)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "pgrep -P $(tmux -L %s display-message -p -t %s '#{pane_pid}')", session, session);
    FILE *p = popen(cmd, "r");
    int pid = 0;
    if (p && fscanf(p, "%d", &pid) != 1)
        pid = 0;
    if (p)
        pclose(p);
    return pid;
}

/* Ctrl-C typed in the explorer, or SIGTERM sent to it: the status says which (130, 143; not
 * ncurses' 1) and the terminal is back in its normal mode (canonical input, echo). */
static void explorer_stopped_by(int sig, const char *expected_status)
{
    if (system("command -v tmux > /dev/null") != 0)
        fail_msg("tmux is not installed (scripts/deps.sh installs it)");
    char cmd[2400], session[64], status_path[600], stty_path[600];
    snprintf(session, sizeof session, "traceaid-signal-%d-%d", (int)getpid(), sig);
    snprintf(status_path, sizeof status_path, "%s", test_path(sig == SIGINT ? "int.status" : "term.status"));
    snprintf(stty_path, sizeof stty_path, "%s", test_path(sig == SIGINT ? "int.stty" : "term.stty"));
    remove(status_path);
    remove(stty_path);
    snprintf(cmd, sizeof cmd, "tmux -L %s new-session -d -s %s -x 100 -y 30 "
             "\"'%s' '%s' 2> /dev/null; echo \\$? > '%s'; stty -a > '%s'; sleep 30\"",
             session, session, traceaid_bin(), trace, status_path, stty_path);
    assert_int_equal(system(cmd), 0);
    char *screen = wait_for_screen(session, "20,000 events");
    assert_non_null(screen);
    free(screen);
    if (sig == SIGINT) {
        snprintf(cmd, sizeof cmd, "tmux -L %s send-keys -t %s C-c", session, session);
        assert_int_equal(system(cmd), 0);
    } else {
        int pid = explorer_pid(session);
        assert_true(pid > 0);
        assert_int_equal(kill(pid, sig), 0);
    }
    char *status = wait_for_file(status_path);
    char *stty = status ? wait_for_file(stty_path) : NULL;
    snprintf(cmd, sizeof cmd, "tmux -L %s kill-server 2>/dev/null; true", session);
    assert_int_equal(system(cmd), 0);
    assert_non_null(status);
    assert_string_equal(status, expected_status);
    assert_non_null(stty);
    if (strstr(stty, "-icanon") || strstr(stty, "-echo "))
        fail_msg("the terminal was left in the explorer's mode:\n%s", stty);
    free(status);
    free(stty);
}

static void ctrl_c_in_the_explorer_exits_130(void **state)
{
    (void)state;
    explorer_stopped_by(SIGINT, "130\n");
}

static void sigterm_in_the_explorer_exits_143(void **state)
{
    (void)state;
    explorer_stopped_by(SIGTERM, "143\n");
}

static void bad_theme_is_refused(void **state)
{
    (void)state;
    const char *script = write_text("one.script", "dump\n");
    RunResult r = run_traceaid(trace, "--theme", write_text("bad.theme", "normal default default\ntitle plaid default\n"),
                               "--script", script);
    assert_status(r, 2);
    assert_contains(r.err, "bad.theme:2: 'plaid default': colours are default, black, red, ..., white or color0..color255");
    run_result_free(&r);
    r = run_traceaid(trace, "--theme", write_text("short.theme", "normal default default\n"), "--script", script);
    assert_status(r, 2);
    assert_contains(r.err, "short.theme: no line for element 'title'");
    run_result_free(&r);
    r = run_traceaid(trace, "--theme", "plaid", "--script", script);
    assert_status(r, 2);
    assert_contains(r.err, "theme plaid: ");
    run_result_free(&r);
}

static void bad_script_is_refused(void **state)
{
    (void)state;
    RunResult r = run_traceaid(trace, "--script", write_text("bad.script", "dump\nfly away\n"));
    assert_status(r, 2);
    assert_contains(r.err, "bad.script:2: expected size WxH, key NAME, keys TEXT, click X Y, wheel [COL] ROW up|down, wait preview|loaded|scored N or dump");
    run_result_free(&r);
}


int main(void)
{
    setenv("LC_ALL", "C", 1); /* the ASCII forms, whatever the locale of the run (UTF-8 has its own test) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(screen_open), cmocka_unit_test(screen_next_anomaly), cmocka_unit_test(screen_drill_down),
        cmocka_unit_test(screen_interpret), cmocka_unit_test(screen_threshold), cmocka_unit_test(screen_resize),
        cmocka_unit_test(screen_theme), cmocka_unit_test(screen_stats), cmocka_unit_test(screen_help),
        cmocka_unit_test(screen_search), cmocka_unit_test(screen_filter), cmocka_unit_test(screen_segments),
        cmocka_unit_test(screen_mouse),
        cmocka_unit_test(screen_zoom),
        cmocka_unit_test(screen_interpret_80x24),
        cmocka_unit_test(screen_interpret_200x50),
        cmocka_unit_test(screen_pane_zoom),
        cmocka_unit_test(screen_stats_scroll),
        cmocka_unit_test(screen_chart), cmocka_unit_test(screen_chart_utf8), cmocka_unit_test(screen_traces),
        
        
        cmocka_unit_test(malformed_truth_is_a_message), cmocka_unit_test(timeview_of_an_epoch_span_draws), cmocka_unit_test(foreign_windows_file_is_said),
        cmocka_unit_test(screen_timeview_80x24), cmocka_unit_test(screen_timeview_200x50),
        cmocka_unit_test(screen_timeview_perf), cmocka_unit_test(screen_timeview_none),
        cmocka_unit_test(screen_timeview_untimed), cmocka_unit_test(screen_timeview_utf8),
        
        
        
        cmocka_unit_test(end_to_end_in_tmux),
        cmocka_unit_test(ctrl_c_in_the_explorer_exits_130),
        cmocka_unit_test(sigterm_in_the_explorer_exits_143),
        cmocka_unit_test(trace_list_and_blocks_in_tmux),
        cmocka_unit_test(dumb_terminal_gets_the_summary),
        cmocka_unit_test(bad_theme_is_refused),
        cmocka_unit_test(bad_script_is_refused),
    };
    return cmocka_run_group_tests_name("explorer screens", tests, make_trace, NULL);
}
