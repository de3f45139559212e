/* Command-line options from a table, for every front end: each command lists its options once, and both parsing
 * and its --help text come from that list. */
#ifndef TRACEAID_ARGS_H
#define TRACEAID_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../io/error.h"
#include "scored_set.h"

enum { EXIT_OK = 0, EXIT_ANOMALY = 1, EXIT_ERROR = 2, EXIT_INTERRUPTED = 130 };

typedef enum ArgKind {
    ARG_FLAG,       /* bool */
    ARG_STRING,     /* const char * */
    ARG_UINT,       /* uint64_t */
    ARG_SESSIONS,   /* a session file, added to the inputs in command-line order */
} ArgKind;

typedef struct ArgSpec {
    const char *name;       /* long name, without "--" */
    char short_name;        /* or 0 */
    ArgKind kind;
    void *target;
    const char *metavar;    /* what the value is, for --help; NULL for flags */
    const char *help;
} ArgSpec;

/* Positional arguments and --sessions files, in order. */
typedef struct ArgInputs {
    TraceInput *items;
    size_t n, cap;
} ArgInputs;

typedef struct Command {
    const char *name;
    const char *usage;      /* e.g. "stats [OPTIONS] TRACE..." */
    const char *summary;    /* one line */
    const char *details;    /* after the options in --help: formats, examples */
    int (*run)(const struct Command *cmd, int argc, char **argv);
} Command;

/* Parses argv[1..] (argv[0] is the command name). Returns false with err set on a bad option;
 * *help is set when --help or -h was given. */
bool args_parse(int argc, char **argv, const ArgSpec *specs, size_t n_specs, ArgInputs *inputs,
                bool *help, Error *err);
void args_free(ArgInputs *inputs);
void args_print_help(FILE *out, const Command *cmd, const ArgSpec *specs, size_t n_specs);
/* The start of every command: parses its options; prints --help or a usage error and returns
 * false with *status set when the command should go no further. */
bool args_begin(const Command *cmd, int argc, char **argv, const ArgSpec *specs, size_t n_specs,
                ArgInputs *inputs, int *status);
/* Prints "traceaid CMD: message" and a hint to --help; returns EXIT_ERROR. */
int args_usage_error(const Command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The options every command that reads traces takes, in one place. */
#define TRACE_ARG_SPECS(ta)                                                                     \
    {"sessions", 0, ARG_SESSIONS, NULL, "FILE", "read FILE as a DeepLog session file"},          \
    {"key-cols", 0, ARG_STRING, &(ta)->opt.key_cols, "A,B", "columns joined into the key (class,event)"}, \
    {"time-col", 0, ARG_STRING, &(ta)->opt.time_col, "COL", "timestamp column (timestamp|time|t)"}, \
    {"cpu-col", 0, ARG_STRING, &(ta)->opt.cpu_col, "COL", "cpu column (cpu)"},                   \
    {"pid-col", 0, ARG_STRING, &(ta)->opt.pid_col, "COL", "process id column (pid)"},            \
    {"tid-col", 0, ARG_STRING, &(ta)->opt.tid_col, "COL", "thread id column (tid)"},             \
    {"name-col", 0, ARG_STRING, &(ta)->opt.name_col, "COL", "process name column (pname|process)"}, \
    {"group-col", 0, ARG_STRING, &(ta)->opt.group_col, "COL", "structured logs: a session per value of COL"}, \
    {"group-regex", 0, ARG_STRING, &(ta)->opt.group_regex, "RE", "structured logs: a session per first match of RE in --group-col (Content)"}, \
    {"meanings", 0, ARG_STRING, &(ta)->meanings_path, "FILE", "key meanings, KEY<TAB>meaning a line"}

#define MODEL_ARG_SPECS(ma)                                                                      \
    {"model", 'm', ARG_STRING, &(ma)->path, "MODEL", "the model file"},                           \
    {"top-g", 'g', ARG_UINT, &(ma)->top_g, "G", "candidates that count as a hit (the model's)"}, \
    {"window", 0, ARG_UINT, &(ma)->window, "H", "window of a model file without metadata (10)"}

#define SEGMENT_ARG_SPEC(ma) \
    {"segment", 0, ARG_UINT, &(ma)->segment, "N", "events per segment (the model's, else 1000)"}

/* Loads the inputs and the meanings file named in tr; prints the error and returns false. */
bool trace_args_load(const Command *cmd, TraceRequest *tr, const ArgInputs *inputs, TraceSet *set);
/* Loads the model, the inputs and the meanings and scores every trace (Ctrl-C stops it);
 * prints the error and returns false. */
bool scored_args_load(const Command *cmd, ScoredSet *s, const ModelRequest *req, const TraceRequest *tr,
                      const ArgInputs *inputs);

#endif
