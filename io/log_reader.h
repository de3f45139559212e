/* The raw-log reader's state, shared by its files: log_trace.c (the format, the lines, the
 * whole log) and log_keys.c (the keys once the log is read). Private to them; the reader's
 * entry is log_trace.h. */
#ifndef TRACEAID_LOG_READER_H
#define TRACEAID_LOG_READER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_trace.h"
#include "timestamp.h"

/* A buffer reused from line to line. */
typedef struct Scratch {
    char *text;
    size_t cap;
} Scratch;

typedef struct LogReader {
    const char *path;
    const TraceOptions *opt;
    Trace *t;
    Vocab *vocab;
    Meanings *meanings;
    const LogPreset *preset;    /* the format's preset, or NULL for a format given in full */
    LogFormat format;
    Drain *drain;
    LogSpan spans[LOG_FORMAT_MAX_FIELDS];
    /* the fields that give an event's name, process, ids, time and session; -1 when absent */
    int name_field, process_field, pid_field, tid_field, group_field;
    int time_field[LOG_TIME_FIELDS];
    size_t n_time_fields;
    TimeParser time_parser;
    TimeOrder time_order;
    int64_t last_time;
    size_t timed, untimed;      /* events whose time read, and did not */
    size_t first_untimed;       /* the line of the first that did not */
    size_t first_timed;         /* the first event whose time read */
    Scratch line, group;        /* a line made valid UTF-8, a group field's text */
    /* sessions */
    bool grouping, has_regex;
    regex_t regex;
    StrPool groups;
    uint32_t *group_of;         /* per event */
    size_t group_cap;
    /* keys */
    size_t *cluster_line;       /* per cluster: the line that began it (0: a loaded template) */
    size_t n_cluster_lines, cluster_lines_cap;
    size_t new_key_events, new_keys; /* with --templates: events no template took, their keys */
    char new_key_names[128];
    /* lines the format does not match */
    size_t skipped, first_skipped;
    size_t too_costly, first_too_costly; /* of those, lines the matcher gave up on */
    bool no_preset_fits;        /* no --log-format and none detected: whole lines, said */
} LogReader;

/* Gives every event its key, by its cluster's final template id (io/log_keys.c). */
bool log_key_events(LogReader *r, Error *err);

#endif
