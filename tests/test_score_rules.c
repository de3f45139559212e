/* The scoring choices a model keeps (model/calibration.h): the miss and NLL score rules,
 * smoothing across neighbouring segments, the std and quantile threshold rules, their round trip
 * through the model file, seq2seq's top-g, unknown keys as evidence (the binary using them:
 * test_score_cli.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "../core/calibrate.h"
#include "../core/scored_set.h"
#include "../model/model_file.h"

/* ---- hand-made outcomes -------------------------------------------------------------------- */

/* n events, segments of 4: each event as a letter, 'h' hit, 'm' miss, '.' not predicted, with
 * the model's probability of the true key. */
static void outcomes_from(EventOutcomes *o, const char *pattern, const float *prob)
{
    Error err = {0};
    size_t n = strlen(pattern);
    assert_true(event_outcomes_init(o, n, &err));
    for (size_t i = 0; i < n; i++) {
        o->outcome[i] = pattern[i] == 'h' ? OUTCOME_HIT : pattern[i] == 'm' ? OUTCOME_MISS : OUTCOME_NONE;
        o->prob[i] = prob ? prob[i] : 0.5f;
    }
}

static void miss_rule_is_the_share_of_misses(void **state)
{
    (void)state;
    EventOutcomes o;
    outcomes_from(&o, "hhhm" "mm.." "....", NULL);
    Scores sc;
    Error err = {0};
    assert_true(scores_compute_rule(&sc, &o, 4, SCORE_MISS, 0, &err));
    assert_int_equal(sc.n_segments, 3);
    assert_float_equal(sc.score[0], 0.25f, 0);
    assert_float_equal(sc.score[1], 1.0f, 0);
    assert_float_equal(sc.score[2], 0.0f, 0);
    for (size_t s = 0; s < sc.n_segments; s++)
        assert_true(sc.score[s] == sc.rate[s]);
    scores_set_threshold(&sc, 0.5f);
    assert_int_equal(sc.n_flagged, 1);
    assert_true(sc.flagged[1]);
    scores_free(&sc);
    event_outcomes_free(&o);
}

/* The mean of -log p over the predicted events; an unknown key (p 0) counts as the floor. */
static void nll_rule_is_the_mean_negative_log_likelihood(void **state)
{
    (void)state;
    const float prob[] = {0.5f, 0.25f, 1.0f, 0.0f, 0.9f, 0.1f, 0.7f, 0.7f};
    EventOutcomes o;
    outcomes_from(&o, "hhmm" "..hm", prob);
    Scores sc;
    Error err = {0};
    assert_true(scores_compute_rule(&sc, &o, 4, SCORE_NLL, 0, &err));
    double first = (-log(0.5) - log(0.25) - log(1.0) - log(SCORES_PROB_FLOOR)) / 4;
    double second = (-log(0.7) - log(0.7)) / 2; /* the two events not predicted count for nothing */
    assert_float_equal(sc.score[0], first, 1e-5);
    assert_float_equal(sc.score[1], second, 1e-5);
    assert_float_equal(sc.rate[0], 0.5f, 0); /* the rate is kept for display */
    assert_int_equal(sc.rule, SCORE_NLL);
    scores_free(&sc);
    event_outcomes_free(&o);
}

/* R = 1: a segment takes the mean of itself and its neighbours that hold predictions, within the
 * trace; a segment without predictions keeps 0, is never flagged and counts for no neighbour. */
static void smoothing_stops_at_the_trace_edges_and_skips_empty_segments(void **state)
{
    (void)state;
    EventOutcomes o;
    outcomes_from(&o, "mmmm" "hhhh" "...." "mmhh" "hhhm", NULL);
    Scores sc;
    Error err = {0};
    assert_true(scores_compute_rule(&sc, &o, 4, SCORE_MISS, 1, &err));
    assert_float_equal(sc.score[0], (1.0 + 0.0) / 2, 1e-6);  /* no segment before the first */
    assert_float_equal(sc.score[1], (1.0 + 0.0) / 2, 1e-6);  /* its right neighbour is empty */
    assert_float_equal(sc.score[2], 0.0f, 0);
    assert_float_equal(sc.score[3], (0.5 + 0.25) / 2, 1e-6); /* its left neighbour is empty */
    assert_float_equal(sc.score[4], (0.5 + 0.25) / 2, 1e-6); /* no segment after the last */
    assert_float_equal(sc.rate[0], 1.0f, 0);                 /* rates are the raw ones */
    scores_set_threshold(&sc, -1.0f);
    assert_false(sc.flagged[2]);
    assert_int_equal(sc.n_flagged, 4);
    scores_free(&sc);
    /* R wider than the trace: every segment with predictions takes the trace's mean */
    assert_true(scores_compute_rule(&sc, &o, 4, SCORE_MISS, 10, &err));
    for (size_t s = 0; s < sc.n_segments; s++)
        if (s != 2)
            assert_float_equal(sc.score[s], (1.0 + 0.0 + 0.5 + 0.25) / 4, 1e-6);
    scores_free(&sc);
    event_outcomes_free(&o);
}

/* Clean scores as one trace's segments, each of one predicted event (miss rate 0 or 1 would
 * not do): the NLL of an event of probability p is -log p, so p = exp(-value). */
static void clean_scores(Scores *sc, const float *values, size_t n)
{
    EventOutcomes o;
    Error err = {0};
    assert_true(event_outcomes_init(&o, n, &err));
    for (size_t i = 0; i < n; i++) {
        o.outcome[i] = OUTCOME_HIT;
        o.prob[i] = expf(-values[i]);
    }
    assert_true(scores_compute_rule(sc, &o, 1, SCORE_NLL, 0, &err));
    event_outcomes_free(&o);
}

static void quantiles_interpolate_linearly(void **state)
{
    (void)state;
    const float sorted[] = {1, 2, 4, 8, 16};
    assert_float_equal(scores_quantile(sorted, 5, 0.0), 1, 0);
    assert_float_equal(scores_quantile(sorted, 5, 0.5), 4, 0);
    assert_float_equal(scores_quantile(sorted, 5, 0.75), 8, 0);
    assert_float_equal(scores_quantile(sorted, 5, 0.9), 8 + 0.6 * 8, 1e-9); /* position 3.6 */
    assert_float_equal(scores_quantile(sorted, 5, 1.0), 16, 0);
    assert_float_equal(scores_quantile(sorted, 1, 0.3), 1, 0);
}

/* threshold = Q_q + margin·(Q_0.75 - Q_0.25) over the clean segments' scores, in any order. */
static void quantile_rule_adds_interquartile_ranges(void **state)
{
    (void)state;
    const float values[] = {16, 1, 8, 2, 4};
    Scores sc;
    clean_scores(&sc, values, 5);
    Calibration cal = CALIBRATION_DEFAULT;
    cal.threshold_rule = THRESHOLD_QUANTILE, cal.quantile = 0.9f, cal.margin = 0.5f;
    float threshold;
    Error err = {0};
    assert_true(scores_calibrate(&sc, 1, &cal, &threshold, &err));
    double q90 = 8 + (3.6 - 3) * 8, iqr = 8 - 2;
    assert_float_equal(threshold, q90 + 0.5 * iqr, 1e-3);
    cal.margin = 0;
    assert_true(scores_calibrate(&sc, 1, &cal, &threshold, &err));
    assert_float_equal(threshold, q90, 1e-3);
    scores_free(&sc);
}

/* mean + k·std (population), as before the quantile rule. */
static void std_rule_is_mean_plus_k_std(void **state)
{
    (void)state;
    const float values[] = {1, 2, 3, 4, 5, 6, 7, 8};
    Scores sc;
    clean_scores(&sc, values, 8);
    Calibration cal = CALIBRATION_DEFAULT;
    float threshold;
    Error err = {0};
    assert_true(scores_calibrate(&sc, 1, &cal, &threshold, &err));
    assert_float_equal(threshold, 4.5 + 3 * sqrt(5.25), 1e-4);
    scores_free(&sc);
    /* segments without predictions are left out, and none at all is an error */
    EventOutcomes o;
    outcomes_from(&o, "hhmm" "....", NULL);
    assert_true(scores_compute(&sc, &o, 4, &err));
    assert_true(scores_calibrate(&sc, 1, &cal, &threshold, &err));
    assert_float_equal(threshold, 0.5f, 1e-6);
    scores_free(&sc);
    event_outcomes_free(&o);
    outcomes_from(&o, "....", NULL);
    assert_true(scores_compute(&sc, &o, 4, &err));
    assert_false(scores_calibrate(&sc, 1, &cal, &threshold, &err));
    scores_free(&sc);
    event_outcomes_free(&o);
}

/* ---- the model file ------------------------------------------------------------------------ */

static void every_field_survives_a_round_trip(void **state)
{
    (void)state;
    const char *kinds[] = {"seq2seq", "deeplog"};
    for (size_t k = 0; k < 2; k++) {
        const ModelKind *kind = model_kind_find(kinds[k]);
        ModelHyper hp = {.hidden = 4, .embed = 2, .attn = 2, .window = 2, .layers = 1, .top_g = 2, .holdout = -1};
        kind->defaults(&hp);
        const char *names[] = {"A", "B", "C"};
        Model m;
        Error err = {0};
        assert_true(model_create(&m, kind, &hp, names, 3, 1, &err));
        *model_calibration(&m) = (Calibration){.segment = 250, .score = SCORE_NLL, .smooth = 2,
                                               .threshold_rule = THRESHOLD_QUANTILE, .k = 2.5f, .quantile = 0.995f,
                                               .margin = 1.25f, .calibrated = true, .threshold = 3.125f};
        const char *path = test_path("rules.safetensors");
        assert_true(model_save(&m, path, &err));
        Model back;
        assert_true(model_load(&back, path, NULL, &err));
        const Calibration *c = model_calibration(&back);
        assert_int_equal(c->segment, 250);
        assert_int_equal(c->score, SCORE_NLL);
        assert_int_equal(c->smooth, 2);
        assert_int_equal(c->threshold_rule, THRESHOLD_QUANTILE);
        assert_float_equal(c->k, 2.5f, 0);
        assert_float_equal(c->quantile, 0.995f, 0);
        assert_float_equal(c->margin, 1.25f, 0);
        assert_true(c->calibrated);
        assert_float_equal(c->threshold, 3.125f, 0);
        assert_int_equal(model_top_g(&back), 2);
        model_free(&back);
        model_free(&m);
    }
}

/* Files written before the choices existed score as they did: miss rate, no smoothing, mean +
 * k std, seq2seq's exact match. */
static void a_file_without_the_fields_keeps_todays_rules(void **state)
{
    (void)state;
    const char *files[] = {FIXTURES_DIR "/flight-small.safetensors", FIXTURES_DIR "/seq2seq_small.safetensors",
                           FIXTURES_DIR "/deeplog_small.safetensors"};
    for (size_t i = 0; i < 3; i++) {
        Model m;
        Error err = {0};
        assert_true(model_load(&m, files[i], NULL, &err));
        const Calibration *c = model_calibration(&m);
        assert_int_equal(c->score, SCORE_MISS);
        assert_int_equal(c->smooth, 0);
        assert_int_equal(c->threshold_rule, THRESHOLD_STD);
        assert_float_equal(c->k, 3.0f, 0);
        if (strcmp(model_kind_name(&m), "seq2seq") == 0)
            assert_int_equal(model_top_g(&m), 1);
        model_free(&m);
    }
}

static void bad_values_in_the_file_are_refused(void **state)
{
    (void)state;
    SafeTensors st;
    Error err = {0};
    assert_true(safetensors_load(&st, FIXTURES_DIR "/flight-small.safetensors", &err));
    const char *cases[][3] = {{"score", "rate", "\"score\" is 'rate', not miss or nll"},
                              {"threshold_rule", "max", "not std or quantile"},
                              {"smooth", "-1", "not an integer from 0 to"},
                              {"quantile", "2", "not a share from 0 to 1"}};
    for (size_t i = 0; i < 4; i++) {
        SafeTensors copy = st;
        const char *keys[] = {cases[i][0]};
        const char *values[] = {cases[i][1]};
        copy.meta_keys = (char **)keys, copy.meta_values = (char **)values, copy.n_meta = 1;
        Calibration cal = CALIBRATION_DEFAULT;
        err = (Error){0};
        assert_false(model_read_calibration(&copy, "m.safetensors", &cal, &err));
        assert_non_null(strstr(err.msg, cases[i][2]));
    }
    safetensors_free(&st);
}

/* ---- scoring a trace ----------------------------------------------------------------------- */

static void score_with(ScoredSet *s, const char *model, uint64_t top_g, const char *trace)
{
    ModelRequest req = {.path = model, .top_g = top_g};
    TraceRequest tr = {0};
    TraceInput in = {.path = trace};
    Error err = {0};
    if (!scored_set_load(s, &req, &tr, &in, 1, NULL, &err))
        fail_msg("%s", err.msg);
}

/* top-g 1 is the seed's exact match of the greedy prediction, and the same as rank 0; a larger
 * top-g hits every key the smaller one did. */
static void seq2seq_top_g_1_is_the_exact_match(void **state)
{
    (void)state;
    const char *trace = generated_trace("fifo-ls", "7", "3000");
    const char *model = FIXTURES_DIR "/flight-small.safetensors";
    ScoredSet one, three;
    score_with(&one, model, 0, trace);
    score_with(&three, model, 3, trace);
    assert_int_equal(model_top_g(&one.model), 1);
    assert_int_equal(model_top_g(&three.model), 3);
    const Trace *t = &one.set.traces[0];
    const EventOutcomes *o = &one.outcomes[0], *o3 = &three.outcomes[0];
    int n_keys;
    model_key_names(&one.model, &n_keys);
    size_t predicted = 0, hits = 0, more = 0;
    for (size_t e = 0; e < t->n_events; e++) {
        if (o->outcome[e] == OUTCOME_NONE)
            continue;
        predicted++;
        bool exact = t->key_id[e] < (uint32_t)n_keys && o->predicted[e] == t->key_id[e];
        assert_int_equal(o->outcome[e] == OUTCOME_HIT, exact);
        assert_int_equal(o->outcome[e] == OUTCOME_HIT, o->rank[e] == 0);
        hits += exact;
        assert_int_equal(o3->outcome[e] == OUTCOME_HIT, o3->rank[e] < 3 && t->key_id[e] < (uint32_t)n_keys);
        if (o->outcome[e] == OUTCOME_HIT)
            assert_int_equal(o3->outcome[e], OUTCOME_HIT);
        more += o3->outcome[e] == OUTCOME_HIT && o->outcome[e] == OUTCOME_MISS;
    }
    assert_true(predicted > 2000 && hits > 0 && more > 0);
    scored_set_free(&one);
    scored_set_free(&three);
    Model m;
    Error err = {0};
    assert_true(model_load(&m, model, NULL, &err));
    assert_false(model_set_top_g(&m, 0, &err));
    assert_false(model_set_top_g(&m, n_keys, &err)); /* more than the keys proper */
    model_free(&m);
}

/* A trace holding keys neither model knows: the events with them are misses of probability 0,
 * so they raise both the miss rate and the NLL (at the floor). */
static void unknown_keys_count_as_misses_for_both_kinds(void **state)
{
    (void)state;
    char *text = slurp(generated_trace("clean", "8", "600"));
    /* every 7th row of the trace's body made a key of its own */
    size_t len = strlen(text), line = 0;
    char *out = malloc(len * 2 + 1), *w = out;
    for (char *p = text; *p;) {
        char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
        if (line > 20 && line % 7 == 0) {
            char *fields[8];
            int nf = 0;
            char row[1024];
            snprintf(row, sizeof row, "%.*s", (int)n, p);
            for (char *f = strtok(row, ","); f && nf < 8; f = strtok(NULL, ","))
                fields[nf++] = f;
            w += sprintf(w, "%s,%s,NEW,KEY%zu,%s,%s,%s,x\n", fields[0], fields[1], line % 3, fields[4], fields[5],
                         fields[6]);
        } else {
            memcpy(w, p, n);
            w += n;
        }
        line++;
        p += n;
    }
    *w = 0;
    const char *trace = write_text("unknown.csv", out);
    free(out);
    free(text);
    const char *models[] = {FIXTURES_DIR "/flight-small.safetensors", FIXTURES_DIR "/deeplog_small.safetensors"};
    for (size_t k = 0; k < 2; k++) {
        ScoredSet s;
        score_with(&s, models[k], 0, trace);
        const Trace *t = &s.set.traces[0];
        const EventOutcomes *o = &s.outcomes[0];
        int n_keys;
        model_key_names(&s.model, &n_keys);
        assert_true(s.unknown[0] > 50);
        size_t unknown_predicted = 0;
        double nll = 0;
        size_t predicted = 0;
        for (size_t e = 0; e < t->n_events; e++) {
            if (o->outcome[e] == OUTCOME_NONE)
                continue;
            predicted++;
            nll += -log(fmax(o->prob[e], SCORES_PROB_FLOOR));
            if (t->key_id[e] < (uint32_t)n_keys)
                continue;
            unknown_predicted++;
            assert_int_equal(o->outcome[e], OUTCOME_MISS);
            assert_float_equal(o->prob[e], 0.0f, 0);
        }
        assert_true(unknown_predicted > 0);
        Scores miss, by_nll;
        Error err = {0};
        assert_true(scores_compute_rule(&miss, o, t->n_events, SCORE_MISS, 0, &err));
        assert_true(scores_compute_rule(&by_nll, o, t->n_events, SCORE_NLL, 0, &err));
        assert_true(miss.score[0] >= (float)unknown_predicted / (float)predicted);
        assert_float_equal(by_nll.score[0], nll / (double)predicted, 1e-3);
        assert_true(by_nll.score[0] >= (float)(unknown_predicted * -log(SCORES_PROB_FLOOR) / (double)predicted));
        scores_free(&miss);
        scores_free(&by_nll);
        scored_set_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(miss_rule_is_the_share_of_misses),
        cmocka_unit_test(nll_rule_is_the_mean_negative_log_likelihood),
        cmocka_unit_test(smoothing_stops_at_the_trace_edges_and_skips_empty_segments),
        cmocka_unit_test(quantiles_interpolate_linearly),
        cmocka_unit_test(quantile_rule_adds_interquartile_ranges),
        cmocka_unit_test(std_rule_is_mean_plus_k_std),
        cmocka_unit_test(every_field_survives_a_round_trip),
        cmocka_unit_test(a_file_without_the_fields_keeps_todays_rules),
        cmocka_unit_test(bad_values_in_the_file_are_refused),
        cmocka_unit_test(seq2seq_top_g_1_is_the_exact_match),
        cmocka_unit_test(unknown_keys_count_as_misses_for_both_kinds),
    };
    return cmocka_run_group_tests_name("score rules", tests, NULL, NULL);
}
