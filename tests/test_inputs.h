/* What the tests of the readers' one pass over an input share: the inputs (a CSV trace and a
 * session file longer than the sniffing prefix), loading one through a file, a pipe, a FIFO or
 * standard input, progress, and the binary fed through a pipe. */
#ifndef TRACEAID_TEST_INPUTS_H
#define TRACEAID_TEST_INPUTS_H

#include "test_util.h"

#include <signal.h>

#include "test_load.h"

/* ---- inputs ------------------------------------------------------------------------------ */

/* Longer than the sniffing prefix and than a pipe's buffer; a BOM, CRLF, quoted fields with
 * commas and newlines, one of them across the end of the prefix, and no final newline. */
static inline char *csv_text(size_t *len, size_t *events)
{
    size_t cap = 1u << 20, o = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    o += (size_t)sprintf(s + o, "\xEF\xBB\xBFtimestamp,cpu,class,event,pid,tid,process,detail\r\n");
    size_t n = 0;
    for (int i = 0; o < 4000; i++, n++)
        o += (size_t)sprintf(s + o, "%d,%d,COMM,SND_MESSAGE,%d,%d,fcs,x\n", i, i % 4, 100 + i % 3, i % 7);
    o += (size_t)sprintf(s + o, "4000,1,THREAD,THREADY,7,7,\"across, the\n%0200d\nprefix\",y\n", 0);
    for (int i = 0; o < 300000; i++, n++)
        o += (size_t)sprintf(s + o, "%d,%d,%s,%s,%d,%d,%s,\"a=%d, b=\"\"%d\"\"\"%s", 5000 + i, i % 4,
                             i % 5 ? "COMM" : "INT", i % 3 ? "REC_PULSE" : "INT_ENTR", 100 + i % 9,
                             i % 13, i % 2 ? "devi-imu" : "procnto", i, i * 7, i % 11 ? "\n" : "\r\n");
    o += (size_t)sprintf(s + o, "999999,0,COMM,LAST,1,1,end,z");
    *len = o;
    *events = n + 2;
    return s;
}

/* Sessions of many lengths, CRLF, blank lines, a line of 30,000 keys (longer than a chunk) and
 * no final newline. */
static inline char *sessions_text(size_t *len, size_t *events)
{
    size_t cap = 1u << 20, o = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = 0;
    for (int i = 0; o < 200000; i++) {
        if (i == 500)
            for (int k = 0; k < 30000; k++, n++)
                o += (size_t)sprintf(s + o, "%d ", k % 29 + 1);
        for (int k = 0; k < i * 7 % 50 + 1; k++, n++)
            o += (size_t)sprintf(s + o, "%s%d", k ? " " : "", (i * 31 + k * 17) % 40 + 1);
        o += (size_t)sprintf(s + o, "%s", i % 9 == 0 ? " \r\n" : i % 17 == 0 ? "\n\n" : "\n");
    }
    o += (size_t)sprintf(s + o, "3 1 4 1 5");
    *len = o;
    *events = n + 5;
    return s;
}

/* ---- reading one input in each of the ways it can come ----------------------------------- */

typedef enum Route { ROUTE_FILE, ROUTE_PIPE, ROUTE_FIFO, ROUTE_STDIN } Route;
static const char *route_name[] = {"file", "pipe", "FIFO", "standard input"};

/* Writes in pieces of odd sizes, so that the reader's reads often come back short. */
static inline void write_pieces(int fd, const char *data, size_t len)
{
    size_t piece = 1;
    for (size_t o = 0; o < len;) {
        size_t n = len - o < piece ? len - o : piece;
        ssize_t w = write(fd, data + o, n);
        if (w <= 0)
            _exit(1);
        o += (size_t)w;
        piece = piece * 3 % 8191 + 1;
    }
}

/* A child that writes data to fd (or, when fifo is set, to the FIFO it opens) and exits. */
static inline pid_t start_writer(int fd, const char *fifo, const char *data, size_t len)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (fifo)
            fd = open(fifo, O_WRONLY);
        if (fd < 0)
            _exit(1);
        write_pieces(fd, data, len);
        close(fd);
        _exit(0); /* not exit: the parent's atexit handlers are the parent's */
    }
    return pid;
}

static inline void wait_writer(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
}

/* Loads data written to a file (ROUTE_FILE, whose path is file) or fed through a pipe (as
 * /dev/fd/N), a FIFO, or standard input (as "-"). */
static inline Loaded *load_via(Route route, const char *file, const char *data, size_t len,
                        TraceOptions opt)
{
    if (route == ROUTE_FILE)
        return load_with(file, opt);
    alarm(60); /* a reader that opens the input twice waits forever on a FIFO */
    Loaded *l;
    if (route == ROUTE_FIFO) {
        const char *fifo = test_path("trace.fifo");
        unlink(fifo);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        pid_t writer = start_writer(-1, fifo, data, len);
        l = load_with(fifo, opt);
        wait_writer(writer);
        unlink(fifo);
    } else {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t writer = start_writer(fds[1], NULL, data, len);
        close(fds[1]);
        if (route == ROUTE_PIPE) {
            char path[32];
            snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
            l = load_with(path, opt);
        } else {
            int saved = dup(STDIN_FILENO);
            assert_true(saved >= 0);
            assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
            l = load_with("-", opt);
            assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
            close(saved);
        }
        close(fds[0]);
        wait_writer(writer);
    }
    alarm(0);
    return l;
}

/* The same events, keys, names and sessions; only the path may differ. */
static inline void assert_same_trace(const Loaded *a, const Loaded *b, const char *how)
{
    if (!b->ok)
        fail_msg("through a %s: %s", how, b->err.msg);
    const Trace *s = &a->trace, *t = &b->trace;
    assert_int_equal(s->format, t->format);
    assert_int_equal(s->structured_log, t->structured_log);
    assert_int_equal(s->n_events, t->n_events);
    assert_int_equal(s->n_sessions, t->n_sessions);
    assert_memory_equal(s->session_start, t->session_start, (s->n_sessions + 1) * sizeof *s->session_start);
    for (size_t e = 0; e < s->n_events; e++) {
        assert_string_equal(vocab_name(&a->vocab, s->key_id[e]), vocab_name(&b->vocab, t->key_id[e]));
        assert_string_equal(strpool_get(&s->names, trace_name_id(s, e)), strpool_get(&t->names, trace_name_id(t, e)));
    }
    for (size_t e = 0; e < s->n_events; e++) {
        assert_int_equal(trace_time(s, e), trace_time(t, e));
        assert_int_equal(trace_cpu(s, e), trace_cpu(t, e));
        assert_int_equal(trace_pid(s, e), trace_pid(t, e));
        assert_int_equal(trace_tid(s, e), trace_tid(t, e));
    }
    assert_int_equal(vocab_size(&a->vocab), vocab_size(&b->vocab));
    assert_int_equal(meanings_count(&a->meanings), meanings_count(&b->meanings));
    assert_int_equal(s->session_name == NULL, t->session_name == NULL);
    for (size_t i = 0; s->session_name && i < s->n_sessions; i++)
        assert_string_equal(strpool_get(&s->names, s->session_name[i]),
                            strpool_get(&t->names, t->session_name[i]));
}

static inline void every_route_gives_the_file(const char *name, const char *data, size_t len,
                                       TraceOptions opt, TraceFormat format, size_t events)
{
    const char *file = write_bytes(name, data, len);
    Loaded *from_file = load_via(ROUTE_FILE, file, data, len, opt);
    if (!from_file->ok)
        fail_msg("%s", from_file->err.msg);
    assert_int_equal(from_file->trace.format, format);
    assert_int_equal(from_file->trace.n_events, events);
    for (Route route = ROUTE_PIPE; route <= ROUTE_STDIN; route++) {
        Loaded *l = load_via(route, file, data, len, opt);
        assert_same_trace(from_file, l, route_name[route]);
        loaded_free(l);
    }
    loaded_free(from_file);
}

typedef struct Progress {
    uint64_t done, total;
    int calls;
} Progress;

static inline void on_progress(uint64_t done, uint64_t total, void *ctx)
{
    Progress *p = ctx;
    assert_true(done > p->done);
    p->done = done;
    p->total = total;
    p->calls++;
}

/* ---- the binary ---------------------------------------------------------------------------- */

/* Runs traceaid with its standard input fed from data through a pipe; returns its stdout. */
static inline char *run_with_stdin(const char *data, size_t len, const char *arg1, const char *arg2,
                            const char *arg3)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const char *out_path = test_path("piped-stdout.txt");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(fds[0], STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(traceaid_bin(), traceaid_bin(), arg1, arg2, arg3, (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    pid_t writer = start_writer(fds[1], NULL, data, len);
    close(fds[1]);
    wait_writer(writer);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    return slurp(out_path);
}

/* stats --csv names the input on its first line; the counts follow. */
static const char *after_first_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    assert_non_null(nl);
    return nl + 1;
}

#endif
