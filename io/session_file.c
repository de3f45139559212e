/* DeepLog session files: one session a line, space-separated positive integer keys; key k has
 * id k-1. Trailing spaces, CRLF and a missing final newline are normal input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "trace.h"

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

bool trace_load_sessions(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                         Error *err)
{
    FILE *fp;
    if (!text_open(path, &fp, err) || !trace_begin(t, path, TRACE_FORMAT_SESSIONS, err))
        return false;
    char *line = NULL;
    size_t line_cap = 0, line_no = 0;
    ssize_t len;
    bool ok = true;
    while (ok && (len = getline(&line, &line_cap, fp)) >= 0) {
        line_no++;
        if (opt->cancel && *opt->cancel) {
            ok = error_set(err, "%s: interrupted", path);
            break;
        }
        if (line_no == 1)
            len = (ssize_t)text_skip_bom(line, (size_t)len);
        ok = parse_session(t, vocab, line_no, line, text_trim_newline(line, (size_t)len), err);
    }
    if (ok && ferror(fp))
        ok = error_set(err, "%s: read error: %s", path, strerror(errno));
    if (ok && t->n_events == 0)
        ok = error_set(err, "%s: no sessions: the file is empty", path);
    free(line);
    fclose(fp);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}
