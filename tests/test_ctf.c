/* The CTF / LTTng reader (io/ctf_*.c) on real traces (tests/fixtures/ctf/README.md), checked
 * against babeltrace2 2.0.4's own output: every figure below was taken from
 * `babeltrace2 --clock-seconds DIR` (event counts with `| wc -l`), as each comment says. */
#include "test_util.h"

#include "test_load.h"
#include "../io/ctf.h"

#define CTF FIXTURES_DIR "/ctf"
#define ROTATION CTF "/lttng-tracefile-rotation"

static TraceOptions options(const char *key)
{
    return (TraceOptions){.format = TRACE_FORMAT_AUTO, .key_cols = key};
}

static const char *key_of(const Loaded *l, size_t i)
{
    return vocab_name(&l->vocab, l->trace.key_id[i]);
}

static void assert_time_ordered(const Trace *t)
{
    for (size_t i = 1; i < t->n_events; i++)
        assert_true(trace_time(t, i) >= trace_time(t, i - 1));
}

/* babeltrace2 --clock-seconds lttng-tracefile-rotation | wc -l: 12305; first line
 * [1571261795.523067504] sched_waking { cpu_id = 3 }, last [1571261797.582611840] sched_wakeup
 * { cpu_id = 0 }. The trace has no contexts, so no ids. */
static void kernel_trace_counts_and_times(void **state)
{
    (void)state;
    Loaded *l = load_with(ROTATION, options(NULL));
    assert_true(l->ok);
    const Trace *t = &l->trace;
    assert_int_equal(t->format, TRACE_FORMAT_CTF);
    assert_true(t->timed);
    assert_int_equal(t->n_events, 12305);
    assert_int_equal(t->n_sessions, 1);
    assert_true(trace_time(t, 0) == 1571261795523067504LL);
    assert_true(trace_time(t, t->n_events - 1) == 1571261797582611840LL);
    assert_string_equal(key_of(l, 0), "sched_waking");
    assert_int_equal(trace_cpu(t, 0), 3);
    assert_string_equal(key_of(l, t->n_events - 1), "sched_wakeup");
    assert_int_equal(trace_cpu(t, t->n_events - 1), 0);
    assert_int_equal(trace_pid(t, 0), TRACE_NO_ID);
    assert_int_equal(trace_tid(t, 0), TRACE_NO_ID);
    assert_time_ordered(t); /* 4 CPUs' streams, 10 rotated files, merged */
    char text[512];
    const char *event;
    trace_event_fields(t, 0, &event, text, sizeof text);
    assert_string_equal(event, "sched_waking");
    assert_string_equal(text, "comm=lttng-consumerd tid=31407 prio=20 target_cpu=2");
    loaded_free(l);
}

/* The third line of babeltrace2's output:
 * [1571261795.523071732] (+0.000001557) smarchi-efficios sched_switch: { cpu_id = 2 },
 * { prev_comm = "swapper/2", prev_tid = 0, prev_prio = 20, prev_state = 0,
 *   next_comm = "lttng-consumerd", next_tid = 31407, next_prio = 20 } */
static void a_sched_switch_and_its_fields(void **state)
{
    (void)state;
    Loaded *l = load_with(ROTATION, options(NULL));
    assert_true(l->ok);
    const Trace *t = &l->trace;
    char text[512];
    const char *event;
    trace_event_fields(t, 2, &event, text, sizeof text);
    assert_string_equal(event, "sched_switch");
    assert_true(trace_time(t, 2) == 1571261795523071732LL);
    assert_int_equal(trace_cpu(t, 2), 2);
    assert_string_equal(text, "prev_comm=swapper/2 prev_tid=0 prev_prio=20 prev_state=0 "
                              "next_comm=lttng-consumerd next_tid=31407 next_prio=20");
    loaded_free(l);
}

static size_t count_key(const Loaded *l, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < l->trace.n_events; i++)
        n += strcmp(key_of(l, i), key) == 0;
    return n;
}

/* babeltrace2 lttng-tracefile-rotation | grep sched_switch | grep -o 'prev_state = [0-9]*' |
 * sort | uniq -c: 2296 × 0, 2060 × 1, 30 × 2, 6 × 128, 9 × 258, 277 × 1026, 9 × 4096. */
static void key_event_and_prev_state(void **state)
{
    (void)state;
    Loaded *l = load_with(ROTATION, options("event,prev_state"));
    assert_true(l->ok);
    assert_int_equal(count_key(l, "sched_switch/0"), 2296);
    assert_int_equal(count_key(l, "sched_switch/1"), 2060);
    assert_int_equal(count_key(l, "sched_switch/2"), 30);
    assert_int_equal(count_key(l, "sched_switch/128"), 6);
    assert_int_equal(count_key(l, "sched_switch/258"), 9);
    assert_int_equal(count_key(l, "sched_switch/1026"), 277);
    assert_int_equal(count_key(l, "sched_switch/4096"), 9);
    assert_int_equal(count_key(l, "sched_waking"), 2378); /* no prev_state: its name alone */
    loaded_free(l);
    l = load_with(ROTATION, options("event,prev_stat"));
    assert_false(l->ok); /* a misspelt field */
    loaded_free(l);
}

/* babeltrace2 --clock-seconds multi-domains: 4272 events; the first, lttng_test_filter_event at
 * [1565032541.344453871] (kernel/), the 273rd the first sample_component:message (ust/), the last
 * sample_component:message at [1565032799.183651078]. */
static void session_folder_kernel_and_ust(void **state)
{
    (void)state;
    Loaded *l = load_with(CTF "/multi-domains", options(NULL));
    assert_true(l->ok);
    const Trace *t = &l->trace;
    assert_int_equal(t->n_events, 4272);
    assert_true(trace_time(t, 0) == 1565032541344453871LL);
    assert_true(trace_time(t, t->n_events - 1) == 1565032799183651078LL);
    assert_string_equal(key_of(l, 0), "lttng_test_filter_event");
    assert_string_equal(key_of(l, 271), "lttng_test_filter_event");
    assert_string_equal(key_of(l, 272), "sample_component:message");
    assert_time_ordered(t);
    /* arrays, strings, enums with labels that hold spaces, a long bitfield array cut short */
    char text[8192];
    const char *event;
    trace_event_fields(t, 0, &event, text, sizeof text);
    assert_non_null(strstr(text, "intfield=0 intfield2=0x0 longfield=0 netintfield=0 netintfieldhex=0x0 "));
    assert_non_null(strstr(text, " arrfield1=[1, 2, 3] arrfield2=test "));
    assert_non_null(strstr(text, " stringfield2=\"\\\\*\" ")); /* the string is \* */
    assert_non_null(strstr(text, " bitfield_seq=[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ... 192 items] "));
    assert_non_null(strstr(text, " enum0=\"AUTO: EXPECT 0\" enum23=\"VALUE: 23\" "));
    trace_event_fields(t, 272, &event, text, sizeof text);
    assert_string_equal(text, "message=\"Hello World\"");
    loaded_free(l);
}

static void copy_tree(const char *from, const char *to)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s'/. '%s'", to, from, to);
    assert_int_equal(system(cmd), 0);
}

/* An LTTng session laid out as lttng writes it (kernel/, ust/uid/1000/64-bit/), here the same
 * UST trace twice: babeltrace2 sess prints 40 events, each timestamp twice in a row. */
static void session_traces_merged_in_time_order(void **state)
{
    (void)state;
    copy_tree(CTF "/wk-heartbeat-u", test_path("sess/kernel"));
    copy_tree(CTF "/wk-heartbeat-u", test_path("sess/ust/uid/1000/64-bit"));
    Loaded *l = load_with(test_path("sess"), options(NULL));
    assert_true(l->ok);
    const Trace *t = &l->trace;
    assert_int_equal(t->n_events, 40);
    for (size_t i = 0; i < t->n_events; i += 2)
        assert_true(trace_time(t, i) == trace_time(t, i + 1));
    assert_time_ordered(t);
    loaded_free(l);
}

/* babeltrace2 wk-heartbeat-u, first line: [1351532897.586558519] heartbeat:msg
 * { cpu_id = 2 }, { vtid = 3214, vpid = 3208 }, { msg = "heartbeat" }; 20 events.
 * context-switches-ust, first: [1450193697.034689597] lttng_ust_cyg_profile:func_entry
 * { cpu_id = 0 }, { procname = "lemon_server", vtid = 589 }, { addr = 0x804A291, ... }. */
static void ust_contexts_give_ids_and_comm(void **state)
{
    (void)state;
    Loaded *l = load_with(CTF "/wk-heartbeat-u", options(NULL));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 20);
    assert_true(trace_time(&l->trace, 0) == 1351532897586558519LL);
    assert_int_equal(trace_cpu(&l->trace, 0), 2);
    assert_int_equal(trace_tid(&l->trace, 0), 3214);
    assert_int_equal(trace_pid(&l->trace, 0), 3208);
    loaded_free(l);
    l = load_with(CTF "/context-switches-ust", options("event,comm"));
    assert_true(l->ok);
    const Trace *t = &l->trace;
    assert_int_equal(t->n_events, 3934); /* babeltrace2 context-switches-ust | wc -l */
    assert_true(trace_time(t, 0) == 1450193697034689597LL);
    assert_int_equal(trace_tid(t, 0), 589);
    assert_int_equal(trace_pid(t, 0), TRACE_NO_ID);
    assert_string_equal(strpool_get(&t->names, trace_name_id(t, 0)), "lemon_server");
    assert_string_equal(key_of(l, 0), "lttng_ust_cyg_profile:func_entry/lemon_server");
    char text[256];
    const char *event;
    trace_event_fields(t, 0, &event, text, sizeof text);
    assert_string_equal(text, "addr=0x804a291 call_site=0x8049f3f");
    loaded_free(l);
}

/* The metadata file given itself: the trace in its folder; through stdin: refused. */
static void the_metadata_file_and_stdin(void **state)
{
    (void)state;
    Loaded *l = load_with(ROTATION "/kernel/metadata", options(NULL));
    assert_true(l->ok);
    assert_int_equal(l->trace.n_events, 12305);
    loaded_free(l);
    int saved = dup(0);
    int fd = open(ROTATION "/kernel/metadata", O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 0);
    close(fd);
    l = load_with("-", options(NULL));
    dup2(saved, 0);
    close(saved);
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "a CTF trace is read from its folder"));
    loaded_free(l);
}

static void sniffing(void **state)
{
    (void)state;
    assert_int_equal(ctf_sniff("/* CTF 1.8 */\ntypealias", 22), SNIFF_SURE);
    assert_int_equal(ctf_sniff("\x57\x1d\xd1\x75\x83", 5), SNIFF_SURE);     /* little-endian */
    assert_int_equal(ctf_sniff("\x75\xd1\x1d\x57\x83", 5), SNIFF_SURE);     /* big-endian */
    assert_int_equal(ctf_sniff("\x1e{\n \"type\": \"preamble\"", 24), SNIFF_SURE); /* CTF 2 */
    assert_int_equal(ctf_sniff("time,cpu,event\n1,0,a\n", 21), SNIFF_NO);
    assert_int_equal(ctf_sniff("1 2 3\n4 5\n", 10), SNIFF_NO);
    assert_int_equal(ctf_sniff("/* CTF", 6), SNIFF_NO);
    assert_int_equal(ctf_sniff_dir(ROTATION), SNIFF_SURE);
    assert_int_equal(ctf_sniff_dir(ROTATION "/kernel"), SNIFF_SURE);
    assert_int_equal(ctf_sniff_dir(ROTATION "/kernel/index"), SNIFF_NO);
}

static void ctf2_and_folders_without_metadata(void **state)
{
    (void)state;
    Loaded *l = load_with(CTF "/ctf2-smalltrace", options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "ctf2-smalltrace/metadata: CTF 2 metadata (JSON)"));
    loaded_free(l);
    l = load_with(CTF "/ctf2-smalltrace/metadata", options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "CTF 2 metadata (JSON)"));
    loaded_free(l);
    const char *empty = test_path("no-metadata/kernel");
    copy_tree(ROTATION "/kernel/index", empty);
    l = load_with(test_path("no-metadata"), options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "no-metadata"));
    loaded_free(l);
    TraceOptions forced = options(NULL);
    forced.format = TRACE_FORMAT_CTF;
    l = load_with(ROTATION "/kernel/index/mychan_0_0.idx", forced);
    assert_false(l->ok); /* not a metadata file's folder... and not CTF metadata */
    loaded_free(l);
}

static void garble(const char *path, long offset, long len)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, offset, SEEK_SET);
    for (long i = 0; i < len; i++)
        fputc(0xff, fp);
    fclose(fp);
}

/* A stream file cut short or overwritten: babeltrace2's own cause, no crash.
 * babeltrace2 on the cut copy says "Failed to index CTF stream file '.../mychan_0_0'", on the
 * garbled one "No event class with ID of event class ID to use in stream class". */
static void corrupt_stream_files(void **state)
{
    (void)state;
    const char *cut = test_path("cut");
    copy_tree(ROTATION, cut);
    char stream[600];
    snprintf(stream, sizeof stream, "%s/kernel/mychan_0_0", cut);
    assert_int_equal(truncate(stream, 1000), 0);
    Loaded *l = load_with(cut, options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "cut/kernel: babeltrace2 cannot open this CTF trace: "
                                       "Failed to index CTF stream file"));
    loaded_free(l);
    const char *bad = test_path("garbled");
    copy_tree(ROTATION, bad);
    snprintf(stream, sizeof stream, "%s/kernel/mychan_1_0", bad);
    garble(stream, 2000, 3000);
    l = load_with(bad, options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "garbled: babeltrace2 cannot read this CTF trace: "
                                       "No event class with ID"));
    assert_int_equal(l->trace.n_events, 0);
    loaded_free(l);
    /* packetized metadata cut inside its packet (copied while LTTng still wrote it):
     * babeltrace2 2.0.4 loops for ever on it (timeout 20 babeltrace2 DIR: killed), found by
     * fuzzing; the reader checks the packets first */
    const char *short_metadata = test_path("short-metadata");
    copy_tree(CTF "/wk-heartbeat-u", short_metadata);
    char metadata[600];
    snprintf(metadata, sizeof metadata, "%s/metadata", short_metadata);
    assert_int_equal(truncate(metadata, 1742), 0);
    l = load_with(short_metadata, options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "short-metadata/metadata: metadata packet 1 at byte 0 is "
                                       "cut short: 4096 bytes, the file has 1742 left"));
    loaded_free(l);
}

/* Metadata whose only event has no header and no payload: libbabeltrace2 gives that event
 * for ever at the stream's first byte (babeltrace2 DIR prints it until killed), found by fuzzing;
 * the reader stops where the events outnumber the stream's bits. */
static void events_of_no_size(void **state)
{
    (void)state;
    const char *dir = test_path("no-size");
    assert_int_equal(mkdir(dir, 0755), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/metadata", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("/* CTF 1.8 */\n"
          "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
          "trace { major = 1; minor = 8; byte_order = le; };\n"
          "event { name = nothing; };\n", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/stream", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("0123456789abcdef", fp);
    fclose(fp);
    Loaded *l = load_with(dir, options(NULL));
    assert_false(l->ok);
    assert_non_null(strstr(l->err.msg, "no-size: more events than its stream files have bits "
                                       "(128 from 16 bytes)"));
    loaded_free(l);
}

typedef struct Progress {
    size_t calls;
    uint64_t last_done, total;
    bool went_back;
} Progress;

static void on_progress(uint64_t done, uint64_t total, void *ctx)
{
    Progress *p = ctx;
    p->went_back |= done < p->last_done;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

/* Progress is the share of the streams' time range (babeltrace2's trace-infos query) read, shown
 * as that share of the stream files' bytes (du -cb kernel/mychan_*: 557056). */
static void progress_follows_time(void **state)
{
    (void)state;
    Progress p = {0};
    TraceOptions opt = options(NULL);
    opt.progress = on_progress;
    opt.progress_ctx = &p;
    Loaded *l = load_with(ROTATION, opt);
    assert_true(l->ok);
    assert_true(p.total == 557056);
    assert_true(p.calls >= 3); /* every 4096 events, and at the end */
    assert_false(p.went_back);
    assert_true(p.last_done == p.total);
    loaded_free(l);
}

/* Ctrl-C (the cancel flag) stops the graph between two of its steps. */
static void cancel_stops_loading(void **state)
{
    (void)state;
    CancelFlag cancel = 1;
    TraceOptions opt = options(NULL);
    opt.cancel = &cancel;
    Loaded *l = load_with(ROTATION, opt);
    assert_false(l->ok);
    assert_int_equal(l->err.code, ERROR_INTERRUPTED);
    loaded_free(l);
}

static void the_binary_stats_a_trace_folder(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", ROTATION);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "sched_switch"));
    assert_non_null(strstr(r.out, "4,687")); /* babeltrace2 ... | grep -c sched_switch */
    assert_non_null(strstr(r.out, "12,305"));
    free(r.out);
    free(r.err);
    r = run_traceaid("stats", CTF "/ctf2-smalltrace");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "CTF 2"));
    free(r.out);
    free(r.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernel_trace_counts_and_times),
        cmocka_unit_test(a_sched_switch_and_its_fields),
        cmocka_unit_test(key_event_and_prev_state),
        cmocka_unit_test(session_folder_kernel_and_ust),
        cmocka_unit_test(session_traces_merged_in_time_order),
        cmocka_unit_test(ust_contexts_give_ids_and_comm),
        cmocka_unit_test(the_metadata_file_and_stdin),
        cmocka_unit_test(sniffing),
        cmocka_unit_test(ctf2_and_folders_without_metadata),
        cmocka_unit_test(corrupt_stream_files),
        cmocka_unit_test(events_of_no_size),
        cmocka_unit_test(progress_follows_time),
        cmocka_unit_test(cancel_stops_loading),
        cmocka_unit_test(the_binary_stats_a_trace_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
