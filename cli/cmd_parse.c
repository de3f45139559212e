/* traceaid parse: raw logs into loghub's structured CSV, with the templates Drain mines from
 * them (io/drain.h): the first pass mines, keeping per line only its cluster's number; the
 * second reads the logs again and writes each line with its cluster's final template, as
 * loghub's Drain.py writes them. --truth scores the grouping as loghub's benchmark does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "parse_input.h"
#include "parse_report.h"
#include "parse_truth.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"
#include "../io/clock.h"
#include "../io/csv_write.h"
#include "../io/drain.h"
#include "../io/log_format.h"
#include "../io/log_trace.h"
#include "../io/safe_file.h"

typedef struct ParseArgs {
    LogOptions log;
    const char *out, *truth;
    bool list_formats, json;
} ParseArgs;

typedef struct Parser {
    LogFormat format;
    Drain *drain;
    const char *path;           /* of the input being read */
    LogSpan span[LOG_FORMAT_MAX_FIELDS];
    uint32_t *cluster;          /* per line written: its cluster */
    size_t n_rows, cap;
    uint64_t skipped;
    char first_skipped[512];
    uint64_t too_costly;        /* of the skipped, those the matcher gave up on */
    char first_too_costly[512];
    uint64_t unmasked;          /* drain_mask_failures after the last line */
    char first_unmasked[512];   /* FILE:LINE of the first message a mask failed on */
    /* the second pass */
    FILE *out;
    size_t row;
    StrPool ids;                /* the final ids, in order of first cluster */
    uint32_t *group;            /* per cluster: its id's number in ids */
} Parser;

static bool push_cluster(Parser *p, uint32_t cluster, Error *err)
{
    if (p->n_rows == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1 << 16;
        uint32_t *more = realloc(p->cluster, cap * sizeof *more);
        if (!more)
            return error_nomem(err);
        p->cluster = more;
        p->cap = cap;
    }
    p->cluster[p->n_rows++] = cluster;
    return true;
}

/* The first pass: mines the line's Content; a line the format does not match is counted. */
static bool mine_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    Parser *p = ctx;
    LogMatch got = log_format_try(&p->format, line, len, p->span);
    if (got == LOG_TOO_COSTLY && p->too_costly++ == 0)
        snprintf(p->first_too_costly, sizeof p->first_too_costly, "%s:%zu", p->path, line_no);
    if (got != LOG_MATCHED) {
        if (p->skipped++ == 0)
            snprintf(p->first_skipped, sizeof p->first_skipped, "%s:%zu", p->path, line_no);
        return true;
    }
    const LogSpan *content = &p->span[p->format.content];
    uint32_t cluster;
    if (!drain_add(p->drain, line + content->offset, content->len, &cluster, err))
        return error_prefix(err, "%s:%zu: ", p->path, line_no);
    uint64_t unmasked = drain_mask_failures(p->drain, NULL, 0);
    if (unmasked != p->unmasked && p->unmasked == 0)
        snprintf(p->first_unmasked, sizeof p->first_unmasked, "%s:%zu", p->path, line_no);
    p->unmasked = unmasked;
    return push_cluster(p, cluster, err);
}

/* A text field as csv_write.h writes it (always quoted, quotes doubled), a run of bytes at a
 * time: libcsv's writer puts each byte through fputc, the most of a parse's time. */
static void put_quoted(FILE *out, const char *s, size_t len)
{
    putc_unlocked('"', out);
    for (const char *quote; (quote = memchr(s, '"', len)); ) {
        size_t n = (size_t)(quote - s) + 1;
        fwrite_unlocked(s, 1, n, out);
        putc_unlocked('"', out);
        s += n;
        len -= n;
    }
    fwrite_unlocked(s, 1, len, out);
    putc_unlocked('"', out);
}

/* The second pass: the line again, with its cluster's final id and template. */
static bool write_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    (void)line_no;
    Parser *p = ctx;
    if (!log_format_match(&p->format, line, len, p->span))
        return true;
    if (p->row >= p->n_rows)
        return error_set(err, "%s changed while it was read", p->path);
    uint32_t cluster = p->cluster[p->row++];
    fprintf(p->out, "%zu", p->row);
    for (size_t k = 0; k < p->format.n_fields; k++) {
        putc_unlocked(',', p->out);
        put_quoted(p->out, line + p->span[k].offset, p->span[k].len);
    }
    const char *id = drain_id(p->drain, cluster), *template = drain_template(p->drain, cluster);
    putc_unlocked(',', p->out);
    put_quoted(p->out, id, strlen(id));
    putc_unlocked(',', p->out);
    put_quoted(p->out, template, drain_template_len(p->drain, cluster));
    putc_unlocked('\n', p->out);
    return true;
}

static bool read_all(Parser *p, ParseInput *in, size_t n, bool second, ParseLineFn fn,
                     ParseReading *how, Error *err)
{
    how->what = second ? "writing" : "mining";
    for (size_t k = 0; k < n; k++) {
        p->path = in[k].path;
        if (!parse_input_read(&in[k], second, how, fn, p, err))
            return false;
    }
    if (how->progress)
        progress_done(how->progress);
    return true;
}

/* FILE_structured.csv or FILE.csv -> FILE_templates.csv; anything else gets it appended. */
static char *templates_path(const char *out)
{
    size_t len = strlen(out);
    const char *suffixes[] = {"_structured.csv", ".csv"};
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(suffixes[k]);
        if (len > n && strcmp(out + len - n, suffixes[k]) == 0) {
            len -= n;
            break;
        }
    }
    char *path = malloc(len + sizeof "_templates.csv");
    if (path)
        sprintf(path, "%.*s_templates.csv", (int)len, out);
    return path;
}

/* Flushed and synced, so that only renames are left once Ctrl-C has been looked at. */
static bool sync_file(SafeFile *sf, Error *err)
{
    if (fflush(sf->fp) != 0 || (sf->tmp_path && fsync(fileno(sf->fp)) != 0))
        return error_set_code(err, ERROR_IO, "%s: %s", sf->path, strerror(errno));
    return true;
}

static bool write_structured(Parser *p, ParseInput *in, size_t n, ParseReading *how,
                             const char *out, const char *templates_out, Error *err)
{
    SafeFile sf, tf;
    if (!safe_file_open(&sf, out, err))
        return false;
    p->out = sf.fp;
    setvbuf(sf.fp, NULL, _IOFBF, 1 << 20);
    CsvRow row = csv_row_begin(sf.fp);
    csv_row_word(&row, "LineId");
    for (size_t k = 0; k < p->format.n_fields; k++)
        csv_row_word(&row, p->format.field[k]);
    csv_row_word(&row, "EventId");
    csv_row_word(&row, "EventTemplate");
    csv_row_end(&row);
    bool ok = read_all(p, in, n, true, write_line, how, err);
    if (ok && p->row != p->n_rows)
        ok = error_set(err, "the logs changed while they were read");
    bool templates_open = ok && templates_out && safe_file_open(&tf, templates_out, err);
    if (ok && templates_out)
        ok = templates_open && drain_write_templates(p->drain, tf.fp, err) && sync_file(&tf, err);
    ok = ok && sync_file(&sf, err);
    /* the last look at Ctrl-C: after it only the renames are left */
    if (ok && how->cancel && *how->cancel)
        ok = error_interrupted(err);
    if (!ok) {
        if (templates_open)
            safe_file_abort(&tf);
        safe_file_abort(&sf);
        return false;
    }
    if (templates_out && !safe_file_commit(&tf, err)) {
        safe_file_abort(&sf);
        return false;
    }
    return safe_file_commit(&sf, err);
}

/* Final ids numbered in order of first cluster: the templates, and the groups --truth scores. */
static bool number_ids(Parser *p, Error *err)
{
    uint32_t n = drain_clusters(p->drain);
    p->group = malloc((n ? n : 1) * sizeof *p->group);
    if (!p->group)
        return error_nomem(err);
    for (uint32_t c = 0; c < n; c++) {
        const char *id = drain_id(p->drain, c);
        if (!strpool_intern(&p->ids, id, strlen(id), &p->group[c], err))
            return false;
    }
    return true;
}

/* With --templates: the lines that went to clusters of their own, and those clusters' ids
 * that are no loaded template's (in fresh, in order of first cluster). */
static bool find_new_keys(const Parser *p, ParseSummary *s, StrPool *fresh, const char ***keys,
                          Error *err)
{
    uint32_t n = drain_clusters(p->drain), id;
    StrPool loaded;
    strpool_init(&loaded);
    bool ok = true;
    for (uint32_t c = 0; ok && c < n; c++) {
        const char *key = drain_id(p->drain, c);
        if (drain_loaded(p->drain, c))
            ok = strpool_intern(&loaded, key, strlen(key), &id, err);
    }
    for (uint32_t c = 0; ok && c < n; c++) {
        const char *key = drain_id(p->drain, c);
        if (drain_loaded(p->drain, c) || strpool_find(&loaded, key, strlen(key)) >= 0)
            continue;
        s->new_lines += drain_occurrences(p->drain, c);
        ok = strpool_intern(fresh, key, strlen(key), &id, err);
    }
    strpool_free(&loaded);
    if (!ok)
        return false;
    *keys = malloc((fresh->count + 1) * sizeof **keys);
    if (!*keys)
        return error_nomem(err);
    for (uint32_t k = 0; k < fresh->count; k++)
        (*keys)[k] = strpool_get(fresh, k);
    s->new_keys = *keys;
    s->n_new_keys = fresh->count;
    return true;
}

static bool score_truth(const Parser *p, const char *truth_path, GroupingScore *score, Error *err)
{
    ParseTruth truth;
    if (!parse_truth_load(&truth, truth_path, err))
        return false;
    bool ok = true;
    uint32_t *group = malloc((p->n_rows ? p->n_rows : 1) * sizeof *group);
    if (!group)
        ok = error_nomem(err);
    else if (truth.n_rows != p->n_rows)
        ok = error_set(err, "--truth %s has %zu rows, the parse %zu lines", truth_path,
                       truth.n_rows, p->n_rows);
    for (size_t i = 0; ok && i < p->n_rows; i++)
        group[i] = p->group[p->cluster[i]];
    if (ok)
        ok = parse_grouping_score(&truth, group, p->n_rows, score, err);
    free(group);
    parse_truth_free(&truth);
    return ok;
}

static void warn_unmasked(const Parser *p)
{
    char why[256];
    uint64_t n = drain_mask_failures(p->drain, why, sizeof why);
    if (n)
        fprintf(stderr, "traceaid: warning: %llu time%s a mask could not be applied, the message "
                "left as it was by it (the first: %s: %s)\n", (unsigned long long)n,
                n == 1 ? "" : "s", p->first_unmasked, why);
}

static bool check_files(const ParseArgs *a, const ArgInputs *inputs, const char *templates_out,
                        Error *err)
{
    NamedPath reads[] = {{"--templates", a->log.templates}, {"--truth", a->truth}};
    NamedPath writes[] = {{"-o", a->out}, {"the templates", templates_out}};
    return outputs_check(inputs, reads, 2, writes, 2, err);
}

/* Without --log-format, the preset the first log's first lines fit, as the log reader finds it
 * (a file only: standard input cannot be looked at twice); else the whole line. */
static const char *found_format(const ArgInputs *inputs)
{
    if (inputs->n == 0 || strcmp(inputs->items[0].path, "-") == 0)
        return "line";
    InputStream in;
    Error ignored = {0};
    if (!input_open(&in, inputs->items[0].path, NULL, &ignored))
        return "line"; /* the first pass says what is wrong with it */
    const LogPreset *preset = log_detect_preset(in.prefix, in.prefix_len);
    input_close(&in);
    if (!preset)
        return "line";
    fprintf(stderr, "traceaid parse: the lines fit the %s preset (--log-format to choose another)\n",
            preset->name);
    return preset->name;
}

static bool setup(Parser *p, const ParseArgs *a, const ArgInputs *inputs, Error *err)
{
    DrainOptions o;
    LogOptions log = a->log;
    if (!log.format)
        log.format = found_format(inputs);
    if (!log_drain_options(&log, &o, err) || !log_format_compile(&p->format, log.format, err))
        return false;
    if (!drain_new(&p->drain, &o, err))
        return false;
    if (a->log.templates && !drain_load_templates(p->drain, a->log.templates, interrupt_install(), err))
        return false;
    return true;
}

static bool parse(Parser *p, const ParseArgs *a, const ArgInputs *inputs, Error *err)
{
    char *templates_out = strcmp(a->out, "-") == 0 ? NULL : templates_path(a->out);
    ParseInput *in = calloc(inputs->n, sizeof *in);
    StrPool fresh;
    strpool_init(&fresh);
    const char **new_keys = NULL;
    const char **names = calloc(inputs->n, sizeof *names);
    ProgressLine progress;
    progress_init(&progress);
    ParseReading how = {.cancel = interrupt_install(), .progress = &progress,
                        .start = clock_seconds()};
    GroupingScore score;
    bool ok = in && names && (templates_out || strcmp(a->out, "-") == 0) ? true : error_nomem(err);
    ok = ok && check_files(a, inputs, templates_out, err) && setup(p, a, inputs, err);
    for (size_t k = 0; ok && k < inputs->n; k++) {
        parse_input_init(&in[k], inputs->items[k].path);
        names[k] = inputs->items[k].path;
    }
    ok = ok && read_all(p, in, inputs->n, false, mine_line, &how, err);
    if (ok && p->n_rows == 0)
        ok = error_set(err, "no line matches the format%s%s", p->skipped ? "; the first: " : "",
                       p->skipped ? p->first_skipped : "");
    ok = ok && number_ids(p, err);
    ok = ok && (!a->truth || score_truth(p, a->truth, &score, err));
    ParseSummary s = {.inputs = names, .n_inputs = inputs->n, .lines = p->n_rows,
                      .skipped = p->skipped, .clusters = p->drain ? drain_clusters(p->drain) : 0,
                      .templates = p->ids.count, .out = a->out, .templates_out = templates_out,
                      .reused = a->log.templates, .score = a->truth ? &score : NULL,
                      .truth = a->truth};
    ok = ok && (!a->log.templates || find_new_keys(p, &s, &fresh, &new_keys, err));
    ok = ok && write_structured(p, in, inputs->n, &how, a->out, templates_out, err);
    if (ok) {
        memcpy(s.first_skipped, p->first_skipped, sizeof s.first_skipped);
        s.too_costly = p->too_costly;
        memcpy(s.first_too_costly, p->first_too_costly, sizeof s.first_too_costly);
        warn_unmasked(p);
        parse_print_summary(&s, a->json);
    }
    for (size_t k = 0; in && k < inputs->n; k++)
        parse_input_close(&in[k]);
    free(in);
    free(names);
    free(new_keys);
    strpool_free(&fresh);
    free(templates_out);
    return ok;
}

static ParseArgs args;

static const ArgSpec specs[] = {
    {"output", 'o', ARG_STRING, &args.out, "FILE", "the structured CSV (loghub's: LineId, the fields, EventId, EventTemplate); the templates go beside it, FILE_templates.csv"},
    LOG_ARG_SPECS(&args.log),
    {"truth", 0, ARG_STRING, &args.truth, "FILE", "a structured CSV whose EventId is the truth: print loghub's grouping accuracy and F1"},
    {"list-formats", 0, ARG_FLAG, &args.list_formats, NULL, "list the presets (--log-format NAME) and exit"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "the summary (or --list-formats) as JSON"},
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    const ParseArgs *a = cmd->args;
    if (a->list_formats) {
        parse_list_formats(a->json);
        return EXIT_OK;
    }
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one log ('-': standard input)");
    if (!a->out)
        return args_usage_error(cmd, "name the output: -o FILE");
    for (size_t k = 0; k < inputs->n; k++)
        if (inputs->items[k].format != TRACE_FORMAT_AUTO)
            return args_usage_error(cmd, "--sessions is not for parse: name the logs themselves");
    Parser p = {0};
    strpool_init(&p.ids);
    bool ok = parse(&p, a, inputs, err);
    drain_free(p.drain);
    log_format_free(&p.format);
    free(p.cluster);
    free(p.group);
    strpool_free(&p.ids);
    return ok ? EXIT_OK : EXIT_ERROR;
}

const Command cmd_parse = {
    .name = "parse",
    .usage = "parse [OPTIONS] LOG... -o FILE",
    .summary = "raw logs into loghub's structured CSV and templates, mined by Drain",
    .details =
        "Each line is split by the format (--log-format: a preset's name or a format such as\n"
        "'<Date> <Time> <Level> <Component>: <Content>'; without it the preset the first\n"
        "lines of the first LOG fit, else the whole line is the message); the messages\n"
        "(Content) are masked and mined for templates by Drain exactly as loghub's Drain.py\n"
        "does, each template's id the first 8 hex digits of its MD5.\n"
        "A line the format does not match is skipped and counted. The logs are read twice:\n"
        "standard input or a pipe is kept in a temporary file meanwhile.\n"
        "--templates FILE reuses a templates file (FILE_templates.csv of an earlier parse):\n"
        "its templates are frozen and keep their ids; lines matching none of them make new\n"
        "keys, counted and named.\n"
        "Examples:\n"
        "  traceaid parse --list-formats\n"
        "  traceaid parse --log-format hdfs HDFS_2k.log -o hdfs_structured.csv\n"
        "  traceaid parse --log-format hdfs HDFS_2k.log -o out.csv --truth HDFS_2k.log_structured.csv\n"
        "  journalctl -o short-iso | traceaid parse --log-format journalctl - -o journal.csv\n"
        "  traceaid parse --log-format syslog new.log --templates old_templates.csv -o new.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
