/* CSV kernel traces: what users feed in is read as they mean it; bad input is refused with the
 * file, line and column named, never a crash. */
#include "test_util.h"

#include "test_load.h"

static Loaded *load(const char *path) { return load_with(path, (TraceOptions){0}); }

static const char *key_of(const Loaded *l, size_t event)
{
    return vocab_name(&l->vocab, l->trace.key_id[event]);
}

static void refused(const char *name, const char *content, size_t len, const char *fragment)
{
    Loaded *l = load(write_bytes(name, content, len));
    assert_false(l->ok);
    assert_contains(l->err.msg, name);
    assert_contains(l->err.msg, fragment);
    assert_int_equal(l->trace.n_events, 0);
    loaded_free(l);
}
#define REFUSED(name, text, fragment) refused(name, text, sizeof text - 1, fragment)

static void reads_columns_by_header_name(void **state)
{
    (void)state;
    Loaded *l = load(write_text("order.csv",
                                "process,tid,event,pid,class,cpu,timestamp\n"
                                "fcs,2,SND_MESSAGE,101,COMM,1,1000\n"
                                "devi-imu,7,THRUNNING,102,THREAD,0,2500\n"));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 2);
    assert_string_equal(key_of(l, 0), "COMM/SND_MESSAGE");
    assert_string_equal(key_of(l, 1), "THREAD/THRUNNING");
    assert_int_equal(trace_time(&l->trace, 1), 2500);
    assert_int_equal(trace_cpu(&l->trace, 0), 1);
    assert_int_equal(trace_pid(&l->trace, 1), 102);
    assert_int_equal(trace_tid(&l->trace, 1), 7);
    assert_string_equal(strpool_get(&l->trace.names, trace_name_id(&l->trace, 1)), "devi-imu");
    assert_int_equal(l->trace.n_sessions, 1);
    loaded_free(l);
}

static void reads_quotes_crlf_bom_and_no_final_newline(void **state)
{
    (void)state;
    Loaded *l = load(write_text("quirks.csv",
                                "\xEF\xBB\xBFTimestamp,CPU,Class,Event,PID,TID,PName\r\n"
                                "1,0,\"COMM\",\"SND_MESSAGE\",5,1,\"a, \"\"quoted\"\" name\"\r\n"
                                "2,0,COMM,REC_MESSAGE,5,1,\"multi\nline\"\r\n"
                                "3,1,COMM,SND_MESSAGE,6,2,fcs"));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 3);
    assert_string_equal(strpool_get(&l->trace.names, trace_name_id(&l->trace, 0)), "a, \"quoted\" name");
    assert_string_equal(strpool_get(&l->trace.names, trace_name_id(&l->trace, 1)), "multi\nline");
    assert_int_equal(trace_time(&l->trace, 2), 3);
    assert_int_equal(l->trace.key_id[0], l->trace.key_id[2]);
    assert_int_equal(vocab_size(&l->vocab), 2);
    loaded_free(l);
}

static void names_are_interned_once(void **state)
{
    (void)state;
    Loaded *l = load(write_text("intern.csv", "t,class,event,pname\n1,A,B,x\n2,A,B,y\n3,A,B,x\n"));
    assert_true(l->ok);
    assert_int_equal(trace_name_id(&l->trace, 0), trace_name_id(&l->trace, 2));
    assert_int_not_equal(trace_name_id(&l->trace, 0), trace_name_id(&l->trace, 1));
    assert_int_equal(l->trace.names.count, 3); /* "", x, y */
    loaded_free(l);
}

static void column_options_override_the_header(void **state)
{
    (void)state;
    const char *path = write_text("override.csv",
                                  "when,core,kind,what,proc,thread,exe\n"
                                  "10,1,INT,INT_ENTR,1,3,procnto\n");
    TraceOptions opt = {.key_cols = "kind,what", .time_col = "when", .cpu_col = "core",
                        .pid_col = "proc", .tid_col = "thread", .name_col = "exe"};
    Loaded *l = load_with(path, opt);
    assert_true(l->ok);
    assert_string_equal(key_of(l, 0), "INT/INT_ENTR");
    assert_int_equal(trace_time(&l->trace, 0), 10);
    assert_int_equal(trace_cpu(&l->trace, 0), 1);
    assert_int_equal(trace_tid(&l->trace, 0), 3);
    assert_string_equal(strpool_get(&l->trace.names, trace_name_id(&l->trace, 0)), "procnto");
    loaded_free(l);

    l = load_with(path, (TraceOptions){.key_cols = "kind,nope"});
    assert_false(l->ok);
    assert_contains(l->err.msg, "key column 'nope' is not in the header");
    assert_contains(l->err.msg, "when, core, kind");
    loaded_free(l);

    l = load_with(path, (TraceOptions){.key_cols = "kind", .time_col = "missing"});
    assert_false(l->ok);
    assert_contains(l->err.msg, "--time-col missing: no such column");
    loaded_free(l);
}

static void missing_optional_columns_are_marked(void **state)
{
    (void)state;
    Loaded *l = load(write_text("minimal.csv", "event\nA\nB\n"));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 2);
    assert_int_equal(trace_cpu(&l->trace, 0), TRACE_NO_CPU);
    assert_int_equal(trace_pid(&l->trace, 0), TRACE_NO_ID);
    assert_int_equal(trace_time(&l->trace, 1), 1); /* the event index stands in for time */
    assert_false(l->trace.timed);              /* ... and says so: no time to show or chart */
    loaded_free(l);
    l = load(write_text("timed.csv", "t,event\n100,A\n200,B\n"));
    assert_true(l->ok && l->trace.timed);
    loaded_free(l);
    /* a structured log is timed when its time column is named */
    const char *log = write_text("log.csv", "LineId,Time,EventId,EventTemplate\n1,100,E1,a\n2,200,E2,b\n");
    l = load(log);
    assert_true(l->ok && !l->trace.timed);
    loaded_free(l);
    l = load_with(log, (TraceOptions){.time_col = "Time"});
    assert_true(l->ok && l->trace.timed);
    assert_int_equal(trace_time(&l->trace, 1), 200000000000LL); /* a log's integer time: epoch seconds */
    loaded_free(l);
}

static void hex_and_negative_numbers(void **state)
{
    (void)state;
    Loaded *l = load(write_text("hex.csv", "t,event,pid,tid\n0x10,A,-1, 7 \n"));
    assert_true(l->ok);
    assert_int_equal(trace_time(&l->trace, 0), 16);
    assert_int_equal(trace_pid(&l->trace, 0), -1);
    assert_int_equal(trace_tid(&l->trace, 0), 7);
    loaded_free(l);
}

static void shared_vocab_gives_same_ids(void **state)
{
    (void)state;
    Vocab vocab;
    vocab_init(&vocab);
    Trace a, b;
    Error err = {0};
    TraceOptions opt = {0};
    assert_true(trace_load(&a, write_text("a.csv", "event\nX\nY\n"), &opt, &vocab, NULL, &err));
    assert_true(trace_load(&b, write_text("b.csv", "event\nY\nZ\n"), &opt, &vocab, NULL, &err));
    assert_int_equal(a.key_id[1], b.key_id[0]);
    assert_int_equal(vocab_size(&vocab), 3);
    trace_free(&a);
    trace_free(&b);
    vocab_free(&vocab);
}

/* ---- bad input: one test each ------------------------------------------------------------ */

static void empty_file(void **state)
{
    (void)state;
    REFUSED("empty.csv", "", "empty file");
}

static void header_only(void **state)
{
    (void)state;
    REFUSED("header.csv", "timestamp,class,event\n", "header row only");
}

static void missing_key_columns(void **state)
{
    (void)state;
    REFUSED("nokey.csv", "timestamp,pid\n1,2\n", ":1: no key columns");
}

static void ragged_rows(void **state)
{
    (void)state;
    REFUSED("short.csv", "t,class,event\n1,A,B\n2,A\n", "short.csv:3: 2 fields; the header has 3");
    REFUSED("long.csv", "t,class,event\n1,A,B,C\n", "long.csv:2: more fields than the header's 3");
}

static void unterminated_quote(void **state)
{
    (void)state;
    REFUSED("quote.csv", "t,class,event\n1,A,B\n2,\"A,B\n3,A,B\n",
            "quoted field is never closed (the record starting on line 3");
}

static void stray_quote(void **state)
{
    (void)state;
    REFUSED("stray.csv", "t,class,event\n1,\"A\"x,B\n", "stray.csv:2:6: malformed quoting");
}

static void binary_junk(void **state)
{
    (void)state;
    unsigned char junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] |= 0x80; /* no NUL, no newline: invalid UTF-8 in the header */
    refused("junk.csv", (const char *)junk, sizeof junk, "junk.csv:1: column 1 of the header: invalid UTF-8");
    junk[100] = 0;
    refused("junknul.csv", (const char *)junk, sizeof junk, "junknul.csv:1: binary data");
    REFUSED("nul.csv", "t,class,event\n1,A\0,B\n", "nul.csv:2: binary data (a NUL byte at column 4)");
}

static void ten_megabyte_field(void **state)
{
    (void)state;
    size_t len = 10u << 20;
    char *text = malloc(len + 64);
    int head = sprintf(text, "t,class,event\n1,A,");
    memset(text + head, 'x', len);
    strcpy(text + head + len, "\n");
    refused("huge.csv", text, strlen(text), "huge.csv:2: column 3: a field longer than 1048576 bytes");
    free(text);
}

static void non_numeric_timestamp(void **state)
{
    (void)state;
    REFUSED("time.csv", "timestamp,class,event\n1,A,B\n12:30,A,B\n",
            "time.csv:3: column 1 (timestamp): cannot read '12:30' as a time: expected integer "
            "nanoseconds, as the column's first value is");
    REFUSED("pid.csv", "t,event,pid\n1,A,one\n", "pid.csv:2: column 3 (pid): expected an integer");
}

static void invalid_utf8(void **state)
{
    (void)state;
    REFUSED("utf8.csv", "t,class,event\n1,A,B\n2,A,\xC3\x28\n", "utf8.csv:3: invalid UTF-8 in the key");
    REFUSED("utf8name.csv", "t,event,process\n1,A,\xFF\n",
            "utf8name.csv:2: column 3 (process): invalid UTF-8 at byte 1");
}

static void a_directory(void **state)
{
    (void)state;
    const char *dir = test_path("adir");
    mkdir(dir, 0755);
    Loaded *l = load(dir);
    assert_false(l->ok);
    assert_contains(l->err.msg, "adir: is a directory");
    loaded_free(l);
}

static void a_missing_file(void **state)
{
    (void)state;
    Loaded *l = load(test_path("no-such.csv"));
    assert_false(l->ok);
    assert_contains(l->err.msg, "no-such.csv: cannot open: No such file or directory");
    loaded_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_columns_by_header_name),
        cmocka_unit_test(reads_quotes_crlf_bom_and_no_final_newline),
        cmocka_unit_test(names_are_interned_once),
        cmocka_unit_test(column_options_override_the_header),
        cmocka_unit_test(missing_optional_columns_are_marked),
        cmocka_unit_test(hex_and_negative_numbers),
        cmocka_unit_test(shared_vocab_gives_same_ids),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(header_only),
        cmocka_unit_test(missing_key_columns),
        cmocka_unit_test(ragged_rows),
        cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(stray_quote),
        cmocka_unit_test(binary_junk),
        cmocka_unit_test(ten_megabyte_field),
        cmocka_unit_test(non_numeric_timestamp),
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(a_directory),
        cmocka_unit_test(a_missing_file),
    };
    return cmocka_run_group_tests_name("csv traces", tests, NULL, NULL);
}
