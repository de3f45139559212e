#include "meanings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void meanings_init(Meanings *m)
{
    memset(m, 0, sizeof *m);
    strpool_init(&m->keys);
    strpool_init(&m->texts);
}

void meanings_free(Meanings *m)
{
    strpool_free(&m->keys);
    strpool_free(&m->texts);
    free(m->text_id);
    memset(m, 0, sizeof *m);
}

bool meanings_set(Meanings *m, const char *key, size_t key_len, const char *text, size_t text_len,
                  Error *err)
{
    uint32_t key_id, text_id;
    if (!strpool_intern(&m->keys, key, key_len, &key_id, err) ||
        !strpool_intern(&m->texts, text, text_len, &text_id, err))
        return false;
    if (key_id >= m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 64;
        while (cap <= key_id)
            cap *= 2;
        uint32_t *grown = realloc(m->text_id, cap * sizeof *grown);
        if (!grown)
            return error_set_code(err, ERROR_NOMEM, "out of memory reading meanings");
        m->text_id = grown;
        m->cap = cap;
    }
    m->text_id[key_id] = text_id;
    return true;
}

const char *meanings_get(const Meanings *m, const char *key)
{
    int64_t key_id = strpool_find(&m->keys, key, strlen(key));
    return key_id < 0 ? NULL : strpool_get(&m->texts, m->text_id[key_id]);
}

static bool parse_line(Meanings *m, const char *path, size_t line_no, char *line, size_t len,
                       Error *err)
{
    len = text_trim_newline(line, len);
    if (len == 0 || line[0] == '#')
        return true;
    if (memchr(line, '\0', len))
        return error_set(err, "%s:%zu: binary data (a NUL byte) in a meanings file", path, line_no);
    size_t bad = text_invalid_utf8(line, len);
    if (bad < len)
        return error_set(err, "%s:%zu:%zu: invalid UTF-8", path, line_no, bad + 1);
    char *tab = memchr(line, '\t', len);
    if (!tab)
        return error_set(err, "%s:%zu: expected KEY<TAB>meaning, found no tab", path, line_no);
    size_t key_len = (size_t)(tab - line);
    if (key_len == 0)
        return error_set(err, "%s:%zu:1: empty key before the tab", path, line_no);
    const char *text = tab + 1;
    size_t text_len = len - key_len - 1;
    if (!meanings_set(m, line, key_len, text, text_len, err))
        return error_prefix(err, "%s:%zu: ", path, line_no);
    return true;
}

typedef enum LineRead { LINE_READ, LINE_END, LINE_FAILED } LineRead;

/* One line (its newline kept) into *buf, at most MEANINGS_MAX_LINE bytes. getline cannot tell
 * out of memory from end of file and grows without bound (/dev/zero is one endless line), so
 * the line is read here: the end of the file, a read error and a line too long are each told. */
static LineRead read_line(FILE *fp, const char *path, size_t line_no, char **buf, size_t *cap,
                          size_t *len, Error *err)
{
    *len = 0;
    int c;
    while ((c = getc(fp)) != EOF) {
        if (*len == MEANINGS_MAX_LINE) {
            error_set(err, "%s:%zu: a line longer than %d bytes", path, line_no, MEANINGS_MAX_LINE);
            return LINE_FAILED;
        }
        if (*len + 1 >= *cap) {
            size_t grown_cap = *cap ? *cap * 2 : 256;
            char *grown = realloc(*buf, grown_cap);
            if (!grown) {
                error_set_code(err, ERROR_NOMEM, "%s:%zu: out of memory", path, line_no);
                return LINE_FAILED;
            }
            *buf = grown;
            *cap = grown_cap;
        }
        (*buf)[(*len)++] = (char)c;
        if (c == '\n')
            break;
    }
    if (ferror(fp)) {
        error_set_code(err, errno == ENOMEM ? ERROR_NOMEM : ERROR_IO, "%s:%zu: read error: %s",
                       path, line_no, strerror(errno));
        return LINE_FAILED;
    }
    if (*len == 0)
        return LINE_END;
    (*buf)[*len] = '\0';
    return LINE_READ;
}

bool meanings_load(Meanings *m, const char *path, Error *err)
{
    FILE *fp = NULL;
    if (!text_open(path, &fp, err))
        return false;
    char *line = NULL;
    size_t line_cap = 0, line_no = 0, len;
    bool ok = true;
    LineRead got = LINE_END;
    while (ok && (got = read_line(fp, path, line_no + 1, &line, &line_cap, &len, err)) == LINE_READ) {
        line_no++;
        if (line_no == 1)
            len = text_skip_bom(line, len);
        ok = parse_line(m, path, line_no, line, len, err);
    }
    ok = ok && got != LINE_FAILED;
    free(line);
    fclose(fp);
    return ok;
}
