/* Timestamps as logs and traces write them, read into int64 nanoseconds since 1970-01-01 UTC.
 * A column's (or a log field's) format is recognised once, from its first value, then every
 * value is read in that format: integer nanoseconds (as traces have always been read), ISO 8601
 * (T or space, a fraction after '.' or ',', Z or an offset), time of day, syslog's and other
 * logs' dates without a year, ctime, loghub's systems' formats, epoch seconds with decimals. A
 * format can be given instead (--time-format), strptime-like with %f for a fraction. */
#ifndef TRACEAID_TIMESTAMP_H
#define TRACEAID_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A format without a year reads its dates in this year, and in the next one each time the
 * month goes back more than half a year (December's lines, then January's); a format without a
 * date reads its times on 1970-01-01, and on the next day each time the time of day goes back
 * more than 12 hours. */
#define TIME_ASSUMED_YEAR 2000

typedef struct TimeParser {
    const char *given;          /* --time-format, or NULL: recognised from the first value */
    const char *format;         /* the format in use; NULL until the first value */
    const char *name;           /* what it is ("ISO 8601"), for messages */
    bool integer;               /* integer nanoseconds, as traces were always read */
    bool log;                   /* a log's time: an integer is epoch time by its digits (below) */
    int year;                   /* the year of a format without one (see above) */
    int last_month;             /* the last value's month, 0 before the first */
    int64_t day;                /* the day of a format without a date, from 1970-01-01 */
    int64_t last_time_of_day;   /* the last value's, in ns; -1 before the first */
} TimeParser;

/* A parser for one column (or joined columns); format is --time-format or NULL. */
void time_parser_init(TimeParser *p, const char *format);
/* The same for a log's time (a structured log's column, a raw log's fields): with no format
 * given, an integer is epoch time in the unit its digits say -- up to 10 seconds, 13
 * milliseconds, 16 microseconds, 19 nanoseconds (another count is an error naming
 * --time-format) -- each value read so, and a column of integers may go on with decimals (epoch
 * seconds). Kernel traces' integers stay nanoseconds (time_parser_init). */
void time_parser_init_log(TimeParser *p, const char *format);

/* Reads one value (surrounding whitespace ignored) into *ns. The first value fixes the format
 * when none was given. A value that does not read is ERROR_INPUT saying what was tried, for the
 * caller to prefix with where it is. */
bool time_parse(TimeParser *p, const char *s, size_t len, int64_t *ns, Error *err);

/* Times that go backwards in a log (a DST fall-back, lines out of order): counted as they are
 * read, said once per trace (time_order_warn). The log readers each keep one. */
typedef struct TimeOrder {
    bool started;
    int64_t last;
    size_t backwards, first_line;   /* how often, and the line of the first */
} TimeOrder;
static inline void time_order_note(TimeOrder *o, int64_t ns, size_t line)
{
    if (o->started && ns < o->last && o->backwards++ == 0)
        o->first_line = line;
    o->started = true;
    o->last = ns;
}
/* The warning, when times went back: "PATH: times go back N times (the first on line L) ...". */
struct Warnings;
bool time_order_warn(const TimeOrder *o, const char *path, struct Warnings *w, Error *err);

/* Checks a --time-format: an unknown directive or a format that reads nothing is ERROR_USAGE. */
bool time_format_check(const char *format, Error *err);

#endif
