/* Text as loghub's Drain.py sees it: masks applied with re.sub, a message split at white space
 * by str.split(), tokens with a digit told by str.isdigit() -- Python's rules for Unicode text,
 * the message being UTF-8 (bytes that are not valid UTF-8 are taken one at a time). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "drain_internal.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static const char STAR_TEXT[] = "<*>";

#define JIT_STACK_START (32u << 10)
#define JIT_STACK_MAX (8u << 20)

/* Decodes the UTF-8 character at s[i]; *n gets its byte length (1 for an invalid byte, which
 * then decodes as itself, above every character Python classifies). */
static uint32_t decode_utf8(const unsigned char *s, size_t i, size_t len, size_t *n)
{
    unsigned c = s[i];
    size_t need = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
    if (c < 0x80 || need == 1 || i + need > len) {
        *n = 1;
        return c < 0x80 ? c : 0x110000;
    }
    uint32_t cp = c & (0x7F >> need);
    for (size_t k = 1; k < need; k++) {
        if ((s[i + k] & 0xC0) != 0x80) {
            *n = 1;
            return 0x110000;
        }
        cp = cp << 6 | (s[i + k] & 0x3F);
    }
    *n = need;
    return cp;
}

/* Python's str.isspace: the ASCII white space and separators, and these. */
static bool is_unicode_space(uint32_t cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

size_t drain_space_len(const char *s, size_t i, size_t len)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) ? 1 : 0;
    if (c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3)
        return 0;
    size_t n;
    uint32_t cp = decode_utf8((const unsigned char *)s, i, len, &n);
    return is_unicode_space(cp) ? n : 0;
}

/* The characters beyond ASCII for which Python's str.isdigit() holds (Unicode's decimal and
 * digit numeric types), as ranges. */
static const uint32_t DIGIT_RANGES[][2] = {
    {0xB2, 0xB3}, {0xB9, 0xB9}, {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9},
    {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xA66, 0xA6F}, {0xAE6, 0xAEF}, {0xB66, 0xB6F},
    {0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F}, {0xDE6, 0xDEF},
    {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049}, {0x1090, 0x1099},
    {0x1369, 0x1371}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19DA},
    {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
    {0x1C50, 0x1C59}, {0x2070, 0x2070}, {0x2074, 0x2079}, {0x2080, 0x2089}, {0x2460, 0x2468},
    {0x2474, 0x247C}, {0x2488, 0x2490}, {0x24EA, 0x24EA}, {0x24F5, 0x24FD}, {0x24FF, 0x24FF},
    {0x2776, 0x277E}, {0x2780, 0x2788}, {0x278A, 0x2792}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9},
    {0xA900, 0xA909}, {0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9},
    {0xFF10, 0xFF19}, {0x104A0, 0x104A9}, {0x10A40, 0x10A43}, {0x10D30, 0x10D39},
    {0x10E60, 0x10E68}, {0x11052, 0x1105A}, {0x11066, 0x1106F}, {0x110F0, 0x110F9},
    {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459},
    {0x114D0, 0x114D9}, {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739},
    {0x118E0, 0x118E9}, {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59},
    {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59},
    {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959},
    {0x1F100, 0x1F10A}, {0x1FBF0, 0x1FBF9},
};

static bool is_unicode_digit(uint32_t cp)
{
    for (size_t k = 0; k < sizeof DIGIT_RANGES / sizeof DIGIT_RANGES[0]; k++)
        if (cp >= DIGIT_RANGES[k][0] && cp <= DIGIT_RANGES[k][1])
            return true;
    return false;
}

bool drain_has_digit(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x80) {
            if (u[i] >= '0' && u[i] <= '9')
                return true;
            i++;
            continue;
        }
        size_t n;
        if (is_unicode_digit(decode_utf8(u, i, len, &n)))
            return true;
        i += n;
    }
    return false;
}

int64_t drain_split(struct Drain *d, const char *text, size_t len, Error *err)
{
    uint32_t n = 0;
    size_t i = 0;
    while (i < len) {
        size_t space = drain_space_len(text, i, len);
        if (space) {
            i += space;
            continue;
        }
        size_t start = i;
        while (i < len && !drain_space_len(text, i, len))
            i++;
        if (n == d->msg_cap) {
            uint32_t cap = d->msg_cap ? d->msg_cap * 2 : 64;
            DrainToken *msg = realloc(d->msg, cap * sizeof *msg);
            if (!msg)
                return error_nomem(err) ? 0 : -1;
            d->msg = msg;
            d->msg_cap = cap;
        }
        d->msg[n++] = (DrainToken){.offset = (uint32_t)start, .len = (uint32_t)(i - start)};
    }
    return n;
}

/* ---- masks ---- */

bool drain_masks_compile(DrainMasks *m, const char *const *patterns, Error *err)
{
    memset(m, 0, sizeof *m);
    for (size_t k = 0; k < DRAIN_MAX_MASKS && patterns[k]; k++) {
        int code;
        PCRE2_SIZE offset;
        /* Unicode classes (\d, \w, \s, \b) as Python's re gives them for text */
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)patterns[k], PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code,
                                       &offset, NULL);
        if (!re) {
            PCRE2_UCHAR why[256];
            pcre2_get_error_message(code, why, sizeof why);
            drain_masks_free(m);
            return error_set_code(err, ERROR_USAGE, "mask %zu \"%s\": %s at offset %zu", k + 1,
                                  patterns[k], (const char *)why, (size_t)offset);
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT the interpreter serves */
        m->code[m->n++] = re;
    }
    if (m->n) {
        m->match = pcre2_match_data_create(32, NULL);
        /* JIT's default stack of 32 KB fails on a repeated group over a long token (a path of
         * a thousand parts); Python's re has no such limit */
        m->context = pcre2_match_context_create(NULL);
        m->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
        if (m->context && m->jit_stack)
            pcre2_jit_stack_assign(m->context, NULL, m->jit_stack);
        if (!m->match || !m->context || !m->jit_stack) {
            drain_masks_free(m);
            return error_nomem(err);
        }
    }
    return true;
}

void drain_masks_free(DrainMasks *m)
{
    for (size_t k = 0; k < m->n; k++)
        pcre2_code_free(m->code[k]);
    pcre2_match_data_free(m->match);
    pcre2_match_context_free(m->context);
    pcre2_jit_stack_free(m->jit_stack);
    free(m->buf[0]);
    free(m->buf[1]);
    memset(m, 0, sizeof *m);
}

static bool append(DrainMasks *m, int b, size_t *len, const char *s, size_t n, Error *err)
{
    if (*len + n + 1 > m->cap[b]) {
        size_t cap = m->cap[b] ? m->cap[b] : 256;
        while (cap < *len + n + 1)
            cap *= 2;
        char *buf = realloc(m->buf[b], cap);
        if (!buf)
            return error_nomem(err);
        m->buf[b] = buf;
        m->cap[b] = cap;
    }
    memcpy(m->buf[b] + *len, s, n);
    *len += n;
    m->buf[b][*len] = '\0';
    return true;
}

/* One mask over text into buffer b, as re.sub(pattern, "<*>", text): every non-overlapping
 * match from the left, an empty match allowed right after a non-empty one but never twice at
 * one place. A match that fails (a stack limit even at 8 MB) leaves the text as it was, noted
 * in *failed. */
static bool substitute(DrainMasks *m, size_t k, const char *text, size_t len, int b,
                       size_t *out_len, int *failed, Error *err)
{
    pcre2_match_data *md = m->match;
    size_t start = 0, copied = 0;
    uint32_t options = 0;
    *out_len = 0;
    if (!append(m, b, out_len, "", 0, err))
        return false;
    while (start <= len) {
        int rc = pcre2_match(m->code[k], (PCRE2_SPTR)text, len, start, options, md, m->context);
        if (rc == PCRE2_ERROR_NOMATCH) {
            if (!options || start >= len)
                break;
            /* no non-empty match where the empty one was: search on from the next character */
            size_t n;
            decode_utf8((const unsigned char *)text, start, len, &n);
            start += n;
            options = 0;
            continue;
        }
        if (rc < 0) {
            *failed = rc;
            *out_len = 0;
            return append(m, b, out_len, text, len, err);
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (!append(m, b, out_len, text + copied, ov[0] - copied, err) ||
            !append(m, b, out_len, STAR_TEXT, 3, err))
            return false;
        copied = ov[1];
        options = ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
        start = ov[1];
    }
    return append(m, b, out_len, text + copied, len - copied, err);
}

bool drain_masks_apply(DrainMasks *m, const char *text, size_t len, const char **out,
                       size_t *out_len, Error *err)
{
    *out = text;
    *out_len = len;
    for (size_t k = 0; k < m->n; k++) {
        int b = (int)(k & 1);
        int failed = 0;
        if (!substitute(m, k, *out, *out_len, b, out_len, &failed, err))
            return false;
        *out = m->buf[b];
        if (failed && m->failures++ == 0) {
            m->first_failed_mask = k + 1;
            pcre2_get_error_message(failed, (PCRE2_UCHAR *)m->first_failure,
                                    sizeof m->first_failure);
        }
    }
    return true;
}
