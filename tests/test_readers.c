/* The readers' table and the one pass over an input: each reader knows its own format from the
 * first bytes, and a trace read through a pipe, a FIFO or standard input is the trace read from
 * the file, event for event. */
#include "test_util.h"

#include <lzma.h>
#include <signal.h>
#include <zlib.h>
#include <zstd.h>

#include "test_load.h"

/* ---- inputs ------------------------------------------------------------------------------ */

/* Longer than the sniffing prefix and than a pipe's buffer; a BOM, CRLF, quoted fields with
 * commas and newlines, one of them across the end of the prefix, and no final newline. */
static char *csv_text(size_t *len, size_t *events)
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
static char *sessions_text(size_t *len, size_t *events)
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
static void write_pieces(int fd, const char *data, size_t len)
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
static pid_t start_writer(int fd, const char *fifo, const char *data, size_t len)
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

static void wait_writer(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
}

/* Loads data written to a file (ROUTE_FILE, whose path is file) or fed through a pipe (as
 * /dev/fd/N), a FIFO, or standard input (as "-"). */
static Loaded *load_via(Route route, const char *file, const char *data, size_t len,
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
static void assert_same_trace(const Loaded *a, const Loaded *b, const char *how)
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
        assert_string_equal(strpool_get(&s->names, s->name_id[e]), strpool_get(&t->names, t->name_id[e]));
    }
    assert_memory_equal(s->time, t->time, s->n_events * sizeof *s->time);
    assert_memory_equal(s->cpu, t->cpu, s->n_events * sizeof *s->cpu);
    assert_memory_equal(s->pid, t->pid, s->n_events * sizeof *s->pid);
    assert_memory_equal(s->tid, t->tid, s->n_events * sizeof *s->tid);
    assert_int_equal(vocab_size(&a->vocab), vocab_size(&b->vocab));
    assert_int_equal(meanings_count(&a->meanings), meanings_count(&b->meanings));
    assert_int_equal(s->session_name == NULL, t->session_name == NULL);
    for (size_t i = 0; s->session_name && i < s->n_sessions; i++)
        assert_string_equal(strpool_get(&s->names, s->session_name[i]),
                            strpool_get(&t->names, t->session_name[i]));
}

static void every_route_gives_the_file(const char *name, const char *data, size_t len,
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

typedef struct Progress {
    uint64_t done, total;
    int calls;
} Progress;

static void on_progress(uint64_t done, uint64_t total, void *ctx)
{
    Progress *p = ctx;
    assert_true(done > p->done);
    p->done = done;
    p->total = total;
    p->calls++;
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

/* ---- compressed inputs ------------------------------------------------------------------- */

typedef enum Codec { GZIP, XZ, ZSTD } Codec;
static const char *codec_name[] = {"gzip", "xz", "zstd"};

/* data compressed into a new buffer, made with the libraries so the tests need no tools; appended
 * to *out (of *out_len bytes), so that calls in a row make concatenated members or frames. */
static void compress_append(Codec codec, const char *data, size_t len, char **out, size_t *out_len)
{
    size_t cap = len + len / 2 + 1024;
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    size_t made = 0;
    if (codec == GZIP) {
        z_stream z = {0};
        assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)len;
        z.next_out = buf;
        z.avail_out = (uInt)cap;
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        made = z.total_out;
        deflateEnd(&z);
    } else if (codec == XZ) {
        assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)data, len,
                                                 buf, &made, cap), LZMA_OK);
    } else {
        /* with a checksum, so that a changed byte is always found */
        ZSTD_CCtx *c = ZSTD_createCCtx();
        assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
        made = ZSTD_compress2(c, buf, cap, data, len);
        assert_false(ZSTD_isError(made));
        ZSTD_freeCCtx(c);
    }
    *out = realloc(*out, *out_len + made);
    assert_non_null(*out);
    memcpy(*out + *out_len, buf, made);
    *out_len += made;
    free(buf);
}

static char *compressed(Codec codec, const char *data, size_t len, size_t *out_len)
{
    char *out = NULL;
    *out_len = 0;
    compress_append(codec, data, len, &out, out_len);
    return out;
}

/* text, compressed with each codec, loads as the text does from every route (a file, a pipe, a
 * FIFO, standard input): the decompressed bytes, not the file name, choose the reader. */
static void compressed_gives_the_text(const char *text, size_t len, TraceFormat format, size_t events)
{
    Loaded *plain = load_with(write_bytes("plain", text, len), (TraceOptions){0});
    if (!plain->ok)
        fail_msg("%s", plain->err.msg);
    assert_int_equal(plain->trace.format, format);
    assert_int_equal(plain->trace.n_events, events);
    for (Codec codec = GZIP; codec <= ZSTD; codec++) {
        size_t n;
        char *data = compressed(codec, text, len, &n);
        const char *file = write_bytes("compressed.trace", data, n); /* no telling suffix */
        for (Route route = ROUTE_FILE; route <= ROUTE_STDIN; route++) {
            Loaded *l = load_via(route, file, data, n, (TraceOptions){0});
            char how[64];
            snprintf(how, sizeof how, "%s (%s)", route_name[route], codec_name[codec]);
            assert_same_trace(plain, l, how);
            loaded_free(l);
        }
        free(data);
    }
    loaded_free(plain);
}

static void compressed_csv_and_sessions_load_as_their_text(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    compressed_gives_the_text(text, len, TRACE_FORMAT_CSV, events);
    free(text);
    text = sessions_text(&len, &events);
    compressed_gives_the_text(text, len, TRACE_FORMAT_SESSIONS, events);
    free(text);
    /* shorter than the prefix: the decompressed input ends while it is read ahead */
    compressed_gives_the_text("event\nA\nB\n", 10, TRACE_FORMAT_CSV, 2);
    compressed_gives_the_text("1 2\n3", 5, TRACE_FORMAT_SESSIONS, 3);
}

/* `cat a.gz b.gz`, pzstd's frames and xz streams one after another are one input, split here
 * mid-line and with an empty member between. */
static void concatenated_members_and_frames_load_fully(void **state)
{
    (void)state;
    size_t len, events;
    char *text = sessions_text(&len, &events);
    Loaded *plain = load_with(write_bytes("whole.txt", text, len), (TraceOptions){0});
    assert_true(plain->ok);
    for (Codec codec = GZIP; codec <= ZSTD; codec++) {
        char *data = NULL;
        size_t n = 0, cut = len / 3 + 7;
        compress_append(codec, text, cut, &data, &n);
        compress_append(codec, "", 0, &data, &n);
        compress_append(codec, text + cut, len - cut, &data, &n);
        const char *file = write_bytes("members", data, n);
        for (Route route = ROUTE_FILE; route <= ROUTE_PIPE; route++) {
            Loaded *l = load_via(route, file, data, n, (TraceOptions){0});
            assert_same_trace(plain, l, codec_name[codec]);
            loaded_free(l);
        }
        free(data);
    }
    loaded_free(plain);
    free(text);
}

static void assert_load_fails(const char *name, const char *data, size_t n, const char *codec,
                              const char *what)
{
    const char *file = write_bytes(name, data, n);
    Loaded *l = load_with(file, (TraceOptions){0});
    assert_false(l->ok);
    char expected[600];
    snprintf(expected, sizeof expected, "%s: %s data is %s", file, codec, what);
    assert_contains(l->err.msg, expected);
    loaded_free(l);
}

/* A cut, a changed byte or data after the end is an error naming the file and what is wrong,
 * whether it shows in the prefix or long after. */
static void truncated_or_corrupt_compressed_input_is_named(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    for (Codec codec = GZIP; codec <= ZSTD; codec++) {
        size_t n;
        char *data = compressed(codec, text, len, &n);
        assert_load_fails("cut-late", data, n - 9, codec_name[codec], "truncated");
        assert_load_fails("cut-early", data, 20, codec_name[codec], "truncated");
        data[n / 2] ^= 0x55;
        assert_load_fails("changed", data, n, codec_name[codec], "corrupt");
        free(data);
    }
    size_t n;
    char *data = compressed(GZIP, text, len, &n);
    data = realloc(data, n + 8);
    memcpy(data + n, "garbage!", 8);
    assert_load_fails("trailing", data, n + 8, "gzip", "corrupt");
    free(data);
    free(text);
}

/* Progress counts the compressed bytes against the compressed file's size (on_progress checks
 * that it only grows), and a cancelled load stops with its own code. */
static void compressed_progress_and_cancellation(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    for (Codec codec = GZIP; codec <= ZSTD; codec++) {
        size_t n;
        char *data = compressed(codec, text, len, &n);
        const char *file = write_bytes("progress.gz", data, n);
        /* through a pipe, whose short reads can leave the last bytes for after the last text */
        for (Route route = ROUTE_FILE; route <= ROUTE_PIPE; route++) {
            Progress p = {0};
            TraceOptions opt = {.progress = on_progress, .progress_ctx = &p};
            Loaded *l = load_via(route, file, data, n, opt);
            assert_true(l->ok);
            assert_int_equal(p.done, n);
            assert_int_equal(p.total, route == ROUTE_FILE ? n : 0);
            loaded_free(l);
        }
        Loaded *l;
        CancelFlag cancel = 1;
        l = load_with(file, (TraceOptions){.cancel = &cancel});
        assert_false(l->ok);
        assert_int_equal(l->err.code, ERROR_INTERRUPTED);
        loaded_free(l);
        free(data);
    }
    free(text);
}

/* ---- the binary ---------------------------------------------------------------------------- */

/* Runs traceaid with its standard input fed from data through a pipe; returns its stdout. */
static char *run_with_stdin(const char *data, size_t len, const char *arg1, const char *arg2,
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
static void the_binary_reads_compressed_standard_input(void **state)
{
    (void)state;
    size_t len, events;
    char *text = csv_text(&len, &events);
    RunResult r = run_traceaid("stats", "--csv", write_bytes("cli-plain.csv", text, len));
    assert_status(r, 0);
    for (Codec codec = GZIP; codec <= ZSTD; codec++) {
        size_t n;
        char *data = compressed(codec, text, len, &n);
        char *piped = run_with_stdin(data, n, "stats", "--csv", "-");
        assert_string_equal(after_first_line(r.out), after_first_line(piped));
        free(piped);
        free(data);
    }
    run_result_free(&r);
    free(text);
}

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
        cmocka_unit_test(compressed_csv_and_sessions_load_as_their_text),
        cmocka_unit_test(concatenated_members_and_frames_load_fully),
        cmocka_unit_test(truncated_or_corrupt_compressed_input_is_named),
        cmocka_unit_test(compressed_progress_and_cancellation),
        cmocka_unit_test(the_binary_reads_dash_and_dev_stdin),
        cmocka_unit_test(the_binary_reads_compressed_standard_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
