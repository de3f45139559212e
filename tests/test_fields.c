/* Event fields: stored small and given back exactly; --key built from them; fields split into
 * name/value pairs as perf and ftrace print them; seconds read into nanoseconds exactly. */
#include "test_util.h"

#include "../io/fields.h"
#include "../io/text.h"
#include "../io/trace_event.h"

static void texts_come_back_exactly(void **state)
{
    (void)state;
    static const char *texts[] = {
        "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/u4:1 next_pid=123 next_prio=120",
        "comm=perf pid=4411 runtime=1234567 [ns] vruntime=98765432101234 [ns]",
        "hrtimer=0xffff9e5b3fc8a0e8 function=tick_sched_timer expires=18446744073709551615 now=0",
        "irq=1 name=i8042 leading=007 hex=0x00ff upper=0xFFFF neg=-5 big=123456789012345678901234",
        "", "\x01\x02\x03\x04 control bytes \x01", "ends with a number 42", "0x", "0xg 1x x1 _1 1_",
        "ip=0xffffffff813b9957 max=0xffffffffffffffff top=0x8000000000000000 below=0x7fffffffffffffff",
    };
#define N_TEXTS (sizeof texts / sizeof texts[0])
    FieldStore f;
    fields_init(&f);
    Error err;
    size_t n = 3000; /* across many blocks */
    for (size_t i = 0; i < n; i++) {
        const char *t = texts[i % N_TEXTS];
        assert_true(fields_append(&f, i % 2 ? "sched:sched_switch" : "irq", i % 2 ? 18 : 3, t,
                                  strlen(t), &err));
    }
    fields_shrink(&f);
    char out[256];
    for (size_t i = n; i-- > 0;) {
        const char *event;
        size_t len = fields_get(&f, i, &event, out, sizeof out);
        assert_string_equal(out, texts[i % N_TEXTS]);
        assert_int_equal(len, strlen(texts[i % N_TEXTS]));
        assert_string_equal(event, i % 2 ? "sched:sched_switch" : "irq");
    }
    /* cut to the buffer, NUL-terminated, the full length returned */
    const char *event;
    assert_int_equal(fields_get(&f, 1, &event, out, 10), strlen(texts[1]));
    assert_string_equal(out, "comm=perf");
    assert_int_equal(fields_get(&f, n, &event, out, sizeof out), 0);
    assert_string_equal(event, "");
    /* the repeated shapes cost a few bytes an event, not their text */
    assert_true(f.len < n * 16);
    fields_free(&f);
}

/* Records moved to new places (a log's events grouped into sessions) give back, at each place,
 * the text and event name of the record moved there, across blocks. */
static void permuted_records_move_whole(void **state)
{
    (void)state;
    FieldStore f;
    fields_init(&f);
    Error err = {0};
    size_t n = 1000;
    size_t *dest = malloc(n * sizeof *dest);
    char text[64], out[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "record %zu of 0x%zx%s", i, i * 7, i % 3 ? " \x01 escaped" : "");
        assert_true(fields_append(&f, i % 2 ? "odd" : "even", i % 2 ? 3 : 4, text, strlen(text), &err));
        dest[i] = (i * 337) % n; /* 337 is prime to 1000: a permutation */
    }
    assert_true(fields_permute(&f, dest, &err));
    assert_int_equal(f.n_records, n);
    for (size_t i = 0; i < n; i++) {
        const char *event;
        snprintf(text, sizeof text, "record %zu of 0x%zx%s", i, i * 7, i % 3 ? " \x01 escaped" : "");
        fields_get(&f, dest[i], &event, out, sizeof out);
        assert_string_equal(out, text);
        assert_string_equal(event, i % 2 ? "odd" : "even");
    }
    free(dest);
    fields_free(&f);
}

static void fields_split_as_printed(void **state)
{
    (void)state;
    TraceField fl[16];
    const char *t = "prev_comm=Web Content prev_pid=12 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120";
    size_t n = event_split_fields(t, strlen(t), fl, 16);
    assert_int_equal(n, 7);
    assert_int_equal(fl[0].value_len, strlen("Web Content"));
    assert_memory_equal(fl[0].value, "Web Content", fl[0].value_len);
    assert_int_equal(fl[3].name_len, strlen("prev_state"));
    assert_memory_equal(fl[3].value, "S", fl[3].value_len);
    assert_int_equal(fl[3].value_len, 1);
    assert_memory_equal(fl[4].name, "next_comm", fl[4].name_len);
    t = "comm=a pid=1 runtime=5 [ns]";
    n = event_split_fields(t, strlen(t), fl, 16);
    assert_int_equal(n, 3);
    assert_int_equal(fl[2].value_len, strlen("5 [ns]"));
    assert_int_equal(event_split_fields("no fields here", 14, fl, 16), 0);
    assert_int_equal(event_split_fields("a=1 b=2 c=3", 11, fl, 2), 2);
}

static Trace *trace_with_events(const char *key, Vocab *vocab, Error *err, bool *ok)
{
    static Trace t;
    assert_true(trace_begin(&t, "x.txt", TRACE_FORMAT_PERF, err));
    TraceOptions opt = {.key_cols = key};
    EventWriter w;
    *ok = event_writer_init(&w, &t, vocab, &opt, err);
    const char *texts[] = {"prev_comm=a prev_pid=1 prev_state=S ==> next_comm=b next_pid=2",
                           "irq=1 name=eth0", "prev_comm=b prev_pid=2 prev_state=R ==> next_comm=a next_pid=1"};
    const char *names[] = {"sched:sched_switch", "irq:irq_handler_entry", "sched:sched_switch"};
    for (int i = 0; *ok && i < 3; i++) {
        TraceField fl[8];
        TraceEvent ev = {.time = i * 1000, .cpu = 1, .pid = 10 + i, .tid = 10 + i, .comm = "bash",
                         .comm_len = 4, .name = names[i], .name_len = strlen(names[i]),
                         .text = texts[i], .text_len = strlen(texts[i]), .fields = fl};
        ev.n_fields = event_split_fields(texts[i], strlen(texts[i]), fl, 8);
        *ok = event_writer_add(&w, &ev, err);
    }
    *ok = *ok && trace_end_session(&t, err) && event_writer_finish(&w, err);
    event_writer_free(&w);
    return &t;
}

static void key_joins_named_parts(void **state)
{
    (void)state;
    Vocab vocab;
    vocab_init(&vocab);
    Error err;
    bool ok;
    Trace *t = trace_with_events("event,prev_state", &vocab, &err, &ok);
    assert_true(ok);
    assert_string_equal(vocab_name(&vocab, t->key_id[0]), "sched:sched_switch/S");
    assert_string_equal(vocab_name(&vocab, t->key_id[1]), "irq:irq_handler_entry");
    assert_string_equal(vocab_name(&vocab, t->key_id[2]), "sched:sched_switch/R");
    char text[128];
    const char *event;
    trace_event_fields(t, 1, &event, text, sizeof text);
    assert_string_equal(event, "irq:irq_handler_entry");
    assert_string_equal(text, "irq=1 name=eth0");
    trace_free(t);
    vocab_free(&vocab);

    vocab_init(&vocab);
    t = trace_with_events("comm,cpu,next_comm", &vocab, &err, &ok);
    assert_true(ok);
    assert_string_equal(vocab_name(&vocab, t->key_id[0]), "bash/1/b");
    assert_string_equal(vocab_name(&vocab, t->key_id[1]), "bash/1");
    trace_free(t);
    vocab_free(&vocab);

    vocab_init(&vocab);
    t = trace_with_events("next_comm", &vocab, &err, &ok); /* an irq has none: its name */
    assert_true(ok);
    assert_string_equal(vocab_name(&vocab, t->key_id[1]), "irq:irq_handler_entry");
    trace_free(t);
    vocab_free(&vocab);
}

static void key_errors_name_the_part(void **state)
{
    (void)state;
    Vocab vocab;
    vocab_init(&vocab);
    Error err;
    bool ok;
    Trace *t = trace_with_events("event,prev_stat", &vocab, &err, &ok);
    assert_false(ok);
    assert_non_null(strstr(err.msg, "no event has a field 'prev_stat'"));
    trace_free(t);
    t = trace_with_events("event,,pid", &vocab, &err, &ok);
    assert_false(ok);
    assert_non_null(strstr(err.msg, "empty name"));
    trace_free(t);
    t = trace_with_events("event,pid,event", &vocab, &err, &ok);
    assert_false(ok);
    assert_non_null(strstr(err.msg, "'event' is named twice"));
    assert_int_equal(err.code, ERROR_USAGE);
    trace_free(t);
    vocab_free(&vocab);
}

static void seconds_to_nanoseconds(void **state)
{
    (void)state;
    int64_t ns;
    assert_true(text_parse_seconds_ns("12345.678901", 12, &ns));
    assert_true(ns == 12345678901000LL);
    assert_true(text_parse_seconds_ns("1.123456789", 11, &ns));
    assert_true(ns == 1123456789LL);
    assert_true(text_parse_seconds_ns("7", 1, &ns));
    assert_true(ns == 7000000000LL);
    assert_false(text_parse_seconds_ns("1.", 2, &ns));
    assert_false(text_parse_seconds_ns(".5", 2, &ns));
    assert_false(text_parse_seconds_ns("1.0000000001", 12, &ns)); /* past ns */
    assert_false(text_parse_seconds_ns("99999999999999999999", 20, &ns));
    assert_false(text_parse_seconds_ns("-1.5", 4, &ns));
    assert_false(text_parse_seconds_ns("", 0, &ns));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(texts_come_back_exactly),
        cmocka_unit_test(permuted_records_move_whole),
        cmocka_unit_test(fields_split_as_printed),
        cmocka_unit_test(key_joins_named_parts),
        cmocka_unit_test(key_errors_name_the_part),
        cmocka_unit_test(seconds_to_nanoseconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
