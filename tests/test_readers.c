/* The readers' table and the one pass over an input: each reader knows its own format from the
 * first bytes, and a trace read through a pipe, a FIFO or standard input is the trace read from
 * the file, event for event. */
#include "test_inputs.h"

/* ---- the table --------------------------------------------------------------------------- */

/* A short sample of each registered format; a reader added to the table needs one here. */
static const struct {
    const char *reader;
    const char *sample;
} samples[] = {
    {"csv", "timestamp,cpu,class,event,pid,tid,process\n1250000,0,INT,INT_ENTR,1,1,procnto\n"},
    {"sessions", "5 5 5 22 11 9 11 9\n26 26 23\n"},
    {"perf", "            perf  4411 [001] 12345.678901:       sched:sched_switch: prev_comm=perf "
             "prev_pid=4411 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n"},
    {"qnx", "TRACEPRINTER version 1.02\n -- KERNEL EVENTS -- \n"
            "t:0x4f821358 CPU:00 THREAD  :THREADY       pid:1 tid:1 \n"},
    {"ftrace", "# tracer: nop\n  bash-42 [001] d..2. 1234.567890: sched_wakeup: comm=a pid=7\n"},
    {"trace.dat", "\x17\x08\x44tracing6"},
    {"ctf", "/* CTF 1.8 */\n\ntypealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"},
    {"log", "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating\n"
            "081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating\n"},
};
#define N_SAMPLES (sizeof samples / sizeof samples[0])

static const char *sample_of(const char *reader)
{
    for (size_t i = 0; i < N_SAMPLES; i++)
        if (strcmp(samples[i].reader, reader) == 0)
            return samples[i].sample;
    fail_msg("reader '%s' has no sample in tests/test_readers.c", reader);
    return NULL;
}

static void each_reader_knows_its_own_sample_only(void **state)
{
    (void)state;
    size_t n;
    const TraceReader *readers = trace_readers(&n);
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
        const char *own = sample_of(readers[i].name);
        assert_true(readers[i].sniff(own, strlen(own)) > SNIFF_NO);
        assert_ptr_equal(trace_reader_sniff(own, strlen(own)), &readers[i]);
        assert_ptr_equal(trace_reader_for(readers[i].format), &readers[i]);
        for (size_t j = 0; j < n; j++) {
            const char *other = sample_of(readers[j].name);
            SniffScore score = readers[i].sniff(other, strlen(other));
            /* the CSV reader, the fallback, takes any text as a maybe: only a surer claim wins */
            bool fallback_only = readers[i].format == TRACE_FORMAT_CSV && score == SNIFF_MAYBE &&
                                 readers[j].sniff(other, strlen(other)) > SNIFF_MAYBE;
            if (j != i && score != SNIFF_NO && !fallback_only)
                fail_msg("the %s reader claims the %s sample", readers[i].name, readers[j].name);
        }
    }
}

static void unclaimed_input_goes_to_the_csv_reader(void **state)
{
    (void)state;
    /* its errors name what is wrong: an empty file, binary data, no header */
    const TraceReader *csv = trace_reader_for(TRACE_FORMAT_CSV);
    assert_string_equal(csv->name, "csv");
    assert_ptr_equal(trace_reader_sniff("", 0), csv);
    assert_ptr_equal(trace_reader_sniff("\n \r\n", 4), csv);
    assert_ptr_equal(trace_reader_sniff("t,\0event\n", 9), csv);
    assert_ptr_equal(trace_reader_sniff("\xEF\xBB\xBF" "1 2 3\n", 9), csv); /* as before: a BOM is not a key */
    /* a session line longer than the prefix is still a session file */
    char digits[INPUT_PREFIX_SIZE];
    for (size_t i = 0; i < sizeof digits; i++)
        digits[i] = i % 2 ? ' ' : '7';
    assert_string_equal(trace_reader_sniff(digits, sizeof digits)->name, "sessions");
}

static void a_forced_format_skips_the_sniffing(void **state)
{
    (void)state;
    const char *path = write_text("digits.csv", "1 2 3\n4 5\n");
    Loaded *l = load_with(path, (TraceOptions){.format = TRACE_FORMAT_CSV});
    assert_false(l->ok);
    assert_contains(l->err.msg, "digits.csv:1: no key columns");
    loaded_free(l);
    l = load_with(write_text("named.txt", "event\nA\n"), (TraceOptions){.format = TRACE_FORMAT_SESSIONS});
    assert_false(l->ok);
    assert_contains(l->err.msg, "named.txt:1:1: 'event' is not a log key");
    loaded_free(l);
}

/* ---- one pass over the input ------------------------------------------------------------- */

static void csv_through_pipe_fifo_and_stdin(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    every_route_gives_the_file("big.csv", text, len, (TraceOptions){0}, TRACE_FORMAT_CSV, events);
    free(text);
}

static void structured_log_through_pipe_fifo_and_stdin(void **state)
{
    (void)state;
    size_t cap = 1u << 20, o = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    o += (size_t)sprintf(text + o, "LineId,Pid,Content,EventId,EventTemplate\n");
    int i = 0;
    for (; o < 100000; i++)
        o += (size_t)sprintf(text + o, "%d,%d,\"Received block blk_%d of size %d\",E%d,Received block <*> of size <*>\n",
                             i + 1, 100 + i % 5, i % 37 - 18, i * 11, i % 4 + 1);
    every_route_gives_the_file("log_structured.csv", text, o, (TraceOptions){.group_regex = "blk_-?[0-9]+"},
                               TRACE_FORMAT_CSV, (size_t)i);
    free(text);
}

static void sessions_through_pipe_fifo_and_stdin(void **state)
{
    (void)state;
    size_t len, events;
    char *text = sessions_text(&len, &events);
    every_route_gives_the_file("sessions.txt", text, len, (TraceOptions){0}, TRACE_FORMAT_SESSIONS, events);
    every_route_gives_the_file("forced.txt", text, len, (TraceOptions){.format = TRACE_FORMAT_SESSIONS},
                               TRACE_FORMAT_SESSIONS, events);
    free(text);
}

static void short_inputs_through_a_pipe(void **state)
{
    (void)state;
    /* shorter than the prefix: the input ends while it is read ahead */
    every_route_gives_the_file("tiny.csv", "event\nA\nB\n", 10, (TraceOptions){0}, TRACE_FORMAT_CSV, 2);
    every_route_gives_the_file("tiny.txt", "1 2\n3", 5, (TraceOptions){0}, TRACE_FORMAT_SESSIONS, 3);
    /* and errors read the same */
    Loaded *l = load_via(ROUTE_STDIN, NULL, "", 0, (TraceOptions){0});
    assert_false(l->ok);
    assert_string_equal(l->err.msg, "-: empty file: expected a header row and events");
    loaded_free(l);
    l = load_via(ROUTE_STDIN, NULL, "t,event\n1,A\n2\n", 14, (TraceOptions){0});
    assert_false(l->ok);
    assert_string_equal(l->err.msg, "-:3: 1 field; the header has 2");
    loaded_free(l);
}

static void progress_counts_bytes_with_or_without_a_total(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    const char *file = write_bytes("progress.csv", text, len);
    for (Route route = ROUTE_FILE; route <= ROUTE_PIPE; route++) {
        Progress p = {0};
        TraceOptions opt = {.progress = on_progress, .progress_ctx = &p};
        Loaded *l = load_via(route, file, text, len, opt);
        assert_true(l->ok);
        assert_int_equal(p.done, len);
        assert_int_equal(p.total, route == ROUTE_FILE ? len : 0); /* a pipe's size is unknown */
        loaded_free(l);
    }
    free(text);
    text = sessions_text(&len, &events);
    file = write_bytes("progress.txt", text, len);
    for (Route route = ROUTE_FILE; route <= ROUTE_PIPE; route++) {
        Progress p = {0};
        Loaded *l = load_via(route, file, text, len, (TraceOptions){.progress = on_progress, .progress_ctx = &p});
        assert_true(l->ok);
        assert_true(p.calls > 1);
        assert_int_equal(p.done, len);
        assert_int_equal(p.total, route == ROUTE_FILE ? len : 0);
        loaded_free(l);
    }
    free(text);
}

/* ---- the binary ---------------------------------------------------------------------------- */
static void the_binary_reads_dash_and_dev_stdin(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    const char *file = write_bytes("cli.csv", text, len);
    RunResult r = run_traceaid("stats", "--csv", file);
    assert_status(r, 0);
    for (int i = 0; i < 2; i++) {
        char *piped = run_with_stdin(text, len, "stats", "--csv", i ? "/dev/stdin" : "-");
        assert_string_equal(after_first_line(r.out), after_first_line(piped));
        free(piped);
    }
    run_result_free(&r);
    free(text);

    text = sessions_text(&len, &events);
    file = write_bytes("cli.txt", text, len);
    r = run_traceaid("stats", "--csv", file);
    assert_status(r, 0);
    char *piped = run_with_stdin(text, len, "stats", "--csv", "-");
    assert_string_equal(after_first_line(r.out), after_first_line(piped));
    free(piped);
    run_result_free(&r);
    free(text);
}

/* `traceaid stats -` reads a compressed trace from standard input as it reads the file. */
int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_reader_knows_its_own_sample_only),
        cmocka_unit_test(unclaimed_input_goes_to_the_csv_reader),
        cmocka_unit_test(a_forced_format_skips_the_sniffing),
        cmocka_unit_test(csv_through_pipe_fifo_and_stdin),
        cmocka_unit_test(structured_log_through_pipe_fifo_and_stdin),
        cmocka_unit_test(sessions_through_pipe_fifo_and_stdin),
        cmocka_unit_test(short_inputs_through_a_pipe),
        cmocka_unit_test(progress_counts_bytes_with_or_without_a_total),
        cmocka_unit_test(the_binary_reads_dash_and_dev_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
