/* traceaid score: per-segment miss rates and flags for each trace (exit 1 when any is flagged). */
#include <stdlib.h>
#include <string.h>

#include "../core/report.h"
#include "../core/model_args.h"
#include "commands.h"
#include "../io/csv_write.h"
#include "../io/format.h"
#include "../core/scored_set.h"
#include "../core/session_score.h"
#include "../io/clock.h"
#include "progress.h"

typedef struct ScoreArgs {
    ModelRequest model;
    TraceRequest traces;
    bool csv, json, events, windows, flagged_only;
} ScoreArgs;

static const char *outcome_name(uint8_t outcome)
{
    return outcome == OUTCOME_HIT ? "hit" : outcome == OUTCOME_MISS ? "miss" : "-";
}

static void print_text(const ScoredSet *s, const ScoreArgs *a)
{
    for (size_t i = 0; i < s->set.n_traces; i++) {
        if (session_score_applies(s, i)) { /* its unit is the session, judged as eval judges it */
            session_score_text(stdout, s, i);
            continue;
        }
        const Trace *t = &s->set.traces[i];
        const Scores *sc = &s->scores[i];
        size_t predicted = 0, missed = 0;
        for (size_t seg = 0; seg < sc->n_segments; seg++)
            predicted += sc->predicted[seg], missed += sc->missed[seg];
        char events[32], unknown[32], flagged[32], segments[32];
        printf("%s: %s events, ", t->path, format_count(events, sizeof events, t->n_events));
        /* 0% of nothing would read as a clean trace. */
        if (predicted)
            printf("%.2f%% of predictions missed", 100.0 * missed / predicted);
        else
            printf("no event predicted (traces shorter than the model's window?)");
        if (s->unknown[i])
            printf(", %s events with keys the model does not know", format_count(unknown, sizeof unknown, s->unknown[i]));
        char value[32];
        bool shows_score = sc->rule != SCORE_MISS || sc->smooth; /* else the score is the rate */
        if (sc->has_threshold)
            printf("; threshold %s%s%s: %s of %s segments flagged\n", shows_score ? score_rule_label(sc->rule) : "",
                   shows_score ? " " : "", scores_format(sc->rule, sc->threshold, 2, value, sizeof value),
                   format_count(flagged, sizeof flagged, sc->n_flagged),
                   format_count(segments, sizeof segments, sc->n_segments));
        else
            printf("; no threshold (calibrate the model on clean traces: traceaid calibrate)\n");
        printf("%8s  %-17s %9s %7s %8s", "segment", "events", "predicted", "missed", "rate");
        printf(shows_score ? " %9s\n" : "\n", sc->rule == SCORE_NLL ? "NLL" : "score");
        for (size_t seg = 0; seg < sc->n_segments; seg++) {
            if (a->flagged_only && !sc->flagged[seg])
                continue;
            char range[40];
            size_t first, last;
            scores_segment_range(sc, seg, &first, &last);
            /* segment and event numbers name places (traceaid explain --at EVENT takes them): plain;
             * the counts beside them read with separators, as everywhere in text */
            snprintf(range, sizeof range, "%zu-%zu", first, last);
            char predicted_text[32], missed_text[32];
            printf("%8zu  %-17s %9s %7s %7.2f%%", seg + 1, range,
                   format_count(predicted_text, sizeof predicted_text, sc->predicted[seg]),
                   format_count(missed_text, sizeof missed_text, sc->missed[seg]), 100 * sc->rate[seg]);
            if (shows_score)
                printf(" %9s", scores_format(sc->rule, sc->score[seg], 2, value, sizeof value));
            if (sc->flagged[seg] && sc->rule == SCORE_NLL)
                printf("  FLAGGED +%.4f", sc->score[seg] - sc->threshold);
            else if (sc->flagged[seg])
                printf("  FLAGGED +%.2f", 100 * (sc->score[seg] - sc->threshold));
            printf("\n");
        }
    }
}

static void print_events(const ScoredSet *s)
{
    csv_header(stdout, "file,event,key,outcome,rank,prob");
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const EventOutcomes *o = &s->outcomes[i];
        for (size_t e = 0; e < t->n_events; e++) {
            CsvRow row = csv_row_begin(stdout);
            csv_row_text(&row, t->path);
            csv_row_number(&row, "%zu", e);
            csv_row_text(&row, vocab_name(&s->set.vocab, t->key_id[e]));
            csv_row_word(&row, outcome_name(o->outcome[e]));
            csv_row_number(&row, "%u", o->rank[e]);
            csv_row_number(&row, "%.6f", o->prob[e]);
            csv_row_end(&row);
        }
    }
}

/* Keys joined by spaces, built whole so that libcsv quotes them as one field; the buffer is
 * reused from window to window. */
typedef struct KeysText {
    char *text;
    size_t cap;
} KeysText;

static bool keys_field(CsvRow *row, KeysText *buf, const ScoredSet *s, const uint32_t *ids, size_t n, Error *err)
{
    size_t len = 0;
    for (size_t j = 0; j < n; j++) {
        const char *name = vocab_name(&s->set.vocab, ids[j]);
        size_t need = len + 1 + strlen(name) + 1;
        if (need > buf->cap) {
            size_t cap = need > 2 * buf->cap ? need : 2 * buf->cap;
            char *grown = realloc(buf->text, cap);
            if (!grown)
                return error_nomem(err);
            buf->text = grown;
            buf->cap = cap;
        }
        len += (size_t)sprintf(buf->text + len, "%s%s", j ? " " : "", name);
    }
    csv_row_text_n(row, buf->text ? buf->text : "", len);
    return true;
}

/* Each scored window: its first predicted event, the keys it read, predicted and found. A
 * window is a run of up to Ty predicted events (windows at a stride of at least Ty, the default). */
static bool print_windows(const ScoredSet *s, Error *err)
{
    int tx, ty, stride;
    model_window_shape(&s->model, &tx, &ty, &stride);
    csv_header(stdout, "file,first_event,input,predicted,actual,misses");
    KeysText buf = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const EventOutcomes *o = &s->outcomes[i];
        for (size_t e = 0; ok && e < t->n_events;) {
            if (o->outcome[e] == OUTCOME_NONE || e < (size_t)tx) {
                e++;
                continue;
            }
            size_t n = 0;
            int misses = 0;
            while (n < (size_t)ty && e + n < t->n_events && o->outcome[e + n] != OUTCOME_NONE)
                misses += o->outcome[e + n++] == OUTCOME_MISS;
            CsvRow row = csv_row_begin(stdout);
            csv_row_text(&row, t->path);
            csv_row_number(&row, "%zu", e);
            ok = keys_field(&row, &buf, s, t->key_id + e - tx, (size_t)tx, err) &&
                 keys_field(&row, &buf, s, o->predicted + e, n, err) && keys_field(&row, &buf, s, t->key_id + e, n, err);
            csv_row_number(&row, "%d", misses);
            csv_row_end(&row);
            e += n;
        }
    }
    free(buf.text);
    return ok;
}

typedef struct ScoringLine {
    ProgressLine line;
    double start;
} ScoringLine;

static void show_scoring(size_t scored, size_t total, void *ctx)
{
    ScoringLine *p = ctx;
    if (scored == 0) { /* scoring starts: the time loading took is not its */
        p->start = p->line.last_print = clock_seconds(); /* a first line once scoring has run a while */
        return;
    }
    progress_scoring(&p->line, p->start, scored, total);
}

static int score(const Command *cmd, ScoreArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one trace to score");
    if (a->csv + a->json + a->events + a->windows > 1)
        return args_usage_error(cmd, "choose one of --csv, --json, --events and --windows");
    ScoredSet s;
    ScoringLine progress = {0};
    progress_init(&progress.line);
    bool loaded = scored_args_load_progress(&s, &a->model, &a->traces, inputs, show_scoring, &progress, err);
    progress_done(&progress.line);
    if (!loaded) {
        scored_set_free(&s);
        return EXIT_ERROR;
    }
    ReportScope scope = REPORT_ALL(&s);
    scope.flagged_only = a->flagged_only;
    size_t with_sessions = session_score_count_traces(&s, scope);
    if ((a->csv || a->json) && with_sessions && with_sessions < scope.n_traces) {
        scored_set_free(&s);
        return args_usage_error(cmd, "one report holds sessions or segments: score traces of sessions and other "
                                     "traces apart for --csv or --json");
    }
    bool printed = true;
    if (a->events)
        print_events(&s);
    else if (a->windows)
        printed = print_windows(&s, err);
    else if (a->json)
        (with_sessions ? session_score_json : report_json)(stdout, &s, scope);
    else if (a->csv)
        (with_sessions ? session_score_csv : report_csv)(stdout, &s, scope);
    else
        print_text(&s, a);
    size_t flagged = session_score_flagged(&s);
    scored_set_free(&s);
    if (!printed)
        return EXIT_ERROR;
    return flagged ? EXIT_ANOMALY : EXIT_OK;
}

static ScoreArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"flagged", 0, ARG_FLAG, &args.flagged_only, NULL, "list only the flagged segments (sessions)"},
    {"csv", 0, ARG_FLAG, &args.csv, NULL, "segments as CSV (a trace of sessions: its distinct sessions)"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "segments as JSON (a trace of sessions: its distinct sessions)"},
    {"events", 0, ARG_FLAG, &args.events, NULL, "every event's outcome as CSV: key, hit or miss, rank, probability"},
    {"windows", 0, ARG_FLAG, &args.windows, NULL, "every window as CSV: the keys read, predicted and found"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return score(cmd, cmd->args, inputs, err);
}

const Command cmd_score = {
    .name = "score",
    .usage = "score --model MODEL [--csv | --json | --events] TRACE...",
    .summary = "per-segment scores of each trace, and the segments above the threshold",
    .details =
        "DeepLog predicts each event from the window before it, and a key outside its top-g\n"
        "candidates is a miss; seq2seq reads Tx keys and predicts the next Ty (windows at its\n"
        "stride), and a key outside the top-g of its step (top-g 1: other than the greedy\n"
        "prediction) is a miss. A segment's rate is its share of misses. Its score, by the rule\n"
        "stored in the model (traceaid info), is that rate (miss) or the mean negative\n"
        "log-likelihood of its keys (nll), averaged over the neighbours the model's smoothing\n"
        "names; a segment whose score is above the model's calibrated threshold is flagged, and\n"
        "then the exit status is 1.\n\n"
        "In a trace of sessions (a session file, a log grouped into sessions) the session is the\n"
        "unit: each distinct session is judged as eval and the explorer judge it (DeepLog: a next\n"
        "key outside the top g, an unknown key, or a session shorter than the window + 1; seq2seq:\n"
        "its score over the threshold), and the text lists the flagged ones, --csv and --json\n"
        "every distinct session with its verdict.\n\n"
        "Example:\n  traceaid score --model flight.safetensors samples/traces/full-while-01.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
