/* The reader of QNX traceprinter text. Its fixtures (tests/fixtures/qnx/README.md) are written
 * line by line from traceprinter's printf strings: no real capture with an open licence exists.
 * all-classes-n.txt is the one-line-an-event layout of `traceprinter -n`, all-classes-wide.txt
 * the same events in the default layout (each argument on its own line). */
#include "test_util.h"

#include "test_load.h"
#include "../io/qnx_state.h"

#define QNX_DIR FIXTURES_DIR "/qnx/"

static Loaded *load_qnx(const char *path, const char *key)
{
    TraceOptions opt = {.key_cols = key};
    return load_with(path, opt);
}

static Loaded *load_ok(const char *path, const char *key)
{
    Loaded *l = load_qnx(path, key);
    if (!l->ok)
        fail_msg("%s", l->err.msg);
    return l;
}

static const char *key_of(const Loaded *l, size_t i)
{
    return vocab_name(&l->vocab, l->trace.key_id[i]);
}

static const char *comm_of(const Loaded *l, size_t i)
{
    return strpool_get(&l->trace.names, trace_name_id(&l->trace, i));
}

/* What each event of all-classes-n.txt is, written from the file by hand: the cycle count is the
 * printed low 32 bits, plus 2^32 from the CONTROL TIME event's msb:0x00000001 (which moves the
 * BUFFER event before it too), plus 2^32 more after the wrap at INT_ENTR; the clock runs at
 * 500 MHz, so ns = cycles * 2. pid/tid are the event's own, or the thread last THRUNNING on its
 * cpu when it has neither. */
static const struct {
    const char *key;
    int64_t cycles;
    int cpu, pid, tid;
    const char *comm;
} expected[] = {
    {"CONTROL/BUFFER", 0x1fffff000, 0, -1, -1, ""},
    {"CONTROL/TIME", 0x1fffff000, 0, -1, -1, ""},
    {"PROCESS/PROCCREATE_NAME", 0x1fffff100, 0, 1, -1, "proc/boot/procnto-smp-instr"},
    {"PROCESS/PROCCREATE_NAME", 0x1fffff180, 0, 4099, -1, "usr/sbin/io-pkt-v4"},
    {"THREAD/THCREATE", 0x1fffff200, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"THREAD/THRUNNING", 0x1fffff280, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"KER_CALL/MSG_SENDV", 0x1fffff300, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"COMM/SND_MESSAGE", 0x1fffff380, 0, 1, -1, "proc/boot/procnto-smp-instr"},
    {"THREAD/THREPLY", 0x1fffff400, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"THREAD/THRUNNING", 0x1fffff480, 1, 1, 2, "proc/boot/procnto-smp-instr"},
    {"COMM/REC_MESSAGE", 0x1fffff470, 1, 4099, -1, "usr/sbin/io-pkt-v4"}, /* 0x10 back: no wrap */
    {"KER_EXIT/MSG_RECEIVEV", 0x1fffff500, 1, 1, 2, "proc/boot/procnto-smp-instr"},
    {"KER_CALL/MSG_REPLYV", 0x1fffff580, 1, 1, 2, "proc/boot/procnto-smp-instr"},
    {"INT/INT_ENTR", 0x200000100, 0, 4099, 1, "usr/sbin/io-pkt-v4"}, /* the wrap */
    {"INT/INT_HANDLER_ENTR", 0x200000180, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"INT/INT_HANDLER_EXIT", 0x200000200, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"INT/INT_EXIT", 0x200000280, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"COMM/SND_PULSE", 0x200000300, 0, 4099, -1, "usr/sbin/io-pkt-v4"},
    {"COMM/REC_PULSE", 0x200000380, 0, 4099, -1, "usr/sbin/io-pkt-v4"},
    {"KER_EXIT/MSG_SENDV", 0x200000400, 0, 4099, 1, "usr/sbin/io-pkt-v4"}, /* runs on into: */
    {"THREAD/THREADY", 0x200000480, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"SYSTEM/PATHMGR_OPEN", 0x200000500, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"SYSTEM/MMAP", 0x200000580, 0, 4099, -1, "usr/sbin/io-pkt-v4"},
    {"COMM/SIGNAL", 0x200000600, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"USREVENT/USREVENT", 0x200000680, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"USREVENT/USREVENT", 0x200000700, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"INT_CALL/KER_NOP", 0x200000780, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"VTHREAD/VTHCREATE", 0x200000800, 0, 4099, 3, "usr/sbin/io-pkt-v4"},
    {"THREAD/THDESTROY", 0x200000880, 0, 4099, 1, "usr/sbin/io-pkt-v4"},
    {"PROCESS/PROCDESTROY_NAME", 0x200000900, 0, 4099, -1, "usr/sbin/io-pkt-v4"},
    {"COMM/REPLY_MESSAGE", 0x200000980, 1, 4099, 1, "usr/sbin/io-pkt-v4"},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static void assert_all_classes(const Loaded *l)
{
    /* 31 = grep -c '^t:0x' (30) + the line where a KER_EXIT error runs on (grep -c 'errno:[0-9]*t:0x') */
    assert_int_equal(l->trace.n_events, N_EXPECTED);
    assert_int_equal(l->trace.n_events, 31);
    assert_true(l->trace.timed);
    assert_int_equal(l->trace.n_sessions, 1);
    for (size_t i = 0; i < N_EXPECTED; i++) {
        if (strcmp(key_of(l, i), expected[i].key) != 0)
            fail_msg("event %zu: key %s, expected %s", i, key_of(l, i), expected[i].key);
        assert_int_equal(trace_time(&l->trace, i), expected[i].cycles * 2);
        assert_int_equal(trace_cpu(&l->trace, i), expected[i].cpu);
        assert_int_equal(trace_pid(&l->trace, i), expected[i].pid);
        assert_int_equal(trace_tid(&l->trace, i), expected[i].tid);
        assert_string_equal(comm_of(l, i), expected[i].comm);
    }
    assert_int_equal(trace_time(&l->trace, 0), 17179860992); /* 0x1fffff000 cycles at 500 MHz */
    assert_int_equal(trace_time(&l->trace, 30), 17179874048);
}

static void every_class_in_the_one_line_layout(void **state)
{
    (void)state;
    Loaded *l = load_ok(QNX_DIR "all-classes-n.txt", NULL);
    assert_all_classes(l);
    loaded_free(l);
}

static const char *fields_of(const Loaded *l, size_t i, char *buf, size_t cap)
{
    const char *event;
    trace_event_fields(&l->trace, i, &event, buf, cap);
    return buf;
}

static void arguments_are_kept_as_printed(void **state)
{
    (void)state;
    Loaded *l = load_ok(QNX_DIR "all-classes-n.txt", NULL);
    char buf[512];
    assert_string_equal(fields_of(l, 6, buf, sizeof buf),
                        "coid:0x40000003 sparts:1 rparts:1 msg:\"abcdefgh\" (0x64636261 0x68676665)");
    assert_string_equal(fields_of(l, 0, buf, sizeof buf), "sequence = 1, num_events = 40");
    assert_string_equal(fields_of(l, 13, buf, sizeof buf), "0x0000001b (27)       IP:0xf0012345");
    assert_string_equal(fields_of(l, 19, buf, sizeof buf), "ret_val:-1, errno:3");
    assert_string_equal(fields_of(l, 20, buf, sizeof buf), "pid:4099 tid:1"); /* trailing space off */
    assert_string_equal(fields_of(l, 21, buf, sizeof buf), "pid:4099 tid:1 path:/dev/shmem/my file");
    loaded_free(l);
}

/* --key over the arguments: name:value pairs, a quoted message whole, the interrupt's vector. */
static void key_over_arguments(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t event;
        const char *want;
    } cases[] = {
        {"event,vector", 13, "INT/INT_ENTR/0x0000001b"},
        {"event,IP", 14, "INT/INT_HANDLER_ENTR/0xf0023456"},
        {"event,SIGEVENT", 15, "INT/INT_HANDLER_EXIT/PULSE 0x40000002:21 0x1:0"},
        {"event,errno", 19, "KER_EXIT/MSG_SENDV/3"},
        {"event,ret_val", 19, "KER_EXIT/MSG_SENDV/-1"},
        {"event,EVENT", 24, "USREVENT/USREVENT/5"},
        {"event,STR", 25, "USREVENT/USREVENT/\"hello world\""},
        {"event,msg", 6, "KER_CALL/MSG_SENDV/\"abcdefgh\" (0x64636261 0x68676665)"},
        {"event,num_events", 0, "CONTROL/BUFFER/40"},
        {"event,lsb(offset)", 1, "CONTROL/TIME/0xffffef00"},
        {"event,path", 21, "SYSTEM/PATHMGR_OPEN//dev/shmem/my file"},
        {"event,fd", 22, "SYSTEM/MMAP/-1"},
        {"event,__pad[5]", 23, "COMM/SIGNAL/0x00000000"},
        {"comm,event", 5, "usr/sbin/io-pkt-v4/THREAD/THRUNNING"},
        {"event,rcvid", 10, "COMM/REC_MESSAGE/0x0000000b"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        Loaded *l = load_ok(QNX_DIR "all-classes-n.txt", cases[c].key);
        if (strcmp(key_of(l, cases[c].event), cases[c].want) != 0)
            fail_msg("--key %s: %s, expected %s", cases[c].key, key_of(l, cases[c].event), cases[c].want);
        loaded_free(l);
    }
}

/* The default layout puts each argument of the generic printer on its own line, its label
 * right-aligned in 26 columns; THREAD state lines stay whole and get priority and policy. */
static void wide_layout_reads_as_the_one_line_one(void **state)
{
    (void)state;
    Loaded *wide = load_ok(QNX_DIR "all-classes-wide.txt", NULL);
    Loaded *one = load_ok(QNX_DIR "all-classes-n.txt", NULL);
    assert_all_classes(wide);
    char a[512], b[512];
    for (size_t i = 0; i < one->trace.n_events; i++) {
        if (strncmp(key_of(one, i), "THREAD/TH", 9) == 0 && strcmp(key_of(one, i), "THREAD/THCREATE") &&
            strcmp(key_of(one, i), "THREAD/THDESTROY"))
            continue;
        assert_string_equal(fields_of(wide, i, a, sizeof a), fields_of(one, i, b, sizeof b));
    }
    assert_string_equal(fields_of(wide, 5, a, sizeof a), "pid:4099 tid:1 priority:10 policy:2");
    loaded_free(wide);
    loaded_free(one);
    /* and --key reads the arguments from their own lines */
    wide = load_ok(QNX_DIR "all-classes-wide.txt", "event,name");
    assert_string_equal(key_of(wide, 2), "PROCESS/PROCCREATE_NAME/proc/boot/procnto-smp-instr");
    loaded_free(wide);
}

/* Without TRACE_CYCLES_PER_SEC the times stay in cycles and the trace is not timed. */
static void without_a_clock_rate_times_are_cycles(void **state)
{
    (void)state;
    Loaded *l = load_ok(QNX_DIR "no-clock.txt", NULL);
    assert_int_equal(l->trace.n_events, 3);
    assert_false(l->trace.timed);
    assert_int_equal(trace_time(&l->trace, 0), 0xffffff00);
    assert_int_equal(trace_time(&l->trace, 1), 0x100000010); /* wrapped */
    assert_int_equal(trace_time(&l->trace, 2), 0x100000020);
    assert_int_equal(trace_pid(&l->trace, 1), 1); /* the KER_CALL: the thread running on cpu 0 */
    assert_int_equal(trace_tid(&l->trace, 1), 1);
    loaded_free(l);
}

/* The unwrapping rule on its own: a step back under 2^31 cycles is disorder across cpus. */
static void clock_unwraps_only_large_steps_back(void **state)
{
    (void)state;
    QnxClock c = {0};
    assert_int_equal(qnx_clock_next(&c, 0x7ffffff0), 0x7ffffff0);
    assert_int_equal(qnx_clock_next(&c, 0x7fffff00), 0x7fffff00);   /* back a little */
    assert_int_equal(qnx_clock_next(&c, 0xbfffff00), 0xbfffff00);
    assert_int_equal(qnx_clock_next(&c, 0xfffffff0), 0xfffffff0);
    assert_int_equal(qnx_clock_next(&c, 0x00000010), 0x100000010);  /* wrapped */
    assert_int_equal(qnx_clock_next(&c, 0xffffffe0), 0xffffffe0);   /* another cpu, before it */
    assert_int_equal(qnx_clock_next(&c, 0x00000020), 0x100000020);
    int64_t ns;
    assert_true(qnx_cycles_to_ns(736629000, 736629000, &ns));
    assert_int_equal(ns, 1000000000);
    assert_true(qnx_cycles_to_ns(1, 3, &ns));
    assert_int_equal(ns, 333333333);
    assert_true(qnx_cycles_to_ns(-3, 3, &ns));
    assert_int_equal(ns, -1000000000);
    assert_false(qnx_cycles_to_ns(INT64_MAX, 1, &ns));
    /* an anchor at the top of the count: the next events stop at its end, no overflow */
    QnxClock top = {0};
    int64_t now, shift;
    assert_true(qnx_clock_anchor(&top, 0x4f81e320, 0x7fffffff, 0xffffffff, &now, &shift));
    assert_true(now == INT64_MAX);
    assert_true(qnx_clock_next(&top, 0x4f81e330) == INT64_MAX);
}

static const char *HEADER = "TRACEPRINTER version 1.02\n"
                            "  TRACE_CYCLES_PER_SEC:: 1000000000\n"
                            " -- KERNEL EVENTS -- \n"
                            "t:0x00000010 CPU:00 THREAD  :THRUNNING     pid:1 tid:1 \n";

static void refused(const char *name, const char *events, const char *message)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", HEADER, events);
    Loaded *l = load_qnx(write_text(name, text), NULL);
    assert_false(l->ok);
    assert_contains(l->err.msg, message);
    assert_int_equal(l->trace.n_events, 0);
    loaded_free(l);
}

static void bad_lines_are_named_by_line_and_column(void **state)
{
    (void)state;
    refused("junk.txt", "TEST TEST TEST\n", "junk.txt:5:1: expected an event line 't:0x<time> CPU:<n> CLASS:EVENT ...' (got 'TEST TEST TEST')");
    refused("hex.txt", "t:0xZZ CPU:00 THREAD  :THREADY pid:1 tid:1\n", "hex.txt:5:5: expected hex digits of time");
    refused("long.txt", "t:0x123456789 CPU:00 A:B\n", "long.txt:5:13: expected at most 8 hex digits");
    refused("cpu.txt", "t:0x00000020 CPU:x0 A:B\n", "cpu.txt:5:18: expected a decimal cpu number");
    refused("nocpu.txt", "t:0x00000020 XPU:00 A:B\n", "nocpu.txt:5:14: expected 'CPU:'");
    refused("class.txt", "t:0x00000020 CPU:00 THREAD THREADY\n", "class.txt:5:28: expected CLASS:EVENT");
    refused("event.txt", "t:0x00000020 CPU:00 THREAD  :\n", "event.txt:5:30: expected an event name");
    refused("pid.txt", "t:0x00000020 CPU:00 THREAD  :THREADY       pid:one tid:1\n",
            "pid.txt:5:48: expected a 32-bit integer (got 'one')");
    refused("widepid.txt", "t:0x00000020 CPU:00 PROCESS :PROCCREATE_NAME\n                      ppid:0\n                       pid:x1\n",
            "widepid.txt:7:28: expected a 32-bit integer (got 'x1')");
    refused("arg.txt", "t:0x00000020 CPU:00 PROCESS :PROCCREATE_NAME\n   no label here\n",
            "arg.txt:6:4: expected an argument line 'label:value'");
    refused("runon.txt", "t:0x00000020 CPU:00 KER_EXIT:MSG_SENDV/11 ret_val:-1, errno:3t:0x3 CPU:0y\n",
            "runon.txt:5:73: expected a decimal cpu number");
    refused("msb.txt", "t:0x00000020 CPU:00 CONTROL :TIME msb:0x80000000 lsb(offset):0x0\n",
            "msb.txt:5:39: expected the counter's high 32 bits, below 0x80000000 (got '0x80000000')");
    Loaded *l = load_qnx(write_text("orphan.txt", "TRACEPRINTER version 1.02\n -- KERNEL EVENTS -- \n      pid:1\n"), NULL);
    assert_false(l->ok);
    assert_contains(l->err.msg, "orphan.txt:3:7: expected an event line before this argument line");
    loaded_free(l);
    l = load_qnx(write_text("rate.txt", "TRACEPRINTER version 1.02\n  TRACE_CYCLES_PER_SEC:: fast\n"), NULL);
    assert_false(l->ok);
    assert_contains(l->err.msg, "rate.txt:2:26: expected a positive number of cycles a second (got 'fast')");
    loaded_free(l);
    l = load_qnx(write_text("empty.txt", "TRACEPRINTER version 1.02\n -- KERNEL EVENTS -- \n\n"), NULL);
    assert_false(l->ok);
    assert_contains(l->err.msg, "empty.txt: no events");
    loaded_free(l);
}

/* Skipped: blank lines, traceprinter -v's raw words and notices, a syspage dump in the header. */
static void what_is_skipped(void **state)
{
    (void)state;
    Loaded *l = load_ok(write_text("verbose.txt", "TRACEPRINTER version 1.02\n"
                                                  " -- SYSPAGE INFORMATION -- \n"
                                                  "  anything: at all\n"
                                                  "  TRACE_CYCLES_PER_SEC:: (len=9) -> \"100000000\" \n"
                                                  " -- KERNEL EVENTS -- \n"
                                                  "event => h:0x00000001 d0:0x00000002 d1:0x00000003 d2:0x00000004\n"
                                                  "TRACEPRINTER: header file and syspage have been processed\n"
                                                  "\n   \n"
                                                  "t:0x1 CPU:0 THREAD  :THCREATE    pid:1 tid:1 \n"),
                        NULL);
    assert_int_equal(l->trace.n_events, 1);
    assert_true(l->trace.timed); /* -v prints the header's values as (len=N) -> "value" */
    assert_int_equal(trace_time(&l->trace, 0), 10);
    assert_string_equal(key_of(l, 0), "THREAD/THCREATE");
    loaded_free(l);
}

static void sniffer_claims_traceprinter_text_only(void **state)
{
    (void)state;
    static const struct {
        const char *text, *reader;
    } cases[] = {
        {"TRACEPRINTER version 1.02\nTRACEPARSER LIBRARY version 1.02\n", "qnx"},
        {"TRACEPARSER LIBRARY version 1.02\n -- HEADER FILE INFORMATION -- \n", "qnx"},
        {" -- HEADER FILE INFORMATION -- \n  TRACE_CPU_NUM:: 1\n", "qnx"},
        {"t:0x4f821358 CPU:00 THREAD  :THREADY       pid:1 tid:1 \n", "qnx"},
        {"timestamp,cpu,class,event,pid,tid\n1,0,THREAD,THREADY,1,1\n", "csv"},
        {"t,class,event\n1,A,B\n", "csv"},
        {"5 5 22 11 9\n26 26 23\n", "sessions"},
        {"# tracer: nop\n#\n          <idle>-0     [000] d..2  1234.567890: sched_switch: prev_comm=x\n", "ftrace"},
        {"         swapper     0 [000]  1234.567890: sched:sched_switch: prev_comm=swapper/0\n", "perf"},
        /* one line cut short: not enough to say it is QNX's; plain text, read as a raw log */
        {"t:0x4f821358 CPU:00 THREAD  :THREADY", "log"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = trace_reader_sniff(cases[i].text, strlen(cases[i].text))->name;
        if (strcmp(got, cases[i].reader) != 0)
            fail_msg("case %zu: %s, expected %s", i, got, cases[i].reader);
    }
}

/* A kev.csv's class,event columns and traceprinter's CLASS:EVENT make the same keys. */
static void keys_match_kev_csv(void **state)
{
    (void)state;
    const char *csv = write_text("kev.csv", "timestamp,cpu,class,event,pid,tid\n"
                                            "1,0,THREAD,THRUNNING,4099,1\n"
                                            "2,0,KER_CALL,MSG_SENDV,4099,1\n"
                                            "3,0,INT,INT_ENTR,4099,1\n"
                                            "4,0,COMM,SND_PULSE,4099,1\n"
                                            "5,0,USREVENT,USREVENT,4099,1\n");
    Vocab vocab;
    vocab_init(&vocab);
    Meanings meanings;
    meanings_init(&meanings);
    TraceOptions opt = {0};
    Trace a, b;
    Error err;
    assert_true(trace_load(&a, csv, &opt, &vocab, &meanings, &err));
    uint32_t csv_keys = vocab_size(&vocab);
    assert_int_equal(csv_keys, 5);
    assert_true(trace_load(&b, QNX_DIR "all-classes-n.txt", &opt, &vocab, &meanings, &err));
    assert_int_equal(b.key_id[5], a.key_id[0]);  /* THREAD/THRUNNING */
    assert_int_equal(b.key_id[6], a.key_id[1]);  /* KER_CALL/MSG_SENDV */
    assert_int_equal(b.key_id[13], a.key_id[2]); /* INT/INT_ENTR */
    assert_int_equal(b.key_id[17], a.key_id[3]); /* COMM/SND_PULSE */
    assert_int_equal(b.key_id[24], a.key_id[4]); /* USREVENT/USREVENT */
    trace_free(&a);
    trace_free(&b);
    meanings_free(&meanings);
    vocab_free(&vocab);
}

static void binary_stats(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", QNX_DIR "all-classes-wide.txt");
    assert_status(r, 0);
    assert_contains(r.out, "INT/INT_HANDLER_EXIT");
    assert_contains(r.out, "KER_EXIT/MSG_SENDV");
    assert_contains(r.out, "total events                                31");
    assert_contains(r.out, "distinct keys                               28");
    run_result_free(&r);
    r = run_traceaid("stats", write_text("bad.txt", "TRACEPRINTER version 1.02\n -- KERNEL EVENTS -- \nt:0x1 CPU:00 nothing\n"));
    assert_status(r, 2);
    assert_contains(r.err, "bad.txt:3:21: expected CLASS:EVENT");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_class_in_the_one_line_layout),
        cmocka_unit_test(arguments_are_kept_as_printed),
        cmocka_unit_test(key_over_arguments),
        cmocka_unit_test(wide_layout_reads_as_the_one_line_one),
        cmocka_unit_test(without_a_clock_rate_times_are_cycles),
        cmocka_unit_test(clock_unwraps_only_large_steps_back),
        cmocka_unit_test(bad_lines_are_named_by_line_and_column),
        cmocka_unit_test(what_is_skipped),
        cmocka_unit_test(sniffer_claims_traceprinter_text_only),
        cmocka_unit_test(keys_match_kev_csv),
        cmocka_unit_test(binary_stats),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_dir_cleanup();
    return failed;
}
