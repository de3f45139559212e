/* The CSV reader's state, shared by its files: csv_trace.c (the input and the records),
 * csv_header.c (the header row) and csv_sessions.c (a structured log's sessions). Private to
 * them; the reader's entry is csv_trace.h. */
#ifndef TRACEAID_CSV_READER_H
#define TRACEAID_CSV_READER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timestamp.h"
#include "trace.h"

#define CSV_MAX_FIELD (1u << 20)
#define CSV_CHUNK (1u << 20)
#define CSV_MAX_KEY_COLS 8
#define CSV_MAX_TIME_COLS 4

typedef enum ColumnRole {
    ROLE_NONE, ROLE_KEY, ROLE_TIME, ROLE_CPU, ROLE_PID, ROLE_TID, ROLE_NAME, ROLE_GROUP,
    ROLE_TEMPLATE,
} ColumnRole;

typedef struct Span {
    size_t offset, len;     /* into CsvReader.scratch */
} Span;

typedef struct CsvReader {
    const char *path;
    const TraceOptions *opt;
    Trace *t;
    Vocab *vocab;
    Meanings *meanings;
    Error *err;
    bool failed;
    size_t line;                /* the physical line being fed, from 1 */
    size_t record_line;         /* where the current record started */
    bool in_header;
    size_t field;               /* index of the next field in the record */
    /* header */
    char **col_name;
    size_t n_cols, col_cap;
    ColumnRole *role;
    int *key_part;              /* per column: its place in the key, for ROLE_KEY */
    int n_key_parts;
    bool key_by_template;       /* a structured log's key: template_id(EventTemplate) */
    StrPool templates;          /* the templates met so far ... */
    uint32_t *template_key;     /* ... and their keys: an MD5 per template, not per line */
    size_t template_key_cap;
    bool template_known;        /* this record's template was met before */
    uint32_t *key_template;     /* keyed by EventId: per key, 1 + the template it last had ... */
    size_t key_template_cap;    /* ... so that a line repeating it is not compared again */
    int event_id_col;           /* keyed by template: EventId, the key of a line without one */
    size_t no_template, no_template_line;   /* such lines, and the first's line */
    int content_col;            /* a structured log's Content, kept in the trace's FieldStore ... */
    int event_name_col;         /* ... under its Level (or Component); -1: none */
    char *repaired;             /* Content or Level with bytes that are not UTF-8 replaced */
    size_t repaired_cap;
    /* the record being read */
    char *scratch;
    size_t scratch_len, scratch_cap;
    Span part[CSV_MAX_KEY_COLS], group, template, content, event_name, event_id;
    char *key;
    size_t key_cap;
    int64_t time;
    /* the time's columns: one, or several joined with spaces (--time-col Date,Time) */
    int time_col[CSV_MAX_TIME_COLS];
    int n_time_cols;
    Span time_part[CSV_MAX_TIME_COLS];
    TimeParser time_parser;     /* the columns' format, recognised from the first row */
    TimeOrder time_order;       /* a structured log's times going back */
    uint16_t cpu;
    int32_t pid, tid;
    uint32_t name_id;
    /* sessions of a structured log */
    bool grouping;
    bool has_regex;
    regex_t regex;
    StrPool groups;
    uint32_t *group_of;         /* per event */
    size_t group_cap;
} CsvReader;

/* Fails with "PATH:LINE: message" (code input); returns false. */
bool csv_fail(CsvReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure that is not the input's fault: its code tells the exit status. */
bool csv_fail_code(CsvReader *r, ErrorCode code, const char *what);
bool csv_check_utf8(CsvReader *r, const char *s, size_t len);

/* The header: each name as it comes, then the roles once the row ends. */
bool csv_header_add(CsvReader *r, const char *s, size_t len);
bool csv_header_finish(CsvReader *r);

/* Copies a field's text into the record's scratch. */
bool csv_stash(CsvReader *r, const char *s, size_t len, Span *span);
/* The time column(s) (io/csv_time.c): one read as it comes, several kept and joined at the
 * record's end. */
bool csv_read_time(CsvReader *r, const char *s, size_t len);
bool csv_read_joined_time(CsvReader *r);

/* A structured log's row (io/csv_log.c): its key by template, the template as the key's meaning,
 * the message (Content under its Level) when opt->keep_messages. */
#define NO_TEMPLATE_KEY "(no template)" /* a row without an EventTemplate or EventId */
bool csv_intern_template_key(CsvReader *r, uint32_t *key_id);
bool csv_record_meaning(CsvReader *r, uint32_t key_id);
bool csv_record_content(CsvReader *r);

bool csv_compile_group_regex(CsvReader *r);
bool csv_group_into_sessions(CsvReader *r);

#endif
