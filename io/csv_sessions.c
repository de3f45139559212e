/* A structured log's sessions: its events grouped by a column's value (or a regex's first match
 * in it), regrouped after loading with a stable counting sort so each session is contiguous. */
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "group_sessions.h"

bool group_regex_compile(regex_t *re, const char *pattern, Error *err)
{
    /* POSIX reads \d as a plain d: a pattern written for --mask would silently match nothing */
    for (const char *p = strchr(pattern, '\\'); p && p[1]; p = strchr(p + 2, '\\'))
        if (strchr("dDwWsS", p[1]))
            return error_set_code(err, ERROR_USAGE, "--group-regex '%s': \\%c is not a class in a POSIX "
                                  "extended regex (what --group-regex is); write %s", pattern, p[1],
                                  p[1] == 'd' ? "[0-9]" : p[1] == 'w' ? "[[:alnum:]_]" : p[1] == 's' ? "[[:space:]]"
                                  : p[1] == 'D' ? "[^0-9]" : p[1] == 'W' ? "[^[:alnum:]_]" : "[^[:space:]]");
    int code = regcomp(re, pattern, REG_EXTENDED);
    if (code != 0) {
        char msg[256];
        regerror(code, re, msg, sizeof msg);
        return error_set(err, "--group-regex '%s': %s", pattern, msg);
    }
    return true;
}

bool csv_compile_group_regex(CsvReader *r)
{
    if (!r->opt->group_regex)
        return true;
    r->has_regex = group_regex_compile(&r->regex, r->opt->group_regex, r->err);
    return r->has_regex;
}

bool csv_group_into_sessions(CsvReader *r)
{
    return group_into_sessions(r->t, &r->groups, r->group_of, r->err) ||
           error_prefix(r->err, "%s: ", r->path);
}

/* A stable counting sort. */
bool group_into_sessions(Trace *t, const StrPool *groups, const uint32_t *group_of, Error *err)
{
    size_t n = t->n_events, n_groups = groups->count;
    size_t *start = malloc((n_groups + 1) * sizeof *start);
    size_t *next = calloc(n_groups + 1, sizeof *next);
    size_t *dest = malloc((n ? n : 1) * sizeof *dest);
    uint32_t *session_name = malloc((n_groups ? n_groups : 1) * sizeof *session_name);
    bool ok = start && next && dest && session_name;
    for (size_t i = 0; ok && i < n; i++)
        next[group_of[i] + 1]++;
    for (size_t g = 0; ok && g < n_groups; g++) {
        next[g + 1] += next[g];
        const char *name = strpool_get(groups, (uint32_t)g);
        ok = strpool_intern(&t->names, name, strlen(name), &session_name[g], err);
    }
    if (ok)
        memcpy(start, next, (n_groups + 1) * sizeof *start);
    for (size_t i = 0; ok && i < n; i++)
        dest[i] = next[group_of[i]]++;
    ok = ok && trace_permute(t, dest, err);
    if (ok && t->fields.n_records == n && n > 0) /* the events' fields (a log's messages) follow */
        ok = fields_permute(&t->fields, dest, err);
    if (ok) {
        free(t->session_start);
        t->session_start = start;
        t->session_name = session_name;
        t->n_sessions = n_groups;
    } else {
        free(start);
        free(session_name);
    }
    free(next);
    free(dest);
    return ok || error_set_code(err, ERROR_NOMEM, "out of memory grouping sessions");
}
