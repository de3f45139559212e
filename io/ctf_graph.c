/* Reading CTF traces through a babeltrace2 graph: one source.ctf.fs per trace folder, all into a
 * filter.utils.muxer (which orders their events by time), into a simple sink of ours that turns
 * each event message into a TraceEvent. The graph is run one step at a time so Ctrl-C is
 * honoured between steps. babeltrace2's errors become ours, naming the folder and babeltrace2's
 * root cause. */
#include "ctf.h"
#include "ctf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct CtfSink {
    Trace *t;
    EventWriter writer;
    CtfConverter conv;
    const char *path;           /* as given, for messages */
    bool first, timed;
    const TraceOptions *opt;
    int64_t begin, end;         /* progress: the streams' time range (ns), from babeltrace2 */
    uint64_t bytes_total;       /* ... shown as that share of the stream files' bytes, which
                                 * also bound the events a trace can hold */
    Error *err;
    bool failed;                /* err is set by us, not by babeltrace2 */
} CtfSink;

/* babeltrace2's error on this thread as ours: its root cause (the first one appended), which
 * says what is wrong with the trace; the causes above it name babeltrace2's components. */
static bool take_bt_error(const char *path, const char *what, Error *err)
{
    const bt_error *e = bt_current_thread_take_error();
    if (!e)
        return error_set(err, "%s: %s", path, what);
    uint64_t n = bt_error_get_cause_count(e);
    const char *root = n ? bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, 0)) : "";
    error_set(err, "%s: %s: %s", path, what, root);
    bt_error_release(e);
    return false;
}

static bt_graph_simple_sink_component_initialize_func_status sink_init(bt_message_iterator *it,
                                                                       void *data)
{
    (void)it;
    (void)data;
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bool sink_event(CtfSink *s, const bt_message *msg)
{
    /* Every event takes at least a bit of a stream file. Metadata that declares events of no
     * size (no header, no payload) makes libbabeltrace2 give the same event for ever. */
    if (s->t->n_events >= 8 * s->bytes_total)
        return error_set(s->err, "%s: more events than its stream files have bits (%zu from %llu "
                                 "bytes): its metadata declares events that take no room",
                         s->path, s->t->n_events, (unsigned long long)s->bytes_total);
    TraceEvent ev;
    bool has_time;
    if (!ctf_convert_event(&s->conv, msg, &ev, &has_time, s->err))
        return error_prefix(s->err, "%s: event %zu: ", s->path, s->t->n_events + 1);
    if (s->first) {
        s->timed = has_time;
        s->first = false;
    } else if (has_time != s->timed) {
        return error_set(s->err, "%s: event %zu (%.*s) %s a timestamp and earlier events %s",
                         s->path, s->t->n_events + 1, (int)ev.name_len, ev.name,
                         has_time ? "has" : "has no", has_time ? "have none" : "have one");
    }
    if (!has_time)
        ev.time = (int64_t)s->t->n_events; /* a trace without a clock: events in order */
    if (s->opt->progress && s->end > s->begin && s->t->n_events % 4096 == 0 && has_time) {
        double share = (double)(ev.time - s->begin) / (double)(s->end - s->begin);
        share = share < 0 ? 0 : share > 1 ? 1 : share;
        s->opt->progress((uint64_t)(share * (double)s->bytes_total), s->bytes_total, s->opt->progress_ctx);
    }
    return event_writer_add(&s->writer, &ev, s->err);
}

static bt_graph_simple_sink_component_consume_func_status sink_consume(bt_message_iterator *it,
                                                                       void *data)
{
    CtfSink *s = data;
    bt_message_array_const msgs;
    uint64_t count;
    switch (bt_message_iterator_next(it, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    bool ok = true;
    for (uint64_t i = 0; i < count; i++) {
        if (ok && bt_message_get_type(msgs[i]) == BT_MESSAGE_TYPE_EVENT)
            ok = sink_event(s, msgs[i]);
        bt_message_put_ref(msgs[i]);
    }
    if (!ok) {
        s->failed = true;
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static const bt_plugin *find_plugin(const char *name, const char *path, Error *err)
{
    const bt_plugin *plugin = NULL;
    /* the system plugin folder and built-in plugins only: not $BABELTRACE_PLUGIN_PATH nor
     * ~/.local, so what reads a trace does not depend on who runs traceaid */
    if (bt_plugin_find(name, BT_FALSE, BT_FALSE, BT_TRUE, BT_TRUE, BT_TRUE, &plugin) !=
            BT_PLUGIN_FIND_STATUS_OK) {
        bt_current_thread_clear_error();
        error_set(err, "%s: babeltrace2's '%s' plugin is not installed (Debian: libbabeltrace2-0 "
                       "puts it in /usr/lib/<arch>/babeltrace2/plugins)", path, name);
        return NULL;
    }
    return plugin;
}

/* Widens [s->begin, s->end] by the streams' ranges that ctf.fs's babeltrace.trace-infos query
 * gives for dir; on any failure progress is just not shown. */
static void add_range(CtfSink *s, const bt_component_class_source *cls, const char *dir)
{
    bt_value *params = bt_value_map_create(), *inputs = NULL;
    const bt_value *infos = NULL;
    bt_query_executor *q = NULL;
    if (params && bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) == BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
        bt_value_array_append_string_element(inputs, dir) == BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK &&
        (q = bt_query_executor_create(bt_component_class_source_as_component_class_const(cls),
                                      "babeltrace.trace-infos", params)) &&
        bt_query_executor_query(q, &infos) == BT_QUERY_EXECUTOR_QUERY_STATUS_OK &&
        bt_value_is_array(infos)) {
        for (uint64_t i = 0; i < bt_value_array_get_length(infos); i++) {
            const bt_value *streams = bt_value_map_borrow_entry_value_const(
                bt_value_array_borrow_element_by_index_const(infos, i), "stream-infos");
            for (uint64_t j = 0; streams && bt_value_is_array(streams) && j < bt_value_array_get_length(streams); j++) {
                const bt_value *range = bt_value_map_borrow_entry_value_const(
                    bt_value_array_borrow_element_by_index_const(streams, j), "range-ns");
                const bt_value *b = range ? bt_value_map_borrow_entry_value_const(range, "begin") : NULL;
                const bt_value *e = range ? bt_value_map_borrow_entry_value_const(range, "end") : NULL;
                if (!b || !e || !bt_value_is_signed_integer(b) || !bt_value_is_signed_integer(e))
                    continue;
                int64_t begin = bt_value_integer_signed_get(b), end = bt_value_integer_signed_get(e);
                if (s->end <= s->begin || begin < s->begin)
                    s->begin = begin;
                if (end > s->end)
                    s->end = end;
            }
        }
    }
    bt_current_thread_clear_error();
    bt_value_put_ref(infos);
    bt_query_executor_put_ref(q);
    bt_value_put_ref(params);
}

static bool add_source(bt_graph *g, const bt_component_class_source *cls, const char *dir,
                       size_t i, const bt_component_source **src)
{
    bt_value *params = bt_value_map_create(), *inputs = NULL;
    char name[32];
    snprintf(name, sizeof name, "src%zu", i);
    bool ok = params &&
              bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) == BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK &&
              bt_value_array_append_string_element(inputs, dir) == BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK &&
              bt_graph_add_source_component(g, cls, name, params, BT_LOGGING_LEVEL_NONE, src) ==
                  BT_GRAPH_ADD_COMPONENT_STATUS_OK;
    bt_value_put_ref(params);
    return ok;
}

/* Each of the source's output ports (one per stream) into the muxer's free input port. */
static bool connect_source(bt_graph *g, const bt_component_source *src, const bt_component_filter *mux)
{
    uint64_t n = bt_component_source_get_output_port_count(src);
    for (uint64_t i = 0; i < n; i++) {
        const bt_port_output *out = bt_component_source_borrow_output_port_by_index_const(src, i);
        uint64_t n_in = bt_component_filter_get_input_port_count(mux);
        const bt_port_input *in = n_in ? bt_component_filter_borrow_input_port_by_index_const(mux, n_in - 1) : NULL;
        if (!in || bt_port_is_connected(bt_port_input_as_port_const(in)) ||
            bt_graph_connect_ports(g, out, in, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
            return false;
    }
    return true;
}

static bool build_graph(bt_graph *g, const CtfDirs *dirs, const char *path, CtfSink *s, Error *err)
{
    const bt_plugin *ctf = find_plugin("ctf", path, err), *utils = ctf ? find_plugin("utils", path, err) : NULL;
    const bt_component_class_source *fs = ctf ? bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs") : NULL;
    const bt_component_class_filter *muxer = utils ? bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer") : NULL;
    bool ok = fs && muxer;
    if (ctf && utils && !ok)
        error_set(err, "%s: babeltrace2's ctf plugin has no 'fs' source or utils no 'muxer'", path);
    const bt_component_filter *mux = NULL;
    if (ok && bt_graph_add_filter_component(g, muxer, "muxer", NULL, BT_LOGGING_LEVEL_NONE, &mux) !=
                  BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        ok = take_bt_error(path, "cannot make babeltrace2's muxer", err);
    for (size_t i = 0; ok && i < dirs->n; i++) {
        const bt_component_source *src = NULL;
        if (s->opt->progress)
            add_range(s, fs, dirs->path[i]);
        if (!add_source(g, fs, dirs->path[i], i, &src) || !connect_source(g, src, mux))
            ok = take_bt_error(dirs->path[i], "babeltrace2 cannot open this CTF trace", err);
    }
    const bt_component_sink *sink = NULL;
    if (ok && (bt_graph_add_simple_sink_component(g, "traceaid", sink_init, sink_consume, NULL, s, &sink) !=
                   BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
               bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_name_const(mux, "out"),
                                      bt_component_sink_borrow_input_port_by_name_const(sink, "in"),
                                      NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK))
        ok = take_bt_error(path, "cannot connect babeltrace2's graph", err);
    bt_plugin_put_ref(ctf);
    bt_plugin_put_ref(utils);
    return ok;
}

static bool run_graph(bt_graph *g, CtfSink *s, const TraceOptions *opt, Error *err)
{
    for (;;) {
        if (opt->cancel && *opt->cancel)
            return error_interrupted(err);
        switch (bt_graph_run_once(g)) {
        case BT_GRAPH_RUN_ONCE_STATUS_OK:
        case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
            break;
        case BT_GRAPH_RUN_ONCE_STATUS_END:
            return true;
        case BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR:
            bt_current_thread_clear_error();
            return error_nomem(err);
        default:
            if (s->failed) {
                bt_current_thread_clear_error();
                return false;
            }
            return take_bt_error(s->path, "babeltrace2 cannot read this CTF trace", err);
        }
    }
}

static bool load_dirs(Trace *t, const char *path, const CtfDirs *dirs, const TraceOptions *opt,
                      Vocab *vocab, Error *err)
{
    CtfSink s = {.t = t, .path = path, .first = true, .opt = opt, .err = err};
    s.bytes_total = ctf_stream_bytes(dirs);
    if (!event_writer_init(&s.writer, t, vocab, opt, err))
        return false;
    bt_graph *g = bt_graph_create(0);
    bool ok = g ? build_graph(g, dirs, path, &s, err) && run_graph(g, &s, opt, err) : error_nomem(err);
    bt_graph_put_ref(g); /* before the sink's data goes */
    if (ok && opt->progress && s.end > s.begin)
        opt->progress(s.bytes_total, s.bytes_total, opt->progress_ctx);
    if (ok && t->n_events == 0)
        ok = error_set(err, "%s: no events: the CTF trace%s %s empty", path, dirs->n > 1 ? "s" : "",
                       dirs->n > 1 ? "are" : "is");
    ok = ok && event_writer_finish(&s.writer, err) && trace_end_session(t, err);
    t->timed = s.timed;
    event_writer_free(&s.writer);
    ctf_converter_free(&s.conv);
    return ok;
}

#define CTF2_UNREAD "CTF 2 metadata (JSON): the libbabeltrace2 traceaid is built with (%d.%d) " \
                    "reads CTF 1.8 only; babeltrace2 2.1 or later reads CTF 2"

static bool is_ctf2(const char *dir)
{
    char path[4200], head[64];
    snprintf(path, sizeof path, "%s/metadata", dir);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return ctf_metadata_is_ctf2(head, n);
}

bool ctf_load_dir(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                  Meanings *meanings, Error *err)
{
    (void)meanings;
    CtfDirs dirs;
    if (!ctf_find_traces(path, &dirs, err))
        return false;
    for (size_t i = 0; i < dirs.n; i++) {
        if (!ctf_check_metadata(dirs.path[i], err)) {
            ctf_dirs_free(&dirs);
            return false;
        }
        if (is_ctf2(dirs.path[i])) {
            error_set(err, "%s/metadata: " CTF2_UNREAD, dirs.path[i], (int)bt_version_get_major(),
                      (int)bt_version_get_minor());
            ctf_dirs_free(&dirs);
            return false;
        }
    }
    if (dirs.n == 0) {
        ctf_dirs_free(&dirs);
        return error_set(err, "%s: not a CTF trace: no 'metadata' file in it nor in the folders "
                              "below it (up to %d deep)", path, CTF_MAX_DEPTH);
    }
    bool ok = trace_begin(t, path, TRACE_FORMAT_CTF, err) && load_dirs(t, path, &dirs, opt, vocab, err);
    ctf_dirs_free(&dirs);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}

/* The metadata file given directly: its folder is the trace. */
bool ctf_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err)
{
    const char *path = in->path;
    if (ctf_metadata_is_ctf2(in->prefix, in->prefix_len))
        return error_set(err, "%s: " CTF2_UNREAD, path, (int)bt_version_get_major(), (int)bt_version_get_minor());
    char dir[4096];
    const char *slash = strrchr(path, '/');
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return error_set(err, "%s: CTF metadata: a CTF trace is read from its folder (the one "
                              "holding 'metadata' and the stream files), not from a pipe", path);
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return error_set(err, "%s: path too long", path);
    char metadata[4200];
    snprintf(metadata, sizeof metadata, "%s/metadata", dir);
    if (stat(metadata, &st) != 0)
        return error_set(err, "%s: CTF metadata, but not named 'metadata': babeltrace2 reads a "
                              "trace from its folder, where the metadata file is named 'metadata'",
                         path);
    return ctf_load_dir(t, dir, opt, vocab, meanings, err);
}
