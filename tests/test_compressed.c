/* Compressed inputs: gzip, xz and zstd, known by their magic number and read as the text they
 * hold, by file, pipe, FIFO and standard input; concatenated members and frames; cut, changed or
 * trailing data named as such; progress over the compressed bytes; Ctrl-C. */
#include "test_inputs.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compressed_csv_and_sessions_load_as_their_text),
        cmocka_unit_test(concatenated_members_and_frames_load_fully),
        cmocka_unit_test(truncated_or_corrupt_compressed_input_is_named),
        cmocka_unit_test(compressed_progress_and_cancellation),
        cmocka_unit_test(the_binary_reads_compressed_standard_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
