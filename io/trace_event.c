#include "trace_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const struct {
    const char *name;
    EventKeyPart part;
} named_parts[] = {
    {"event", KEY_EVENT}, {"comm", KEY_COMM}, {"cpu", KEY_CPU}, {"pid", KEY_PID}, {"tid", KEY_TID},
};

static bool add_part(EventWriter *w, const char *name, size_t len, Error *err)
{
    if (len == 0)
        return error_set_code(err, ERROR_USAGE, "--key %s: an empty name", w->spec);
    if (w->n_parts == EVENT_KEY_MAX_PARTS)
        return error_set_code(err, ERROR_USAGE, "--key %s: at most %d parts", w->spec,
                              EVENT_KEY_MAX_PARTS);
    size_t p = w->n_parts;
    w->part[p] = KEY_FIELD;
    for (size_t i = 0; i < sizeof named_parts / sizeof named_parts[0]; i++)
        if (strlen(named_parts[i].name) == len && memcmp(named_parts[i].name, name, len) == 0)
            w->part[p] = named_parts[i].part;
    for (size_t q = 0; q < p; q++)
        if (w->part[q] == w->part[p] &&
            (w->part[p] != KEY_FIELD || (w->field_len[q] == len && !memcmp(w->field[q], name, len))))
            return error_set_code(err, ERROR_USAGE, "--key %s: '%.*s' is named twice", w->spec,
                                  (int)len, name);
    w->field[p] = name;
    w->field_len[p] = len;
    w->n_parts++;
    return true;
}

bool event_writer_init(EventWriter *w, Trace *t, Vocab *vocab, const TraceOptions *opt,
                       Error *err)
{
    memset(w, 0, sizeof *w);
    w->t = t;
    w->vocab = vocab;
    w->spec = opt->key_cols ? opt->key_cols : "event";
    for (const char *s = w->spec;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (!add_part(w, s, len, err))
            return false;
        if (!comma)
            return true;
        s = comma + 1;
    }
}

void event_writer_free(EventWriter *w)
{
    free(w->key);
    w->key = NULL;
}

static const TraceField *find_field(const TraceEvent *ev, const char *name, size_t len)
{
    for (size_t i = 0; i < ev->n_fields; i++)
        if (ev->fields[i].name_len == len && memcmp(ev->fields[i].name, name, len) == 0)
            return &ev->fields[i];
    return NULL;
}

/* The text of part p for ev; *len 0 when the event has none. */
static const char *part_text(EventWriter *w, size_t p, const TraceEvent *ev, char *num, size_t *len)
{
    int32_t id = 0;
    switch (w->part[p]) {
    case KEY_EVENT:
        *len = ev->name_len;
        return ev->name;
    case KEY_COMM:
        *len = ev->comm_len;
        return ev->comm;
    case KEY_CPU:
        id = ev->cpu == TRACE_NO_CPU ? TRACE_NO_ID : ev->cpu;
        break;
    case KEY_PID:
        id = ev->pid;
        break;
    case KEY_TID:
        id = ev->tid;
        break;
    case KEY_FIELD: {
        const TraceField *f = find_field(ev, w->field[p], w->field_len[p]);
        *len = f ? f->value_len : 0;
        w->field_seen[p] |= f != NULL;
        return f ? f->value : "";
    }
    }
    *len = id == TRACE_NO_ID ? 0 : (size_t)snprintf(num, 16, "%d", (int)id);
    return num;
}

static bool build_key(EventWriter *w, const TraceEvent *ev, size_t *key_len, Error *err)
{
    char num[EVENT_KEY_MAX_PARTS][16];
    const char *text[EVENT_KEY_MAX_PARTS];
    size_t len[EVENT_KEY_MAX_PARTS] = {0}, total = 0;
    for (size_t p = 0; p < w->n_parts; p++) {
        text[p] = part_text(w, p, ev, num[p], &len[p]);
        total += len[p] + 1;
    }
    if (total > w->key_cap) {
        char *grown = realloc(w->key, total);
        if (!grown)
            return error_nomem(err);
        w->key = grown;
        w->key_cap = total;
    }
    size_t o = 0;
    for (size_t p = 0; p < w->n_parts; p++) {
        if (len[p] == 0)
            continue;
        if (o)
            w->key[o++] = '/';
        memcpy(w->key + o, text[p], len[p]);
        o += len[p];
    }
    *key_len = o;
    return true;
}

bool event_writer_add(EventWriter *w, const TraceEvent *ev, Error *err)
{
    size_t key_len;
    uint32_t key_id, comm_id;
    if (!build_key(w, ev, &key_len, err))
        return false;
    const char *key = w->key;
    if (key_len == 0) { /* an event with none of the parts --key names: its name keeps it apart */
        key = ev->name;
        key_len = ev->name_len;
    }
    int64_t found = vocab_find(w->vocab, key, key_len);
    if (found >= 0)
        key_id = (uint32_t)found;
    else if (key_len == 0)
        return error_set(err, "%s: an event with no name", w->t->path);
    else if (text_invalid_utf8(key, key_len) < key_len)
        return error_set(err, "%s: invalid UTF-8 in the key '%.*s'", w->t->path, (int)key_len, key);
    else if (!vocab_intern(w->vocab, key, key_len, &key_id, err))
        return false;
    return strpool_intern(&w->t->names, ev->comm, ev->comm_len, &comm_id, err) &&
           fields_append(&w->t->fields, ev->name, ev->name_len, ev->text, ev->text_len, err) &&
           trace_append(w->t, key_id, ev->time, ev->cpu, ev->pid, ev->tid, comm_id, err);
}

bool event_writer_finish(EventWriter *w, Error *err)
{
    if (w->t->n_events == 0)
        return true;
    for (size_t p = 0; p < w->n_parts; p++)
        if (w->part[p] == KEY_FIELD && !w->field_seen[p])
            return error_set_code(err, ERROR_USAGE,
                                  "%s: --key %s: no event has a field '%.*s' (fields are named as in "
                                  "the trace, e.g. prev_state; parts also: event, comm, cpu, pid, tid)",
                                  w->t->path, w->spec, (int)w->field_len[p], w->field[p]);
    return true;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Length of the field name starting at s[i] and followed by '=', or 0. */
static size_t name_at(const char *s, size_t i, size_t len)
{
    size_t j = i;
    while (j < len && is_name_char(s[j]))
        j++;
    return j > i && j < len && s[j] == '=' && !(s[i] >= '0' && s[i] <= '9') ? j - i : 0;
}

size_t event_split_fields(const char *text, size_t len, TraceField *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t name_len = (i == 0 || text[i - 1] == ' ') ? name_at(text, i, len) : 0;
        if (name_len == 0 || n == cap) {
            i++;
            continue;
        }
        TraceField *f = &out[n++];
        f->name = text + i;
        f->name_len = name_len;
        f->value = text + i + name_len + 1;
        size_t j = i + name_len + 1;
        /* the value runs to the space before the next name= */
        while (j < len && !(text[j] == ' ' && name_at(text, j + 1, len)))
            j++;
        f->value_len = (size_t)(text + j - f->value);
        i = j;
    }
    /* a value ends before trailing spaces and a "==>" between fields */
    for (size_t k = 0; k < n; k++) {
        while (out[k].value_len && out[k].value[out[k].value_len - 1] == ' ')
            out[k].value_len--;
        if (out[k].value_len >= 4 && !memcmp(out[k].value + out[k].value_len - 4, " ==>", 4))
            out[k].value_len -= 4;
        while (out[k].value_len && out[k].value[out[k].value_len - 1] == ' ')
            out[k].value_len--;
    }
    return n;
}
