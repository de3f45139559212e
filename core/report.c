#include "report.h"

#include <stdlib.h>

#include "../io/csv_write.h"
#include "../io/json.h"
#include "../io/safe_file.h"
#include "outputs.h"

/* Segment seg's mark (MARK_NONE without marks). */
static int segment_mark(const Scores *sc, size_t i, size_t seg, ReportScope scope)
{
    size_t first, last;
    scores_segment_range(sc, seg, &first, &last);
    return scope.marks ? marks_range_label(scope.marks, i, first, last + 1) : MARK_NONE;
}

static const char *mark_word(int mark)
{
    return mark == MARK_NONE ? "" : labels_kind_name((LabelKind)mark);
}

static bool in_scope(const Scores *sc, size_t i, size_t seg, ReportScope scope)
{
    return !scope.flagged_only || sc->flagged[seg] || segment_mark(sc, i, seg, scope) == LABEL_ANOMALOUS;
}

void report_csv(FILE *out, const ScoredSet *s, ReportScope scope)
{
    /* score last: the columns before it keep their places */
    csv_header(out, scope.marks ? "file,segment,first_event,last_event,predicted,missed,rate,threshold,flagged,score,mark"
                                : "file,segment,first_event,last_event,predicted,missed,rate,threshold,flagged,score");
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++) {
        const Scores *sc = &s->scores[i];
        for (size_t seg = 0; seg < sc->n_segments; seg++) {
            if (!in_scope(sc, i, seg, scope))
                continue;
            size_t first, last;
            scores_segment_range(sc, seg, &first, &last);
            CsvRow row = csv_row_begin(out);
            csv_row_text(&row, s->set.traces[i].path);
            csv_row_number(&row, "%zu", seg + 1);
            csv_row_number(&row, "%zu", first);
            csv_row_number(&row, "%zu", last);
            csv_row_number(&row, "%u", sc->predicted[seg]);
            csv_row_number(&row, "%u", sc->missed[seg]);
            csv_row_number(&row, "%.6f", sc->rate[seg]);
            if (sc->has_threshold)
                csv_row_number(&row, "%.6f", sc->threshold);
            else
                csv_row_empty(&row);
            csv_row_number(&row, "%d", sc->flagged[seg]);
            csv_row_number(&row, "%.6f", sc->score[seg]);
            if (scope.marks)
                csv_row_word(&row, mark_word(segment_mark(sc, i, seg, scope)));
            csv_row_end(&row);
        }
    }
}

static void json_trace(FILE *out, const ScoredSet *s, size_t i, ReportScope scope)
{
    const Trace *t = &s->set.traces[i];
    const Scores *sc = &s->scores[i];
    fprintf(out, "{\"path\":");
    json_write_string(out, t->path);
    fprintf(out, ",\"events\":%zu,\"unknown_keys\":%zu,\"threshold\":", t->n_events, s->unknown[i]);
    if (sc->has_threshold)
        fprintf(out, "%.6f", sc->threshold);
    else
        fprintf(out, "null");
    fprintf(out, ",\"score_rule\":\"%s\",\"smooth\":%d,\"flagged\":%zu,\"segments\":[", score_rule_name(sc->rule),
            sc->smooth, sc->n_flagged);
    size_t written = 0;
    for (size_t seg = 0; seg < sc->n_segments; seg++) {
        if (!in_scope(sc, i, seg, scope))
            continue;
        size_t first, last;
        scores_segment_range(sc, seg, &first, &last);
        fprintf(out, "%s{\"segment\":%zu,\"first_event\":%zu,\"last_event\":%zu,\"predicted\":%u,"
                "\"missed\":%u,\"rate\":%.6f,\"score\":%.6f,\"flagged\":%s", written++ ? "," : "", seg + 1, first,
                last, sc->predicted[seg], sc->missed[seg], sc->rate[seg], sc->score[seg],
                sc->flagged[seg] ? "true" : "false");
        int mark = segment_mark(sc, i, seg, scope);
        if (scope.marks && mark != MARK_NONE)
            fprintf(out, ",\"mark\":\"%s\"", mark_word(mark));
        else if (scope.marks)
            fprintf(out, ",\"mark\":null");
        fprintf(out, "}");
    }
    fprintf(out, "]}");
}

void report_json(FILE *out, const ScoredSet *s, ReportScope scope)
{
    int tx, ty, stride;
    model_window_shape(&s->model, &tx, &ty, &stride);
    size_t predicted = 0;
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++)
        for (size_t seg = 0; seg < s->scores[i].n_segments; seg++)
            predicted += s->scores[i].predicted[seg];
    fprintf(out, "{\"model\":");
    json_write_string(out, model_kind_name(&s->model));
    fprintf(out, ",\"segment\":%zu,\"windows\":%zu,\"seconds\":%.3f,\"files\":[",
            scope.n_traces ? s->scores[scope.first_trace].segment_len : 0, predicted / (size_t)ty, s->seconds);
    for (size_t i = scope.first_trace; i < scope.first_trace + scope.n_traces; i++) {
        fprintf(out, "%s", i > scope.first_trace ? "," : "");
        json_trace(out, s, i, scope);
    }
    fprintf(out, "]}\n");
}

bool report_differs_from_traces(const ScoredSet *s, const char *path, Error *err)
{
    NamedPath *reads = malloc((s->set.n_traces + 1) * sizeof *reads);
    if (!reads)
        return error_nomem(err);
    for (size_t i = 0; i < s->set.n_traces; i++)
        reads[i] = (NamedPath){"the trace", s->set.traces[i].path};
    NamedPath writes[] = {{"the report", path}};
    bool ok = outputs_check(NULL, reads, s->set.n_traces, writes, 1, err);
    free(reads);
    return ok;
}

bool report_save_flagged(const ScoredSet *s, size_t i, bool json, char *path, size_t path_size, Error *err)
{
    return report_save_flagged_marked(s, i, NULL, json, path, path_size, err);
}

bool report_save_flagged_marked(const ScoredSet *s, size_t i, const Marks *marks, bool json, char *path, size_t path_size,
                                Error *err)
{
    snprintf(path, path_size, "%s.flagged.%s", s->set.traces[i].path, json ? "json" : "csv");
    if (!report_differs_from_traces(s, path, err))
        return false;
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    ReportScope scope = {.first_trace = i, .n_traces = 1, .flagged_only = true, .marks = marks};
    if (json)
        report_json(sf.fp, s, scope);
    else
        report_csv(sf.fp, s, scope);
    return safe_file_commit(&sf, err);
}
