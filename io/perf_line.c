/* perf script's event and frame lines, parsed in place (io/perf_line.h). The columns are found
 * around the time, the one token of the shape "SECONDS.DECIMALS:": before it an optional
 * "[CPU]" and the pid (or pid/tid), before those the process name, which may hold spaces;
 * after it an optional period and the event's name, which ends with ':'. */
#include "perf_line.h"

#include <string.h>

#include "text.h"
#include "trace.h"

static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

typedef struct Token {
    size_t at, len;
} Token;

static bool all_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/* "12345.678901:" */
static bool is_time(const char *s, size_t len)
{
    if (len < 4 || s[len - 1] != ':')
        return false;
    const char *dot = memchr(s, '.', len);
    return dot && dot > s && all_digits(s, (size_t)(dot - s)) &&
           all_digits(dot + 1, (size_t)(s + len - 1 - dot - 1));
}

static bool is_cpu(const char *s, size_t len)
{
    return len >= 3 && s[0] == '[' && s[len - 1] == ']' && all_digits(s + 1, len - 2);
}

/* A decimal id, -1 included (perf's unknown thread) */
static bool parse_id(const char *s, size_t len, int32_t *id)
{
    int64_t v;
    if (len == 0 || !(all_digits(s, len) || (s[0] == '-' && all_digits(s + 1, len - 1))) ||
        !text_parse_int64(s, len, &v) || v < -1 || v > INT32_MAX)
        return false;
    *id = v < 0 ? TRACE_NO_ID : (int32_t)v;
    return true;
}

/* "4411" (a thread id, as perf prints by default) or "4411/4412" (pid/tid) */
static bool parse_ids(const char *s, size_t len, PerfLine *out)
{
    const char *slash = memchr(s, '/', len);
    if (!slash) {
        out->pid = TRACE_NO_ID;
        return parse_id(s, len, &out->tid);
    }
    return parse_id(s, (size_t)(slash - s), &out->pid) &&
           parse_id(slash + 1, (size_t)(s + len - slash - 1), &out->tid);
}

static bool next_token(const char *line, size_t len, size_t *i, Token *tok)
{
    while (*i < len && is_space(line[*i]))
        (*i)++;
    if (*i == len)
        return false;
    tok->at = *i;
    while (*i < len && !is_space(line[*i]))
        (*i)++;
    tok->len = *i - tok->at;
    return true;
}

static bool fail(size_t *col, const char **expected, size_t at, const char *what)
{
    *col = at + 1;
    *expected = what;
    return false;
}

/* The tokens before the time: the process name's words (all of the line before ids), ids and
 * cpu (NULL when the line has no cpu column). False when they are not ids and a cpu. */
static bool parse_head(const char *line, const Token *ids, const Token *cpu, PerfLine *out)
{
    if (!parse_ids(line + ids->at, ids->len, out))
        return false;
    out->cpu = TRACE_NO_CPU;
    if (cpu) {
        int64_t v;
        if (!text_parse_int64(line + cpu->at + 1, cpu->len - 2, &v) || v < 0 || v >= TRACE_NO_CPU)
            return false;
        out->cpu = (uint16_t)v;
    }
    size_t start = 0, end = ids->at;
    while (start < end && is_space(line[start]))
        start++;
    while (end > start && is_space(line[end - 1]))
        end--;
    out->comm = line + start;
    out->comm_len = end - start;
    return true;
}

#define HEAD_TOKENS 32 /* a process name of more words than this is not looked through */

bool perf_parse_event(const char *line, size_t len, PerfLine *out, size_t *col,
                      const char **expected)
{
    Token tok[HEAD_TOKENS];
    size_t n = 0, i = 0, time_at = 0;
    bool found = false;
    while (n < HEAD_TOKENS && next_token(line, len, &i, &tok[n])) {
        const Token *t = &tok[n++];
        if (n < 2 || !is_time(line + t->at, t->len))
            continue;
        const Token *before = &tok[n - 2];
        bool has_cpu = is_cpu(line + before->at, before->len);
        if (has_cpu && n < 3)
            continue;
        if (parse_head(line, has_cpu ? &tok[n - 3] : before, has_cpu ? before : NULL, out)) {
            found = true;
            time_at = n - 1;
            break;
        }
    }
    size_t first = 0;
    while (first < len && is_space(line[first]))
        first++;
    if (!found)
        return fail(col, expected, first, "an event line: COMM PID [CPU] SECONDS: EVENT:");
    const Token *time = &tok[time_at];
    if (!text_parse_seconds_ns(line + time->at, time->len - 1, &out->time))
        return fail(col, expected, time->at, "a time in seconds with at most 9 decimals");
    Token ev;
    if (!next_token(line, len, &i, &ev))
        return fail(col, expected, len, "an event name after the time");
    out->period = NULL;
    out->period_len = 0;
    if (all_digits(line + ev.at, ev.len)) {
        out->period = line + ev.at;
        out->period_len = ev.len;
        if (!next_token(line, len, &i, &ev))
            return fail(col, expected, len, "an event name after the period");
    }
    if (ev.len < 2 || line[ev.at + ev.len - 1] != ':')
        return fail(col, expected, ev.at, "an event name ending with ':'");
    out->event = line + ev.at;
    out->event_len = ev.len - 1;
    size_t r = i, end = len;
    while (r < end && is_space(line[r]))
        r++;
    while (end > r && is_space(line[end - 1]))
        end--;
    out->rest = line + r;
    out->rest_len = end - r;
    return true;
}

/* The hex address at the start of s, if there is one followed by a space or the end. */
static size_t hex_word(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && is_hex(s[n]))
        n++;
    return n > 0 && (n == len || is_space(s[n])) ? n : 0;
}

/* Where "(dso)" begins at the end of s, or len when s does not end with one. */
static size_t dso_at(const char *s, size_t len)
{
    if (len < 2 || s[len - 1] != ')')
        return len;
    for (size_t i = len - 1; i-- > 0;)
        if (s[i] == '(' && (i == 0 || is_space(s[i - 1])))
            return i;
    return len;
}

/* "name+0x1f" -> "name" */
static size_t without_offset(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && is_hex(s[i - 1]))
        i--;
    if (i < len && i >= 3 && s[i - 1] == 'x' && s[i - 2] == '0' && s[i - 3] == '+')
        return i - 3;
    return len;
}

bool perf_parse_frame(const char *line, size_t len, PerfFrame *out)
{
    size_t start = 0;
    while (start < len && is_space(line[start]))
        start++;
    while (len > start && is_space(line[len - 1]))
        len--;
    if (start == len)
        return false;
    const char *s = line + start;
    size_t n = len - start;
    memset(out, 0, sizeof *out);
    size_t ip_len = hex_word(s, n);
    if (ip_len && ip_len < n) { /* a lone hex word is a symbol: nothing follows it */
        out->ip = s;
        out->ip_len = ip_len;
        s += ip_len;
        n -= ip_len;
        while (n && is_space(*s))
            s++, n--;
    }
    size_t dso = dso_at(s, n);
    if (dso < n) {
        out->dso = s + dso + 1;
        out->dso_len = n - dso - 2;
        n = dso;
        while (n && is_space(s[n - 1]))
            n--;
    }
    out->sym = s;
    out->sym_len = without_offset(s, n);
    return true;
}

bool perf_looks_like_frame(const char *s, size_t len)
{
    size_t ip_len = hex_word(s, len);
    return ip_len > 0 && ip_len < len && dso_at(s, len) < len;
}
