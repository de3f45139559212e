/* Raw log files as traces (io/log_trace.c): each line split by a LogFormat (--log-format, or the
 * preset the first lines fit, else the whole line as the message), its message mined into
 * templates by Drain, and keyed by its template's id; the message is kept as the event's fields,
 * the template is the key's meaning. */
#ifndef TRACEAID_LOG_TRACE_H
#define TRACEAID_LOG_TRACE_H

#include "trace_reader.h"

/* SNIFF_LIKELY when a preset (other than "line") fits nearly all the first lines, its fields
 * plausible (a date or time holds a digit, a pid is a number, a level a word); else SNIFF_NO. */
SniffScore log_sniff(const char *prefix, size_t len);
/* Is this text a log the "line" format would take when no reader claims it: text with words on
 * its first line, that line no CSV header? */
bool log_sniff_plain(const char *prefix, size_t len);
/* The preset the first lines of prefix fit (as log_sniff), or NULL. */
const LogPreset *log_detect_preset(const char *prefix, size_t len);
bool log_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err);

/* For both: the fields that make a line's time ("Month,Day,Time"), at most LOG_TIME_FIELDS. */
#define LOG_TIME_FIELDS 4
#define LOG_TIME_MAX 256 /* bytes of a time's fields joined; longer is no time */
/* Each of the comma-separated names' field into fields; the count, or 0 with *missing pointing at
 * the first name the format lacks. */
size_t log_time_fields(const LogFormat *f, const char *names, int fields[LOG_TIME_FIELDS],
                       const char **missing);
/* The fields' text in line joined by spaces, NUL-terminated into out (LOG_TIME_MAX bytes); false
 * when it does not fit. */
bool log_time_text(const char *line, const LogSpan *spans, const int *fields, size_t n,
                   char out[LOG_TIME_MAX], size_t *len);

#endif
