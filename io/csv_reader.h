/* The CSV reader's state, shared by its files: csv_trace.c (the input and the records),
 * csv_lines.c (the text fed a line at a time), csv_header.c (the header row), csv_sessions.c (a
 * structured log's sessions) and csv_chunks.c (a large file parsed in parallel chunks). Private
 * to them; the reader's entry is csv_trace.h. */
#ifndef TRACEAID_CSV_READER_H
#define TRACEAID_CSV_READER_H

#include <csv.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"
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

struct CsvChunk;

typedef struct CsvReader {
    const char *path;
    const TraceOptions *opt;
    Trace *t;
    Vocab *vocab;
    Meanings *meanings;
    Error *err;
    bool failed;
    struct csv_parser parser;   /* libcsv, for the lines the fast path leaves (csv_lines.c) */
    size_t line;                /* the physical line being fed, from 1 */
    size_t line_col;            /* bytes of that line fed so far */
    size_t record_line;         /* where the current record started */
    /* where the text being fed stands in the input, and where feeding may stop (csv_feed) */
    uint64_t pos;
    uint64_t stop_at;           /* at the first record's end at or past this; UINT64_MAX: never */
    bool stop_after_event;      /* ... once the header and one event are read */
    bool stopped;
    uint64_t bytes_reported;    /* the progress told so far */
    /* where events go: the trace (names are t->names), or a chunk's own columns and names when
     * this reader parses one chunk of a file (csv_chunks.c) */
    struct CsvChunk *chunk;
    StrPool *names;
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

/* libcsv's callbacks: a field, the end of a record. */
void csv_on_field(void *data, size_t len, void *ctx);
void csv_on_row(int terminator, void *ctx);
/* Starts r->parser; false with err set when it cannot. */
bool csv_parser_start(CsvReader *r);
/* Events read so far by this reader (into the trace, or into its chunk). */
size_t csv_events_read(const CsvReader *r);
/* Readies the reader for the next record. */
void csv_reset_record(CsvReader *r);
/* Frees what the reader holds (not the trace). */
void csv_reader_free(CsvReader *r);

/* Feeds len bytes of text to the parser, a line at a time (io/csv_lines.c), counting lines and
 * r->pos. Stops early, with r->stopped set, at the first line end where a record ends and the
 * stop rule (stop_at, stop_after_event) holds; *used says how much was fed. */
bool csv_feed(CsvReader *r, const char *buf, size_t len, size_t *used);
/* The input ended: the last record without a line end, or an open quote said. */
bool csv_feed_end(CsvReader *r);

/* A large plain file parsed in parallel chunks once the head (header and first record) is read
 * by r from the first bytes (io/csv_chunks.c). csv_chunks_wanted: whether it may be, before the
 * head is read; csv_load_chunks: reads the rest from offset `start` on, or returns with
 * *handled false (r untouched) when the head shows it must stay serial. */
bool csv_chunks_wanted(const CsvReader *r, const InputStream *in);
bool csv_load_chunks(CsvReader *r, const InputStream *in, uint64_t start, bool *handled);
/* A chunk's reader: its events so far, and the record just read appended to them. */
size_t csv_chunk_events(const struct CsvChunk *c);
bool csv_chunk_append(CsvReader *r, uint32_t key_id);

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
