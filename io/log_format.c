/* Log formats, turned into a pattern exactly as loghub's generate_logformat_regex does: the
 * format split at its <Name> fields, each field a lazy named group (?P<Name>.*?), each run of
 * spaces in the literal text \s+, the rest of the text kept as pattern, the whole anchored ^...$
 * and matched against the whitespace-trimmed line. PCRE2 reads Python's group syntax; the
 * pattern is compiled for UTF-8 with Unicode's classes, as Python's str patterns match (\s takes
 * a no-break space too); a line that is not UTF-8 is matched byte by byte (its \s ASCII's); both
 * are JIT-compiled when the platform allows. Matching uses the format's one match
 * data: one line at a time per LogFormat (a thread each needs its own). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "log_format.h"

#include "drain_internal.h"
#include "text.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdint.h>
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

/* ---- the pieces every matching line holds --------------------------------------------------
 * A line that does not match costs the matcher most: its lazy fields try every split before it
 * gives up. What the pattern requires outside every group -- its literal text, and a whitespace
 * character for each run of spaces -- is looked for first, in order; a line without it cannot
 * match and is not given to the matcher. Each piece is a kind byte ('l' literal text after it,
 * 's' a whitespace character) and a NUL. A format the scan cannot read safely (an alternation,
 * a (?...) group, a {n} quantifier) has no pieces: every line goes to the matcher. */
typedef struct Pieces {
    char *text;
    size_t len, cap;
    size_t literal;         /* where the literal being built starts, or SIZE_MAX */
} Pieces;

static bool pieces_put(Pieces *p, char c)
{
    if (p->len + 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char *grown = realloc(p->text, cap);
        if (!grown)
            return false;
        p->text = grown;
        p->cap = cap;
    }
    p->text[p->len++] = c;
    return true;
}

/* Ends the literal being built (if any). */
static bool pieces_flush(Pieces *p)
{
    if (p->literal == SIZE_MAX)
        return true;
    p->literal = SIZE_MAX;
    return pieces_put(p, '\0');
}

static bool pieces_literal_char(Pieces *p, char c)
{
    if (p->literal == SIZE_MAX) {
        p->literal = p->len;
        if (!pieces_put(p, 'l'))
            return false;
    }
    return pieces_put(p, c);
}

static bool is_quantifier(char c)
{
    return c == '?' || c == '*' || c == '+' || c == '{';
}

/* The index after a character class starting at s[i] == '['. */
static size_t skip_class(const char *s, size_t i)
{
    size_t j = i + 1;
    j += s[j] == '^';
    j += s[j] == ']';
    while (s[j] && s[j] != ']')
        j += s[j] == '\\' && s[j + 1] ? 2 : 1;
    return s[j] ? j + 1 : j;
}

/* The pieces of f->text into p; false with p->len 0 when the format is not scanned. */
static bool scan_pieces(const char *s, Pieces *p)
{
    int depth = 0;
    for (size_t i = 0; s[i];) {
        size_t n = field_len(s + i);
        char c = s[i], literal = 0;
        if (n) {
            i += n;
        } else if (c == ' ') {
            while (s[i] == ' ')
                i++;
            if (depth == 0 && (!pieces_flush(p) || !pieces_put(p, 's') || !pieces_put(p, '\0')))
                return false;
            continue;
        } else if (c == '|' || c == '{' || (c == '(' && s[i + 1] == '?') ||
                   (c == '\\' && (s[i + 1] == 'Q' || !s[i + 1]))) {
            p->len = 0;
            return true;
        } else if (c == '\\') {
            literal = isalnum((unsigned char)s[i + 1]) ? 0 : s[i + 1]; /* \d \s \b ...: a class */
            i += 2;
        } else if (c == '[') {
            i = skip_class(s, i);
        } else {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            literal = strchr("()?*+.^$", c) ? 0 : c;
            i++;
        }
        /* a literal character counts outside every group, and unless a quantifier follows it */
        bool kept = literal && depth == 0 && !is_quantifier(s[i]);
        if (!(kept ? pieces_literal_char(p, literal) : pieces_flush(p)))
            return false;
    }
    return pieces_flush(p);
}

static bool build_pieces(LogFormat *f, Error *err)
{
    Pieces p = {.literal = SIZE_MAX};
    if (!scan_pieces(f->text, &p)) {
        free(p.text);
        return error_nomem(err);
    }
    f->pieces = p.text;
    f->pieces_len = p.len;
    return true;
}

/* The length of the white space at s[i] (0: none), as the pattern's \s and Python's strip()
 * read it: ASCII's and Unicode's. */
static size_t space_at(const char *s, size_t i, size_t len)
{
    return drain_space_len(s, i, len);
}

static const char *find_bytes(const char *s, size_t len, const char *want, size_t want_len)
{
    for (const char *end = s + len; (size_t)(end - s) >= want_len; s++) {
        s = memchr(s, want[0], (size_t)(end - s) - want_len + 1);
        if (!s)
            return NULL;
        if (memcmp(s, want, want_len) == 0)
            return s;
    }
    return NULL;
}

/* Does the line hold every piece, in order? (Each found as early as it can be, which leaves the
 * most room for the rest: a necessary condition of a match, never a sufficient one.) */
static bool holds_pieces(const LogFormat *f, const char *s, size_t len)
{
    size_t at = 0;
    for (const char *p = f->pieces; p < f->pieces + f->pieces_len; p += strlen(p) + 1) {
        if (*p == 's') {
            size_t n_space = 0;
            while (at < len && (n_space = space_at(s, at, len)) == 0)
                at++;
            if (at == len)
                return false;
            at += n_space;
            continue;
        }
        size_t n = strlen(p + 1);
        const char *hit = find_bytes(s + at, len - at, p + 1, n);
        if (!hit)
            return false;
        at = (size_t)(hit - s) + n;
    }
    return true;
}

static bool compile_pattern(LogFormat *f, const PatternBuf *p, Error *err)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)p->text, p->len,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &at, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        size_t column = (at < p->len ? p->from[at] : strlen(f->text)) + 1;
        return error_set_code(err, ERROR_USAGE, "log format \"%s\": column %zu: %s", f->text, column,
                              (const char *)msg);
    }
    f->re = re;
    /* A line that is not UTF-8 (a stray byte of another encoding) is matched by the same pattern
     * read byte by byte: in UTF mode such bytes match nothing, and the line would be lost. */
    f->re_bytes = pcre2_compile((PCRE2_SPTR)p->text, p->len, 0, &code, &at, NULL);
    if (!f->re_bytes)
        return error_nomem(err);
    /* without JIT (a platform without it) matching is slower, not different */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    (void)pcre2_jit_compile(f->re_bytes, PCRE2_JIT_COMPLETE);
    /* the group numbers once, not per line */
    for (size_t i = 0; i < f->n_fields; i++)
        f->group[i] = pcre2_substring_number_from_name(re, (PCRE2_SPTR)f->field[i]);
    f->match = pcre2_match_data_create_from_pattern(re, NULL);
    f->context = pcre2_match_context_create(NULL);
    if (!f->match || !f->context)
        return error_nomem(err);
    return true;
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
    ok = ok && compile_pattern(f, &p, err) && build_pieces(f, err);
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
    pcre2_match_context_free(f->context);
    pcre2_code_free(f->re);
    pcre2_code_free(f->re_bytes);
    free(f->pieces);
    for (size_t i = 0; i < f->n_fields; i++)
        free(f->field[i]);
    free(f->text);
    memset(f, 0, sizeof *f);
}

/* The length of the white space ending at s[end - 1] (ASCII's, or a Unicode space of 2 or 3
 * bytes), or 0. */
static size_t space_before(const char *s, size_t start, size_t end)
{
    for (size_t n = 1; n <= 3 && n <= end - start; n++)
        if (space_at(s, end - n, end) == n)
            return n;
    return 0;
}

LogMatch log_format_try(const LogFormat *f, const char *line, size_t len, LogSpan *spans)
{
    size_t start = 0;
    /* trimmed as Python's str.strip() trims: Unicode's white space too */
    for (size_t n; start < len && (n = space_at(line, start, len)) > 0;)
        start += n;
    for (size_t n; len > start && (n = space_before(line, start, len)) > 0;)
        len -= n;
    if (!holds_pieces(f, line + start, len - start))
        return LOG_NO_MATCH;
    pcre2_match_data *md = f->match;
    size_t steps = LOG_MATCH_STEPS + LOG_MATCH_STEPS_PER_BYTE * (len - start);
    pcre2_set_match_limit(f->context, steps > UINT32_MAX ? UINT32_MAX : (uint32_t)steps);
    bool utf8 = text_invalid_utf8(line + start, len - start) == len - start;
    int rc = pcre2_match(utf8 ? f->re : f->re_bytes, (PCRE2_SPTR)line + start, len - start, 0, 0,
                         md, f->context);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return LOG_TOO_COSTLY;
    if (rc < 0)
        return LOG_NO_MATCH;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t n_pairs = pcre2_get_ovector_count(md);
    for (size_t i = 0; i < f->n_fields; i++) {
        int group = f->group[i];
        if (group < 0 || (uint32_t)group >= n_pairs || ov[2 * group] == PCRE2_UNSET) {
            spans[i] = (LogSpan){start, 0};
            continue;
        }
        spans[i].offset = start + ov[2 * group];
        spans[i].len = ov[2 * group + 1] - ov[2 * group];
    }
    return LOG_MATCHED;
}

bool log_format_match(const LogFormat *f, const char *line, size_t len, LogSpan *spans)
{
    return log_format_try(f, line, len, spans) == LOG_MATCHED;
}

int log_format_field(const LogFormat *f, const char *name)
{
    for (size_t i = 0; i < f->n_fields; i++)
        if (strcasecmp(f->field[i], name) == 0)
            return (int)i;
    return -1;
}
