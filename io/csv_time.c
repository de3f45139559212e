/* A CSV trace's time: from one column as it comes, or from several (--time-col Date,Time) joined
 * with spaces when the record ends, read by io/timestamp.h. Part of the CSV reader
 * (io/csv_reader.h). */
#include "csv_reader.h"

#include <stdio.h>
#include <string.h>

#include "timestamp.h"

/* The time of a record from text: "path:line: column 2 (Time): cannot read ..." when it does
 * not read (the columns joined, "columns 1,2 (Date,Time)", when there are several). */
static bool parse_time(CsvReader *r, const char *s, size_t len)
{
    Error why = {0};
    if (time_parse(&r->time_parser, s, len, &r->time, &why))
        return true;
    char where[512];
    size_t o = (size_t)snprintf(where, sizeof where, "column%s ", r->n_time_cols > 1 ? "s" : "");
    for (int i = 0; i < r->n_time_cols && o < sizeof where; i++)
        o += (size_t)snprintf(where + o, sizeof where - o, "%s%d", i ? "," : "", r->time_col[i] + 1);
    for (int i = 0; i < r->n_time_cols && o < sizeof where; i++)
        o += (size_t)snprintf(where + o, sizeof where - o, "%s%s", i ? "," : " (",
                              r->col_name[r->time_col[i]]);
    return csv_fail(r, "%s): %s", where, why.msg);
}

/* One time column is read as it comes; several are kept until the record ends. */
bool csv_read_time(CsvReader *r, const char *s, size_t len)
{
    if (r->n_time_cols == 1)
        return parse_time(r, s, len);
    for (int i = 0; i < r->n_time_cols; i++)
        if (r->time_col[i] == (int)r->field)
            return csv_stash(r, s, len, &r->time_part[i]);
    return true;
}

/* Several time columns joined with spaces, in the order --time-col names them. */
bool csv_read_joined_time(CsvReader *r)
{
    if (r->n_time_cols < 2)
        return true;
    size_t len = 0;
    for (int i = 0; i < r->n_time_cols; i++)
        len += r->time_part[i].len + 1;
    char joined[512];
    if (len > sizeof joined)
        return csv_fail(r, "--time-col: the time's columns hold %zu bytes (the limit is %zu)", len,
                        sizeof joined);
    size_t o = 0;
    for (int i = 0; i < r->n_time_cols; i++) {
        if (i)
            joined[o++] = ' ';
        memcpy(joined + o, r->scratch + r->time_part[i].offset, r->time_part[i].len);
        o += r->time_part[i].len;
    }
    return parse_time(r, joined, o);
}

