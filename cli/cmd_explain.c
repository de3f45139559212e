/* traceaid explain: an anomalous window beside the closest window the model deems normal. */
#include <stdlib.h>
#include <string.h>

#include "../io/json.h"
#include "../core/explainer.h"
#include "../core/session_verdicts.h"
#include "../core/summary.h"
#include "../core/keys.h"
#include "../core/model_args.h"
#include "../core/model_templates.h"
#include "commands.h"
#include "../io/format.h"
#include "../core/interrupt.h"
#include "../core/model_vocab.h"
#include "../core/scored_set.h"

typedef struct ExplainArgs {
    ModelRequest model;
    TraceRequest traces;
    const char *normal;         /* training data, for the nearest normal window */
    uint64_t at, session, changes;
    bool at_given, all, json;
} ExplainArgs;

typedef struct ExplainContext {
    const Command *cmd;
    Model model;
    TraceSet set;
    WindowSet normal_windows;
    NearestIndex nearest;
    bool has_nearest;
    Explainer explainer;
} ExplainContext;

static const char *meaning_of(const ExplainContext *x, uint32_t key) { return key_meaning(&x->set, key); }
static const char *key_name(const ExplainContext *x, uint32_t key) { return key_label(&x->set, key); }

/* Keys in a window: those read and those predicted. */
static int window_width(const Model *m)
{
    int tx, ty, stride;
    model_window_shape(m, &tx, &ty, &stride);
    return tx + ty;
}

static void print_table(const ExplainContext *x, const Interpretation *in)
{
    int width = 4;
    for (int i = 0; i < in->n_keys; i++) {
        int a = (int)strlen(key_name(x, in->keys[i])), b = (int)strlen(key_name(x, in->reference[i]));
        width = a > width ? a : width, width = b > width ? b : width;
    }
    width = width > 28 ? 28 : width;
    printf("%3s  %-*s  %-36s %5s  %-*s  %-36s%s\n", "#", width, "Ano.", "Meaning", "Diff.", width, "Ref.",
           "Meaning*", in->has_nearest ? "  Nearest" : "");
    for (int i = 0; i < in->n_keys; i++) {
        bool differs = in->keys[i] != in->reference[i];
        printf("%3d%s %-*.*s  %-36.36s %5s  %-*.*s  %-36.36s", i + 1, i >= in->n_inputs ? ">" : " ", width, width,
               key_name(x, in->keys[i]), meaning_of(x, in->keys[i]), differs ? "*" : "", width, width,
               key_name(x, in->reference[i]), meaning_of(x, in->reference[i]));
        if (in->has_nearest)
            printf("  %s%s", key_name(x, in->nearest[i]), in->nearest[i] != in->keys[i] ? " *" : "");
        printf("\n");
    }
}

/* A window with one ranked target reads by its rank; one with several, by the targets missed. */
static void print_verdict(const Interpretation *in)
{
    int ty = in->n_keys - in->n_inputs;
    if (!in->ranked) {
        if (!in->anomalous) {
            printf("the model deems this window normal: it predicts all %d keys\n", ty);
            return;
        }
        printf("mean p(keys predicted) %.4f, %d of %d missed -> reference %.4f, %d missed; %d change%s%s\n",
               in->p_before, in->missed_before, ty, in->p_after, in->missed_after, in->changes, in->changes == 1 ? "" : "s",
               in->target_changed ? " (the keys that came are the anomaly)" : " (in the inputs)");
        printf("fidelity: %s (the model %s the reference's keys)%s\n", in->fidelity ? "passed" : "FAILED",
               in->fidelity ? "predicts" : "does not predict", in->searched_inputs ? "; no input change sufficed" : "");
    } else if (!in->anomalous) {
        printf("the model deems this window normal: its next key ranks %d of top %d\n", in->rank_before + 1, in->top_g);
        return;
    } else {
        printf("p(next key) %.4f (rank %d) -> reference %.4f (rank %d); %d change%s%s\n", in->p_before,
               in->rank_before + 1, in->p_after, in->rank_after + 1, in->changes, in->changes == 1 ? "" : "s",
               in->target_changed ? " (the next key itself is the anomaly)" : " (in the inputs)");
        printf("fidelity: %s (the model %s the reference's next key among its top %d)%s\n",
               in->fidelity ? "passed" : "FAILED", in->fidelity ? "puts" : "does not put", in->top_g,
               in->searched_inputs ? "; no single input change sufficed" : "");
    }
    if (in->has_nearest)
        printf("nearest normal window in the training data: distance %d\n", in->nearest_distance);
    printf("interpreted in %.2f ms\n", in->seconds * 1e3);
}

static void print_json(const ExplainContext *x, const Interpretation *in, const char *where)
{
    printf("{\"where\":");
    json_write_string(stdout, where);
    printf(",\"anomalous\":%s,\"rows\":[", in->anomalous ? "true" : "false");
    for (int i = 0; i < in->n_keys; i++) {
        printf("%s{\"position\":%d,\"role\":", i ? "," : "", i + 1);
        json_write_string(stdout, i < in->n_inputs ? "input" : "next");
        printf(",\"anomalous\":");
        json_write_string(stdout, key_name(x, in->keys[i]));
        printf(",\"meaning\":");
        json_write_string(stdout, meaning_of(x, in->keys[i]));
        printf(",\"differs\":%s,\"reference\":", in->keys[i] != in->reference[i] ? "true" : "false");
        json_write_string(stdout, key_name(x, in->reference[i]));
        printf(",\"reference_meaning\":");
        json_write_string(stdout, meaning_of(x, in->reference[i]));
        if (in->has_nearest) {
            printf(",\"nearest\":");
            json_write_string(stdout, key_name(x, in->nearest[i]));
        }
        printf("}");
    }
    printf("],\"p_before\":%.6f,\"p_after\":%.6f,", in->p_before, in->p_after);
    if (in->ranked) /* ranks from 1; a window of several targets has none */
        printf("\"rank_before\":%d,\"rank_after\":%d,", in->rank_before + 1, in->rank_after + 1);
    else
        printf("\"rank_before\":null,\"rank_after\":null,");
    printf("\"missed_before\":%d,\"missed_after\":%d,\"changes\":%d,\"target_changed\":%s,\"fidelity\":%s,"
           "\"nearest_distance\":%d,\"seconds\":%.6f}\n", in->missed_before, in->missed_after, in->changes,
           in->target_changed ? "true" : "false", in->fidelity ? "true" : "false",
           in->has_nearest ? in->nearest_distance : -1, in->seconds);
}

static int explain_event(ExplainContext *x, const ExplainArgs *a, const Trace *t, size_t e, const char *where)
{
    size_t first;
    Interpretation in;
    if (!explainer_at(&x->explainer, t, e, &in, &first)) {
        fprintf(stderr, "traceaid %s: %s: no window of the model's predicts this event: it %s\n", x->cmd->name, where,
                explainer_no_window_text(explainer_no_window(&x->model, t, e), 1));
        return EXIT_ERROR;
    }
    if (a->json) {
        print_json(x, &in, where);
    } else {
        printf("%s: events %zu-%zu, the %d keys read and the %d predicted (rows >)\n", where, first,
               first + (size_t)in.n_keys - 1, in.n_inputs, in.n_keys - in.n_inputs);
        print_table(x, &in);
        print_verdict(&in);
    }
    return EXIT_OK;
}

/* The first event of session s the model misses, or none. */
static bool first_miss(const Trace *t, size_t s, const EventOutcomes *o, size_t *e)
{
    for (size_t i = t->session_start[s]; i < t->session_start[s + 1]; i++)
        if (o->outcome[i] == OUTCOME_MISS) {
            *e = i;
            return true;
        }
    return false;
}

/* Every distinct anomaly of the file: fidelity and time, for the record. */
static int explain_all(ExplainContext *x, const Trace *t, const EventOutcomes *o, const Scores *sc)
{
    Interpretation in;
    size_t cursor = 0, e, first, interpreted = 0, passed = 0, by_target = 0, by_inputs = 0;
    size_t no_window[NO_WINDOW_NOT_PREDICTED + 1] = {0};
    size_t after_search = 0;
    double total_time = 0, worst = 0;
    WindowSet seen;
    Error err = {0};
    bool ok = true;
    uint32_t keys[INTERPRET_MAX_KEYS];
    int n_keys;
    window_set_init(&seen, window_width(&x->model));
    while (ok && model_next_anomaly(&x->model, t, o, sc, &cursor, &e)) {
        if (!explainer_window_for(&x->model, t, e, keys, &n_keys, &first)) { /* the window --at takes */
            no_window[explainer_no_window(&x->model, t, e)]++;
            continue;
        }
        size_t before = seen.n;
        if (!(ok = window_set_add(&seen, keys, NULL, &err)) || seen.n == before)
            continue; /* the same anomalous window, interpreted already */
        model_interpret(&x->explainer.interpreter, keys, &in);
        interpreted++;
        passed += in.fidelity;
        by_target += in.target_changed;
        by_inputs += in.fidelity && !in.target_changed;
        after_search += in.searched_inputs;
        total_time += in.seconds;
        worst = in.seconds > worst ? in.seconds : worst;
    }
    window_set_free(&seen);
    char n_interpreted[32], n_skipped[32], n_passed[32], n_inputs[32], n_target[32], n_search[32], n_unseen[32];
    printf("%s distinct anomalous windows interpreted (%s", format_count(n_interpreted, sizeof n_interpreted, interpreted),
           model_anomaly_unit(&x->model));
    for (int why = 0; why <= NO_WINDOW_NOT_PREDICTED; why++) /* each reason there was, in its words */
        if (no_window[why])
            printf("; %s more %s", format_count(n_skipped, sizeof n_skipped, no_window[why]),
                   explainer_no_window_text((ExplainerNoWindow)why, no_window[why]));
    printf(")\n");
    printf("fidelity %.2f%% (%s passed): %s by changing inputs, %s by changing what came next (%s after no "
           "input change sufficed, %s keys the model never saw)\n", interpreted ? 100.0 * passed / interpreted : 0.0,
           format_count(n_passed, sizeof n_passed, passed), format_count(n_inputs, sizeof n_inputs, by_inputs),
           format_count(n_target, sizeof n_target, by_target), format_count(n_search, sizeof n_search, after_search),
           format_count(n_unseen, sizeof n_unseen, by_target - after_search));
    printf("time per interpretation: mean %.3f ms, worst %.3f ms\n", interpreted ? 1e3 * total_time / interpreted : 0.0,
           1e3 * worst);
    return ok ? EXIT_OK : EXIT_ERROR;
}

static bool setup(ExplainContext *x, const ExplainArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!model_request_load(&a->model, &x->model, err))
        return false;
    TraceOptions reading = a->traces.opt; /* raw logs mined from the model's templates first */
    char templates[4096];
    model_templates_apply(a->model.path, &reading, templates, sizeof templates);
    if (!model_vocab_seed(&x->set, &x->model, err) ||
        (a->traces.meanings_path && !meanings_load(&x->set.meanings, a->traces.meanings_path, err)) ||
        !trace_set_load(&x->set, inputs->items, inputs->n, &reading, err))
        return false;
    if (a->normal) {
        TraceInput normal = {a->normal, TRACE_FORMAT_AUTO};
        size_t at = x->set.n_traces;
        if (!trace_set_load(&x->set, &normal, 1, &reading, err) ||
            !explainer_index_normal(&x->model, &x->set.traces[at], &x->normal_windows, &x->nearest, err))
            return false;
        x->has_nearest = true;
    }
    summary_print_warnings(stderr, &x->set);
    summary_warn_model_fit(stderr, &x->set, &x->model);
    InterpretOptions opt = INTERPRET_DEFAULTS;
    opt.max_changes = (int)a->changes;
    if (x->has_nearest) /* --normal wins over the model's own training windows */
        return explainer_init(&x->explainer, &x->model, &x->nearest, &opt, err);
    if (!explainer_init_trained(&x->explainer, &x->model, &opt, err))
        return false;
    if (x->explainer.nearest_note[0])
        fprintf(stderr, "traceaid %s: warning: %s\n", x->cmd->name, x->explainer.nearest_note);
    return true;
}

/* A session with no miss: normal, or anomalous as eval counts it for another reason (too short to
 * predict, a key the model does not know) that no window can show. */
static int explain_unmissed_session(const Model *m, const Trace *t, size_t s, const EventOutcomes *o, const char *where,
                                    bool json, Error *err)
{
    SessionVerdicts v = {0};
    if (t->n_sessions > 1 && !session_verdicts_compute(&v, m, t, o, err))
        return EXIT_ERROR;
    const SessionVerdict *sv = v.n_sessions ? &v.session[s] : NULL;
    SessionReason reason = sv ? (SessionReason)sv->reason : SESSION_NORMAL;
    if (json) { /* no table: where, and why the session is what it is */
        printf("{\"where\":");
        json_write_string(stdout, where);
        printf(",\"interpreted\":false,\"anomalous\":%s,\"reason\":", reason != SESSION_NORMAL ? "true" : "false");
        json_write_string(stdout, reason != SESSION_NORMAL ? session_reason_label(reason) : "normal");
        printf(",\"length\":%zu}\n", trace_session_length(t, s));
    } else if (reason == SESSION_SHORT)
        printf("%s: %zu keys, fewer than the %zu a prediction needs: the model counts it anomalous as too short, "
               "and no window of it can be interpreted\n", where, sv->length, v.short_below);
    else if (reason == SESSION_UNKNOWN)
        printf("%s: it holds a key the model does not know, which makes it anomalous; no window of it was missed "
               "that can be interpreted\n", where);
    else
        printf("%s: the model deems every window of this session normal\n", where);
    session_verdicts_free(&v);
    return EXIT_OK;
}

static int explain(const Command *cmd, ExplainArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n != 1)
        return args_usage_error(cmd, "name one trace (TRACE --at EVENT) or one --sessions FILE");
    if (a->at_given + (a->session > 0) + a->all != 1)
        return args_usage_error(cmd, "say which anomaly: --at EVENT, --session N or --all");
    ExplainContext x = {.cmd = cmd};
    trace_set_init(&x.set);
    int status = EXIT_ERROR;
    EventOutcomes outcomes = {0};
    Scores scores = {0};
    if (setup(&x, a, inputs, err)) {
        const Trace *t = &x.set.traces[0];
        char where[600], count[32]; /* --at and --session echo what was typed; counts read with separators */
        if (a->at_given) {
            snprintf(where, sizeof where, "%s, event %llu", t->path, (unsigned long long)a->at);
            status = a->at < t->n_events ? explain_event(&x, a, t, (size_t)a->at, where)
                                         : args_usage_error(cmd, "--at %llu: %s has %s events", (unsigned long long)a->at, t->path,
                                                            format_count(count, sizeof count, t->n_events));
        } else if (!model_outcomes(&x.model, t, 0, t->n_events, &outcomes, interrupt_install(), err) ||
                   !scores_compute_rule(&scores, &outcomes, (size_t)model_calibration(&x.model)->segment,
                                        model_calibration(&x.model)->score, model_calibration(&x.model)->smooth, err)) {
            status = EXIT_ERROR;
        } else if (a->all) {
            if (model_calibration(&x.model)->calibrated)
                scores_set_threshold(&scores, model_calibration(&x.model)->threshold);
            status = explain_all(&x, t, &outcomes, &scores);
        } else if (a->session > t->n_sessions) {
            status = args_usage_error(cmd, "--session %llu: %s has %s sessions", (unsigned long long)a->session, t->path,
                                      format_count(count, sizeof count, t->n_sessions));
        } else {
            size_t e;
            snprintf(where, sizeof where, "%s, session %llu", t->path, (unsigned long long)a->session);
            if (first_miss(t, (size_t)a->session - 1, &outcomes, &e)) {
                status = explain_event(&x, a, t, e, where);
            } else {
                status = explain_unmissed_session(&x.model, t, (size_t)a->session - 1, &outcomes, where, a->json, err);
            }
        }
    }
    event_outcomes_free(&outcomes);
    scores_free(&scores);
    explainer_free(&x.explainer);
    if (x.has_nearest)
        nearest_index_free(&x.nearest);
    window_set_free(&x.normal_windows);
    trace_set_free(&x.set);
    model_free(&x.model);
    return status;
}

static ExplainArgs args = {.changes = 1, .at = UINT64_MAX};

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"at", 0, ARG_UINT(0, UINT64_MAX), &args.at, "EVENT", "the event (from 0) whose window to interpret"},
    {"session", 0, ARG_UINT(1, UINT64_MAX), &args.session, "N", "the first anomaly of session N (from 1) of a session file"},
    {"all", 0, ARG_FLAG, &args.all, NULL, "every distinct anomaly: fidelity and time in sum"},
    {"normal", 0, ARG_STRING, &args.normal, "FILE", "normal traces or sessions, used instead of the model's training windows file"},
    {"changes", 'k', ARG_UINT(1, 16), &args.changes, "K", "input keys the search may change (1, as DeepAID)"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "the interpretation as JSON"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    ExplainArgs *a = cmd->args;
    a->at_given = a->at != UINT64_MAX;
    return explain(cmd, a, inputs, err);
}

const Command cmd_explain = {
    .name = "explain",
    .usage = "explain --model MODEL (TRACE --at EVENT | --sessions FILE --session N) [--normal TRAIN] [--meanings FILE]",
    .summary = "an anomalous window beside the closest window the model deems normal (DeepAID)",
    .details =
        "The reference is found by the gradient of a fidelity loss with respect to the one-hot\n"
        "input: the key change that most raises the probability of the next key, up to --changes\n"
        "of them, checked by running the model. When the model is sure of a different next key and\n"
        "no input change helps, the next key itself is the anomaly. The nearest normal window of the\n"
        "training data stands beside it (Nearest): from the windows file train writes beside the\n"
        "model (MODEL.windows.safetensors), or from --normal's data, which wins. Diff. marks the\n"
        "rows that differ; Meaning* is the reference key's meaning.\n\n"
        "Examples:\n"
        "  traceaid explain --model hdfs.safetensors --meanings log_key_meanings.txt \\\n"
        "      --normal hdfs_train --sessions hdfs_test_abnormal --session 1\n"
        "  traceaid explain --model hdfs.safetensors --sessions hdfs_test_abnormal --all\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
