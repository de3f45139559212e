/* DeepLog session files: one session a line, space-separated positive integer keys; key k has
 * id k-1. Trailing spaces, CRLF and a missing final newline are normal input. */
#include "session_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define SESSION_CHUNK (64u << 10)

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool bad_key(const char *path, size_t line_no, size_t col, const char *tok, size_t len,
                    Error *err)
{
    char shown[256];
    return error_set(err, "%s:%zu:%zu: '%s' is not a log key (keys are integers from 1)", path,
                     line_no, col, text_excerpt(shown, sizeof shown, tok, len));
}

static bool parse_key(const char *path, size_t line_no, size_t col, const char *tok, size_t len,
                      uint32_t *key, Error *err)
{
    uint64_t value = 0;
    for (size_t i = 0; i < len; i++) {
        if (tok[i] < '0' || tok[i] > '9')
            return bad_key(path, line_no, col, tok, len, err);
        value = value * 10 + (uint64_t)(tok[i] - '0');
        if (value > VOCAB_MAX_SESSION_KEY)
            return error_set(err, "%s:%zu:%zu: key %.*s is larger than %u", path, line_no, col,
                             (int)len, tok, VOCAB_MAX_SESSION_KEY);
    }
    if (value == 0)
        return error_set(err, "%s:%zu:%zu: key 0: session keys start at 1", path, line_no, col);
    *key = (uint32_t)value;
    return true;
}

static bool parse_session(Trace *t, Vocab *vocab, size_t line_no, const char *line, size_t len,
                          Error *err)
{
    size_t i = 0, n_keys = 0;
    while (i < len) {
        if (is_blank(line[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && !is_blank(line[i]))
            i++;
        uint32_t key = 0, key_id;
        if (!parse_key(t->path, line_no, start + 1, line + start, i - start, &key, err) ||
            !vocab_session_key(vocab, key, &key_id, err) ||
            !trace_append(t, key_id, (int64_t)n_keys, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0,
                          err))
            return false;
        n_keys++;
    }
    return n_keys == 0 || trace_end_session(t, err);
}

/* A session file's first non-blank line holds only integers and blanks; a CSV header holds
 * column names. */
SniffScore sessions_sniff(const char *prefix, size_t len)
{
    bool seen_digit = false;
    for (size_t i = 0; i < len; i++) {
        char c = prefix[i];
        if (c == '\n' && seen_digit)
            return SNIFF_LIKELY;
        if (c >= '0' && c <= '9')
            seen_digit = true;
        else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return SNIFF_NO;
    }
    return seen_digit ? SNIFF_LIKELY : SNIFF_NO;
}

typedef struct SessionReader {
    Trace *t;
    Vocab *vocab;
    const TraceOptions *opt;
    Error *err;
    size_t line_no;
    char *carry;                /* a line begun in an earlier chunk */
    size_t carry_len, carry_cap;
} SessionReader;

static bool session_line(SessionReader *r, const char *line, size_t len)
{
    r->line_no++;
    if (r->opt->cancel && *r->opt->cancel)
        return error_set_code(r->err, ERROR_INTERRUPTED, "%s: interrupted", r->t->path);
    return parse_session(r->t, r->vocab, r->line_no, line, text_trim_newline(line, len), r->err);
}

static bool carry_append(SessionReader *r, const char *s, size_t len)
{
    if (r->carry_len + len > r->carry_cap) {
        size_t cap = r->carry_cap ? r->carry_cap : 256;
        while (cap < r->carry_len + len)
            cap *= 2;
        char *grown = realloc(r->carry, cap);
        if (!grown)
            return error_set_code(r->err, ERROR_NOMEM, "%s: out of memory", r->t->path);
        r->carry = grown;
        r->carry_cap = cap;
    }
    memcpy(r->carry + r->carry_len, s, len);
    r->carry_len += len;
    return true;
}

/* Splits a chunk into lines; the last, unfinished one waits in carry for the next chunk. */
static bool session_chunk(SessionReader *r, const char *p, const char *end)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return carry_append(r, p, (size_t)(end - p));
        size_t len = (size_t)(nl + 1 - p);
        if (r->carry_len) {
            if (!carry_append(r, p, len) || !session_line(r, r->carry, r->carry_len))
                return false;
            r->carry_len = 0;
        } else if (!session_line(r, p, len)) {
            return false;
        }
        p = nl + 1;
    }
    return true;
}

bool sessions_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                   Meanings *meanings, Error *err)
{
    (void)meanings;
    const char *path = in->path;
    if (text_cr_line_ends(in->prefix, in->prefix_len))
        return error_set(err, CR_LINE_ENDS_MESSAGE, path);
    if (!trace_begin(t, path, TRACE_FORMAT_SESSIONS, err))
        return false;
    SessionReader r = {.t = t, .vocab = vocab, .opt = opt, .err = err};
    char *buf = malloc(SESSION_CHUNK);
    bool ok = buf || error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    uint64_t done = 0; /* input_consumed as last reported */
    bool first = true;
    ssize_t n = 0;
    while (ok && (n = input_read(in, buf, SESSION_CHUNK)) > 0) {
        size_t skip = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = false;
        /* A compressed input's decoder may give several chunks from the same bytes. */
        if (opt->progress && input_consumed(in) > done) {
            done = input_consumed(in);
            opt->progress(done, in->size, opt->progress_ctx);
        }
        ok = session_chunk(&r, buf + skip, buf + n);
    }
    /* A compressed input's last bytes (its trailer) can be read after its last text. */
    if (ok && n == 0 && opt->progress && input_consumed(in) > done)
        opt->progress(input_consumed(in), in->size, opt->progress_ctx);
    if (ok && n < 0)
        ok = errno == EINTR ? error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", path)
                            : input_read_error(in, err);
    if (ok && r.carry_len) /* the last line, without a final newline */
        ok = session_line(&r, r.carry, r.carry_len);
    if (ok && t->n_events == 0)
        ok = error_set(err, "%s: no sessions: the file is empty", path);
    free(r.carry);
    free(buf);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}
