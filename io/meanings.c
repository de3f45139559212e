#include "meanings.h"
#include "meanings_read.h"

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
    strpool_init(&m->noted);
    strpool_init(&m->files);
    warnings_init(&m->warnings);
}

void meanings_free(Meanings *m)
{
    strpool_free(&m->keys);
    strpool_free(&m->texts);
    free(m->text_id);
    strpool_free(&m->noted);
    strpool_free(&m->files);
    free(m->notes);
    free(m->given);
    warnings_free(&m->warnings);
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
    if (key_id < m->given_cap)
        m->given[key_id].file = 0; /* a phrase now, whatever it was before */
    return true;
}

bool meanings_set_template(Meanings *m, const char *key, size_t key_len, const char *text,
                           size_t text_len, const char *path, size_t line, Error *err)
{
    uint32_t file;
    if (!meanings_set(m, key, key_len, text, text_len, err) ||
        !strpool_intern(&m->files, path, strlen(path), &file, err))
        return false;
    uint32_t key_id = (uint32_t)strpool_find(&m->keys, key, key_len);
    if (key_id >= m->given_cap) {
        uint32_t cap = m->given_cap ? m->given_cap * 2 : 64;
        while (cap <= key_id)
            cap *= 2;
        TemplateNote *grown = realloc(m->given, cap * sizeof *grown);
        if (!grown)
            return error_set_code(err, ERROR_NOMEM, "out of memory reading meanings");
        memset(grown + m->given_cap, 0, (cap - m->given_cap) * sizeof *grown);
        m->given = grown;
        m->given_cap = cap;
    }
    m->given[key_id] = (TemplateNote){.text = m->text_id[key_id], .file = file + 1, .line = line};
    return true;
}

const char *meanings_get(const Meanings *m, const char *key)
{
    int64_t key_id = strpool_find(&m->keys, key, strlen(key));
    return key_id < 0 ? NULL : strpool_get(&m->texts, m->text_id[key_id]);
}

/* A template quoted in a warning: whole up to 80 bytes, else its start and "..." (cut where a
 * UTF-8 character begins). */
static void quote_template(char *out, size_t size, const char *text)
{
    size_t len = strlen(text), max = size - 6;
    if (len <= max) {
        snprintf(out, size, "\"%s\"", text);
        return;
    }
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    snprintf(out, size, "\"%.*s...\"", (int)max, text);
}

static bool warn_two_templates(Meanings *m, const char *key, const TemplateNote *first,
                               const char *text, const char *path, size_t line, bool by_template,
                               Error *err)
{
    char was[88], now[88];
    quote_template(was, sizeof was, strpool_get(&m->texts, first->text));
    quote_template(now, sizeof now, text);
    const char *was_file = strpool_get(&m->files, first->file);
    if (by_template)
        return warnings_add(&m->warnings, err, "templates %s (%s:%zu) and %s (%s:%zu) have the same "
                            "id %s (the first 8 hex digits of their MD5 collide): one key for both, "
                            "shown with the first", was, was_file, first->line, now, path, line, key);
    return warnings_add(&m->warnings, err, "key %s stands for two templates: %s (%s:%zu) and %s "
                        "(%s:%zu); keyed by EventId (--key EventId) they are one key, shown with "
                        "the first (without --key each template is a key of its own)", key, was,
                        was_file, first->line, now, path, line);
}

/* A key a templates file gave one template and a trace another: the file's is shown, which may
 * be another log's (EventIds of two systems), so it is said, naming both. */
static bool warn_file_template(Meanings *m, const char *key, const char *text, size_t text_len,
                               const char *path, size_t line, Error *err)
{
    int64_t key_id = strpool_find(&m->keys, key, strlen(key));
    if (key_id < 0 || (uint32_t)key_id >= m->given_cap || m->given[key_id].file == 0)
        return true;
    const TemplateNote *given = &m->given[key_id];
    const char *had = strpool_get(&m->texts, given->text);
    if (strlen(had) == text_len && memcmp(had, text, text_len) == 0)
        return true;
    if (m->file_listed++ >= MEANINGS_LISTED) {
        m->file_unlisted++;
        return true;
    }
    char *now = strndup(text, text_len);
    if (!now)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    char was[88], is[88];
    quote_template(was, sizeof was, had);
    quote_template(is, sizeof is, now);
    free(now);
    return warnings_add(&m->warnings, err, "key %s: the log's template %s (%s:%zu) is not the "
                        "templates file's %s (%s:%zu); shown with the file's", key, is, path, line,
                        was, strpool_get(&m->files, given->file - 1), given->line);
}

static bool add_note(Meanings *m, uint32_t note, const char *text, size_t text_len,
                     const char *path, size_t line, Error *err)
{
    if (note >= m->notes_cap) {
        uint32_t cap = m->notes_cap ? m->notes_cap * 2 : 64;
        TemplateNote *grown = realloc(m->notes, cap * sizeof *grown);
        if (!grown)
            return error_set_code(err, ERROR_NOMEM, "out of memory");
        m->notes = grown;
        m->notes_cap = cap;
    }
    TemplateNote *n = &m->notes[note];
    *n = (TemplateNote){.line = line};
    return strpool_intern(&m->texts, text, text_len, &n->text, err) &&
           strpool_intern(&m->files, path, strlen(path), &n->file, err);
}

static bool note_template(Meanings *m, const char *key, const char *text, size_t text_len,
                          const char *path, size_t line, bool by_template, Error *err)
{
    size_t key_len = strlen(key);
    int64_t found = strpool_find(&m->noted, key, key_len);
    if (found >= 0) {
        TemplateNote *first = &m->notes[found];
        const char *was = strpool_get(&m->texts, first->text);
        if (first->warned || (strlen(was) == text_len && memcmp(was, text, text_len) == 0))
            return true;
        first->warned = true;
        if (m->listed++ >= MEANINGS_LISTED) {
            m->unlisted++;
            return true;
        }
        char *now = strndup(text, text_len);
        if (!now)
            return error_set_code(err, ERROR_NOMEM, "out of memory");
        bool ok = warn_two_templates(m, key, first, now, path, line, by_template, err);
        free(now);
        return ok;
    }
    uint32_t note;
    if (!strpool_intern(&m->noted, key, key_len, &note, err) ||
        !add_note(m, note, text, text_len, path, line, err) ||
        !warn_file_template(m, key, text, text_len, path, line, err))
        return false;
    return meanings_get(m, key) || meanings_set(m, key, key_len, text, text_len, err);
}

bool meanings_note_template(Meanings *m, const char *key, const char *text, size_t text_len,
                            const char *path, size_t line, bool by_template, Error *err)
{
    size_t before = m->warnings.n;
    if (!note_template(m, key, text, text_len, path, line, by_template, err))
        return false;
    if (m->on_note)
        m->on_note(m->on_note_ctx, key, text, text_len, path, line, by_template, m->warnings.n - before);
    return true;
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
static LineRead read_line(MeaningsReader *fp, const char *path, size_t line_no, char **buf, size_t *cap,
                          size_t *len, Error *err)
{
    *len = 0;
    int c;
    while ((c = meanings_getc(fp)) != EOF) {
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
    if (fp->failed) {
        input_read_error(&fp->in, err); /* names the file */
        return LINE_FAILED;
    }
    if (*len == 0)
        return LINE_END;
    (*buf)[*len] = '\0';
    return LINE_READ;
}

bool meanings_load(Meanings *m, const char *path, Error *err)
{
    MeaningsReader *fp = calloc(1, sizeof *fp);
    if (!fp)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    if (!input_open(&fp->in, path, NULL, err)) {
        free(fp);
        return false;
    }
    char *line = NULL;
    size_t line_cap = 0, line_no = 0, len;
    bool ok = true;
    LineRead got = LINE_END;
    while (ok && (got = read_line(fp, path, line_no + 1, &line, &line_cap, &len, err)) == LINE_READ) {
        line_no++;
        if (line_no == 1) {
            len = text_skip_bom(line, len);
            if (meanings_templates_header(line, len)) {
                ok = meanings_load_templates(m, fp, path, line, len, line_no, err);
                break;
            }
        }
        ok = parse_line(m, path, line_no, line, len, err);
    }
    ok = ok && got != LINE_FAILED;
    free(line);
    input_close(&fp->in);
    free(fp);
    return ok;
}
