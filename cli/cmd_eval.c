/* traceaid eval: detection quality on labelled normal and abnormal sessions (the DeepLog
 * protocol), or on traces against the ground truth beside them, per anomaly kind. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/model_args.h"
#include "commands.h"
#include "../io/format.h"
#include "../io/json.h"
#include "../core/interrupt.h"
#include "../core/model_templates.h"
#include "../core/model_vocab.h"
#include "../core/scored_set.h"
#include "../core/calibrate.h"
#include "../core/summary.h"
#include "../core/detection.h"
#include "../core/marks.h"
#include "../io/truth.h"

typedef struct EvalArgs {
    ModelRequest model;
    const char *normal, *abnormal;
    bool truth, json;
    TraceRequest traces;
} EvalArgs;

/* What the marks beside the files did: stale rows said on standard error. */
static void print_marks_note(const char *command, const char *note)
{
    for (const char *line = note; *line;) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        fprintf(stderr, "traceaid %s: %.*s\n", command, len, line);
        line += len + (end != NULL);
    }
}

static void print_counts(const EvalArgs *a, const Model *m, const EvalCounts *c, size_t marks_applied)
{
    double precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
    double recall = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
    double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    int window, ty, stride, top_g = model_top_g(m);
    model_window_shape(m, &window, &ty, &stride);
    if (a->json) {
        printf("{\"model\":");
        json_write_string(stdout, a->model.path);
        printf(",\"window\":%d,\"top_g\":%d,\"fp\":%zu,\"fn\":%zu,\"tp\":%zu,"
               "\"tn\":%zu,\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,\"windows\":%zu,"
               "\"distinct_windows\":%zu,\"seconds\":%.3f,\"marks_applied\":%zu}\n", window,
               top_g, c->fp, c->fn, c->tp, c->tn, precision, recall, f1, c->windows,
               c->distinct_windows, c->seconds, marks_applied);
        return;
    }
    char n1[32], n2[32], n3[32], n4[32];
    printf("model %s: window %d, top-g %d", a->model.path, window, top_g);
    if (marks_applied) /* the operator's marks beside the files */
        printf(" (%zu mark%s applied)", marks_applied, marks_applied == 1 ? "" : "s");
    printf("\n");
    printf("sessions   %s normal, %s abnormal (distinct)\n",
           format_count(n1, sizeof n1, c->tn + c->fp), format_count(n2, sizeof n2, c->tp + c->fn));
    printf("FP %s  FN %s  TP %s  TN %s\n", format_count(n1, sizeof n1, c->fp),
           format_count(n2, sizeof n2, c->fn), format_count(n3, sizeof n3, c->tp),
           format_count(n4, sizeof n4, c->tn));
    printf("precision %.2f%%  recall %.2f%%  F1 %.2f%%\n", 100 * precision, 100 * recall, 100 * f1);
    printf("%s next-key predictions (%s distinct windows) in %.2f s\n",
           format_count(n1, sizeof n1, c->windows), format_count(n2, sizeof n2, c->distinct_windows),
           c->seconds);
}

/* The DeepLog protocol on a normal and an abnormal session file. */
static int eval_sessions(const Command *cmd, EvalArgs *a, const ArgInputs *inputs, Error *err)
{
    if (a->model.segment)
        return args_usage_error(cmd, "--segment is for --truth");
    if (inputs->n > 0)
        return args_usage_error(cmd, "unexpected argument '%s'", inputs->items[0].path);
    if (!a->model.path || !a->normal || !a->abnormal)
        return args_usage_error(cmd, "name --model, --normal and --abnormal");
    Model model;
    if (!model_request_load(&a->model, &model, err))
        return EXIT_ERROR;
    if (!model_has_eval(&model)) {
        fprintf(stderr, "traceaid %s: %s is a %s model; eval follows the DeepLog protocol (use "
                        "traceaid score for traces)\n", cmd->name, a->model.path, model_kind_name(&model));
        model_free(&model);
        return EXIT_ERROR;
    }
    int status = EXIT_ERROR;
    TraceSet set;
    trace_set_init(&set);
    TraceInput files[2] = {{a->normal, TRACE_FORMAT_AUTO}, {a->abnormal, TRACE_FORMAT_AUTO}};
    EvalCounts counts;
    TraceOptions opt = a->traces.opt;
    opt.cancel = interrupt_install();
    char templates[4096];
    model_templates_apply(a->model.path, &opt, templates, sizeof templates);
    char note[4096] = "";
    size_t marks_applied = 0;
    bool ok = model_vocab_seed(&set, &model, err) && trace_set_load(&set, files, 2, &opt, err) &&
              marks_relabel_sessions(&set.traces[0], &set.traces[1], &set.vocab, &marks_applied, note, sizeof note, err);
    print_marks_note(cmd->name, note);
    if (ok) {
        summary_print_warnings(stderr, &set);
        summary_warn_model_fit(stderr, &set, &model);
    }
    if (ok && model_eval(&model, &set.traces[0], &set.traces[1], &counts, opt.cancel, err)) {
        print_counts(a, &model, &counts, marks_applied);
        status = EXIT_OK;
    }
    trace_set_free(&set);
    model_free(&model);
    return status;
}

/* --------------------------------------------------------------- against ground truth */

/* Each trace's ground truth, read before any scoring, and the kind it is counted under. */
typedef struct TraceTruths {
    size_t n;
    Truth *truths;
    char **kinds;
} TraceTruths;

static void trace_truths_free(TraceTruths *t)
{
    for (size_t i = 0; i < t->n; i++) {
        truth_free(&t->truths[i]);
        free(t->kinds[i]);
    }
    free(t->truths);
    free(t->kinds);
}

static bool load_truth(const char *trace_path, Truth *truth, char **kind, Error *err)
{
    char *path = truth_path_beside(trace_path);
    if (!path)
        return error_nomem(err);
    bool ok = access(path, F_OK) == 0 ||
              error_set_code(err, ERROR_IO, "no ground truth for %s: expected %s", trace_path, path);
    ok = ok && truth_load(truth, path, err);
    free(path);
    if (!ok)
        return false;
    *kind = truth->kind ? strdup(truth->kind) : truth_kind_from_name(trace_path);
    return *kind || error_nomem(err);
}

static bool trace_truths_load(TraceTruths *t, const ArgInputs *inputs, Error *err)
{
    t->truths = calloc(inputs->n + 1, sizeof *t->truths);
    t->kinds = calloc(inputs->n + 1, sizeof *t->kinds);
    if (!t->truths || !t->kinds)
        return error_nomem(err);
    for (; t->n < inputs->n; t->n++)
        if (!load_truth(inputs->items[t->n].path, &t->truths[t->n], &t->kinds[t->n], err))
            return false;
    return true;
}

/* The figures of the scored traces, each trace's segments marked by its truth. */
static bool detect(const ScoredSet *s, const TraceTruths *t, Detection *d, size_t *marks_applied, char *note,
                   size_t note_size, Error *err)
{
    size_t n = s->set.n_traces;
    DetectionTrace *traces = calloc(n + 1, sizeof *traces);
    uint8_t **bad = calloc(n + 1, sizeof *bad);
    bool ok = (traces && bad) || error_nomem(err);
    for (size_t i = 0; ok && i < n; i++) {
        const Scores *sc = &s->scores[i];
        bad[i] = calloc(sc->n_segments + 1, 1);
        ok = (bad[i] || error_nomem(err)) &&
             truth_mark(&t->truths[i], &s->set.traces[i], sc->segment_len, sc->n_segments, bad[i], err) &&
             marks_apply_segments(&s->set.traces[i], &s->set.vocab, sc->segment_len, sc->n_segments, bad[i],
                                  marks_applied, note, note_size, err);
        traces[i] = (DetectionTrace){.scores = sc, .segment_bad = bad[i], .kind = t->kinds[i],
                                     .clean = t->truths[i].n_intervals == 0};
    }
    ok = ok && detection_compute(d, traces, n, err);
    for (size_t i = 0; bad && i < n; i++)
        free(bad[i]);
    free(bad);
    free(traces);
    return ok;
}

/* A share as a percentage, or "-" where it is undefined. */
static const char *percent(char *buf, size_t size, bool defined, double value)
{
    if (defined)
        snprintf(buf, size, "%.2f%%", 100 * value);
    else
        snprintf(buf, size, "-");
    return buf;
}

/* A count of flags, or "-" without a threshold. */
static const char *flag_count(char *buf, size_t size, bool has_threshold, size_t n)
{
    return has_threshold ? format_count(buf, size, n) : strcpy(buf, "-");
}

/* The share of a row's segments without an anomaly that were flagged: clean traces' for the
 * clean row and for all, the truth-negative segments of its own traces for an anomalous kind. */
static bool row_clean_flagged(const DetectionFigures *f, double *value)
{
    return detection_clean_flagged(f, value) || detection_negatives_flagged(f, value);
}

static void print_row(const DetectionFigures *f, bool has_threshold, int kind_width)
{
    char traces[32], segments[32], anomalous[32], flagged[32], precision[32], recall[32], f1[32],
        clean[32], auc[32];
    double value = 0;
    bool defined;
    printf("%-*s %7s %9s %10s %8s", kind_width, f->kind, format_count(traces, sizeof traces, f->traces),
           format_count(segments, sizeof segments, f->segments), format_count(anomalous, sizeof anomalous, f->anomalous),
           flag_count(flagged, sizeof flagged, has_threshold, f->flagged));
    defined = has_threshold && detection_precision(f, &value);
    printf(" %10s", percent(precision, sizeof precision, defined, value));
    defined = has_threshold && detection_recall(f, &value);
    printf(" %8s", percent(recall, sizeof recall, defined, value));
    defined = has_threshold && detection_f1(f, &value);
    printf(" %8s", percent(f1, sizeof f1, defined, value));
    defined = has_threshold && row_clean_flagged(f, &value);
    printf(" %14s", percent(clean, sizeof clean, defined, value));
    if (f->has_auc)
        snprintf(auc, sizeof auc, "%.4f", f->auc);
    else
        snprintf(auc, sizeof auc, "-");
    printf(" %7s\n", auc);
}

static void print_detection_text(const EvalArgs *a, const ScoredSet *s, const Detection *d, size_t marks_applied)
{
    const Calibration *cal = model_calibration_const(&s->model);
    char segment[32], n1[32], n2[32], threshold[32], rule[160];
    printf("model %s (%s): segments of %s events, ", a->model.path, model_kind_name(&s->model),
           format_count(segment, sizeof segment, (uint64_t)cal->segment));
    calibration_describe(cal, rule, sizeof rule);
    if (d->has_threshold) /* a miss rate as a percent, an NLL as it is */
        printf("threshold %s (%s)\n", scores_format(cal->score, cal->threshold, 4, threshold, sizeof threshold), rule);
    else
        printf("no threshold (calibrate the model on clean traces: traceaid calibrate): no flags counted, the AUC "
               "needs none\n");
    if (marks_applied) /* the operator's marks over the truth */
        printf("(%zu mark%s applied)\n", marks_applied, marks_applied == 1 ? "" : "s");
    int kind_width = 4;
    for (size_t k = 0; k < d->n_kinds; k++)
        kind_width = (int)strlen(d->kinds[k].kind) > kind_width ? (int)strlen(d->kinds[k].kind) : kind_width;
    printf("%-*s %7s %9s %10s %8s %10s %8s %8s %14s %7s\n", kind_width, "kind", "traces", "segments", "anomalous",
           "flagged", "precision", "recall", "F1", "clean flagged", "AUC");
    for (size_t k = 0; k < d->n_kinds; k++)
        print_row(&d->kinds[k], d->has_threshold, kind_width);
    print_row(&d->all, d->has_threshold, kind_width);
    if (!d->has_threshold)
        return;
    double value = 0;
    bool defined = detection_clean_flagged(&d->all, &value);
    printf("clean traces: %s of %s segments flagged", percent(n1, sizeof n1, defined, value),
           format_count(n2, sizeof n2, d->all.clean_segments));
    defined = detection_negatives_flagged(&d->all, &value);
    printf("; anomalous traces: %s of their %s segments without an anomaly flagged\n",
           percent(n1, sizeof n1, defined, value), format_count(n2, sizeof n2, d->all.negatives));
}

/* A JSON number, or null where it is undefined. */
static void json_number(const char *name, bool defined, double value)
{
    printf(",\"%s\":", name);
    if (defined)
        printf("%.6f", value);
    else
        printf("null");
}

static void json_count(const char *name, bool defined, size_t value)
{
    printf(",\"%s\":", name);
    if (defined)
        printf("%zu", value);
    else
        printf("null");
}

/* One of detection.h's ratios, null without a threshold or where it is undefined. */
static void json_ratio(const char *name, bool has_threshold, const DetectionFigures *f,
                       bool (*ratio)(const DetectionFigures *, double *))
{
    double value = 0;
    bool defined = has_threshold && ratio(f, &value);
    json_number(name, defined, value);
}

static void print_figures_json(const DetectionFigures *f, bool has_threshold)
{
    printf("{\"kind\":");
    json_write_string(stdout, f->kind);
    printf(",\"traces\":%zu,\"segments\":%zu,\"anomalous\":%zu", f->traces, f->segments, f->anomalous);
    json_count("flagged", has_threshold, f->flagged);
    json_count("tp", has_threshold, f->tp);
    json_count("fp", has_threshold, f->fp);
    json_count("fn", has_threshold, f->fn);
    json_ratio("precision", has_threshold, f, detection_precision);
    json_ratio("recall", has_threshold, f, detection_recall);
    json_ratio("f1", has_threshold, f, detection_f1);
    printf(",\"clean_segments\":%zu", f->clean_segments);
    json_count("clean_flagged", has_threshold, f->clean_flagged);
    json_ratio("clean_flagged_share", has_threshold, f, detection_clean_flagged);
    printf(",\"normal_segments_in_anomalous_traces\":%zu", f->negatives);
    json_count("normal_flagged_in_anomalous_traces", has_threshold, f->negatives_flagged);
    json_ratio("normal_flagged_share_in_anomalous_traces", has_threshold, f, detection_negatives_flagged);
    json_number("auc", f->has_auc, f->auc);
    printf("}");
}

static void print_detection_json(const EvalArgs *a, const ScoredSet *s, const Detection *d, size_t marks_applied)
{
    const Calibration *cal = model_calibration_const(&s->model);
    printf("{\"model\":");
    json_write_string(stdout, a->model.path);
    printf(",\"model_kind\":");
    json_write_string(stdout, model_kind_name(&s->model));
    printf(",\"segment\":%d", cal->segment);
    json_number("threshold", d->has_threshold, cal->threshold);
    printf(",\"kinds\":[");
    for (size_t k = 0; k < d->n_kinds; k++) {
        printf(k ? "," : "");
        print_figures_json(&d->kinds[k], d->has_threshold);
    }
    printf("],\"all\":");
    print_figures_json(&d->all, d->has_threshold);
    printf(",\"seconds\":%.3f,\"marks_applied\":%zu}\n", s->seconds, marks_applied);
}

/* Every trace scored and its segments marked by the truth beside it. */
static int eval_truth(const Command *cmd, EvalArgs *a, const ArgInputs *inputs, Error *err)
{
    if (a->normal || a->abnormal)
        return args_usage_error(cmd, "--truth takes traces, not --normal and --abnormal");
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n == 0)
        return args_usage_error(cmd, "name the traces to evaluate, each with its .truth beside it");
    TraceTruths truths = {0};
    ScoredSet s;
    Detection d = {0};
    memset(&s, 0, sizeof s);
    char note[4096] = "";
    size_t marks_applied = 0;
    bool ok = trace_truths_load(&truths, inputs, err) && scored_args_load(&s, &a->model, &a->traces, inputs, err) &&
              detect(&s, &truths, &d, &marks_applied, note, sizeof note, err);
    print_marks_note(cmd->name, note);
    if (ok && a->json)
        print_detection_json(a, &s, &d, marks_applied);
    else if (ok)
        print_detection_text(a, &s, &d, marks_applied);
    detection_free(&d);
    scored_set_free(&s);
    trace_truths_free(&truths);
    return ok ? EXIT_OK : EXIT_ERROR;
}

static int eval(const Command *cmd, EvalArgs *a, const ArgInputs *inputs, Error *err)
{
    return a->truth ? eval_truth(cmd, a, inputs, err) : eval_sessions(cmd, a, inputs, err);
}

static EvalArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    {"truth", 0, ARG_FLAG, &args.truth, NULL, "score the traces named and measure against the ground truth beside each"},
    SEGMENT_ARG_SPEC(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"normal", 0, ARG_STRING, &args.normal, "FILE", "sessions (or a trace) known to be normal"},
    {"abnormal", 0, ARG_STRING, &args.abnormal, "FILE", "sessions known to be anomalous"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "print the figures as one JSON object"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return eval(cmd, cmd->args, inputs, err);
}

const Command cmd_eval = {
    .name = "eval",
    .usage = "eval --model MODEL --truth TRACE...  |  eval --model MODEL --normal FILE --abnormal FILE",
    .summary = "detection quality: per anomaly kind against ground truth, or on labelled sessions",
    .details =
        "With --truth, each trace is scored as by traceaid score and measured against the ground\n"
        "truth beside it: the trace's path up to the first '.' of its base name, then .truth\n"
        "(traces/fifo-ls-01.csv -> traces/fifo-ls-01.truth; rec/clean-01.perf-script.txt.xz ->\n"
        "rec/clean-01.truth). A truth file is CSV with one of two headers:\n"
        "  first_event,last_event,episode   event indices, as traceaid gen writes\n"
        "  start_ns,stop_ns,label           nanoseconds in the trace's own clock\n"
        "'#' starts a comment, '# kind: NAME' names the trace's kind, and a header alone is a\n"
        "clean trace. A segment is anomalous when it holds an event of an index interval, or when\n"
        "its time span (its first to its last event) overlaps a time interval; only segments\n"
        "holding predictions count. A trace's kind is its truth's '# kind:', else its base name up\n"
        "to the first '.' less a trailing -NN: fifo-ls-sporadic-01.csv is fifo-ls-sporadic,\n"
        "clean-03.csv is clean.\n\n"
        "A row per kind (clean first) and one for all: precision and recall of the flagged\n"
        "segments, F1, clean flagged (for clean and all: the share of clean traces' segments\n"
        "flagged; for a kind: of its traces' segments without an anomaly), and the ROC AUC of the\n"
        "segment rate (no threshold needed; a kind's segments against every clean trace's); '-'\n"
        "where a figure is undefined. A model without a threshold gets the AUC alone. Exit status\n"
        "0 once the figures are printed.\n\n"
        "Without --truth, the DeepLog protocol: duplicate sessions are scored once; a session is\n"
        "anomalous when a next key falls outside the model's top-g candidates, when it holds a key\n"
        "the model does not know, or when it is shorter than window + 1 keys.\n\n"
        "Marks made in the explorer (F, A) beside a file, as FILE.labels.csv, are used: with\n"
        "--truth a segment marked normal counts as normal and one marked anomalous as anomalous,\n"
        "over the truth; with --normal/--abnormal a marked session, and each identical to it,\n"
        "counts on its mark's side. The output says (N marks applied); a mark whose keys no\n"
        "longer match the file is reported with its line and not applied.\n\n"
        "Examples:\n"
        "  traceaid gen --kind fifo-ls --seed 201 -o unseen/fifo-ls-01.csv   # and unseen/fifo-ls-01.truth\n"
        "  traceaid eval --model flight.safetensors --truth unseen/*.csv\n"
        "  traceaid eval --model hdfs.safetensors --normal hdfs_test_normal --abnormal hdfs_test_abnormal\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
