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

static const char *role_name(ColumnRole role)
{
    static const char *const names[] = {
        [ROLE_NONE] = "unused", [ROLE_KEY] = "a key column", [ROLE_TIME] = "the time column",
        [ROLE_CPU] = "the cpu column", [ROLE_PID] = "the pid column", [ROLE_TID] = "the tid column",
        [ROLE_NAME] = "the process name column", [ROLE_GROUP] = "the group column",
        [ROLE_TEMPLATE] = "the event template column"};
    return names[role];
}

/* A column holds one role: a column named by an option for a second one is refused, since
 * one of the two would be lost (a group column that is also the key left the key empty). */
static bool check_role_free(CsvReader *r, int col, const char *flag, const char *option)
{
    if (r->role[col] == ROLE_NONE)
        return true;
    return csv_fail(r, "%s %s: column '%s' is already %s; one column cannot play two parts", flag,
                    option, r->col_name[col], role_name(r->role[col]));
}

typedef struct RoleRule {
    ColumnRole role;
    const char *option, *flag, *synonyms;
} RoleRule;

/* Gives the column an option names its role; refused when there is no such column or it has a
 * role already. */
static bool assign_named_role(CsvReader *r, const RoleRule *rule)
{
    int col = find_column(r, rule->option);
    if (col < 0) {
        char cols[512];
        column_list(r, cols, sizeof cols);
        return csv_fail(r, "%s %s: no such column in the header (columns: %s)", rule->flag, rule->option, cols);
    }
    if (!check_role_free(r, col, rule->flag, rule->option))
        return false;
    r->role[col] = rule->role;
    return true;
}

/* The roles options name first, then the others by their synonyms, so that a column found by
 * a synonym never stands in the way of one named outright. */
static bool assign_roles(CsvReader *r, const RoleRule *rules, size_t n_rules)
{
    for (size_t i = 0; i < n_rules; i++)
        if (rules[i].option && !assign_named_role(r, &rules[i]))
            return false;
    for (size_t i = 0; i < n_rules; i++) {
        int col = rules[i].option || !rules[i].synonyms ? -1 : find_column(r, rules[i].synonyms);
        if (col >= 0 && r->role[col] == ROLE_NONE)
            r->role[col] = rules[i].role;
    }
    return true;
}

/* --time-col A,B: the columns whose values, joined with spaces, make the time. */
static bool assign_time_columns(CsvReader *r, const char *names)
{
    for (const char *name = names; *name;) {
        size_t len = strcspn(name, ",");
        char wanted[256];
        snprintf(wanted, sizeof wanted, "%.*s", (int)len, name);
        RoleRule rule = {ROLE_TIME, wanted, "--time-col", NULL};
        if (r->n_time_cols == CSV_MAX_TIME_COLS)
            return csv_fail(r, "--time-col %s: at most %d columns", names, CSV_MAX_TIME_COLS);
        int col = find_column(r, wanted);
        if (col >= 0 && r->role[col] == ROLE_TIME)
            return csv_fail(r, "--time-col %s: column '%s' is named twice", names, wanted);
        if (!assign_named_role(r, &rule))
            return false;
        r->time_col[r->n_time_cols++] = col;
        name += len + (name[len] == ',');
    }
    return true;
}

static bool assign_key_columns(CsvReader *r)
{
    char cols[512];
    const char *key_cols = r->opt->key_cols;
    if (!key_cols) {
        if (find_column(r, "EventId") >= 0 && find_column(r, "EventTemplate") >= 0) {
            /* keyed by template: one EventId names different templates in different logs */
            r->key_by_template = true;
            r->t->structured_log = true;
            return true;
        } else if (find_column(r, "EventId") >= 0) {
            key_cols = "EventId";
            r->t->structured_log = true;
        } else if (find_column(r, "class") >= 0 && find_column(r, "event") >= 0) {
            key_cols = "class,event";
        } else if (find_column(r, "event") >= 0) {
            key_cols = "event";
        } else {
            column_list(r, cols, sizeof cols);
            return csv_fail(r, "no key columns: the header names no 'class' and 'event' (nor "
                               "'EventId'); name them with --key (columns: %s)", cols);
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
        /* Refused rather than counted once: a column named twice is most likely a slip for
         * another column, and joining a column to itself only repeats it in every key. */
        if (r->role[col] == ROLE_KEY)
            return csv_fail(r, "--key %s: column '%s' is named twice", key_cols, r->col_name[col]);
        if (r->n_key_parts == CSV_MAX_KEY_COLS)
            return csv_fail(r, "--key: at most %d columns", CSV_MAX_KEY_COLS);
        r->role[col] = ROLE_KEY;
        r->key_part[col] = r->n_key_parts++;
        name += len + (name[len] == ',');
    }
    /* --key EventId: still a structured log, its templates the keys' meanings */
    if (r->n_key_parts == 1 && find_column(r, "EventId") >= 0 &&
        r->role[find_column(r, "EventId")] == ROLE_KEY)
        r->t->structured_log = true;
    return true;
}

/* A structured log's Content is kept per event for the explorer, named by the event's Level
 * (or its Component when there is no Level column). */
static bool find_log_columns(CsvReader *r)
{
    r->content_col = r->event_name_col = r->event_id_col = -1;
    if (!r->t->structured_log)
        return true;
    r->content_col = find_column(r, "Content");
    r->event_name_col = find_column(r, "Level");
    if (r->event_name_col < 0)
        r->event_name_col = find_column(r, "Component");
    if (!r->key_by_template)
        return true;
    r->event_id_col = find_column(r, "EventId");
    for (size_t col = 0; col < r->n_cols; col++)
        if (r->role[col] == ROLE_TEMPLATE)
            return true;
    return csv_fail(r, "EventTemplate is %s, so it cannot give the keys; key by EventId with "
                       "--key EventId", role_name(r->role[find_column(r, "EventTemplate")]));
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
    /* Several time columns (Date,Time) are named here; one is a role like the others. A
     * structured log's time column is used only when named: its Time may be a time of day
     * alone, or one of several columns that make the time. */
    bool joined_time = o->time_col && strchr(o->time_col, ',');
    if (joined_time && !assign_time_columns(r, o->time_col))
        return false;
    /* Grouping by a regex looks in Content unless a column is named. */
    const char *group_col = o->group_col ? o->group_col : o->group_regex ? "Content" : NULL;
    const RoleRule rules[] = {
        {ROLE_GROUP, group_col, o->group_col ? "--group-col" : "--group-regex applies to column", NULL},
        {ROLE_TIME, joined_time ? NULL : o->time_col, "--time-col", log || joined_time ? NULL : "timestamp|time|t"},
        {ROLE_CPU, o->cpu_col, "--cpu-col", "cpu"},
        {ROLE_PID, o->pid_col, "--pid-col", "pid"},
        {ROLE_TID, o->tid_col, "--tid-col", "tid"},
        {ROLE_NAME, o->name_col, "--name-col", "pname|process"},
        {ROLE_TEMPLATE, NULL, NULL, log ? "EventTemplate" : NULL},
    };
    if (!assign_roles(r, rules, sizeof rules / sizeof rules[0]))
        return false;
    if (!find_log_columns(r))
        return false;
    r->grouping = group_col != NULL;
    /* timed only with a time column: without one an event's time is its position */
    for (size_t col = 0; col < r->n_cols && !joined_time; col++)
        if (r->role[col] == ROLE_TIME)
            r->time_col[r->n_time_cols++] = (int)col;
    r->t->timed = r->n_time_cols > 0;
    Error format_err = {0};
    if (o->time_format && !time_format_check(o->time_format, &format_err))
        return csv_fail_code(r, ERROR_USAGE, format_err.msg);
    if (o->time_format && !r->t->timed)
        return csv_fail(r, "--time-format %s: there is no time column (name it with --time-col)", o->time_format);
    /* a log's integer times are epoch times by their digits; a kernel trace's nanoseconds */
    (log ? time_parser_init_log : time_parser_init)(&r->time_parser, o->time_format);
    return true;
}
