/* The ftrace text reader on real traces (tests/fixtures/ftrace/README.md): the kernel's trace
 * file with and without the irq-flags column, trace-cmd report, the function and function_graph
 * tracers, old syscall events; its errors; and its sniffer beside the other formats. */
#include "test_util.h"

#include "../io/ftrace.h"
#include "test_load.h"

#define FT FIXTURES_DIR "/ftrace/"

static Loaded *load_ftrace(const char *path, const char *key)
{
    Loaded *l = load_with(path, (TraceOptions){.key_cols = key});
    if (!l->ok)
        fail_msg("%s: %s", path, l->err.msg);
    assert_int_equal(l->trace.format, TRACE_FORMAT_FTRACE); /* sniffed, not forced */
    return l;
}

static const char *key_of(Loaded *l, size_t i)
{
    return vocab_name(&l->vocab, l->trace.key_id[i]);
}

static const char *comm_of(Loaded *l, size_t i)
{
    return strpool_get(&l->trace.names, trace_name_id(&l->trace, i));
}

/* How many events have key k. */
static size_t count_key(Loaded *l, const char *k)
{
    size_t n = 0;
    for (size_t i = 0; i < l->trace.n_events; i++)
        n += strcmp(key_of(l, i), k) == 0;
    return n;
}

static void kernel_trace_with_flags(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "tc-trace-android-sched.txt", NULL);
    Trace *t = &l->trace;
    /* grep -c ' \[[0-9]*\] ' tc-trace-android-sched.txt */
    assert_int_equal(t->n_events, 139);
    assert_true(t->timed);
    assert_int_equal(t->n_sessions, 1);
    /* first:  sh-12958 [002] d.H5 365761.623995: sched_wakeup: comm=rcu_preempt ...
     * last:   ksoftirqd/1-12 [001] d.s4 365761.670955: sched_wakeup: ... */
    assert_int_equal(trace_time(t, 0), 365761623995000);
    assert_int_equal(trace_pid(t, 0), 12958);
    assert_int_equal(trace_cpu(t, 0), 2);
    assert_string_equal(comm_of(l, 0), "sh");
    assert_int_equal(trace_time(t, 138), 365761670955000);
    assert_string_equal(comm_of(l, 138), "ksoftirqd/1");
    assert_int_equal(trace_pid(t, 138), 12);
    assert_int_equal(count_key(l, "sched_switch"), 82);
    assert_int_equal(count_key(l, "sched_wakeup"), 57);
    /* line 14: sh-12958 [002] d..3 ... sched_switch: prev_comm=sh ... prev_state=S ==> next_comm=rcu_preempt */
    const char *event;
    char text[512];
    trace_event_fields(t, 2, &event, text, sizeof text);
    assert_string_equal(event, "sched_switch");
    assert_string_equal(text, "prev_comm=sh prev_pid=12958 prev_prio=120 prev_state=S ==> "
                              "next_comm=rcu_preempt next_pid=8 next_prio=120");
    loaded_free(l);
}

static void key_by_prev_state(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "tc-trace-android-sched.txt", "event,prev_state");
    /* grep -o 'sched_switch:.*prev_state=[^ ]*' | sed 's/.*prev_state=//' | sort | uniq -c */
    assert_int_equal(count_key(l, "sched_switch/S"), 52);
    assert_int_equal(count_key(l, "sched_switch/R"), 18);
    assert_int_equal(count_key(l, "sched_switch/R+"), 8);
    assert_int_equal(count_key(l, "sched_switch/D"), 4);
    assert_int_equal(count_key(l, "sched_wakeup"), 57);
    loaded_free(l);
}

static void trace_cmd_report_without_flags(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "lisa-trace-cmd-report-noflags.txt", NULL);
    Trace *t = &l->trace;
    /* 1000 lines: "version = 6", "cpus=6" and 998 events */
    assert_int_equal(t->n_events, 998);
    assert_string_equal(comm_of(l, 0), "<...>");
    assert_int_equal(trace_pid(t, 0), 1701);
    assert_int_equal(trace_time(t, 0), 76211513000);
    assert_int_equal(trace_time(t, 997), 76695320000);
    assert_int_equal(count_key(l, "sched_switch"), 644); /* grep -c 'sched_switch:' */
    assert_int_equal(count_key(l, "print"), 7);
    loaded_free(l);
}

static void comm_with_spaces_and_dashes(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "tc-trace-critical-path.txt", "comm");
    /* line 11: "     Web Content-2711  [003] d... 26186.336632: sched_waking: ..." */
    assert_string_equal(comm_of(l, 1), "Web Content");
    assert_int_equal(trace_pid(&l->trace, 1), 2711);
    assert_string_equal(key_of(l, 1), "Web Content");
    loaded_free(l);
    /* a comm with dashes, a tgid column (-o record-tgid) and 5 flag characters (made up here:
     * no public trace with a tgid column was found) */
    const char *path = write_text("tgid.txt",
                                  "# tracer: nop\n"
                                  "  kworker/u8:2-my-pool-77   (  77) [003] d..2. 10.000001: "
                                  "sched_switch: prev_comm=a prev_pid=77 prev_prio=120 "
                                  "prev_state=I ==> next_comm=b next_pid=5 next_prio=120\n"
                                  "  bash-1234   (-----) [000] ..... 10.5: sys_exit_write: 0x1\n"
                                  "CPU:0 [LOST 123 EVENTS]\n");
    l = load_ftrace(path, NULL);
    assert_int_equal(l->trace.n_events, 2);
    assert_string_equal(comm_of(l, 0), "kworker/u8:2-my-pool");
    assert_int_equal(trace_pid(&l->trace, 0), 77);
    assert_int_equal(trace_cpu(&l->trace, 0), 3);
    assert_int_equal(trace_time(&l->trace, 1), 10500000000);
    assert_string_equal(key_of(l, 1), "sys_exit_write");
    loaded_free(l);
}

static void function_tracer_keys_per_function(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "kernel-doc-function.txt", "event,parent");
    /* grep -c '<-': 10 lines with flags, 3 without */
    assert_int_equal(l->trace.n_events, 13);
    assert_string_equal(key_of(l, 0), "sys_close/system_call_fastpath");
    assert_string_equal(key_of(l, 12), "enqueue_task/activate_task");
    const char *event;
    char text[128];
    trace_event_fields(&l->trace, 0, &event, text, sizeof text);
    assert_string_equal(event, "sys_close");
    assert_string_equal(text, "parent=system_call_fastpath");
    assert_int_equal(trace_time(&l->trace, 12), 23636756055000);
    loaded_free(l);
}

static void trace_cmd_plugins_and_function_graph(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "trace-cmd-doc-report.txt", NULL);
    Trace *t = &l->trace;
    /* the man pages' listings: 52 event lines (grep -c ' \[[0-9]*\] ') */
    assert_int_equal(t->n_events, 52);
    /* "function:             mutex_unlock" and "function: hrtick_start_fair <-- pick_next_task_fair" */
    assert_string_equal(key_of(l, 0), "mutex_unlock");
    assert_int_equal(count_key(l, "hrtick_start_fair"), 1);
    /* trace-cmd's funcgraph_entry "|  do_IRQ() {" and funcgraph_exit "+ 36.358 us |  }" */
    assert_int_equal(count_key(l, "do_IRQ"), 5);
    assert_int_equal(count_key(l, "do_IRQ/return"), 5);
    /* trace-cmd's own sched_switch layout is kept as text */
    const char *event;
    char text[256];
    size_t i = 0;
    while (strcmp(key_of(l, i), "sched_switch") != 0)
        i++;
    trace_event_fields(t, i, &event, text, sizeof text);
    assert_string_equal(text, "swapper/0:0 [120] R ==> trace-cmd:89135 [120]");
    assert_int_equal(trace_time(t, i), 162573216423000);
    loaded_free(l);
}

static void function_graph_positions(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "kernel-doc-function-graph.txt", NULL);
    Trace *t = &l->trace;
    /* grep -c '^ *[0-9]*) .*\(();\|{\|}\)': calls and returns; the comment line is skipped */
    assert_int_equal(t->n_events, 56);
    assert_false(t->timed);
    assert_int_equal(trace_time(t, 0), 0);
    assert_int_equal(trace_time(t, 55), 55);
    assert_string_equal(key_of(l, 0), "sys_open");
    assert_string_equal(key_of(l, 4), "__might_sleep");
    assert_string_equal(key_of(l, 5), "kmem_cache_alloc/return"); /* from the CPU's open calls */
    assert_int_equal(count_key(l, "__schedule/return"), 2);       /* from "} / * __schedule * /" */
    assert_int_equal(trace_cpu(t, 0), 0);
    /* funcgraph-proc: "  0)    sh-4802     |               |   d_free() {" */
    size_t i = 0;
    while (strcmp(key_of(l, i), "d_free") != 0)
        i++;
    assert_string_equal(comm_of(l, i), "sh");
    assert_int_equal(trace_pid(t, i), 4802);
    loaded_free(l);

    l = load_ftrace(FT "kernel-doc-function-graph-abstime.txt", NULL);
    assert_true(l->trace.timed);
    assert_int_equal(l->trace.n_events, 6);
    assert_int_equal(trace_time(&l->trace, 0), 360774522000);
    assert_int_equal(trace_time(&l->trace, 5), 360774530000);
    assert_int_equal(trace_cpu(&l->trace, 5), 1);
    loaded_free(l);
}

static void function_graph_task_switch(void **state)
{
    (void)state;
    /* the kernel's context-switch marker between two rules (layout from trace_functions_graph.c;
     * made up here) names the task of the CPU's following lines */
    const char *path = write_text("graph.txt",
                                  " 1)               |  do_sys_open() {\n"
                                  " ------------------------------------------\n"
                                  " 1)    <idle>-0    =>   bash-1234  \n"
                                  " ------------------------------------------\n"
                                  "\n"
                                  " 1)   0.123 us    |    getname();\n"
                                  " 1)   1.234 us    |  }\n");
    Loaded *l = load_ftrace(path, NULL);
    assert_int_equal(l->trace.n_events, 3);
    assert_int_equal(trace_pid(&l->trace, 0), TRACE_NO_ID);
    assert_string_equal(comm_of(l, 1), "bash");
    assert_int_equal(trace_pid(&l->trace, 1), 1234);
    assert_string_equal(key_of(l, 2), "do_sys_open/return");
    loaded_free(l);
}

static void old_syscall_events_and_markers(void **state)
{
    (void)state;
    Loaded *l = load_ftrace(FT "tc-ftrace-syscalls.txt", "event,fd");
    assert_int_equal(l->trace.n_events, 1052); /* wc -l: every line is an event */
    /* line 3: "<...>-4083  [004] ....   395.705679: sys_ioctl(fd: ff, cmd: 5410, arg: 7ffe0babe8fc)" */
    assert_string_equal(key_of(l, 2), "sys_enter_ioctl/ff");
    assert_string_equal(key_of(l, 0), "sys_exit_rt_sigprocmask");
    loaded_free(l);
    l = load_ftrace(FT "catapult-trivial-systrace.txt", NULL);
    assert_int_equal(l->trace.n_events, 4); /* "0: C|124|VSYNC|1": old trace_marker writes */
    assert_int_equal(count_key(l, "print"), 4);
    loaded_free(l);
}

static void trace_cmd_prefixes(void **state)
{
    (void)state;
    /* trace-cmd report -i trace.dat -i trace-guest.dat: each line names its file (layout from
     * the trace-cmd-record man page, lines shortened) */
    const char *path = write_text("multi.txt",
                                  "      trace.dat: cpus=28\n"
                                  "trace-guest.dat: cpus=1\n"
                                  "      trace.dat:           ping-3071450 [013] 1196830.834258: "
                                  "sched_process_exec:     filename=/bin/ping pid=3071450 old_pid=3071450\n"
                                  "trace-guest.dat:           <idle>-0     [000] 1196830.835997: "
                                  "napi_gro_receive_exit:  ret=3\n");
    Loaded *l = load_ftrace(path, "event,ret");
    assert_int_equal(l->trace.n_events, 2);
    assert_string_equal(comm_of(l, 0), "ping");
    assert_int_equal(trace_pid(&l->trace, 0), 3071450);
    assert_string_equal(key_of(l, 1), "napi_gro_receive_exit/3");
    assert_string_equal(comm_of(l, 1), "<idle>");
    loaded_free(l);
}

static void assert_error(const char *text, const char *message)
{
    const char *path = write_text("bad.txt", text);
    Loaded *l = load_with(path, (TraceOptions){.format = TRACE_FORMAT_FTRACE});
    assert_false(l->ok);
    assert_contains(l->err.msg, message);
    assert_int_equal(l->trace.n_events, 0);
    loaded_free(l);
}

static void malformed_lines_are_errors(void **state)
{
    (void)state;
    const char *good = "  bash-1234 [001] 10.000001: sched_wakeup: comm=a pid=1\n";
    char text[512];
    snprintf(text, sizeof text, "%s%s", good, "  bash-1234 [001] 10.x: sched_wakeup: comm=a\n");
    assert_error(text, "bad.txt:2:19: expected seconds and ':'");
    snprintf(text, sizeof text, "%s%s", good, "  bash [001] 10.1: sched_wakeup: comm=a\n");
    assert_error(text, "bad.txt:2:3: expected 'task-pid' before the [cpu] column");
    snprintf(text, sizeof text, "%s%s", good, "hello world\n");
    assert_error(text, "bad.txt:2:1: expected an event line");
    snprintf(text, sizeof text, "%s%s", good, "  bash-1 [001] 10.1: what is this\n");
    assert_error(text, "bad.txt:2:26: expected ':' after the event's name");
    snprintf(text, sizeof text, "%s%s", good, " 1)   0.123 us    |  ???\n");
    assert_error(text, "bad.txt:2:22: expected 'func() {'");
    snprintf(text, sizeof text, "%s%s", good, "  bash-1 [99999] 10.1: x: y\n");
    assert_error(text, "bad.txt:2:11: expected a CPU number");
    snprintf(text, sizeof text, "%s%s", good, "  bash-1 [001] 10.1: <>\n"); /* no name inside */
    assert_error(text, "bad.txt:2:22: expected an event's name");
    assert_error("# tracer: nop\n#\n", "no events");
}

static void sniffer_claims_ftrace_only(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        SniffScore score;
    } cases[] = {
        {"# tracer: nop\n#\n", SNIFF_LIKELY},
        {"version = 6\ncpus=4\n", SNIFF_LIKELY},
        {"  Web Content-2711  [003] d... 26186.336632: sched_waking: comm=Timer\n", SNIFF_LIKELY},
        {" 0)   1.382 us    |          __might_sleep();\n", SNIFF_LIKELY},
        {"      trace.dat: cpus=28\n", SNIFF_LIKELY},
        {"inst:   bash-1 [000] 1.5: x: a=1\n", SNIFF_LIKELY},
        /* perf script: "comm pid [cpu] seconds: event:", no '-' before the pid */
        {"            perf  1234 [001] 12345.678901: sched:sched_switch: prev_comm=perf\n", SNIFF_NO},
        {" kworker/u4:1-ev  1234 [001] 12345.678901:     250000 cpu-clock:\n", SNIFF_NO},
        {"# ========\n# captured on: x\n          swapper     0 [000] 1.000001: cycles:\n", SNIFF_NO},
        {"sleep 9/9 [001] 1.5: cpu-clock:\n", SNIFF_NO},
        {"timestamp,cpu,class,event,pid,tid,process\n1,0,COMM,X,1,1,a\n", SNIFF_NO},
        {"1 2 3 4\n5 6 7\n", SNIFF_NO},
        {"", SNIFF_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ftrace_sniff(cases[i].text, strlen(cases[i].text)) != cases[i].score)
            fail_msg("case %zu: '%s' sniffed %d", i, cases[i].text,
                     (int)ftrace_sniff(cases[i].text, strlen(cases[i].text)));
}

static void stats_on_a_fixture(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", FT "tc-trace-android-sched-irq.txt");
    assert_status(r, 0);
    assert_contains(r.out, "sched_switch");
    assert_contains(r.out, "139"); /* grep -c ' \[[0-9]*\] ' */
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernel_trace_with_flags),
        cmocka_unit_test(key_by_prev_state),
        cmocka_unit_test(trace_cmd_report_without_flags),
        cmocka_unit_test(comm_with_spaces_and_dashes),
        cmocka_unit_test(function_tracer_keys_per_function),
        cmocka_unit_test(trace_cmd_plugins_and_function_graph),
        cmocka_unit_test(function_graph_positions),
        cmocka_unit_test(function_graph_task_switch),
        cmocka_unit_test(old_syscall_events_and_markers),
        cmocka_unit_test(trace_cmd_prefixes),
        cmocka_unit_test(malformed_lines_are_errors),
        cmocka_unit_test(sniffer_claims_ftrace_only),
        cmocka_unit_test(stats_on_a_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
