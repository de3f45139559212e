/* traceaid score: per-segment miss rates and flags for each trace (exit 1 when any is flagged). */
#include <string.h>

#include "../io/json.h"

#include "commands.h"
#include "format.h"
#include "scoring.h"

typedef struct ScoreArgs {
    ModelArgs model;
    TraceArgs traces;
    bool csv, json, events, windows, flagged_only;
} ScoreArgs;

static const char *outcome_name(uint8_t outcome)
{
    return outcome == OUTCOME_HIT ? "hit" : outcome == OUTCOME_MISS ? "miss" : "-";
}

static size_t segment_end(const Scores *sc, size_t seg, size_t n_events)
{
    size_t end = (seg + 1) * sc->segment_len;
    return end < n_events ? end : n_events;
}

static void print_text(const ScoredSet *s, const ScoreArgs *a)
{
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const Scores *sc = &s->scores[i];
        size_t predicted = 0, missed = 0;
        for (size_t seg = 0; seg < sc->n_segments; seg++)
            predicted += sc->predicted[seg], missed += sc->missed[seg];
        char events[32], unknown[32];
        printf("%s: %s events, %.2f%% of predictions missed", t->path,
               format_count(events, sizeof events, t->n_events), predicted ? 100.0 * missed / predicted : 0.0);
        if (s->unknown[i])
            printf(", %s events with keys the model does not know", format_count(unknown, sizeof unknown, s->unknown[i]));
        if (sc->has_threshold)
            printf("; threshold %.2f%%: %zu of %zu segments flagged\n", 100 * sc->threshold, sc->n_flagged, sc->n_segments);
        else
            printf("; no threshold (calibrate the model on clean traces: traceaid calibrate)\n");
        printf("%8s  %-17s %9s %7s %8s\n", "segment", "events", "predicted", "missed", "rate");
        for (size_t seg = 0; seg < sc->n_segments; seg++) {
            if (a->flagged_only && !sc->flagged[seg])
                continue;
            char range[40];
            snprintf(range, sizeof range, "%zu-%zu", seg * sc->segment_len, segment_end(sc, seg, t->n_events) - 1);
            printf("%8zu  %-17s %9u %7u %7.2f%%", seg + 1, range, sc->predicted[seg], sc->missed[seg], 100 * sc->rate[seg]);
            if (sc->flagged[seg])
                printf("  FLAGGED +%.2f", 100 * (sc->rate[seg] - sc->threshold));
            printf("\n");
        }
    }
}

static void print_csv(const ScoredSet *s)
{
    printf("file,segment,first_event,last_event,predicted,missed,rate,threshold,flagged\n");
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Scores *sc = &s->scores[i];
        for (size_t seg = 0; seg < sc->n_segments; seg++) {
            printf("\"%s\",%zu,%zu,%zu,%u,%u,%.6f,", s->set.traces[i].path, seg + 1,
                   seg * sc->segment_len, segment_end(sc, seg, s->set.traces[i].n_events) - 1,
                   sc->predicted[seg], sc->missed[seg], sc->rate[seg]);
            if (sc->has_threshold)
                printf("%.6f", sc->threshold);
            printf(",%d\n", sc->flagged[seg]);
        }
    }
}

static void print_json(const ScoredSet *s)
{
    int tx, ty, stride;
    model_window_shape(&s->model, &tx, &ty, &stride);
    size_t predicted = 0;
    for (size_t i = 0; i < s->set.n_traces; i++)
        for (size_t seg = 0; seg < s->scores[i].n_segments; seg++)
            predicted += s->scores[i].predicted[seg];
    printf("{\"model\":\"%s\",\"segment\":%zu,\"windows\":%zu,\"seconds\":%.3f,\"files\":[",
           model_kind_name(&s->model), s->set.n_traces ? s->scores[0].segment_len : 0,
           predicted / (size_t)ty, s->seconds);
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const Scores *sc = &s->scores[i];
        printf("%s{\"path\":", i ? "," : "");
        json_write_string(stdout, t->path);
        printf(",\"events\":%zu,\"unknown_keys\":%zu,\"threshold\":", t->n_events, s->unknown[i]);
        if (sc->has_threshold)
            printf("%.6f", sc->threshold);
        else
            printf("null");
        printf(",\"flagged\":%zu,\"segments\":[", sc->n_flagged);
        for (size_t seg = 0; seg < sc->n_segments; seg++)
            printf("%s{\"segment\":%zu,\"first_event\":%zu,\"last_event\":%zu,\"predicted\":%u,"
                   "\"missed\":%u,\"rate\":%.6f,\"flagged\":%s}", seg ? "," : "", seg + 1,
                   seg * sc->segment_len, segment_end(sc, seg, t->n_events) - 1, sc->predicted[seg],
                   sc->missed[seg], sc->rate[seg], sc->flagged[seg] ? "true" : "false");
        printf("]}");
    }
    printf("]}\n");
}

static void print_events(const ScoredSet *s)
{
    printf("file,event,key,outcome,rank,prob\n");
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const EventOutcomes *o = &s->outcomes[i];
        for (size_t e = 0; e < t->n_events; e++)
            printf("\"%s\",%zu,\"%s\",%s,%u,%.6f\n", t->path, e, vocab_name(&s->set.vocab, t->key_id[e]),
                   outcome_name(o->outcome[e]), o->rank[e], o->prob[e]);
    }
}

static void print_keys(const ScoredSet *s, const uint32_t *ids, size_t n)
{
    for (size_t j = 0; j < n; j++)
        printf("%s%s", j ? " " : "", vocab_name(&s->set.vocab, ids[j]));
}

/* Each scored window: its first predicted event, the keys it read, predicted and found. A
 * window is a run of up to Ty predicted events (windows at a stride of at least Ty, the default). */
static void print_windows(const ScoredSet *s)
{
    int tx, ty, stride;
    model_window_shape(&s->model, &tx, &ty, &stride);
    printf("file,first_event,input,predicted,actual,misses\n");
    for (size_t i = 0; i < s->set.n_traces; i++) {
        const Trace *t = &s->set.traces[i];
        const EventOutcomes *o = &s->outcomes[i];
        for (size_t e = 0; e < t->n_events;) {
            if (o->outcome[e] == OUTCOME_NONE || e < (size_t)tx) {
                e++;
                continue;
            }
            size_t n = 0;
            int misses = 0;
            while (n < (size_t)ty && e + n < t->n_events && o->outcome[e + n] != OUTCOME_NONE)
                misses += o->outcome[e + n++] == OUTCOME_MISS;
            printf("\"%s\",%zu,\"", t->path, e);
            print_keys(s, t->key_id + e - tx, (size_t)tx);
            printf("\",\"");
            print_keys(s, o->predicted + e, n);
            printf("\",\"");
            print_keys(s, t->key_id + e, n);
            printf("\",%d\n", misses);
            e += n;
        }
    }
}

static int score(const Command *cmd, ScoreArgs *a, const ArgInputs *inputs)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one trace to score");
    if (a->csv + a->json + a->events + a->windows > 1)
        return args_usage_error(cmd, "choose one of --csv, --json, --events and --windows");
    ScoredSet s;
    if (!scored_set_load(&s, cmd, &a->model, &a->traces, inputs)) {
        scored_set_free(&s);
        return EXIT_ERROR;
    }
    if (a->events)
        print_events(&s);
    else if (a->windows)
        print_windows(&s);
    else if (a->json)
        print_json(&s);
    else if (a->csv)
        print_csv(&s);
    else
        print_text(&s, a);
    size_t flagged = 0;
    for (size_t i = 0; i < s.set.n_traces; i++)
        flagged += s.scores[i].n_flagged;
    scored_set_free(&s);
    return flagged ? EXIT_ANOMALY : EXIT_OK;
}

static ScoreArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    {"flagged", 0, ARG_FLAG, &args.flagged_only, NULL, "list only the flagged segments"},
    {"csv", 0, ARG_FLAG, &args.csv, NULL, "segments as CSV"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "segments as JSON"},
    {"events", 0, ARG_FLAG, &args.events, NULL, "every event's outcome as CSV: key, hit or miss, rank, probability"},
    {"windows", 0, ARG_FLAG, &args.windows, NULL, "every window as CSV: the keys read, predicted and found"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    (void)err; /* score prints its own errors */
    return score(cmd, cmd->args, inputs);
}

const Command cmd_score = {
    .name = "score",
    .usage = "score --model MODEL [--csv | --json | --events] TRACE...",
    .summary = "per-segment miss rates of each trace, and the segments above the threshold",
    .details =
        "DeepLog predicts each event from the window before it, and a key outside its top-g\n"
        "candidates is a miss; seq2seq reads Tx keys and predicts the next Ty (windows at its\n"
        "stride), and a predicted key that differs from the one found is a miss. A segment's rate\n"
        "is its share of misses; a segment above the model's calibrated threshold is flagged, and\n"
        "then the exit status is 1.\n\n"
        "Example:\n  traceaid score --model flight.safetensors samples/traces/full-while-01.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
