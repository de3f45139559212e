/* trace-cmd's trace.dat through libtracecmd: the records of every buffer (the top one and the
 * instances', "trace-cmd record -B"), merged in time order, each printed as the kernel's trace
 * file prints it (ftrace's own events as `trace-cmd report` does) and read by the ftrace text
 * reader's line parser (io/ftrace_line.c). So a trace gives the same keys as its text, and the
 * same fields as the kernel's text of it, with times in full ns.
 *
 * libtracecmd opens files by name: an input that is not the regular file itself (standard input,
 * a pipe, a compressed file) is copied to a temporary file first, removed after. */
#include "trace_dat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "ftrace.h"
#include "input_file.h"

#define DAT_MAGIC "\x17\x08\x44tracing"
#define DAT_MAGIC_LEN 10

SniffScore trace_dat_sniff(const char *prefix, size_t len)
{
    return len >= DAT_MAGIC_LEN && memcmp(prefix, DAT_MAGIC, DAT_MAGIC_LEN) == 0 ? SNIFF_SURE
                                                                                : SNIFF_NO;
}

typedef struct DatReader {
    const char *path;
    EventWriter w;
    GraphStacks *stacks;
    FtraceRow row;
    struct trace_seq line;
    Error *err;
    bool failed;
} DatReader;

/* The record as `trace-cmd report` prints it, read back by the ftrace line parser; a record it
 * cannot read is kept with its event's name and its printed text. */
static int dat_record(struct tracecmd_input *handle, struct tep_record *record, int cpu,
                      void *ctx)
{
    DatReader *r = ctx;
    cpu = record->cpu; /* the callback's cpu counts across all the buffers' CPUs */
    struct tep_handle *tep = tracecmd_get_tep(handle);
    struct tep_event *event = tep_find_event_by_record(tep, record);
    int pid = tep_data_pid(tep, record);
    const char *comm = tep_data_comm_from_pid(tep, pid);
    const char *name = event ? event->name : "unknown";
    /* trace-cmd's plugins print ftrace's own events (function, function_graph) as its report
     * does; a tracepoint prints with its kernel print format, as the kernel's trace file shows
     * it, so its name=value fields are there for --key (the sched_switch plugin's layout has
     * none) */
    if (event && event->system && strcmp(event->system, "ftrace") != 0)
        event->flags |= TEP_EVENT_FL_NOHANDLE;
    trace_seq_reset(&r->line);
    trace_seq_printf(&r->line, "%s-%d [%03d] %llu.%06llu: %s: ", comm ? comm : "<...>", pid, cpu,
                     record->ts / 1000000000ull, record->ts % 1000000000ull / 1000, name);
    size_t info = r->line.len;
    if (event)
        tep_print_event(tep, &r->line, record, "%s", TEP_PRINT_INFO);
    trace_seq_terminate(&r->line);
    FtraceBad bad;
    FtraceParse p = ftrace_parse_event(r->line.buffer, r->line.len, r->stacks, &r->row, &bad);
    if (p == FTRACE_SKIP)
        return 0;
    if (p != FTRACE_EVENT) {
        memset(&r->row.ev, 0, sizeof r->row.ev);
        r->row.ev.name = name;
        r->row.ev.name_len = strlen(name);
        r->row.ev.text = r->line.buffer + info;
        r->row.ev.text_len = r->line.len - info;
        r->row.ev.fields = r->row.fields;
        r->row.ev.n_fields = event_split_fields(r->row.ev.text, r->row.ev.text_len, r->row.fields,
                                                FTRACE_MAX_FIELDS);
        r->row.ev.comm = comm ? comm : "";
        r->row.ev.comm_len = strlen(r->row.ev.comm);
        r->row.ev.tid = TRACE_NO_ID;
    }
    r->row.ev.time = (int64_t)record->ts; /* in full, not the printed microseconds */
    r->row.ev.cpu = cpu >= 0 && cpu < TRACE_NO_CPU ? (uint16_t)cpu : TRACE_NO_CPU;
    r->row.ev.pid = pid;
    if (!event_writer_add(&r->w, &r->row.ev, r->err)) {
        r->failed = true;
        return 1; /* stops the iteration */
    }
    return 0;
}

/* Reads every buffer of the file at file (the input's own path or its temporary copy). */
static bool read_dat(DatReader *r, const char *file)
{
    tracecmd_set_loglevel(TEP_LOG_NONE);
    struct tracecmd_input *top = tracecmd_open(file, 0);
    if (!top)
        return error_set(r->err, "%s: libtracecmd cannot read this trace.dat (damaged, cut short, "
                         "or a version it does not know)", r->path);
    int n_instances = tracecmd_buffer_instances(top);
    if (n_instances < 0)
        n_instances = 0;
    struct tracecmd_input **handles = calloc((size_t)n_instances + 1, sizeof *handles);
    bool ok = handles != NULL || error_set(r->err, "%s: out of memory", r->path);
    int n_handles = 0;
    if (ok) {
        handles[n_handles++] = top;
        for (int i = 0; i < n_instances; i++) {
            struct tracecmd_input *h = tracecmd_buffer_instance_handle(top, i);
            if (h)
                handles[n_handles++] = h;
        }
        trace_seq_init(&r->line);
        tracecmd_iterate_events_multi(handles, n_handles, dat_record, r);
        trace_seq_destroy(&r->line);
        ok = !r->failed;
    }
    for (int i = n_handles; i-- > 1;)
        tracecmd_close(handles[i]);
    tracecmd_close(top);
    free(handles);
    return ok;
}

bool trace_dat_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                    Meanings *meanings, Error *err)
{
    (void)meanings;
    const char *path = in->path;
    if (!trace_begin(t, path, TRACE_FORMAT_TRACE_DAT, err))
        return false;
    DatReader *r = calloc(1, sizeof *r);
    InputFile file = {.temporary = false};
    bool ok = r ? true : error_set(err, "%s: out of memory", path);
    if (ok) {
        r->path = t->path;
        r->err = err;
        r->stacks = graph_stacks_new();
        ok = r->stacks ? event_writer_init(&r->w, t, vocab, opt, err)
                       : error_set(err, "%s: out of memory", path);
    }
    if (ok && trace_dat_sniff(in->prefix, in->prefix_len) != SNIFF_SURE)
        ok = error_set(err, "%s: not a trace.dat (it does not start with trace-cmd's magic "
                       "\\x17\\x08\\x44tracing)", path);
    ok = ok && input_file(&file, in, "libtracecmd", err) && read_dat(r, file.path) &&
         event_writer_finish(&r->w, err);
    input_file_release(&file);
    t->timed = true;
    if (r) {
        event_writer_free(&r->w);
        graph_stacks_free(r->stacks);
        free(r);
    }
    return trace_end_load(t, ok, "the trace.dat holds no records", err);
}
