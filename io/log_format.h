/* How a raw log's lines are laid out, written as loghub's benchmark writes it:
 * "<Date> <Time> <Pid> <Level> <Component>: <Content>" -- each <Name> a field, the text between
 * them literal (a run of spaces matching any run of whitespace; other text is a PCRE2 pattern, so
 * "(\[<PID>\])?" makes a field optional). A line is whitespace-trimmed, then matched whole; the
 * fields are the shortest that let the line match, as loghub's parsers split them. One field must
 * be <Content>, the message the template miner reads. Presets name formats of common logs. */
#ifndef TRACEAID_LOG_FORMAT_H
#define TRACEAID_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drain.h"
#include "error.h"
#include "string_list.h"

#define LOG_FORMAT_MAX_FIELDS 32

typedef struct LogSpan {
    size_t offset, len;         /* into the line; len 0 for an optional field absent */
} LogSpan;

typedef struct LogFormat {
    char *text;                 /* the format as given (a preset's expanded) */
    void *re;                   /* the compiled pcre2_code (UTF-8, Unicode's classes) */
    void *re_bytes;             /* the same read byte by byte, for a line that is not UTF-8 */
    void *match;                /* its pcre2_match_data */
    size_t n_fields;
    char *field[LOG_FORMAT_MAX_FIELDS];
    size_t content;             /* index of the Content field */
    int group[LOG_FORMAT_MAX_FIELDS];   /* each field's group number in the pattern */
    void *context;              /* its pcre2_match_context: the match limit */
    char *pieces;               /* what every matching line holds in order (log_format.c) */
    size_t pieces_len;
} LogFormat;

/* What matching one line gave: a line that would take the matcher more than LOG_MATCH_STEPS plus
 * LOG_MATCH_STEPS_PER_BYTE per byte of steps (its fields' lazy groups backtrack through every
 * split of a line that does not match) is told apart from one that does not match. Lines that
 * match take about one step a byte (loghub's 16 samples: at most 1.4 a byte, 2,526 in all). */
typedef enum LogMatch { LOG_NO_MATCH, LOG_MATCHED, LOG_TOO_COSTLY } LogMatch;
#define LOG_MATCH_STEPS 1000
#define LOG_MATCH_STEPS_PER_BYTE 4

/* One preset: a name, the format, and the miner's settings that suit it (the loghub benchmark's
 * for its systems). time_fields names the fields that make a timestamp, comma-separated ("Date,Time"),
 * or NULL. */
typedef struct LogPreset {
    const char *name;
    const char *format;
    const char *description;
    const char *masks[DRAIN_MAX_MASKS];
    double similarity;
    int depth;
    const char *time_fields;
} LogPreset;

/* How a raw log is read, from the command line: every field 0/NULL means "the preset's, else the
 * default". */
typedef struct LogOptions {
    const char *format;         /* --log-format: a format or a preset's name */
    StringList masks;           /* --mask (repeatable): replace the preset's masks */
    double similarity;          /* --similarity */
    uint64_t depth;             /* --depth */
    const char *templates;      /* --templates FILE: loghub templates to reuse, frozen */
} LogOptions;

const LogPreset *log_presets(size_t *n);
/* The preset of that name (case ignored), or NULL. */
const LogPreset *log_preset_find(const char *name);

/* The masks for a format that is no preset: IPv4(:port), 0x hex, paths, whole-token numbers;
 * NULL-terminated. */
const char *const *log_default_masks(void);
/* The miner's options for a command's LogOptions: a preset's settings (the format's name, or
 * "line" when none is given), else the defaults with log_default_masks(); then --mask (which
 * replaces the masks), --similarity and --depth. An option out of range is ERROR_USAGE. */
bool log_drain_options(const LogOptions *lo, DrainOptions *o, Error *err);

/* Compiles a format (or a preset's name). A format without <Content>, a field named twice, or
 * one that is not a valid pattern is ERROR_USAGE naming where. */
bool log_format_compile(LogFormat *f, const char *format, Error *err);
void log_format_free(LogFormat *f);
/* Matches one line (its line end already off); false when it does not match. spans gets
 * f->n_fields entries, offsets into line (leading whitespace counted). */
bool log_format_match(const LogFormat *f, const char *line, size_t len, LogSpan *spans);
/* The same, saying why a line does not match: the readers count the lines too costly to match
 * apart from those that do not match. */
LogMatch log_format_try(const LogFormat *f, const char *line, size_t len, LogSpan *spans);
/* The index of a field by name (case ignored), or -1. */
int log_format_field(const LogFormat *f, const char *name);

#endif
