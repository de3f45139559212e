/* DeepLog session files: one session a line, space-separated positive integer keys; key k has
 * id k-1. Trailing spaces, CRLF and a missing final newline are normal input. */
#include "session_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "text.h"

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
} SessionReader;

static bool session_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    SessionReader *r = ctx;
    return parse_session(r->t, r->vocab, line_no, line, len, err);
}

bool sessions_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                   Meanings *meanings, Error *err)
{
    (void)meanings;
    const char *path = in->path;
    if (!trace_begin(t, path, TRACE_FORMAT_SESSIONS, err))
        return false;
    SessionReader r = {.t = t, .vocab = vocab};
    bool ok = lines_read(in, opt, session_line, &r, err);
    if (ok && t->n_events == 0)
        ok = error_set(err, "%s: no sessions: the file is empty", path);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}
