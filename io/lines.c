#include "lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define LINES_CHUNK (64u << 10)

typedef struct LineReader {
    const char *path;
    const TraceOptions *opt;
    LineFn fn;
    void *ctx;
    Error *err;
    size_t line_no;
    char *carry; /* a line begun in an earlier chunk */
    size_t carry_len, carry_cap;
} LineReader;

static bool one_line(LineReader *r, const char *line, size_t len)
{
    r->line_no++;
    if (r->opt->cancel && *r->opt->cancel)
        return error_set_code(r->err, ERROR_INTERRUPTED, "%s: interrupted", r->path);
    return r->fn(r->ctx, r->line_no, line, text_trim_newline(line, len), r->err);
}

static bool carry_append(LineReader *r, const char *s, size_t len)
{
    if (r->carry_len + len > r->carry_cap) {
        size_t cap = r->carry_cap ? r->carry_cap : 256;
        while (cap < r->carry_len + len)
            cap *= 2;
        char *grown = realloc(r->carry, cap);
        if (!grown)
            return error_set_code(r->err, ERROR_NOMEM, "%s: out of memory", r->path);
        r->carry = grown;
        r->carry_cap = cap;
    }
    memcpy(r->carry + r->carry_len, s, len);
    r->carry_len += len;
    return true;
}

/* Splits a chunk into lines; the last, unfinished one waits in carry for the next chunk. */
static bool split_chunk(LineReader *r, const char *p, const char *end)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return carry_append(r, p, (size_t)(end - p));
        size_t len = (size_t)(nl + 1 - p);
        if (r->carry_len) {
            if (!carry_append(r, p, len) || !one_line(r, r->carry, r->carry_len))
                return false;
            r->carry_len = 0;
        } else if (!one_line(r, p, len)) {
            return false;
        }
        p = nl + 1;
    }
    return true;
}

bool lines_read(InputStream *in, const TraceOptions *opt, LineFn fn, void *ctx, Error *err)
{
    const char *path = in->path;
    if (text_cr_line_ends(in->prefix, in->prefix_len))
        return error_set(err, CR_LINE_ENDS_MESSAGE, path);
    LineReader r = {.path = path, .opt = opt, .fn = fn, .ctx = ctx, .err = err};
    char *buf = malloc(LINES_CHUNK);
    bool ok = buf || error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    uint64_t done = 0; /* input_consumed as last reported */
    bool first = true;
    ssize_t n = 0;
    while (ok && (n = input_read(in, buf, LINES_CHUNK)) > 0) {
        size_t skip = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = false;
        /* A compressed input's decoder may give several chunks from the same bytes. */
        if (opt->progress && input_consumed(in) > done) {
            done = input_consumed(in);
            opt->progress(done, in->size, opt->progress_ctx);
        }
        ok = split_chunk(&r, buf + skip, buf + n);
    }
    /* A compressed input's last bytes (its trailer) can be read after its last text. */
    if (ok && n == 0 && opt->progress && input_consumed(in) > done)
        opt->progress(input_consumed(in), in->size, opt->progress_ctx);
    if (ok && n < 0)
        ok = errno == EINTR ? error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", path)
                            : input_read_error(in, err);
    if (ok && r.carry_len) /* the last line, without a final newline */
        ok = one_line(&r, r.carry, r.carry_len);
    free(r.carry);
    free(buf);
    return ok;
}
