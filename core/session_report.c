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

static void session_csv(FILE *out, const ScoredSet *s, size_t i)
{
    const SessionVerdicts *v = &s->sessions[i];
    csv_header(out, "file,session,first_event,length,count,first_miss,reason,label");
    for (size_t d = 0; d < v->n_distinct; d++) {
        size_t first = v->distinct_first[d];
        const SessionVerdict *sv = &v->session[first];
        if (sv->reason == SESSION_NORMAL)
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
        csv_row_end(&row);
    }
}

static void session_json(FILE *out, const ScoredSet *s, size_t i)
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
        if (sv->reason == SESSION_NORMAL)
            continue;
        fprintf(out, "%s{\"session\":%zu,\"first_event\":%zu,\"length\":%zu,\"count\":%u,\"first_miss\":", written++ ? "," : "",
                first + 1, sv->first, sv->length, v->distinct_count[d]);
        if (sv->first_miss != SESSION_NO_EVENT)
            fprintf(out, "%zu", sv->first_miss);
        else
            fprintf(out, "null");
        fprintf(out, ",\"reason\":");
        json_write_string(out, session_reason_label((SessionReason)sv->reason));
        fprintf(out, "}");
    }
    fprintf(out, "]}\n");
}

bool session_report_save(const ScoredSet *s, size_t i, bool json, char *path, size_t path_size, size_t *rows,
                         Error *err)
{
    snprintf(path, path_size, "%s.flagged-sessions.%s", s->set.traces[i].path, json ? "json" : "csv");
    if (!report_differs_from_traces(s, path, err))
        return false;
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    if (json)
        session_json(sf.fp, s, i);
    else
        session_csv(sf.fp, s, i);
    *rows = s->sessions[i].n_flagged_distinct;
    return safe_file_commit(&sf, err);
}
