/* Which raw log is this: the preset the first lines fit, or plain text the "line" format takes;
 * and the fields that make a line's time, found and joined alike here and by the reader.
 * Kept apart from CSV, perf, ftrace and QNX text and session files: a preset's fields are
 * ".*?" and fit almost any line with enough spaces, so a line only fits when its time reads as
 * the preset's time fields, its message has a word, and its other fields look like what they are
 * named (a pid is a number, a level is a word); a CSV header is never a log's first line. */
#include "log_trace.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "timestamp.h"

#define SNIFF_LINES 32

typedef struct PrefixLines {
    const char *start[SNIFF_LINES];
    size_t len[SNIFF_LINES];
    size_t n;
} PrefixLines;

/* The non-blank lines of prefix, whole ones only (the last one too when the input ended in the
 * prefix), line ends and a byte-order mark taken off. */
static void split_prefix(const char *prefix, size_t len, PrefixLines *lines)
{
    lines->n = 0;
    size_t i = len >= 3 && memcmp(prefix, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && lines->n < SNIFF_LINES) {
        const char *nl = memchr(prefix + i, '\n', len - i);
        if (!nl && len >= INPUT_PREFIX_SIZE)
            break; /* cut by the prefix's end */
        size_t end = nl ? (size_t)(nl - prefix) : len;
        size_t line_len = text_trim_newline(prefix + i, end - i + (nl ? 1 : 0));
        bool blank = true;
        for (size_t k = i; k < i + line_len && blank; k++)
            blank = isspace((unsigned char)prefix[k]) != 0;
        if (!blank) {
            lines->start[lines->n] = prefix + i;
            lines->len[lines->n++] = line_len;
        }
        i = end + 1;
    }
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool all_letters(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return len > 0;
}

static bool has_digit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isdigit((unsigned char)s[i]))
            return true;
    return false;
}

/* Does a field's value look like what its name says? Names not known here take anything. */
static bool plausible(const char *name, const char *value, size_t len)
{
    if (strcasecmp(name, "Pid") == 0 || strcasecmp(name, "Tid") == 0 ||
        strcasecmp(name, "LogId") == 0)
        return all_digits(value, len);
    if (strcasecmp(name, "Level") == 0)
        return len <= 16 && all_letters(value, len);
    if (strcasecmp(name, "Month") == 0)
        return len == 3 && all_letters(value, len);
    if (strcasecmp(name, "Date") == 0 || strcasecmp(name, "Time") == 0 ||
        strcasecmp(name, "Timestamp") == 0 || strcasecmp(name, "Day") == 0)
        return len > 0 && has_digit(value, len);
    return true;
}

/* A CSV header: names separated by commas ("timestamp,cpu,event", "LineId,Date,Content"), a
 * lone name without spaces ("event"), each name with a letter (a banner "---------" is none).
 * A log line has a colon, brackets or a longer phrase. */
static bool csv_header_shaped(const char *line, size_t len)
{
    size_t field_len = 0, commas = 0;
    bool spaced = false, lettered = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == ',') {
            if (!lettered)
                return false;
            commas++;
            field_len = 0;
            lettered = false;
            continue;
        }
        if (c == ' ')
            spaced = true;
        if (!(isalnum(c) || strchr(" _-./#()\"'", c) || c >= 0x80) || ++field_len > 64)
            return false;
        lettered = lettered || isalpha(c) || c >= 0x80;
    }
    return lettered && (commas > 0 || !spaced);
}

/* Words: an ASCII letter or a multibyte UTF-8 character. */
static bool has_word(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isalpha((unsigned char)line[i]) || (unsigned char)line[i] >= 0xC2)
            return true;
    return false;
}

/* A preset tried on the first lines: its format, and the fields of its time read as one value
 * by one parser, as the reader will (the first value fixes the format). */
typedef struct Trial {
    LogFormat format;
    int time_field[LOG_TIME_FIELDS];
    size_t n_time_fields;
    TimeParser time;
} Trial;

static bool time_reads(Trial *tr, const char *line, const LogSpan *spans)
{
    if (tr->n_time_fields == 0)
        return true;
    char text[LOG_TIME_MAX];
    size_t len;
    int64_t ns;
    Error ignored = {0};
    return log_time_text(line, spans, tr->time_field, tr->n_time_fields, text, &len) &&
           time_parse(&tr->time, text, len, &ns, &ignored);
}

/* The line matches, its message has a word (a session file's numbers do not), its time reads,
 * and its other fields look like what they are named. */
static bool fits(Trial *tr, const char *line, size_t len)
{
    const LogFormat *f = &tr->format;
    LogSpan spans[LOG_FORMAT_MAX_FIELDS];
    if (!log_format_match(f, line, len, spans))
        return false;
    LogSpan content = spans[f->content];
    if (!has_word(line + content.offset, content.len) || !time_reads(tr, line, spans))
        return false;
    for (size_t k = 0; k < f->n_fields; k++)
        if (!plausible(f->field[k], line + spans[k].offset, spans[k].len))
            return false;
    return true;
}

/* Nearly all: at most one line in ten may be something else (a continuation, a banner). */
static bool fits_nearly_all(const LogPreset *p, const PrefixLines *lines)
{
    Trial tr;
    Error ignored = {0};
    if (!log_format_compile(&tr.format, p->format, &ignored))
        return false;
    const char *missing;
    tr.n_time_fields = p->time_fields ? log_time_fields(&tr.format, p->time_fields, tr.time_field, &missing) : 0;
    time_parser_init(&tr.time, NULL);
    size_t fit = 0, missed = 0;
    for (size_t i = 0; i < lines->n && missed * 10 <= lines->n; i++) /* stop once it cannot fit */
        fits(&tr, lines->start[i], lines->len[i]) ? fit++ : missed++;
    log_format_free(&tr.format);
    return fit > 0 && fit * 10 >= lines->n * 9;
}

size_t log_time_fields(const LogFormat *f, const char *names, int fields[LOG_TIME_FIELDS],
                       const char **missing)
{
    size_t n = 0;
    for (const char *p = names; *p && n < LOG_TIME_FIELDS; p += strcspn(p, ","), p += *p == ',') {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p, ","), p);
        fields[n] = log_format_field(f, name);
        if (fields[n++] < 0) {
            *missing = p;
            return 0;
        }
    }
    return n;
}

bool log_time_text(const char *line, const LogSpan *spans, const int *fields, size_t n,
                   char out[LOG_TIME_MAX], size_t *len)
{
    *len = 0;
    for (size_t k = 0; k < n; k++) {
        LogSpan s = spans[fields[k]];
        if (*len + s.len + 2 > LOG_TIME_MAX)
            return false;
        if (k)
            out[(*len)++] = ' ';
        memcpy(out + *len, line + s.offset, s.len);
        *len += s.len;
    }
    out[*len] = '\0';
    return true;
}

/* Whether the first line begins with an ISO 8601 date and time, yyyy-mm-ddT: journalctl's
 * short-iso timestamp (its <Timestamp> field would take an epoch number too, as in loghub's BGL,
 * and a date alone, with the time for a host, as in loghub's Hadoop). */
static bool iso_dated(const PrefixLines *lines)
{
    const char *l = lines->start[0];
    if (lines->len[0] < 11 || l[10] != 'T')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? l[i] != '-' : !isdigit((unsigned char)l[i]))
            return false;
    return true;
}

const LogPreset *log_detect_preset(const char *prefix, size_t len)
{
    if (memchr(prefix, '\0', len))
        return NULL;
    PrefixLines lines;
    split_prefix(prefix, len, &lines);
    if (lines.n == 0 || csv_header_shaped(lines.start[0], lines.len[0]))
        return NULL; /* a CSV's header, a structured log's among them */
    /* The common formats first: loghub's system presets (its linux, openssh, mac) fit any syslog
     * too, with the benchmark's settings for one sample; they stay for when they are named. */
    static const char *const common[] = {"syslog", "journalctl"};
    for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
        const LogPreset *preset = log_preset_find(common[k]);
        if (preset && (k == 0 || iso_dated(&lines)) && fits_nearly_all(preset, &lines))
            return preset;
    }
    size_t n_presets;
    const LogPreset *presets = log_presets(&n_presets);
    for (size_t p = 0; p < n_presets; p++)
        if (strcmp(presets[p].name, "line") != 0 && /* takes any line: the fallback, not a fit */
            fits_nearly_all(&presets[p], &lines))
            return &presets[p];
    return NULL;
}

SniffScore log_sniff(const char *prefix, size_t len)
{
    return log_detect_preset(prefix, len) ? SNIFF_LIKELY : SNIFF_NO;
}

bool log_sniff_plain(const char *prefix, size_t len)
{
    if (memchr(prefix, '\0', len) || text_invalid_utf8(prefix, len) + 4 < len)
        return false; /* binary: the CSV reader says so (an invalid character cut at the end is
                       * the prefix's end, not binary) */
    PrefixLines lines;
    split_prefix(prefix, len, &lines);
    if (lines.n == 0 || csv_header_shaped(lines.start[0], lines.len[0]))
        return false;
    for (size_t i = 0; i < lines.n; i++) /* a banner ("=========") may come before the words */
        if (has_word(lines.start[i], lines.len[i]))
            return true;
    return false;
}
