#include "session_score.h"

#include "../io/csv_write.h"
#include "../io/format.h"
#include "../io/json.h"

bool session_score_applies(const ScoredSet *s, size_t i)
{
    return s->sessions && s->sessions[i].n_sessions > 0;
}

size_t session_score_count_traces(const ScoredSet *s, ReportScope scope)
{
    size_t n = 0;
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++)
        n += session_score_applies(s, i);
    return n;
}

/* The rule the verdicts were given by, in words, so a count of flagged sessions says what it counts. */
static void print_rule(FILE *out, const ScoredSet *s, const SessionVerdicts *v)
{
    char value[32];
    if (v->by_threshold)
        fprintf(out, "%s over the threshold %s", score_rule_label(v->rule),
                scores_format(v->rule, v->threshold, 2, value, sizeof value));
    else
        fprintf(out, "%s: a next key outside the top %d, a key the model does not know, or shorter than %zu keys",
                model_has_eval(&s->model) ? "the session rule" : "no threshold, the session rule", model_top_g(&s->model),
                v->short_below);
}

void session_score_text(FILE *out, const ScoredSet *s, size_t i)
{
    const Trace *t = &s->set.traces[i];
    const SessionVerdicts *v = &s->sessions[i];
    char sessions[32], distinct[32], events[32], unknown[32], flagged[32], flagged_sessions[32];
    fprintf(out, "%s: %s sessions (%s distinct), %s events", t->path, format_count(sessions, sizeof sessions, v->n_sessions),
            format_count(distinct, sizeof distinct, v->n_distinct), format_count(events, sizeof events, t->n_events));
    if (s->unknown[i])
        fprintf(out, ", %s events with keys the model does not know", format_count(unknown, sizeof unknown, s->unknown[i]));
    fprintf(out, "; %s of %s distinct sessions flagged (%s sessions) by ",
            format_count(flagged, sizeof flagged, v->n_flagged_distinct), distinct,
            format_count(flagged_sessions, sizeof flagged_sessions, v->n_flagged));
    print_rule(out, s, v);
    fprintf(out, "\n");
    if (!v->n_flagged_distinct)
        return;
    /* session and event numbers name places (explain --session, --at take them): plain */
    fprintf(out, "%8s %7s %7s %11s  %s\n", "session", "length", "count", "first miss", "reason");
    for (size_t f = 0; f < v->n_flagged_distinct; f++) {
        size_t first = v->flagged_first[f];
        const SessionVerdict *sv = &v->session[first];
        char length[32], count[32], miss[32] = "-";
        if (sv->first_miss != SESSION_NO_EVENT)
            snprintf(miss, sizeof miss, "%zu", sv->first_miss);
        fprintf(out, "%8zu %7s %7s %11s  %s", first + 1, format_count(length, sizeof length, sv->length),
                format_count(count, sizeof count, v->distinct_count[sv->distinct]), miss,
                session_reason_label((SessionReason)sv->reason));
        if (sv->reason == SESSION_OVER_THRESHOLD) {
            char value[32];
            fprintf(out, " (%s)", scores_format(v->rule, sv->score, 2, value, sizeof value));
        }
        fprintf(out, "\n");
    }
}

void session_score_csv(FILE *out, const ScoredSet *s, ReportScope scope)
{
    csv_header(out, "file,session,first_event,length,count,flagged,reason,first_miss,predicted,missed,score");
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++) {
        const SessionVerdicts *v = &s->sessions[i];
        for (size_t d = 0; d < v->n_distinct; d++) {
            size_t first = v->distinct_first[d];
            const SessionVerdict *sv = &v->session[first];
            bool flagged = sv->reason != SESSION_NORMAL;
            if (scope.flagged_only && !flagged)
                continue;
            CsvRow row = csv_row_begin(out);
            csv_row_text(&row, s->set.traces[i].path);
            csv_row_number(&row, "%zu", first + 1);
            csv_row_number(&row, "%zu", sv->first);
            csv_row_number(&row, "%zu", sv->length);
            csv_row_number(&row, "%u", v->distinct_count[d]);
            csv_row_number(&row, "%d", flagged);
            csv_row_word(&row, session_reason_label((SessionReason)sv->reason));
            if (sv->first_miss != SESSION_NO_EVENT)
                csv_row_number(&row, "%zu", sv->first_miss);
            else
                csv_row_empty(&row);
            csv_row_number(&row, "%zu", sv->predicted);
            csv_row_number(&row, "%zu", sv->missed);
            csv_row_number(&row, "%.6f", sv->score);
            csv_row_end(&row);
        }
    }
}

static void json_session(FILE *out, const SessionVerdicts *v, size_t d, bool comma)
{
    size_t first = v->distinct_first[d];
    const SessionVerdict *sv = &v->session[first];
    fprintf(out, "%s{\"session\":%zu,\"first_event\":%zu,\"length\":%zu,\"count\":%u,\"flagged\":%s,\"reason\":",
            comma ? "," : "", first + 1, sv->first, sv->length, v->distinct_count[d],
            sv->reason != SESSION_NORMAL ? "true" : "false");
    json_write_string(out, session_reason_label((SessionReason)sv->reason));
    fprintf(out, ",\"first_miss\":");
    if (sv->first_miss != SESSION_NO_EVENT)
        fprintf(out, "%zu", sv->first_miss);
    else
        fprintf(out, "null");
    fprintf(out, ",\"predicted\":%zu,\"missed\":%zu,\"score\":%.6f}", sv->predicted, sv->missed, sv->score);
}

static void json_trace(FILE *out, const ScoredSet *s, size_t i, bool flagged_only)
{
    const SessionVerdicts *v = &s->sessions[i];
    fprintf(out, "{\"path\":");
    json_write_string(out, s->set.traces[i].path);
    fprintf(out, ",\"events\":%zu,\"unknown_keys\":%zu,\"rule\":\"%s\",\"threshold\":", s->set.traces[i].n_events,
            s->unknown[i], v->by_threshold ? "threshold" : "session");
    if (v->by_threshold)
        fprintf(out, "%.6f", v->threshold);
    else
        fprintf(out, "null");
    fprintf(out, ",\"score_rule\":\"%s\",\"top_g\":%d,\"short_below\":%zu,\"sessions\":%zu,\"distinct\":%zu,"
            "\"flagged\":%zu,\"flagged_distinct\":%zu,\"distinct_sessions\":[", score_rule_name(v->rule),
            model_top_g(&s->model), v->short_below, v->n_sessions, v->n_distinct, v->n_flagged, v->n_flagged_distinct);
    size_t written = 0;
    for (size_t d = 0; d < v->n_distinct; d++)
        if (!flagged_only || session_distinct(v, d)->reason != SESSION_NORMAL)
            json_session(out, v, d, written++ > 0);
    fprintf(out, "]}");
}

void session_score_json(FILE *out, const ScoredSet *s, ReportScope scope)
{
    fprintf(out, "{\"model\":");
    json_write_string(out, model_kind_name(&s->model));
    fprintf(out, ",\"unit\":\"session\",\"seconds\":%.3f,\"files\":[", s->seconds);
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++) {
        fprintf(out, "%s", i > scope.first_trace ? "," : "");
        json_trace(out, s, i, scope.flagged_only);
    }
    fprintf(out, "]}\n");
}

size_t session_score_flagged(const ScoredSet *s)
{
    size_t flagged = 0;
    for (size_t i = 0; s->scores && i < s->set.n_traces; i++)
        flagged += session_score_applies(s, i) ? s->sessions[i].n_flagged_distinct : s->scores[i].n_flagged;
    return flagged;
}
