/* Raw logs as traces. Each line is split by the log format; its Content is masked and mined by
 * Drain, and the event appended with its cluster's number as a provisional key: a cluster's
 * template changes as it takes more lines, so keys are given once the log is read, by final
 * template id (clusters that end with the same template are one key, as loghub's Drain names
 * them). The Content is kept as the event's fields, so a line can be shown as it was. */
#include "log_reader.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "group_sessions.h"
#include "lines.h"
#include "text.h"
#include "timestamp.h"

/* ---- the format and the miner ----------------------------------------------------------- */

static bool open_format(LogReader *r, const char *prefix, size_t prefix_len, Error *err)
{
    const char *format = r->opt->log.format;
    if (!format) {
        r->preset = log_detect_preset(prefix, prefix_len);
        r->no_preset_fits = !r->preset;
        if (!r->preset)
            r->preset = log_preset_find("line");
        format = r->preset ? r->preset->name : "<Content>";
    } else {
        r->preset = log_preset_find(format);
    }
    return log_format_compile(&r->format, format, err);
}

/* The miner's settings: the command line's, else the preset's, else Drain's defaults (and the
 * default masks, the "line" preset's, for a format given in full). */
static bool open_drain(LogReader *r, Error *err)
{
    DrainOptions o;
    drain_options_default(&o);
    const LogOptions *lo = &r->opt->log;
    const LogPreset *p = r->preset ? r->preset : log_preset_find("line");
    if (lo->masks.n > 0) {
        memset(o.masks, 0, sizeof o.masks);
        for (size_t i = 0; i < lo->masks.n && i < DRAIN_MAX_MASKS - 1; i++)
            o.masks[i] = lo->masks.items[i];
    } else if (p) {
        memcpy(o.masks, p->masks, sizeof o.masks);
    }
    if (lo->similarity > 0)
        o.similarity = lo->similarity;
    else if (p && p->similarity > 0)
        o.similarity = p->similarity;
    if (lo->depth > 0)
        o.depth = (int)lo->depth;
    else if (p && p->depth > 0)
        o.depth = p->depth;
    return drain_new(&r->drain, &o, err) &&
           (!lo->templates || drain_load_templates(r->drain, lo->templates, r->opt->cancel, err));
}

/* ---- the fields' roles ------------------------------------------------------------------ */

static int field_of(const LogReader *r, const char *name)
{
    return log_format_field(&r->format, name);
}

/* A field the command line names: one the format has, else a usage error listing them. */
static bool named_field(LogReader *r, const char *name, size_t len, const char *option, int *field,
                        Error *err)
{
    char copy[128];
    snprintf(copy, sizeof copy, "%.*s", (int)len, name);
    *field = field_of(r, copy);
    if (*field >= 0)
        return true;
    char fields[512] = "";
    for (size_t i = 0; i < r->format.n_fields; i++)
        text_append(fields, sizeof fields, "%s%s", i ? ", " : "", r->format.field[i]);
    return error_set_code(err, ERROR_USAGE, "%s %s: the log format has no such field (its fields: %s)",
                          option, copy, fields);
}

/* The time's fields: --time-col's (names, comma-separated), else the preset's, else the fields
 * named Date and Time, Timestamp, Time or Date. */
static bool find_time_fields(LogReader *r, Error *err)
{
    const char *given = r->opt->time_col, *missing = NULL;
    const char *names = given ? given : r->preset ? r->preset->time_fields : NULL;
    if (names) {
        r->n_time_fields = log_time_fields(&r->format, names, r->time_field, &missing);
        int field;
        if (!r->n_time_fields && given && missing)
            return named_field(r, missing, strcspn(missing, ","), "--time-col", &field, err);
        return true; /* a preset's names this format lacks: untimed */
    }
    static const char *const guesses[] = {"Date,Time", "Timestamp", "Time", "Date"};
    for (size_t g = 0; g < sizeof guesses / sizeof guesses[0] && !r->n_time_fields; g++)
        r->n_time_fields = log_time_fields(&r->format, guesses[g], r->time_field, &missing);
    return true;
}

static bool find_fields(LogReader *r, Error *err)
{
    int level = field_of(r, "Level");
    r->process_field = field_of(r, "Component");
    r->name_field = level >= 0 ? level : r->process_field;
    r->pid_field = field_of(r, "Pid");
    r->tid_field = field_of(r, "Tid");
    r->group_field = (int)r->format.content;
    const char *group_col = r->opt->group_col;
    if (group_col && !named_field(r, group_col, strlen(group_col), "--group-col", &r->group_field, err))
        return false;
    r->grouping = group_col || r->opt->group_regex;
    if (r->opt->group_regex) {
        if (!group_regex_compile(&r->regex, r->opt->group_regex, err))
            return false;
        r->has_regex = true;
    }
    if (r->opt->time_format && !time_format_check(r->opt->time_format, err))
        return false;
    time_parser_init_log(&r->time_parser, r->opt->time_format);
    return find_time_fields(r, err);
}

/* ---- one line --------------------------------------------------------------------------- */

/* text[0..len) copied into the scratch, NUL-terminated. */
static char *scratch_copy(Scratch *s, const char *text, size_t len, Error *err)
{
    if (len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < len + 1)
            cap *= 2;
        char *grown = realloc(s->text, cap);
        if (!grown) {
            error_nomem(err);
            return NULL;
        }
        s->text = grown;
        s->cap = cap;
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    return s->text;
}

/* The line with each byte that is not valid UTF-8 made '?': keys, meanings and the explorer
 * take text, and a stray Latin-1 byte should not refuse a whole log. */
static const char *valid_text(LogReader *r, const char *line, size_t len, Error *err)
{
    size_t bad = text_invalid_utf8(line, len);
    if (bad == len)
        return line;
    char *copy = scratch_copy(&r->line, line, len, err);
    while (copy && bad < len) {
        copy[bad] = '?';
        bad += 1 + text_invalid_utf8(copy + bad + 1, len - bad - 1);
    }
    return copy;
}

static const char *span_text(const char *line, LogSpan s) { return line + s.offset; }

/* The event's time in ns: its time fields read (joined by spaces, as "Date Time"); a line whose
 * time does not read keeps the last one, so the timeline stays in order. */
static void event_time(LogReader *r, size_t line_no, const char *line, int64_t *time)
{
    if (r->n_time_fields == 0)
        return;
    *time = r->last_time;
    char text[LOG_TIME_MAX];
    size_t len;
    int64_t ns;
    Error why = {0};
    if (log_time_text(line, r->spans, r->time_field, r->n_time_fields, text, &len) &&
        time_parse(&r->time_parser, text, len, &ns, &why)) {
        if (r->timed++ == 0)
            r->first_timed = r->t->n_events;
        *time = r->last_time = ns;
        time_order_note(&r->time_order, ns, line_no);
    } else if (r->untimed++ == 0) {
        r->first_untimed = line_no;
    }
}

static int32_t field_id(const char *line, LogSpan s)
{
    int64_t value;
    if (s.len == 0 || !text_parse_int64(line + s.offset, s.len, &value) || value < 0 || value > INT32_MAX)
        return TRACE_NO_ID;
    return (int32_t)value;
}

/* The session of this event: the group field's value, or the regex's first match in it. */
static bool event_group(LogReader *r, const char *line, Error *err)
{
    LogSpan s = r->spans[r->group_field];
    const char *text = scratch_copy(&r->group, span_text(line, s), s.len, err);
    size_t len = s.len;
    regmatch_t match;
    if (!text)
        return false;
    if (r->has_regex && regexec(&r->regex, text, 1, &match, 0) == 0) {
        text += match.rm_so;
        len = (size_t)(match.rm_eo - match.rm_so);
    } else if (r->has_regex) {
        len = 0; /* no match: the session of ungrouped events */
    }
    if (r->t->n_events > r->group_cap) {
        size_t cap = r->group_cap ? r->group_cap * 2 : 4096;
        uint32_t *grown = realloc(r->group_of, cap * sizeof *grown);
        if (!grown)
            return error_nomem(err);
        r->group_of = grown;
        r->group_cap = cap;
    }
    return strpool_intern(&r->groups, text, len, &r->group_of[r->t->n_events - 1], err);
}

static bool append_event(LogReader *r, size_t line_no, const char *line, uint32_t cluster, Error *err)
{
    int64_t time = (int64_t)r->t->n_events;
    event_time(r, line_no, line, &time);
    uint32_t name_id = 0;
    LogSpan process = r->process_field >= 0 ? r->spans[r->process_field] : (LogSpan){0, 0};
    if (process.len && !strpool_intern(&r->t->names, span_text(line, process), process.len, &name_id, err))
        return false;
    int32_t pid = r->pid_field >= 0 ? field_id(line, r->spans[r->pid_field]) : TRACE_NO_ID;
    int32_t tid = r->tid_field >= 0 ? field_id(line, r->spans[r->tid_field]) : TRACE_NO_ID;
    LogSpan name = r->name_field >= 0 ? r->spans[r->name_field] : (LogSpan){0, 0};
    LogSpan content = r->spans[r->format.content];
    /* the messages are kept only where they are shown (the explorer): they cost more than the rest */
    return trace_append(r->t, cluster, time, TRACE_NO_CPU, pid, tid, name_id, err) &&
           (!r->opt->keep_messages ||
            fields_append(&r->t->fields, span_text(line, name), name.len, span_text(line, content),
                          content.len, err)) &&
           (!r->grouping || event_group(r, line, err));
}

/* The line that began each cluster (loaded templates' clusters, which come first, get 0). */
static bool note_cluster_line(LogReader *r, uint32_t cluster, size_t line_no, Error *err)
{
    while (r->n_cluster_lines <= cluster) {
        if (r->n_cluster_lines == r->cluster_lines_cap) {
            size_t cap = r->cluster_lines_cap ? r->cluster_lines_cap * 2 : 256;
            size_t *grown = realloc(r->cluster_line, cap * sizeof *grown);
            if (!grown)
                return error_nomem(err);
            r->cluster_line = grown;
            r->cluster_lines_cap = cap;
        }
        uint32_t c = (uint32_t)r->n_cluster_lines++;
        r->cluster_line[c] = drain_loaded(r->drain, c) ? 0 : line_no;
    }
    return true;
}

static bool blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

static bool log_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    LogReader *r = ctx;
    if (blank(line, len))
        return true; /* no message: no event */
    line = valid_text(r, line, len, err);
    if (!line)
        return error_prefix(err, "%s:%zu: ", r->path, line_no);
    LogMatch match = log_format_try(&r->format, line, len, r->spans);
    if (match != LOG_MATCHED) {
        if (r->skipped++ == 0)
            r->first_skipped = line_no;
        if (match == LOG_TOO_COSTLY && r->too_costly++ == 0)
            r->first_too_costly = line_no;
        return true;
    }
    LogSpan content = r->spans[r->format.content];
    uint32_t cluster;
    if (!drain_add(r->drain, span_text(line, content), content.len, &cluster, err) ||
        !note_cluster_line(r, cluster, line_no, err) || !append_event(r, line_no, line, cluster, err))
        return error_prefix(err, "%s:%zu: ", r->path, line_no);
    return true;
}

/* ---- sessions --------------------------------------------------------------------------- */

static bool group_sessions(LogReader *r, Error *err)
{
    return group_into_sessions(r->t, &r->groups, r->group_of, err) ||
           error_prefix(err, "%s: ", r->path);
}

/* ---- the whole log ---------------------------------------------------------------------- */

static void reader_free(LogReader *r)
{
    log_format_free(&r->format);
    drain_free(r->drain);
    free(r->line.text);
    free(r->group.text);
    free(r->group_of);
    free(r->cluster_line);
    strpool_free(&r->groups);
    if (r->has_regex)
        regfree(&r->regex);
}

/* Says what was skipped, and times that did not read, for the commands to print. */
static bool note_warnings(LogReader *r, Error *err)
{
    if (!r->meanings)
        return true;
    Warnings *w = &r->meanings->warnings;
    if (r->no_preset_fits &&
        !warnings_add(w, err, "%s: no preset fits its first lines: each line is read whole as the "
                      "message (give --log-format)", r->path))
        return false;
    if (r->skipped &&
        !warnings_add(w, err, "%s: %zu line%s did not match the log format, skipped (the first: "
                      "%s:%zu)", r->path, r->skipped, r->skipped == 1 ? "" : "s", r->path,
                      r->first_skipped))
        return false;
    if (r->too_costly &&
        !warnings_add(w, err, "%s: %zu of them too costly to match (the first: %s:%zu)", r->path,
                      r->too_costly, r->path, r->first_too_costly))
        return false;
    if (!time_order_warn(&r->time_order, r->path, w, err))
        return false;
    if (r->opt->log.templates && r->new_key_events &&
        !warnings_add(w, err, "%s: %zu line%s (%zu template%s) matched no template of %s: new keys%s",
                      r->path, r->new_key_events, r->new_key_events == 1 ? "" : "s", r->new_keys,
                      r->new_keys == 1 ? "" : "s", r->opt->log.templates, r->new_key_names))
        return false;
    char why[256];
    uint64_t unmasked = r->drain ? drain_mask_failures(r->drain, why, sizeof why) : 0;
    if (unmasked &&
        !warnings_add(w, err, "%s: %llu time%s a mask could not be applied, the message left as "
                      "it was by it (the first: %s)", r->path, (unsigned long long)unmasked,
                      unmasked == 1 ? "" : "s", why))
        return false;
    if (r->t->timed && r->untimed &&
        !warnings_add(w, err, "%s: %zu line%s without a time that reads, each given the time before "
                      "it (the first: %s:%zu)", r->path, r->untimed, r->untimed == 1 ? "" : "s",
                      r->path, r->first_untimed))
        return false;
    return true;
}

static bool check_events(LogReader *r, Error *err)
{
    if (r->t->n_events > 0)
        return true;
    if (r->skipped)
        return error_set(err, "%s:%zu: no line matches the log format \"%s\"%s", r->path,
                         r->first_skipped, r->format.text,
                         r->opt->log.format ? "" : " (give one with --log-format)");
    return error_set(err, "%s: no events: the log is empty", r->path);
}

static bool read_log(LogReader *r, InputStream *in, Error *err)
{
    if (!open_format(r, in->prefix, in->prefix_len, err) || !open_drain(r, err) ||
        !find_fields(r, err) || !trace_begin(r->t, in->path, TRACE_FORMAT_LOG, err))
        return false;
    if (!lines_read(in, r->opt, log_line, r, err) || !check_events(r, err) || !log_key_events(r, err))
        return false;
    /* Timed when the time read on at least half the lines; the rest keep the time before them
     * (the first one's, before it), else each event's time is its place. */
    r->t->timed = r->n_time_fields > 0 && r->timed * 2 >= r->t->n_events;
    for (size_t i = 0; i < r->t->n_events && (!r->t->timed || i < r->first_timed); i++)
        if (!trace_set_time(r->t, i, r->t->timed ? trace_time(r->t, r->first_timed) : (int64_t)i, err))
            return false;
    bool ok = r->grouping ? group_sessions(r, err) : trace_end_session(r->t, err);
    return ok && note_warnings(r, err);
}

bool log_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err)
{
    memset(t, 0, sizeof *t);
    if (opt->key_cols && *opt->key_cols) /* said, not ignored: one may think a field could key */
        return error_set_code(err, ERROR_USAGE, "%s: --key does not apply to raw logs: their keys are "
                              "their templates", in->path);
    LogReader r = {.path = in->path, .opt = opt, .t = t, .vocab = vocab, .meanings = meanings};
    strpool_init(&r.groups);
    bool ok = read_log(&r, in, err);
    reader_free(&r);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}
