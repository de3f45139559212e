/* The marks in eval: a trace's marked segments as truth (eval --truth), and marked sessions
 * moved to the side their mark names (eval --normal/--abnormal). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/text.h"
#include "marks.h"

/* The marks file beside trace, its rows checked: a stale row is reported in note and set stale. */
static bool load_checked(const Trace *trace, const Vocab *vocab, Labels *labels, char *note, size_t note_size, Error *err)
{
    size_t size = strlen(trace->path) + sizeof LABELS_SUFFIX;
    char *path = malloc(size);
    if (!path)
        return error_nomem(err);
    labels_path(trace->path, path, size);
    bool ok = labels_load(labels, path, err);
    for (size_t i = 0; ok && i < labels->n_rows; i++) {
        LabelRow *row = &labels->rows[i];
        row->stale = !labels_row_matches(row, trace, vocab);
        if (row->stale)
            text_append(note, note_size, "%s:%zu: the %s at events %llu-%llu no longer matches the trace: not applied\n", path,
                      row->line, labels_unit_name(row->unit), (unsigned long long)row->first_event,
                      (unsigned long long)(row->first_event + row->events - 1));
    }
    free(path);
    return ok;
}

bool marks_apply_segments(const Trace *trace, const Vocab *vocab, size_t segment_len, size_t n_segments,
                          uint8_t *segment_bad, size_t *applied, char *note, size_t note_size, Error *err)
{
    Labels labels;
    if (!load_checked(trace, vocab, &labels, note, note_size, err))
        return false;
    for (size_t i = 0; i < labels.n_rows; i++) { /* in the file's order: a later row has the last word */
        const LabelRow *row = &labels.rows[i];
        if (row->stale)
            continue;
        uint64_t end = row->first_event + row->events;
        uint64_t first = row->first_event / segment_len, last = (end - 1) / segment_len;
        for (uint64_t s = first; s <= last && s < n_segments; s++) {
            uint64_t seg_first = s * segment_len, seg_end = seg_first + segment_len;
            seg_end = seg_end < trace->n_events ? seg_end : trace->n_events; /* the last may be short */
            if (row->label == LABEL_ANOMALOUS)
                segment_bad[s] = 1;
            else if (seg_first >= row->first_event && seg_end <= end) /* the events it leaves out keep their truth */
                segment_bad[s] = 0;
        }
        ++*applied;
    }
    labels_free(&labels);
    return true;
}

/* ---- sessions -------------------------------------------------------------------------------- */

typedef struct MarkedSession {
    uint64_t hash;
    const uint32_t *keys;
    size_t len;
    LabelKind label;
    size_t order;               /* read order: the normal file's rows, then the abnormal file's */
    const Trace *trace;         /* beside which its row lies, and the row's line: for notes */
    size_t line;
} MarkedSession;

static uint64_t keys_hash(const uint32_t *keys, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ len;
    for (size_t i = 0; i < len; i++)
        h = (h ^ keys[i]) * 1099511628211ull;
    return h;
}

static int by_hash(const void *a, const void *b)
{
    const MarkedSession *x = a, *y = b;
    if (x->hash != y->hash)
        return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->order > y->order) - (x->order < y->order); /* the last read has the last word, whatever qsort does */
}

static bool same_session(const MarkedSession *x, const MarkedSession *y)
{
    return x->len == y->len && memcmp(x->keys, y->keys, x->len * sizeof *x->keys) == 0;
}

/* Identical sessions marked both ways (in both files, or by two rows of one): a note naming both
 * rows and the one that holds. */
static void note_conflicts(const MarkedSession *marked, size_t n, char *note, size_t note_size)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j-- > 0 && marked[j].hash == marked[i].hash;)
            if (same_session(&marked[j], &marked[i])) { /* the previous mark of this session */
                if (marked[j].label != marked[i].label) {
                    char was[700], now[700];
                    labels_path(marked[j].trace->path, was, sizeof was);
                    labels_path(marked[i].trace->path, now, sizeof now);
                    text_append(note, note_size, "%s:%zu: marks a session %s that %s:%zu marks %s: the latter holds (read last)\n",
                              was, marked[j].line, labels_kind_name(marked[j].label), now, marked[i].line,
                              labels_kind_name(marked[i].label));
                }
                break;
            }
}

/* The mark of the session of keys[0..len) (an identical marked session's); MARK_NONE. */
static int session_label(const MarkedSession *marked, size_t n, const uint32_t *keys, size_t len)
{
    uint64_t h = keys_hash(keys, len);
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first with this hash */
        size_t mid = (lo + hi) / 2;
        if (marked[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    int label = MARK_NONE;
    for (size_t i = lo; i < n && marked[i].hash == h; i++)
        if (marked[i].len == len && memcmp(marked[i].keys, keys, len * sizeof *keys) == 0)
            label = (int)marked[i].label; /* by read order: the last read holds */
    return label;
}

/* The applied session rows of labels (over trace) into marked[*n...]. */
static void collect(const Labels *labels, const Trace *trace, MarkedSession *marked, size_t *n, size_t *applied)
{
    for (size_t i = 0; i < labels->n_rows; i++) {
        const LabelRow *row = &labels->rows[i];
        if (row->stale || row->unit != LABEL_UNIT_SESSION)
            continue;
        const uint32_t *keys = trace->key_id + row->first_event;
        marked[*n] = (MarkedSession){keys_hash(keys, row->events), keys, row->events, row->label, *n, trace, row->line};
        ++*n;
        ++*applied;
    }
}

static bool copy_session(Trace *to, const Trace *from, size_t s, Error *err)
{
    for (size_t e = from->session_start[s]; e < from->session_start[s + 1]; e++)
        if (!trace_append(to, from->key_id[e], trace_time(from, e), trace_cpu(from, e), trace_pid(from, e), trace_tid(from, e), 0, err))
            return false;
    return trace_end_session(to, err);
}

/* The sessions of from whose mark is (keep_label: not) moved go to to. */
static bool copy_sessions(Trace *to, const Trace *from, const MarkedSession *marked, size_t n, int moved_label, bool moved,
                          Error *err)
{
    for (size_t s = 0; s < from->n_sessions; s++) {
        size_t first = from->session_start[s], len = trace_session_length(from, s);
        bool is_moved = session_label(marked, n, from->key_id + first, len) == moved_label;
        if (is_moved == moved && !copy_session(to, from, s, err))
            return false;
    }
    return true;
}

bool marks_relabel_sessions(Trace *normal, Trace *abnormal, const Vocab *vocab, size_t *applied, char *note,
                            size_t note_size, Error *err)
{
    Labels of_normal, of_abnormal;
    if (!load_checked(normal, vocab, &of_normal, note, note_size, err))
        return false;
    if (!load_checked(abnormal, vocab, &of_abnormal, note, note_size, err)) {
        labels_free(&of_normal);
        return false;
    }
    size_t n = 0;
    MarkedSession *marked = malloc((of_normal.n_rows + of_abnormal.n_rows + 1) * sizeof *marked);
    bool ok = marked || error_nomem(err);
    Trace to_normal = {0}, to_abnormal = {0};
    if (ok) {
        collect(&of_normal, normal, marked, &n, applied);
        collect(&of_abnormal, abnormal, marked, &n, applied);
        qsort(marked, n, sizeof *marked, by_hash);
        note_conflicts(marked, n, note, note_size);
    }
    if (ok && n > 0) { /* normal: its sessions not marked anomalous, then the abnormal file's marked normal */
        /* rebuilt as files of sessions: a structured log's session names are not needed to count */
        ok = trace_begin(&to_normal, normal->path, TRACE_FORMAT_SESSIONS, err) &&
             copy_sessions(&to_normal, normal, marked, n, LABEL_ANOMALOUS, false, err) &&
             copy_sessions(&to_normal, abnormal, marked, n, LABEL_NORMAL, true, err) &&
             trace_begin(&to_abnormal, abnormal->path, TRACE_FORMAT_SESSIONS, err) &&
             copy_sessions(&to_abnormal, abnormal, marked, n, LABEL_NORMAL, false, err) &&
             copy_sessions(&to_abnormal, normal, marked, n, LABEL_ANOMALOUS, true, err);
        if (ok) {
            trace_free(normal), *normal = to_normal;
            trace_free(abnormal), *abnormal = to_abnormal;
        } else {
            trace_free(&to_normal);
            trace_free(&to_abnormal);
        }
    }
    free(marked);
    labels_free(&of_normal);
    labels_free(&of_abnormal);
    return ok;
}
