#include "session_report.h"

#include "../io/csv_write.h"
#include "../io/json.h"
#include "../io/safe_file.h"
#include "outputs.h"

static const char *label_name(const ScoredSet *s, size_t i)
{
    TraceLabel label = s->labels && i < s->n_labels ? (TraceLabel)s->labels[i] : TRACE_UNLABELLED;
    return label == TRACE_NORMAL ? "normal" : label == TRACE_ABNORMAL ? "abnormal" : "";
}

/* Distinct session d's mark (MARK_NONE without marks). */
static int distinct_mark(const ScoredSet *s, size_t i, const Marks *marks, size_t d)
{
    const SessionVerdicts *v = &s->sessions[i];
    return marks ? marks_session_label(marks, i, &s->set.traces[i], v, v->distinct_first[d]) : MARK_NONE;
}

/* A row for distinct session d: flagged, or marked anomalous. */
static bool listed(const ScoredSet *s, size_t i, const Marks *marks, size_t d)
{
    const SessionVerdicts *v = &s->sessions[i];
    return v->session[v->distinct_first[d]].reason != SESSION_NORMAL || distinct_mark(s, i, marks, d) == LABEL_ANOMALOUS;
}

static const char *mark_word(int mark)
{
    return mark == MARK_NONE ? "" : labels_kind_name((LabelKind)mark);
}

static void session_csv(FILE *out, const ScoredSet *s, size_t i, const Marks *marks)
{
    const SessionVerdicts *v = &s->sessions[i];
    csv_header(out, marks ? "file,session,first_event,length,count,first_miss,reason,label,mark"
                          : "file,session,first_event,length,count,first_miss,reason,label");
    for (size_t d = 0; d < v->n_distinct; d++) {
        size_t first = v->distinct_first[d];
        const SessionVerdict *sv = &v->session[first];
        if (!listed(s, i, marks, d))
            continue;
        CsvRow row = csv_row_begin(out);
        csv_row_text(&row, s->set.traces[i].path);
        csv_row_number(&row, "%zu", first + 1);
        csv_row_number(&row, "%zu", sv->first);
        csv_row_number(&row, "%zu", sv->length);
        csv_row_number(&row, "%u", v->distinct_count[d]);
        if (sv->first_miss != SESSION_NO_EVENT)
            csv_row_number(&row, "%zu", sv->first_miss);
        else
            csv_row_empty(&row);
        csv_row_text(&row, session_reason_label((SessionReason)sv->reason));
        csv_row_text(&row, label_name(s, i));
        if (marks)
            csv_row_word(&row, mark_word(distinct_mark(s, i, marks, d)));
        csv_row_end(&row);
    }
}

static void session_json(FILE *out, const ScoredSet *s, size_t i, const Marks *marks)
{
    const SessionVerdicts *v = &s->sessions[i];
    fprintf(out, "{\"path\":");
    json_write_string(out, s->set.traces[i].path);
    fprintf(out, ",\"label\":");
    json_write_string(out, label_name(s, i));
    fprintf(out, ",\"sessions\":%zu,\"distinct\":%zu,\"flagged_distinct\":%zu,\"flagged\":[", v->n_sessions, v->n_distinct,
            v->n_flagged_distinct);
    size_t written = 0;
    for (size_t d = 0; d < v->n_distinct; d++) {
        size_t first = v->distinct_first[d];
        const SessionVerdict *sv = &v->session[first];
        if (!listed(s, i, marks, d))
            continue;
        fprintf(out, "%s{\"session\":%zu,\"first_event\":%zu,\"length\":%zu,\"count\":%u,\"first_miss\":", written++ ? "," : "",
                first + 1, sv->first, sv->length, v->distinct_count[d]);
        if (sv->first_miss != SESSION_NO_EVENT)
            fprintf(out, "%zu", sv->first_miss);
        else
            fprintf(out, "null");
        fprintf(out, ",\"reason\":");
        json_write_string(out, session_reason_label((SessionReason)sv->reason));
        int mark = distinct_mark(s, i, marks, d);
        if (marks && mark != MARK_NONE)
            fprintf(out, ",\"mark\":\"%s\"", mark_word(mark));
        else if (marks)
            fprintf(out, ",\"mark\":null");
        fprintf(out, "}");
    }
    fprintf(out, "]}\n");
}

bool session_report_save(const ScoredSet *s, size_t i, bool json, char *path, size_t path_size, size_t *rows,
                         Error *err)
{
    return session_report_save_marked(s, i, NULL, json, path, path_size, rows, err);
}

bool session_report_save_marked(const ScoredSet *s, size_t i, const Marks *marks, bool json, char *path, size_t path_size,
                                size_t *rows, Error *err)
{
    snprintf(path, path_size, "%s.flagged-sessions.%s", s->set.traces[i].path, json ? "json" : "csv");
    if (!report_differs_from_traces(s, path, err))
        return false;
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    if (json)
        session_json(sf.fp, s, i, marks);
    else
        session_csv(sf.fp, s, i, marks);
    *rows = 0;
    for (size_t d = 0; d < s->sessions[i].n_distinct; d++)
        *rows += listed(s, i, marks, d);
    return safe_file_commit(&sf, err);
}
