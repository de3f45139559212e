#include "truth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define EVENTS_HEADER "first_event,last_event,episode"
#define TIME_HEADER "start_ns,stop_ns,label"

/* Whether nothing follows: a full buffer without a newline may be the last line, unended. */
static bool at_end(FILE *fp)
{
    int c = getc(fp);
    if (c == EOF)
        return !ferror(fp);
    ungetc(c, fp);
    return false;
}

/* Where a line is read, for messages. */
typedef struct TruthLine {
    const char *path;
    size_t number;
} TruthLine;

static bool header_or_row_error(const TruthLine *at, const char *text, Error *err)
{
    char excerpt[64];
    return error_set(err, "%s:%zu: expected the header " EVENTS_HEADER " or " TIME_HEADER ", found '%s'",
                     at->path, at->number, text_excerpt(excerpt, sizeof excerpt, text, strlen(text)));
}

/* "# kind: NAME" names the kind; other comments say nothing. */
static bool read_comment(Truth *truth, const TruthLine *at, const char *text, Error *err)
{
    const char *p = text + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "kind:", 5) != 0)
        return true;
    for (p += 5; *p == ' ' || *p == '\t'; p++)
        ;
    size_t len = strlen(p);
    while (len && isspace((unsigned char)p[len - 1]))
        len--;
    if (len == 0)
        return error_set(err, "%s:%zu: expected a kind's name after '# kind:'", at->path, at->number);
    if (truth->kind)
        return error_set(err, "%s:%zu: a second '# kind:' line (the first named %s)", at->path, at->number, truth->kind);
    truth->kind = strndup(p, len);
    return truth->kind || error_nomem(err);
}

static bool add_interval(Truth *truth, int64_t start, int64_t stop, Error *err)
{
    if (truth->n_intervals == truth->cap) {
        size_t cap = truth->cap ? 2 * truth->cap : 16;
        TruthInterval *grown = realloc(truth->intervals, cap * sizeof *grown);
        if (!grown)
            return error_nomem(err);
        truth->intervals = grown;
        truth->cap = cap;
    }
    truth->intervals[truth->n_intervals++] = (TruthInterval){start, stop};
    return true;
}

/* A row: two integers and the rest, an episode's number or a label: any text, commas included,
 * and may be left out. Event indices are not negative. */
static bool read_row(Truth *truth, const TruthLine *at, const char *text, Error *err)
{
    bool events = truth->form == TRUTH_EVENTS;
    const char *names[2] = {events ? "first_event" : "start_ns", events ? "last_event" : "stop_ns"};
    const char *first_comma = strchr(text, ',');
    const char *second_comma = first_comma ? strchr(first_comma + 1, ',') : NULL;
    char excerpt[64];
    if (!first_comma || (!second_comma && events))
        return error_set(err, "%s:%zu: expected %s, found '%s'", at->path, at->number,
                         events ? EVENTS_HEADER : TIME_HEADER, text_excerpt(excerpt, sizeof excerpt, text, strlen(text)));
    if (!second_comma) /* a time row without its label */
        second_comma = first_comma + strlen(first_comma);
    const char *starts[2] = {text, first_comma + 1};
    size_t lens[2] = {(size_t)(first_comma - text), (size_t)(second_comma - first_comma - 1)};
    int64_t episode;
    if (events && !text_parse_int64(second_comma + 1, strlen(second_comma + 1), &episode))
        return error_set(err, "%s:%zu: episode '%s' is not a whole number", at->path, at->number,
                         text_excerpt(excerpt, sizeof excerpt, second_comma + 1, strlen(second_comma + 1)));
    int64_t values[2];
    for (int f = 0; f < 2; f++)
        if (!text_parse_int64(starts[f], lens[f], &values[f]) || (events && values[f] < 0))
            return error_set(err, "%s:%zu: %s '%s' is not %s", at->path, at->number, names[f],
                             text_excerpt(excerpt, sizeof excerpt, starts[f], lens[f]),
                             events ? "a whole number of 0 or more" : "a whole number of nanoseconds");
    if (values[1] < values[0])
        return error_set(err, "%s:%zu: %s %lld is before %s %lld", at->path, at->number, names[1],
                         (long long)values[1], names[0], (long long)values[0]);
    return add_interval(truth, values[0], values[1], err);
}

static bool read_line(Truth *truth, const TruthLine *at, bool *have_header, char *text, Error *err)
{
    if (at->number == 1)
        text_skip_bom(text, strlen(text));
    text[text_trim_newline(text, strlen(text))] = '\0';
    if (text[0] == '#')
        return read_comment(truth, at, text, err);
    if (text[strspn(text, " \t")] == '\0')
        return true; /* a blank line */
    if (*have_header)
        return read_row(truth, at, text, err);
    if (strcmp(text, EVENTS_HEADER) == 0)
        truth->form = TRUTH_EVENTS;
    else if (strcmp(text, TIME_HEADER) == 0)
        truth->form = TRUTH_TIME;
    else
        return header_or_row_error(at, text, err);
    *have_header = true;
    return true;
}

bool truth_load(Truth *truth, const char *path, Error *err)
{
    memset(truth, 0, sizeof *truth);
    truth->path = strdup(path);
    if (!truth->path)
        return error_nomem(err);
    FILE *fp;
    if (!text_open(path, &fp, err)) {
        truth_free(truth);
        return false;
    }
    char line[256];
    TruthLine at = {path, 0};
    bool ok = true, have_header = false;
    while (ok && fgets(line, sizeof line, fp)) {
        at.number++;
        if (!strchr(line, '\n') && !at_end(fp)) /* else the rest would pass for the next line */
            ok = error_set(err, "%s:%zu: a line longer than %zu bytes", path, at.number, sizeof line - 2);
        else
            ok = read_line(truth, &at, &have_header, line, err);
    }
    if (ok && ferror(fp)) /* fgets ends alike on end of file and on a read error */
        ok = error_set_code(err, errno == ENOMEM ? ERROR_NOMEM : ERROR_IO, "%s:%zu: read error: %s",
                            path, at.number + 1, strerror(errno));
    if (ok && !have_header)
        ok = error_set(err, "%s:%zu: no header (" EVENTS_HEADER " or " TIME_HEADER ")", path, at.number + 1);
    fclose(fp);
    if (!ok)
        truth_free(truth);
    return ok;
}

void truth_free(Truth *truth)
{
    free(truth->path);
    free(truth->kind);
    free(truth->intervals);
    memset(truth, 0, sizeof *truth);
}

static void mark_events(const Truth *truth, size_t segment_len, size_t n_segments, uint8_t *segment_bad)
{
    for (size_t i = 0; i < truth->n_intervals; i++) {
        uint64_t first = (uint64_t)truth->intervals[i].start / segment_len;
        uint64_t last = (uint64_t)truth->intervals[i].stop / segment_len;
        for (uint64_t s = first; s <= last && s < n_segments; s++) /* past the trace's end: nothing */
            segment_bad[s] = 1;
    }
}

static int by_start(const void *a, const void *b)
{
    const TruthInterval *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* A segment spanning [from, to] overlaps an interval when one starts by `to` and stops at or
 * after `from`: with the intervals sorted by start and the latest stop among the first k kept,
 * each segment is a binary search, however many intervals a sporadic anomaly leaves. */
static bool mark_times(const Truth *truth, const Trace *trace, size_t segment_len, size_t n_segments,
                       uint8_t *segment_bad, Error *err)
{
    size_t n = truth->n_intervals;
    TruthInterval *sorted = malloc((n + 1) * sizeof *sorted);
    if (!sorted)
        return error_nomem(err);
    if (n > 0) /* a clean trace's truth has no intervals, and no array */
        memcpy(sorted, truth->intervals, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_start);
    for (size_t i = 1; i < n; i++) /* sorted[i].stop: the latest stop among the first i + 1 */
        if (sorted[i].stop < sorted[i - 1].stop)
            sorted[i].stop = sorted[i - 1].stop;
    for (size_t s = 0; s < n_segments && s * segment_len < trace->n_events; s++) {
        size_t first = s * segment_len, end = first + segment_len < trace->n_events ? first + segment_len : trace->n_events;
        int64_t from = trace_time(trace, first), to = trace_time(trace, end - 1);
        if (to < from) { /* a clock that stepped back */
            int64_t swap = from;
            from = to, to = swap;
        }
        size_t lo = 0, hi = n; /* the number of intervals that start by `to` */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sorted[mid].start <= to)
                lo = mid + 1;
            else
                hi = mid;
        }
        segment_bad[s] = lo > 0 && sorted[lo - 1].stop >= from;
    }
    free(sorted);
    return true;
}

bool truth_mark(const Truth *truth, const Trace *trace, size_t segment_len, size_t n_segments,
                uint8_t *segment_bad, Error *err)
{
    memset(segment_bad, 0, n_segments);
    if (segment_len == 0)
        return error_set(err, "the segment length must be at least 1 event");
    if (truth->form == TRUTH_EVENTS) {
        mark_events(truth, segment_len, n_segments, segment_bad);
        return true;
    }
    if (!trace->timed)
        return error_set(err, "%s: the ground truth is in time (" TIME_HEADER "), but %s has no timestamps",
                         truth->path, trace->path);
    return mark_times(truth, trace, segment_len, n_segments, segment_bad, err);
}

bool truth_mark_segments(const char *path, const Trace *trace, size_t segment_len, size_t n_segments,
                         uint8_t *segment_bad, Error *err)
{
    Truth truth;
    if (!truth_load(&truth, path, err))
        return false;
    bool ok = truth_mark(&truth, trace, segment_len, n_segments, segment_bad, err);
    truth_free(&truth);
    return ok;
}

/* The start of path's base name and the length of its stem (up to the first '.' after the
 * first character, so that a hidden file keeps its name). */
static const char *base_stem(const char *path, size_t *stem_len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = base[0] ? strchr(base + 1, '.') : NULL;
    *stem_len = dot ? (size_t)(dot - base) : strlen(base);
    return base;
}

char *truth_path_beside(const char *trace_path)
{
    size_t stem_len;
    const char *base = base_stem(trace_path, &stem_len);
    size_t keep = (size_t)(base - trace_path) + stem_len;
    char *path = malloc(keep + sizeof ".truth");
    if (path)
        sprintf(path, "%.*s.truth", (int)keep, trace_path);
    return path;
}

char *truth_kind_from_name(const char *trace_path)
{
    size_t len;
    const char *base = base_stem(trace_path, &len);
    size_t digits = 0;
    while (digits < len && isdigit((unsigned char)base[len - 1 - digits]))
        digits++;
    if (digits > 0 && digits + 1 < len && base[len - 1 - digits] == '-')
        len -= digits + 1;
    return strndup(base, len);
}
