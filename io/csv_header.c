/* The CSV reader's header row: its column names, and which column plays which part (key,
 * time, cpu, pid, tid, process name; a structured log's EventId, EventTemplate and grouping
 * column), found by name or named by the options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_reader.h"

bool csv_header_add(CsvReader *r, const char *s, size_t len)
{
    if (!csv_check_utf8(r, s, len))
        return false;
    if (r->n_cols == r->col_cap) {
        size_t cap = r->col_cap ? r->col_cap * 2 : 16;
        char **grown = realloc(r->col_name, cap * sizeof *grown);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->col_name = grown;
        r->col_cap = cap;
    }
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    r->col_name[r->n_cols] = strndup(s, len);
    if (!r->col_name[r->n_cols])
        return csv_fail_code(r, ERROR_NOMEM, "out of memory");
    r->n_cols++;
    return true;
}

/* The first column named any of the '|'-separated names, or -1. */
static int find_column(const CsvReader *r, const char *names)
{
    for (size_t c = 0; c < r->n_cols; c++) {
        const char *name = names;
        while (*name) {
            size_t len = strcspn(name, "|");
            if (strlen(r->col_name[c]) == len && strncasecmp(r->col_name[c], name, len) == 0)
                return (int)c;
            name += len + (name[len] == '|');
        }
    }
    return -1;
}

static void column_list(const CsvReader *r, char *out, size_t out_size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t c = 0; c < r->n_cols && o < out_size; c++)
        o += (size_t)snprintf(out + o, out_size - o, "%s%s", c ? ", " : "", r->col_name[c]);
}

/* Gives a role to the column that option names, or else to the first that a synonym names. */
static bool assign_role(CsvReader *r, ColumnRole role, const char *option, const char *flag,
                        const char *synonyms)
{
    int col = find_column(r, option ? option : synonyms ? synonyms : "");
    if (option && col < 0) {
        char cols[512];
        column_list(r, cols, sizeof cols);
        return csv_fail(r, "%s %s: no such column in the header (columns: %s)", flag, option, cols);
    }
    if (col >= 0 && r->role[col] == ROLE_NONE)
        r->role[col] = role;
    return true;
}

static bool assign_key_columns(CsvReader *r)
{
    char cols[512];
    const char *key_cols = r->opt->key_cols;
    if (!key_cols) {
        if (find_column(r, "EventId") >= 0) {
            key_cols = "EventId";
            r->t->structured_log = true;
        } else if (find_column(r, "class") >= 0 && find_column(r, "event") >= 0) {
            key_cols = "class,event";
        } else if (find_column(r, "event") >= 0) {
            key_cols = "event";
        } else {
            column_list(r, cols, sizeof cols);
            return csv_fail(r, "no key columns: the header names no 'class' and 'event' (nor "
                               "'EventId'); name them with --key-cols (columns: %s)", cols);
        }
    }
    const char *name = key_cols;
    while (*name) {
        size_t len = strcspn(name, ",");
        char wanted[256];
        snprintf(wanted, sizeof wanted, "%.*s", (int)len, name);
        int col = find_column(r, wanted);
        if (col < 0) {
            column_list(r, cols, sizeof cols);
            return csv_fail(r, "key column '%s' is not in the header (columns: %s)", wanted, cols);
        }
        if (r->n_key_parts == CSV_MAX_KEY_COLS)
            return csv_fail(r, "--key-cols: at most %d columns", CSV_MAX_KEY_COLS);
        r->role[col] = ROLE_KEY;
        r->key_part[col] = r->n_key_parts++;
        name += len + (name[len] == ',');
    }
    return true;
}

bool csv_header_finish(CsvReader *r)
{
    const TraceOptions *o = r->opt;
    r->role = calloc(r->n_cols, sizeof *r->role);
    r->key_part = calloc(r->n_cols, sizeof *r->key_part);
    if (!r->role || !r->key_part)
        return csv_fail_code(r, ERROR_NOMEM, "out of memory");
    if (!assign_key_columns(r))
        return false;
    bool log = r->t->structured_log;
    /* Structured logs write time in many formats, so their time column is used only when named. */
    if (!assign_role(r, ROLE_TIME, o->time_col, "--time-col", log ? NULL : "timestamp|time|t") ||
        !assign_role(r, ROLE_CPU, o->cpu_col, "--cpu-col", "cpu") ||
        !assign_role(r, ROLE_PID, o->pid_col, "--pid-col", "pid") ||
        !assign_role(r, ROLE_TID, o->tid_col, "--tid-col", "tid") ||
        !assign_role(r, ROLE_NAME, o->name_col, "--name-col", "pname|process"))
        return false;
    if (log && !assign_role(r, ROLE_TEMPLATE, NULL, NULL, "EventTemplate"))
        return false;
    if (o->group_col || o->group_regex) {
        const char *group_col = o->group_col ? o->group_col : "Content";
        int col = find_column(r, group_col);
        if (col < 0)
            return csv_fail(r, "%s %s: no such column in the header", o->group_col ? "--group-col" :
                               "--group-regex applies to column", group_col);
        r->role[col] = ROLE_GROUP;
        r->grouping = true;
    }
    return true;
}
