/* Command-line options from a table, for both front ends' commands: each command lists its
 * options once, and parsing, the range of every number and its --help text come from that list. */
#ifndef TRACEAID_ARGS_H
#define TRACEAID_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../io/error.h"
#include "../io/string_list.h"
#include "scored_set.h"

enum { EXIT_OK = 0, EXIT_ANOMALY = 1, EXIT_ERROR = 2, EXIT_INTERRUPTED = 130 };

typedef enum ArgKind {
    ARG_KIND_FLAG,      /* bool */
    ARG_KIND_STRING,    /* const char * */
    ARG_KIND_INT,       /* int64_t */
    ARG_KIND_UINT,      /* uint64_t */
    ARG_KIND_FLOAT,     /* float: what every fractional option feeds */
    ARG_KIND_SESSIONS,  /* a session file, added to the inputs in command-line order */
    ARG_KIND_STRINGS,   /* StringList: each use of the option adds one */
    ARG_KIND_DOUBLE,    /* double: a fraction compared exactly, as Python's float holds it */
} ArgKind;

/* One end of a number option's range, in its kind's type. */
typedef union ArgBound {
    int64_t i;
    uint64_t u;
    double f;
} ArgBound;

/* What an option's value is, and for a number the values accepted, both ends included. */
typedef struct ArgType {
    ArgKind kind;
    ArgBound min, max;
} ArgType;

/* The types a row names: a number's comes with its range, checked by args_parse, which refuses
 * a value outside it naming the option and the range. A default set before parsing is not
 * checked, so 0 may stand for "not given" where the range starts at 1. */
#define ARG_FLAG {.kind = ARG_KIND_FLAG}
#define ARG_STRING {.kind = ARG_KIND_STRING}
#define ARG_SESSIONS {.kind = ARG_KIND_SESSIONS}
#define ARG_STRINGS {.kind = ARG_KIND_STRINGS}
#define ARG_INT(lo, hi) {.kind = ARG_KIND_INT, .min.i = (lo), .max.i = (hi)}
#define ARG_UINT(lo, hi) {.kind = ARG_KIND_UINT, .min.u = (lo), .max.u = (hi)}
#define ARG_FLOAT(lo, hi) {.kind = ARG_KIND_FLOAT, .min.f = (lo), .max.f = (hi)}
#define ARG_DOUBLE(lo, hi) {.kind = ARG_KIND_DOUBLE, .min.f = (lo), .max.f = (hi)}

typedef struct ArgSpec {
    const char *name;       /* long name, without "--" */
    char short_name;        /* or 0 */
    ArgType type;           /* ARG_STRING, ARG_UINT(1, 1000)... */
    void *target;           /* of the kind's C type */
    const char *metavar;    /* what the value is, for --help; NULL for flags */
    const char *help;
} ArgSpec;

/* Positional arguments and --sessions files, in order. */
typedef struct ArgInputs {
    TraceInput *items;
    size_t n, cap;
} ArgInputs;

/* A subcommand: its text for --help, its options and the struct they write into, and its work.
 * main parses argv into args once, prints --help or a usage error, runs it and frees the inputs. */
typedef struct Command {
    const char *name;
    const char *usage;      /* e.g. "stats [OPTIONS] TRACE..." */
    const char *summary;    /* one line */
    const char *details;    /* after the options in --help: formats, examples */
    const ArgSpec *specs;   /* its options, in --help order */
    size_t n_specs;
    void *args;             /* the struct the specs' targets lie in, holding the defaults */
    /* Returns the exit status (EXIT_OK, EXIT_ANOMALY, or EXIT_ERROR once it has printed its
     * own message); or sets err, and main prints the message and maps its code to the status. */
    int (*run)(const struct Command *cmd, const ArgInputs *inputs, Error *err);
    /* Run without its name typed (traceaid TRACE... runs open): its messages then begin
     * "traceaid:", naming only what the user typed. */
    bool implied;
} Command;

#define ARG_COUNT(specs) (sizeof(specs) / sizeof(specs)[0])

/* Parses argv[1..] (argv[0] is the command name). Returns false with err set (ERROR_USAGE) on a
 * bad option; *help is set when --help or -h was given. */
bool args_parse(int argc, char **argv, const ArgSpec *specs, size_t n_specs, ArgInputs *inputs,
                bool *help, Error *err);
void args_free(ArgInputs *inputs);
void args_print_help(FILE *out, const Command *cmd);
/* Prints "traceaid CMD: message" ("traceaid: message" for an implied command) and a hint to
 * --help; returns EXIT_ERROR. */
int args_usage_error(const Command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a command's failure, with the hint to --help for a usage error; returns its exit status. */
int args_report_error(const Command *cmd, const Error *err);
/* The name a mistyped word most likely meant: the one it is a unique prefix of, or else the
 * nearest within 2 edits (a letter added, dropped, changed, or two swapped; case ignored) and
 * fewer edits than the word has letters. NULL when none is that close. */
const char *args_closest(const char *word, const char *const *names, size_t n_names);
/* The exit status of a failure of this kind: 130 interrupted, 2 the others (0 none). */
int exit_status_for(ErrorCode code);

/* The options every command that reads traces takes, in one place. */
#define TRACE_ARG_SPECS(ta)                                                                     \
    {"sessions", 0, ARG_SESSIONS, NULL, "FILE", "read FILE as a DeepLog session file"},          \
    {"key", 0, ARG_STRING, &(ta)->opt.key_cols, "A,B", "fields or columns joined into the key: event, comm, cpu, pid, tid or a field's name (CSV: class,event; kernel traces: event)"}, \
    {"key-cols", 0, ARG_STRING, &(ta)->opt.key_cols, "A,B", "the same as --key"}, \
    {"time-col", 0, ARG_STRING, &(ta)->opt.time_col, "COL", "timestamp column (timestamp|time|t); A,B: columns joined, as Date,Time"}, \
    {"time-format", 0, ARG_STRING, &(ta)->opt.time_format, "FMT", "how the times read when not recognised: strptime-like, %f a fraction ('%d/%m/%Y %H:%M:%S.%f')"}, \
    {"cpu-col", 0, ARG_STRING, &(ta)->opt.cpu_col, "COL", "cpu column (cpu)"},                   \
    {"pid-col", 0, ARG_STRING, &(ta)->opt.pid_col, "COL", "process id column (pid)"},            \
    {"tid-col", 0, ARG_STRING, &(ta)->opt.tid_col, "COL", "thread id column (tid)"},             \
    {"name-col", 0, ARG_STRING, &(ta)->opt.name_col, "COL", "process name column (pname|process)"}, \
    {"group-col", 0, ARG_STRING, &(ta)->opt.group_col, "COL", "logs: a session per value of COL (a structured log's column, a raw log's field)"}, \
    {"group-regex", 0, ARG_STRING, &(ta)->opt.group_regex, "RE", "logs: a session per first match of RE (POSIX extended: [0-9], not \\d) in --group-col (Content)"}, \
    {"meanings", 0, ARG_STRING, &(ta)->meanings_path, "FILE", "key meanings, KEY<TAB>meaning a line"}, \
    {"threads", 0, ARG_UINT(0, 256), &(ta)->opt.threads, "N", "threads to read and score with (0: every core; TRACEAID_THREADS)"}, \
    {"no-cache", 0, ARG_FLAG, &(ta)->opt.no_cache, NULL, "neither read nor write the binary cache kept beside a trace (TRACE.tacache)"}, \
    LOG_ARG_SPECS(&(ta)->opt.log)

/* How raw logs are read and turned into keys: the commands that read traces and `parse`. */
#define LOG_ARG_SPECS(lo)                                                                       \
    {"log-format", 0, ARG_STRING, &(lo)->format, "FMT", "raw logs: the line format ('<Date> <Time> <Level> <Component>: <Content>') or a preset's name (parse --list-formats)"}, \
    {"mask", 0, ARG_STRINGS, &(lo)->masks, "RE", "raw logs: replace matches of RE with <*> before mining templates (repeatable; replaces the preset's)"}, \
    {"similarity", 0, ARG_DOUBLE(0.01, 1), &(lo)->similarity, "X", "raw logs: the share of equal tokens a message needs to join a template (0.5)"}, \
    {"depth", 0, ARG_UINT(3, 100), &(lo)->depth, "N", "raw logs: the template tree's depth, as Drain's (4: routed by the token count and the first token)"}, \
    {"templates", 0, ARG_STRING, &(lo)->templates, "FILE", "raw logs: reuse these templates (loghub's *_templates.csv), so keys mean the same as before"}

/* Loads the inputs and the meanings file named in tr; Ctrl-C stops it (ERROR_INTERRUPTED). */
bool trace_args_load(TraceRequest *tr, const ArgInputs *inputs, TraceSet *set, Error *err);
/* Loads the model, the inputs and the meanings and scores every trace; Ctrl-C stops it. */
bool scored_args_load(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const ArgInputs *inputs,
                      Error *err);
/* The same, telling progress (may be NULL) how the scoring goes (core/scored_set.h). */
bool scored_args_load_progress(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const ArgInputs *inputs,
                               ScoreProgress progress, void *progress_ctx, Error *err);

#endif
