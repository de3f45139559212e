/* Log formats, turned into a pattern exactly as loghub's generate_logformat_regex does: the
 * format split at its <Name> fields, each field a lazy named group (?P<Name>.*?), each run of
 * spaces in the literal text \s+, the rest of the text kept as pattern, the whole anchored ^...$
 * and matched against the whitespace-trimmed line. PCRE2 reads Python's group syntax; the
 * pattern is compiled in byte mode (a line that is not UTF-8 still matches; \s, \d and \w are
 * ASCII classes) and JIT-compiled when the platform allows. Matching uses the format's one match
 * data: one line at a time per LogFormat (a thread each needs its own). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "log_format.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The pattern being built, and for each of its bytes the format's byte it came from, so that an
 * error in the pattern names the format's column. */
typedef struct PatternBuf {
    char *text;
    size_t *from;
    size_t len, cap;
} PatternBuf;

static bool pattern_add(PatternBuf *p, const char *s, size_t from)
{
    size_t n = strlen(s);
    if (p->len + n + 1 > p->cap) {
        size_t cap = (p->len + n + 1) * 2;
        char *text = realloc(p->text, cap);
        if (!text)
            return false;
        p->text = text;
        size_t *map = realloc(p->from, cap * sizeof *map);
        if (!map)
            return false;
        p->from = map;
        p->cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        p->from[p->len + i] = from;
    memcpy(p->text + p->len, s, n + 1);
    p->len += n;
    return true;
}

/* The length of a field "<Name>" at s (loghub's <[^<>]+>), or 0 when s does not start one. */
static size_t field_len(const char *s)
{
    if (s[0] != '<')
        return 0;
    size_t n = 1;
    while (s[n] && s[n] != '<' && s[n] != '>')
        n++;
    return s[n] == '>' && n > 1 ? n + 1 : 0;
}

static bool add_field(LogFormat *f, const char *name, size_t len, size_t column, Error *err)
{
    if (f->n_fields == LOG_FORMAT_MAX_FIELDS)
        return error_set_code(err, ERROR_USAGE, "log format \"%s\": more than %d fields (column %zu)",
                              f->text, LOG_FORMAT_MAX_FIELDS, column);
    char *copy = strndup(name, len);
    if (!copy)
        return error_nomem(err);
    if (log_format_field(f, copy) >= 0) {
        error_set_code(err, ERROR_USAGE, "log format \"%s\": field <%s> named twice (column %zu)",
                       f->text, copy, column);
        free(copy);
        return false;
    }
    f->field[f->n_fields++] = copy;
    return true;
}

/* The pattern of f->text into p, and f's fields. */
static bool build_pattern(LogFormat *f, PatternBuf *p, Error *err)
{
    const char *s = f->text;
    if (!pattern_add(p, "^", 0))
        return error_nomem(err);
    for (size_t i = 0; s[i];) {
        size_t n = field_len(s + i);
        char piece[2];
        if (n) {
            if (!add_field(f, s + i + 1, n - 2, i + 1, err))
                return false;
            /* a name too long for a group is kept whole: PCRE2 then names the error */
            char *group = malloc(n + 16);
            if (!group)
                return error_nomem(err);
            snprintf(group, n + 16, "(?P<%.*s>.*?)", (int)(n - 2), s + i + 1);
            bool ok = pattern_add(p, group, i);
            free(group);
            if (!ok)
                return error_nomem(err);
            i += n;
            continue;
        }
        if (s[i] == ' ') {
            size_t start = i;
            while (s[i] == ' ')
                i++;
            if (!pattern_add(p, "\\s+", start))
                return error_nomem(err);
            continue;
        }
        piece[0] = s[i];
        piece[1] = '\0';
        if (!pattern_add(p, piece, i))
            return error_nomem(err);
        i++;
    }
    if (!pattern_add(p, "$", strlen(s)))
        return error_nomem(err);
    return true;
}

static bool compile_pattern(LogFormat *f, const PatternBuf *p, Error *err)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)p->text, p->len, 0, &code, &at, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        size_t column = (at < p->len ? p->from[at] : strlen(f->text)) + 1;
        return error_set_code(err, ERROR_USAGE, "log format \"%s\": column %zu: %s", f->text, column,
                              (const char *)msg);
    }
    f->re = re;
    /* without JIT (a platform without it) matching is slower, not different */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    f->match = pcre2_match_data_create_from_pattern(re, NULL);
    return f->match ? true : error_nomem(err);
}

bool log_format_compile(LogFormat *f, const char *format, Error *err)
{
    memset(f, 0, sizeof *f);
    const LogPreset *preset = log_preset_find(format);
    f->text = strdup(preset ? preset->format : format);
    if (!f->text)
        return error_nomem(err);
    PatternBuf p = {0};
    bool ok = build_pattern(f, &p, err);
    int content = ok ? log_format_field(f, "Content") : 0;
    if (content < 0)
        ok = error_set_code(err, ERROR_USAGE, "log format \"%s\": no <Content> field (the message)",
                            f->text);
    ok = ok && compile_pattern(f, &p, err);
    f->content = (size_t)content;
    free(p.text);
    free(p.from);
    if (!ok)
        log_format_free(f);
    return ok;
}

void log_format_free(LogFormat *f)
{
    pcre2_match_data_free(f->match);
    pcre2_code_free(f->re);
    for (size_t i = 0; i < f->n_fields; i++)
        free(f->field[i]);
    free(f->text);
    memset(f, 0, sizeof *f);
}

/* Python's str.strip() on ASCII: spaces, \t \n \v \f \r and the separators \x1c-\x1f. */
static bool is_strip_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

bool log_format_match(const LogFormat *f, const char *line, size_t len, LogSpan *spans)
{
    size_t start = 0;
    while (start < len && is_strip_space(line[start]))
        start++;
    while (len > start && is_strip_space(line[len - 1]))
        len--;
    pcre2_match_data *md = f->match;
    if (pcre2_match(f->re, (PCRE2_SPTR)line + start, len - start, 0, 0, md, NULL) < 0)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t n_pairs = pcre2_get_ovector_count(md);
    for (size_t i = 0; i < f->n_fields; i++) {
        int group = pcre2_substring_number_from_name(f->re, (PCRE2_SPTR)f->field[i]);
        if (group < 0 || (uint32_t)group >= n_pairs || ov[2 * group] == PCRE2_UNSET) {
            spans[i] = (LogSpan){start, 0};
            continue;
        }
        spans[i].offset = start + ov[2 * group];
        spans[i].len = ov[2 * group + 1] - ov[2 * group];
    }
    return true;
}

int log_format_field(const LogFormat *f, const char *name)
{
    for (size_t i = 0; i < f->n_fields; i++)
        if (strcasecmp(f->field[i], name) == 0)
            return (int)i;
    return -1;
}
