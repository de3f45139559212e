/* Timestamps: one small strptime-like reader (the C library's strptime follows the locale and
 * has no fractions), the formats recognised written in its language, and the arithmetic from a
 * civil date to nanoseconds since the epoch (int64: 1677-09-21 to 2262-04-11). */
#include "timestamp.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "warnings.h"

#define NS_PER_SEC 1000000000LL
#define SECS_PER_DAY 86400LL
#define EPOCH_FORMAT "%s.%f"

/* The formats recognised from a column's first value, tried in this order (each must read the
 * whole value). The literal before %f or %L may be absent with the fraction, and '.' and ','
 * stand for each other there (ISO 8601 allows both). */
static const struct {
    const char *name, *format;
} known_formats[] = {
    {"ISO 8601", "%Y-%m-%dT%H:%M:%S.%f%z"},
    {"ISO 8601 with a space", "%Y-%m-%d %H:%M:%S.%f%z"},
    {"ISO 8601 with a space before the offset", "%Y-%m-%d %H:%M:%S.%f %z"},
    {"ISO 8601 date", "%Y-%m-%d"},
    {"ISO 8601 basic", "%Y%m%dT%H%M%S.%f%z"},
    {"BGL's", "%Y-%m-%d-%H.%M.%S.%f"},
    {"dotted date and time", "%Y.%m.%d %H:%M:%S.%f"},
    {"dotted date", "%Y.%m.%d"},
    {"slashed date and time", "%Y/%m/%d %H:%M:%S.%f"},
    {"slashed date", "%Y/%m/%d"},
    {"HealthApp's", "%Y%m%d-%H:%M:%S:%L"},
    {"HDFS's", "%y%m%d %H%M%S"},
    {"Spark's", "%y/%m/%d %H:%M:%S.%f"},
    {"Android logcat's", "%m-%d %H:%M:%S.%f"},
    {"Proxifier's", "%m.%d %H:%M:%S.%f"},
    {"ctime", "%a %b %d %H:%M:%S %Y"},
    {"Apache access log's", "%d/%b/%Y:%H:%M:%S %z"},
    {"syslog", "%b %d %H:%M:%S.%f"},
    {"time of day", "%H:%M:%S.%f"},
    {"epoch seconds", EPOCH_FORMAT},
};
#define N_KNOWN (sizeof known_formats / sizeof known_formats[0])

static const char *const month_names[] = {"january", "february", "march", "april", "may", "june",
                                          "july", "august", "september", "october", "november",
                                          "december"};
static const char *const day_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
                                        "saturday", "sunday"};

/* What one value holds, as read. */
typedef struct Fields {
    int64_t year, epoch;
    int month, day, hour, minute, second, offset; /* offset: seconds east of UTC */
    int64_t nsec;
    bool has_year, has_date, has_epoch, negative;
    bool has_month, has_day;    /* a date without them is on the first (%Y-%m, %Y) */
    const char *why;            /* a value out of range, when that failed it */
} Fields;

typedef struct Cursor {
    const char *s, *end;
} Cursor;

/* Between min and max digits (as many as there are); false when fewer than min. */
static bool digits(Cursor *c, int min, int max, int64_t *value)
{
    int n = 0;
    int64_t v = 0;
    while (n < max && c->s < c->end && isdigit((unsigned char)*c->s)) {
        v = v * 10 + (*c->s++ - '0');
        n++;
    }
    *value = v;
    return n >= min;
}

static bool small_int(Cursor *c, int min, int max, int *value)
{
    int64_t v;
    if (!digits(c, min, max, &v))
        return false;
    *value = (int)v;
    return true;
}

/* A name from the list, whole or its first three letters, case ignored; its index in *index. */
static bool name_in(Cursor *c, const char *const *names, int n, int *index)
{
    size_t left = (size_t)(c->end - c->s);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (left >= len && strncasecmp(c->s, names[i], len) == 0) {
            c->s += len;
            *index = i;
            return true;
        }
    }
    for (int i = 0; i < n; i++)
        if (left >= 3 && strncasecmp(c->s, names[i], 3) == 0) {
            c->s += 3;
            *index = i;
            return true;
        }
    return false;
}

/* Digits after the decimal mark: the first nine are the nanoseconds, the rest too fine. */
static bool fraction(Cursor *c, int64_t *nsec)
{
    int64_t v = 0, scale = NS_PER_SEC;
    const char *start = c->s;
    for (; c->s < c->end && isdigit((unsigned char)*c->s); c->s++)
        if (scale > 1) {
            scale /= 10;
            v += (*c->s - '0') * scale;
        }
    *nsec = v;
    return c->s > start;
}

/* Z, +hh:mm, +hhmm, +hh (or '-'), or nothing: UTC. */
static bool zone(Cursor *c, int *offset)
{
    *offset = 0;
    if (c->s < c->end && (*c->s == 'Z' || *c->s == 'z')) {
        c->s++;
        return true;
    }
    if (c->s + 1 >= c->end || (*c->s != '+' && *c->s != '-') || !isdigit((unsigned char)c->s[1]))
        return true;
    int sign = *c->s++ == '-' ? -1 : 1, hours, minutes = 0;
    if (!small_int(c, 2, 2, &hours))
        return false;
    if (c->s < c->end && *c->s == ':')
        c->s++;
    if (c->s < c->end && isdigit((unsigned char)*c->s) && !small_int(c, 2, 2, &minutes))
        return false;
    *offset = sign * (hours * 3600 + minutes * 60);
    return hours <= 23 && minutes <= 59;
}

static bool epoch_seconds(Cursor *c, Fields *t)
{
    t->negative = c->s < c->end && *c->s == '-';
    c->s += t->negative;
    t->has_epoch = true;
    /* 10 digits past 2286; 11 is past int64 nanoseconds anyway, and compose says so */
    return digits(c, 1, 11, &t->epoch);
}

static bool is_decimal_mark(char c)
{
    return c == '.' || c == ',';
}

static bool match(const char *fmt, Cursor *c, Fields *t);

/* One directive (fmt points after the '%'). */
static bool directive(char d, Cursor *c, Fields *t)
{
    int ignored;
    switch (d) {
    case 'Y':
        t->has_year = t->has_date = true;
        return digits(c, 4, 4, &t->year);
    case 'y':
        t->has_year = t->has_date = true;
        if (!digits(c, 2, 2, &t->year))
            return false;
        t->year += t->year < 69 ? 2000 : 1900; /* POSIX's rule */
        return true;
    case 'm':
        t->has_date = t->has_month = true;
        return small_int(c, 1, 2, &t->month);
    case 'b':
    case 'B':
    case 'h':
        t->has_date = t->has_month = true;
        if (!name_in(c, month_names, 12, &t->month))
            return false;
        t->month++;
        return true;
    case 'd':
    case 'e':
        t->has_date = t->has_day = true;
        return small_int(c, 1, 2, &t->day);
    case 'a':
    case 'A':
        return name_in(c, day_names, 7, &ignored);
    case 'H':
        return small_int(c, 1, 2, &t->hour);
    case 'M':
        return small_int(c, 1, 2, &t->minute);
    case 'S':
        return small_int(c, 1, 2, &t->second);
    case 'f':
        return fraction(c, &t->nsec);
    case 'L': {
        int64_t ms;
        if (!digits(c, 1, 3, &ms))
            return false;
        t->nsec = ms * 1000000;
        return true;
    }
    case 'z':
        return zone(c, &t->offset);
    case 's':
        return epoch_seconds(c, t);
    case 'T':
        return match("%H:%M:%S", c, t);
    case 'F':
        return match("%Y-%m-%d", c, t);
    case '%':
        return c->s < c->end && *c->s++ == '%';
    }
    return false;
}

/* fmt against the value from c on; the caller checks it was read whole. */
static bool match(const char *fmt, Cursor *c, Fields *t)
{
    while (*fmt) {
        if (*fmt == ' ') { /* a space: any run of whitespace */
            if (c->s == c->end || !isspace((unsigned char)*c->s))
                return false;
            while (c->s < c->end && isspace((unsigned char)*c->s))
                c->s++;
            while (*fmt == ' ')
                fmt++;
        } else if (*fmt == '%') {
            if (!fmt[1] || !directive(fmt[1], c, t))
                return false;
            fmt += 2;
        } else if (fmt[1] == '%' && (fmt[2] == 'f' || fmt[2] == 'L')) {
            /* the mark before a fraction: absent with it, or '.' for ',' */
            bool mark = c->s + 1 < c->end && isdigit((unsigned char)c->s[1]) &&
                        (*c->s == *fmt || (is_decimal_mark(*fmt) && is_decimal_mark(*c->s)));
            c->s += mark;
            fmt += mark ? 1 : 3;
        } else {
            if (c->s == c->end || *c->s != *fmt)
                return false;
            c->s++;
            fmt++;
        }
    }
    return true;
}

static bool is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int64_t year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The fields in range; t->why says which is not. */
static bool check_ranges(Fields *t, int64_t year)
{
    if (t->has_date && (t->month < 1 || t->month > 12))
        t->why = "the month is not 1-12";
    else if (t->has_date && (t->day < 1 || t->day > days_in_month(year, t->month)))
        t->why = "no such day in that month";
    else if (t->hour > 23 || t->minute > 59 || t->second > 60) /* 60: a leap second */
        t->why = "the time of day is out of range";
    return !t->why;
}

/* The day and year a value without them is on, moved on when times go back a long way. */
static int64_t assumed_day(TimeParser *p, const Fields *t, int64_t time_of_day)
{
    if (!t->has_date) {
        if (p->last_time_of_day >= 0 && time_of_day < p->last_time_of_day - SECS_PER_DAY / 2 * NS_PER_SEC)
            p->day++;
        p->last_time_of_day = time_of_day;
        return p->day;
    }
    if (!t->has_year) {
        if (p->last_month && t->month < p->last_month - 6)
            p->year++;
        p->last_month = t->month;
    }
    return 0;
}

static bool compose(TimeParser *p, Fields *t, int64_t *ns)
{
    int64_t secs, nsec = t->nsec;
    if (t->has_epoch) {
        secs = t->negative ? -t->epoch : t->epoch;
        nsec = t->negative ? -nsec : nsec;
    } else {
        if (t->has_date && !t->has_month)
            t->month = 1;
        if (t->has_date && !t->has_day)
            t->day = 1;
        int64_t time_of_day = ((int64_t)t->hour * 3600 + t->minute * 60 + t->second) * NS_PER_SEC + t->nsec;
        /* the year a date without one is in first, so that 29 February is checked in the year
         * it is read in; the parser moves on only with a value that reads */
        TimeParser next = *p;
        int64_t day = assumed_day(&next, t, time_of_day);
        int64_t year = t->has_year ? t->year : next.year;
        if (!check_ranges(t, year)) {
            if (!t->has_year && t->month == 2 && t->day == 29)
                t->why = "29 February in a year that is not a leap year (the log gives no year: "
                         "its dates are read from 2000 on, a year more each time the months go "
                         "back; --time-format with %Y reads a year)";
            return false;
        }
        if (t->has_date)
            day = days_from_civil(year, t->month, t->day);
        *p = next;
        secs = day * SECS_PER_DAY + t->hour * 3600 + t->minute * 60 + t->second - t->offset;
    }
    /* a second before the epoch with a fraction is reached from the next one, so that the
     * earliest nanoseconds (1677-09-21 00:12:43.145224192) do not overflow on the way */
    if (secs < 0 && nsec > 0)
        secs++, nsec -= NS_PER_SEC;
    if (__builtin_mul_overflow(secs, NS_PER_SEC, ns) || __builtin_add_overflow(*ns, nsec, ns)) {
        t->why = "out of range (nanoseconds from 1970 in 64 bits reach 1677-09-21 to 2262-04-11)";
        return false;
    }
    return true;
}

/* The value read in fmt, whole. */
static bool read_in(TimeParser *p, const char *fmt, const char *s, size_t len, int64_t *ns,
                    const char **why)
{
    Cursor c = {s, s + len};
    Fields t = {.has_year = false};
    *why = NULL;
    if (!match(fmt, &c, &t) || c.s != c.end)
        return false;
    if (compose(p, &t, ns))
        return true;
    *why = t.why;
    return false;
}

void time_parser_init(TimeParser *p, const char *format)
{
    *p = (TimeParser){.given = format, .format = format, .name = format ? "--time-format" : NULL,
                      .year = TIME_ASSUMED_YEAR, .last_time_of_day = -1};
}

void time_parser_init_log(TimeParser *p, const char *format)
{
    time_parser_init(p, format);
    p->log = true;
}

/* The decimal digits of an integer (a sign before them allowed), or 0 when s is not one. */
static size_t integer_digits(const char *s, size_t len)
{
    size_t sign = len > 0 && (*s == '-' || *s == '+');
    for (size_t i = sign; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return len - sign;
}

/* A log's integer time: epoch seconds, ms, us or ns by its number of digits. */
static bool read_epoch_integer(const char *s, size_t len, size_t n_digits, int64_t *ns, Error *err)
{
    int64_t value, scale;
    if (n_digits <= 10)
        scale = NS_PER_SEC;
    else if (n_digits == 13)
        scale = 1000000;
    else if (n_digits == 16)
        scale = 1000;
    else if (n_digits == 19)
        scale = 1;
    else
        scale = 0;
    char shown[128];
    if (scale == 0)
        return error_set(err, "cannot read '%s' as a time: an integer of %zu digits is no epoch time "
                         "(seconds have up to 10 digits, milliseconds 13, microseconds 16, "
                         "nanoseconds 19; --time-format names another format)",
                         text_excerpt(shown, sizeof shown, s, len), n_digits);
    if (!text_parse_int64(s, len, &value) || __builtin_mul_overflow(value, scale, ns))
        return error_set(err, "cannot read '%s' as a time: out of range (nanoseconds from 1970 in "
                         "64 bits reach 1677-09-21 to 2262-04-11)", text_excerpt(shown, sizeof shown, s, len));
    return true;
}

static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* The first value of a column: integer nanoseconds, or the first known format that reads it. */
static bool recognise(TimeParser *p, const char *s, size_t len, int64_t *ns, Error *err)
{
    if (text_parse_int64(s, len, ns)) {
        p->integer = true;
        p->name = "integer nanoseconds";
        return true;
    }
    const char *why;
    for (size_t i = 0; i < N_KNOWN; i++)
        if (read_in(p, known_formats[i].format, s, len, ns, &why)) {
            p->format = known_formats[i].format;
            p->name = known_formats[i].name;
            return true;
        }
    char shown[128], tried[1024];
    size_t o = (size_t)snprintf(tried, sizeof tried, "integer nanoseconds");
    for (size_t i = 0; i < N_KNOWN && o < sizeof tried; i++)
        o += (size_t)snprintf(tried + o, sizeof tried - o, ", %s", known_formats[i].format);
    return error_set(err, "cannot read '%s' as a time (tried %s; --time-format names another)",
                     text_excerpt(shown, sizeof shown, s, len), tried);
}

bool time_parse(TimeParser *p, const char *s, size_t len, int64_t *ns, Error *err)
{
    trim(&s, &len);
    if (len == 0)
        return error_set(err, "empty timestamp");
    bool epoch = !p->format || strcmp(p->format, EPOCH_FORMAT) == 0;
    size_t n_digits = p->log && !p->given && epoch ? integer_digits(s, len) : 0;
    if (n_digits) {
        if (!p->format) { /* decimals may follow: epoch seconds */
            p->format = EPOCH_FORMAT;
            p->name = "epoch time";
        }
        return read_epoch_integer(s, len, n_digits, ns, err);
    }
    if (!p->format && !p->integer)
        return recognise(p, s, len, ns, err);
    char shown[128];
    if (p->integer) {
        if (text_parse_int64(s, len, ns))
            return true;
        return error_set(err, "cannot read '%s' as a time: expected integer nanoseconds, as the "
                         "column's first value is", text_excerpt(shown, sizeof shown, s, len));
    }
    const char *why;
    if (read_in(p, p->format, s, len, ns, &why))
        return true;
    if (p->given)
        return error_set(err, "cannot read '%s' as a time in --time-format '%s'%s%s",
                         text_excerpt(shown, sizeof shown, s, len), p->format, why ? ": " : "", why ? why : "");
    return error_set(err, "cannot read '%s' as a time in %s format '%s' (recognised from the "
                     "column's first value)%s%s", text_excerpt(shown, sizeof shown, s, len), p->name,
                     p->format, why ? ": " : "", why ? why : "");
}

bool time_format_check(const char *format, Error *err)
{
    static const char known[] = "YymbBhdeaAHMSfLzsTF%";
    bool reads = false;
    for (const char *f = format; *f; f++) {
        if (*f != '%')
            continue;
        if (!f[1] || !strchr(known, f[1]))
            return error_set_code(err, ERROR_USAGE, "--time-format '%s': unknown directive '%%%.1s' "
                                  "(known: %%Y %%y %%m %%b %%d %%e %%a %%H %%M %%S %%f %%L %%z %%s %%T %%F %%%%)",
                                  format, f[1] ? f + 1 : "");
        reads |= f[1] != '%' && f[1] != 'a' && f[1] != 'A';
        f++;
    }
    if (!reads)
        return error_set_code(err, ERROR_USAGE, "--time-format '%s': reads no date, time or seconds", format);
    return true;
}

bool time_order_warn(const TimeOrder *o, const char *path, Warnings *w, Error *err)
{
    if (o->backwards == 0)
        return true;
    return warnings_add(w, err, "%s: the time goes back %zu time%s (the first on line %zu: a clock "
                        "change, or lines out of order); events stay in file order, spans are "
                        "from the earliest time to the latest", path, o->backwards,
                        o->backwards == 1 ? "" : "s", o->first_line);
}
