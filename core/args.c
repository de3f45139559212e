#include "args.h"

#include "interrupt.h"
#include "summary.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool add_input(ArgInputs *inputs, const char *path, TraceFormat format, Error *err)
{
    if (inputs->n == inputs->cap) {
        size_t cap = inputs->cap ? inputs->cap * 2 : 8;
        TraceInput *grown = realloc(inputs->items, cap * sizeof *grown);
        if (!grown)
            return error_nomem(err);
        inputs->items = grown;
        inputs->cap = cap;
    }
    inputs->items[inputs->n++] = (TraceInput){.path = path, .format = format};
    return true;
}

void args_free(ArgInputs *inputs)
{
    free(inputs->items);
    memset(inputs, 0, sizeof *inputs);
}

static const ArgSpec *find_spec(const ArgSpec *specs, size_t n, const char *name, size_t len,
                                char short_name)
{
    for (size_t i = 0; i < n; i++) {
        if (short_name ? specs[i].short_name == short_name
                       : strlen(specs[i].name) == len && strncmp(specs[i].name, name, len) == 0)
            return &specs[i];
    }
    return NULL;
}

/* "1 to 1000", or "at least 1" for a range open above. */
static void format_range(const ArgType *type, char *buf, size_t size)
{
    if (type->kind == ARG_KIND_FLOAT || type->kind == ARG_KIND_DOUBLE)
        snprintf(buf, size, "%g to %g", type->min.f, type->max.f);
    else if (type->kind == ARG_KIND_INT && type->max.i == INT64_MAX)
        snprintf(buf, size, "at least %lld", (long long)type->min.i);
    else if (type->kind == ARG_KIND_INT)
        snprintf(buf, size, "%lld to %lld", (long long)type->min.i, (long long)type->max.i);
    else if (type->max.u == UINT64_MAX && type->min.u > 0)
        snprintf(buf, size, "at least %llu", (unsigned long long)type->min.u);
    else
        snprintf(buf, size, "%llu to %llu", (unsigned long long)type->min.u, (unsigned long long)type->max.u);
}

static bool out_of_range(const ArgSpec *spec, const char *value, Error *err)
{
    char range[96];
    format_range(&spec->type, range, sizeof range);
    return error_set_code(err, ERROR_USAGE, "--%s: '%s' is out of range (%s)", spec->name, value, range);
}

static bool not_whole(const ArgSpec *spec, const char *value, Error *err)
{
    return error_set_code(err, ERROR_USAGE, "--%s: '%s' is not a whole number", spec->name, value);
}

static bool all_digits(const char *text)
{
    return isdigit((unsigned char)text[0]) && strspn(text, "0123456789") == strlen(text);
}

static bool set_int(const ArgSpec *spec, const char *value, Error *err)
{
    if (!all_digits(value[0] == '-' ? value + 1 : value))
        return not_whole(spec, value, err);
    errno = 0;
    long long parsed = strtoll(value, NULL, 10);
    if (errno == ERANGE || parsed < spec->type.min.i || parsed > spec->type.max.i)
        return out_of_range(spec, value, err);
    *(int64_t *)spec->target = parsed;
    return true;
}

static bool set_uint(const ArgSpec *spec, const char *value, Error *err)
{
    bool negative = value[0] == '-' && all_digits(value + 1);
    if (!negative && !all_digits(value))
        return not_whole(spec, value, err);
    errno = 0;
    unsigned long long parsed = negative ? 0 : strtoull(value, NULL, 10);
    if (negative || errno == ERANGE || parsed < spec->type.min.u || parsed > spec->type.max.u)
        return out_of_range(spec, value, err);
    *(uint64_t *)spec->target = parsed;
    return true;
}

/* Read as strtof reads it: the value is a float where it is used. */
static bool set_float(const ArgSpec *spec, const char *value, Error *err)
{
    char *end;
    float parsed = strtof(value, &end);
    if (end == value || *end || isspace((unsigned char)value[0]) || isnan(parsed))
        return error_set_code(err, ERROR_USAGE, "--%s: '%s' is not a number", spec->name, value);
    if (!(parsed >= (float)spec->type.min.f && parsed <= (float)spec->type.max.f)) /* a bound, typed, is in */
        return out_of_range(spec, value, err);
    *(float *)spec->target = parsed;
    return true;
}

/* Read as strtod reads it, as Python's float() would. */
static bool set_double(const ArgSpec *spec, const char *value, Error *err)
{
    char *end;
    double parsed = strtod(value, &end);
    if (end == value || *end || isspace((unsigned char)value[0]) || isnan(parsed))
        return error_set_code(err, ERROR_USAGE, "--%s: '%s' is not a number", spec->name, value);
    if (!(parsed >= spec->type.min.f && parsed <= spec->type.max.f))
        return out_of_range(spec, value, err);
    *(double *)spec->target = parsed;
    return true;
}

static bool add_string(const ArgSpec *spec, const char *value, Error *err)
{
    StringList *list = spec->target;
    if (list->n == STRING_LIST_MAX)
        return error_set_code(err, ERROR_USAGE, "--%s: at most %d of them", spec->name, STRING_LIST_MAX);
    list->items[list->n++] = value;
    return true;
}

static bool set_value(const ArgSpec *spec, const char *value, ArgInputs *inputs, Error *err)
{
    switch (spec->type.kind) {
    case ARG_KIND_FLAG:
        *(bool *)spec->target = true;
        return true;
    case ARG_KIND_STRING:
        *(const char **)spec->target = value;
        return true;
    case ARG_KIND_SESSIONS:
        return add_input(inputs, value, TRACE_FORMAT_SESSIONS, err);
    case ARG_KIND_STRINGS:
        return add_string(spec, value, err);
    case ARG_KIND_INT:
        return set_int(spec, value, err);
    case ARG_KIND_UINT:
        return set_uint(spec, value, err);
    case ARG_KIND_FLOAT:
        return set_float(spec, value, err);
    case ARG_KIND_DOUBLE:
        return set_double(spec, value, err);
    }
    return true;
}

enum { MAX_EDITS = 2, MAX_NAME = 32 };

static bool same_letter(char a, char b)
{
    return tolower((unsigned char)a) == tolower((unsigned char)b);
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t ab = a < b ? a : b;
    return ab < c ? ab : c;
}

/* Edits from a to b, counting a swap of two neighbours as one (optimal string alignment); words
 * longer than any name are too far to matter and count as MAX_EDITS + 1. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MAX_NAME || lb >= MAX_NAME)
        return MAX_EDITS + 1;
    size_t d[MAX_NAME][MAX_NAME];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t change = same_letter(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + change);
            if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) && same_letter(a[i - 2], b[j - 1]) &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[la][lb];
}

static bool is_prefix(const char *word, const char *name)
{
    size_t len = strlen(word);
    if (len == 0 || len > strlen(name))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!same_letter(word[i], name[i]))
            return false;
    return true;
}

const char *args_closest(const char *word, const char *const *names, size_t n_names)
{
    const char *prefixed = NULL;
    size_t n_prefixed = 0;
    for (size_t i = 0; i < n_names; i++)
        if (is_prefix(word, names[i]))
            prefixed = names[i], n_prefixed++;
    if (n_prefixed == 1)
        return prefixed;
    const char *nearest = NULL;
    size_t fewest = MAX_EDITS + 1;
    for (size_t i = 0; i < n_names; i++) { /* the first of equals: the tables list the common first */
        size_t edits = edit_distance(word, names[i]);
        if (edits < fewest)
            nearest = names[i], fewest = edits;
    }
    return fewest < strlen(word) ? nearest : NULL; /* as many edits as letters: any word is that close */
}

/* The long option a mistyped name (name_len letters, before any '=') most likely meant. */
static const char *closest_option(const ArgSpec *specs, size_t n_specs, const char *name, size_t name_len)
{
    enum { MAX_SPECS = 64 };
    const char *names[MAX_SPECS + 1];
    char typed[MAX_NAME];
    if (name_len >= sizeof typed || n_specs > MAX_SPECS)
        return NULL;
    memcpy(typed, name, name_len);
    typed[name_len] = '\0';
    for (size_t i = 0; i < n_specs; i++)
        names[i] = specs[i].name;
    names[n_specs] = "help";
    return args_closest(typed, names, n_specs + 1);
}

/* "unknown option '--modle'; did you mean '--model'?" when a long option's name is close. */
static bool unknown_option(const ArgSpec *specs, size_t n_specs, const char *arg, size_t name_len, Error *err)
{
    const char *meant = name_len ? closest_option(specs, n_specs, arg + 2, name_len) : NULL;
    if (meant)
        return error_set_code(err, ERROR_USAGE, "unknown option '%s'; did you mean '--%s'?", arg, meant);
    return error_set_code(err, ERROR_USAGE, "unknown option '%s'", arg);
}

bool args_parse(int argc, char **argv, const ArgSpec *specs, size_t n_specs, ArgInputs *inputs,
                bool *help, Error *err)
{
    bool options_done = false;
    *help = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!add_input(inputs, arg, TRACE_FORMAT_AUTO, err))
                return false;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
            return true;
        }
        bool is_long = arg[1] == '-';
        const char *name = arg + (is_long ? 2 : 1);
        const char *eq = is_long ? strchr(name, '=') : NULL;
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        if (!is_long && name_len != 1)
            return error_set_code(err, ERROR_USAGE, "unknown option '%s'", arg);
        const ArgSpec *spec = find_spec(specs, n_specs, name, name_len, is_long ? 0 : name[0]);
        if (!spec)
            return unknown_option(specs, n_specs, arg, is_long ? name_len : 0, err);
        const char *value = eq ? eq + 1 : NULL;
        if (spec->type.kind == ARG_KIND_FLAG && value)
            return error_set_code(err, ERROR_USAGE, "--%s takes no value", spec->name);
        if (spec->type.kind != ARG_KIND_FLAG && !value) {
            if (i + 1 >= argc)
                return error_set_code(err, ERROR_USAGE, "%s needs a value (%s)", arg, spec->metavar);
            value = argv[++i];
        }
        if (!set_value(spec, value, inputs, err))
            return false;
    }
    return true;
}

void args_print_help(FILE *out, const Command *cmd)
{
    const ArgSpec *specs = cmd->specs;
    size_t n_specs = cmd->n_specs;
    fprintf(out, "Usage: traceaid %s\n\n%c%s.\n", cmd->usage, toupper((unsigned char)cmd->summary[0]),
            cmd->summary + 1);
    if (n_specs)
        fprintf(out, "\nOptions:\n");
    for (size_t i = 0; i < n_specs; i++) {
        const ArgSpec *spec = &specs[i];
        char left[64], shortcut[8] = "    ";
        if (spec->short_name)
            snprintf(shortcut, sizeof shortcut, "-%c, ", spec->short_name);
        snprintf(left, sizeof left, "%s--%s%s%s", shortcut, spec->name, spec->metavar ? " " : "",
                 spec->metavar ? spec->metavar : "");
        fprintf(out, "  %-24s %s\n", left, spec->help);
    }
    fprintf(out, "  %-24s %s\n", "-h, --help", "show this help");
    if (cmd->details)
        fprintf(out, "\n%s", cmd->details);
}

/* "traceaid stats: ", or "traceaid: " when the user typed no command's name. */
static void print_prefix(const Command *cmd)
{
    if (cmd->implied)
        fprintf(stderr, "traceaid: ");
    else
        fprintf(stderr, "traceaid %s: ", cmd->name);
}

int args_usage_error(const Command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_prefix(cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'traceaid %s --help'.\n", cmd->name);
    va_end(ap);
    return EXIT_ERROR;
}

int args_report_error(const Command *cmd, const Error *err)
{
    if (err->code == ERROR_USAGE)
        return args_usage_error(cmd, "%s", err->msg);
    print_prefix(cmd);
    fprintf(stderr, "%s\n", err->msg);
    return err->code == ERROR_NONE ? EXIT_ERROR : exit_status_for(err->code); /* failed, code or not */
}

int exit_status_for(ErrorCode code)
{
    switch (code) {
    case ERROR_NONE:
        return EXIT_OK;
    case ERROR_INTERRUPTED:
        return interrupt_exit_status(); /* 130, or 143 when SIGTERM asked */
    case ERROR_USAGE:
    case ERROR_INPUT:
    case ERROR_IO:
    case ERROR_NOMEM:
        break;
    }
    return EXIT_ERROR;
}

bool trace_args_load(TraceRequest *tr, const ArgInputs *inputs, TraceSet *set, Error *err)
{
    TraceOptions opt = tr->opt;
    opt.cancel = interrupt_install(); /* Ctrl-C stops the loading: exit status 130 */
    bool ok = (!tr->meanings_path || meanings_load(&set->meanings, tr->meanings_path, err)) &&
              trace_set_load(set, inputs->items, inputs->n, &opt, err);
    if (ok)
        summary_print_warnings(stderr, set);
    return ok;
}

bool scored_args_load(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const ArgInputs *inputs,
                      Error *err)
{
    return scored_args_load_progress(s, req, tr, inputs, NULL, NULL, err);
}

bool scored_args_load_progress(ScoredSet *s, const ModelRequest *req, const TraceRequest *tr, const ArgInputs *inputs,
                               ScoreProgress progress, void *progress_ctx, Error *err)
{
    TraceRequest cancellable = *tr;
    cancellable.opt.cancel = interrupt_install();
    bool ok = scored_set_open(s, req, &cancellable, err) &&
              scored_set_add_traces(s, inputs->items, inputs->n, &cancellable.opt, err);
    s->progress = progress, s->progress_ctx = progress_ctx;
    ok = ok && scored_set_score(s, cancellable.opt.cancel, err);
    if (ok)
        summary_print_warnings(stderr, &s->set);
    if (ok && s->model_loaded)
        summary_warn_model_fit(stderr, &s->set, &s->model);
    return ok;
}
